"""The native API of ``judge serve``: grade a submission (one file, or several as a folder program) against a
problem of the server's problems folder, and answer the document ``judge submit --format json`` prints.

A grading request is checked whole when it arrives (names, encodings, sizes, problem, language, entry point), so a
queued grading only fails for judge reasons; it travels through the queue store as JSON like every other kind.
"""

import base64
import binascii
import dataclasses
import re
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from judge.errors import JudgeInputError
from judge.grading.grader import Graders, GradingOptions
from judge.grading.warm import WarmBySpec, engine_lost, warmable
from judge.inputs.languages import Language
from judge.inputs.problem import Problem, list_problems, load_problem
from judge.inputs.program import SAFE_NAME, Program, read_program
from judge.inputs.settings import Settings
from judge.judging.results import CompileResult, SubmissionResult, TestResult, Verdict
from judge.sandbox.container import Sandbox
from judge.sandbox.engine import Engine, EngineWatch

PROBLEM_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
MAX_FILES = 100


class NativeError(Exception):
    """A client error of the native API: its HTTP status and message (the body is ``{"error": message}``)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def error(message: str) -> dict[str, str]:
    return {"error": message}


@dataclass(frozen=True)
class GradingRequest:
    problem: str  # an id under the server's problems folder
    language: str  # a runner name
    files: dict[str, bytes]  # relative POSIX name -> content
    entrypoint: str  # "" when the language's rule finds it
    submission: str  # the name the report shows (the client's path)
    lazy: bool = False  # stop at the first failing test

    def to_json(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "language": self.language,
            "files": [[name, base64.b64encode(data).decode("ascii")] for name, data in self.files.items()],
            "entrypoint": self.entrypoint,
            "submission": self.submission,
            "lazy": self.lazy,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "GradingRequest":
        files = {name: base64.b64decode(content) for name, content in data["files"]}
        return cls(
            data["problem"], data["language"], files, data["entrypoint"], data["submission"], data.get("lazy", False)
        )


class Catalogue:
    """The server's problems (loaded once each, with their time limit worked out) and languages."""

    def __init__(
        self,
        settings: Settings,
        languages: dict[str, Language],
        versions: dict[str, str],
        prepare: Callable[[Problem], Problem],
    ) -> None:
        self.settings, self.languages, self.versions, self.prepare = settings, languages, versions, prepare
        self._problems: dict[str, Problem] = {}
        self._lock = threading.Lock()

    def problem(self, problem_id: str) -> Problem:
        """Problem ``problem_id`` of the problems folder (never a path); NativeError 404 when there is none."""
        if not PROBLEM_ID.match(problem_id) or not (self.settings.problems_dir / problem_id).is_dir():
            raise NativeError(404, f"no problem {problem_id!r}")
        with self._lock:
            if problem_id not in self._problems:
                try:
                    loaded = load_problem(str(self.settings.problems_dir / problem_id), self.settings)
                except JudgeInputError as exc:
                    raise NativeError(422, f"problem {problem_id!r} cannot be graded: {exc}") from None
                self._problems[problem_id] = self.prepare(loaded)
            return self._problems[problem_id]

    def problems(self) -> list[dict[str, Any]]:
        return [describe_problem(p) for p in list_problems(self.settings) if isinstance(p, Problem)]

    def language_list(self) -> list[dict[str, Any]]:
        return [
            {
                "name": language.name,
                "display": language.display or language.name,
                "aliases": list(language.aliases),
                "extensions": list(language.extensions),
                "version": self.versions.get(name, ""),
            }
            for name, language in sorted(self.languages.items())
        ]


def describe_problem(problem: Problem) -> dict[str, Any]:
    limits = problem.limits
    return {
        "id": problem.id,
        "name": problem.name,
        "kind": problem.kind,
        "limits": {
            "time": limits.time or None,
            "time_source": limits.time_source,
            "memory": limits.memory,
            "output": limits.output,
            "code": limits.code,
        },
        "tests": len(problem.tests),
        "samples": sum(t.sample for t in problem.tests),
    }


def parse_grading(body: dict[str, Any], catalogue: Catalogue, max_source: int) -> GradingRequest:
    """The grading a ``POST /v1/submissions`` body asks for, checked whole (NativeError otherwise)."""
    problem_id = body.get("problem")
    if not isinstance(problem_id, str) or not problem_id:
        raise NativeError(422, "problem: a problem id is required")
    catalogue.problem(problem_id)
    files = _files(body.get("files"), max_source)
    language = _optional_text(body, "language")
    entrypoint = _optional_text(body, "entrypoint")
    submission = _optional_text(body, "submission") or (next(iter(files)) if len(files) == 1 else "submission")
    if language and language not in catalogue.languages:
        raise NativeError(422, f"language: unknown language {language!r}")
    with tempfile.TemporaryDirectory(prefix="judge-serve-") as folder:
        program = _program(Path(folder), files, submission, catalogue.languages, language, entrypoint)
    lazy = body.get("lazy", False)
    if not isinstance(lazy, bool):
        raise NativeError(422, "lazy: must be true or false")
    return GradingRequest(problem_id, program.language, files, entrypoint, submission, lazy)


def _optional_text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise NativeError(422, f"{key}: must be a string")
    return value


def _files(value: Any, max_source: int) -> dict[str, bytes]:
    if not isinstance(value, list) or not value:
        raise NativeError(422, "files: a list of {name, content, encoding?} is required")
    if len(value) > MAX_FILES:
        raise NativeError(422, f"files: at most {MAX_FILES} files")
    files: dict[str, bytes] = {}
    for item in value:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("content"), str)
        ):
            raise NativeError(422, "files: each file needs a name and a content (strings)")
        name = item["name"]
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or any(not SAFE_NAME.match(p) for p in parts):
            raise NativeError(422, f"files: file name {name!r} is not allowed (letters, digits, _ . + - and /)")
        if name in files:
            raise NativeError(422, f"files: {name!r} is given twice")
        files[name] = _decode(item["content"], item.get("encoding", "utf8"), name)
        if sum(len(data) for data in files.values()) > max_source:
            raise NativeError(413, f"files: the source is larger than {max_source} bytes")
    return files


def _decode(content: str, encoding: Any, name: str) -> bytes:
    try:
        if encoding in ("utf8", "utf-8", None):
            return content.encode("utf-8")
        if encoding == "base64":
            return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise NativeError(422, f"files: {name!r} is not valid {encoding}") from None
    raise NativeError(422, f"files: {name!r}: encoding must be utf8 or base64")


def _program(
    folder: Path,
    files: dict[str, bytes],
    submission: str,
    languages: dict[str, Language],
    language: str,
    entrypoint: str,
) -> Program:
    """The files as ``judge submit`` would read them: one file as that file, several as a folder program."""
    if len(files) == 1 and "/" not in next(iter(files)):
        name, data = next(iter(files.items()))
        path = folder / name
        path.write_bytes(data)
    else:
        stem = PurePosixPath(submission).stem
        path = folder / (stem if PROBLEM_ID.match(stem) else "submission")
        for name, data in files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
    try:
        return read_program(path, languages, language or None, entrypoint or None)
    except JudgeInputError as exc:
        raise NativeError(422, str(exc).replace(str(folder) + "/", "")) from None


def program_of(request: GradingRequest, languages: dict[str, Language]) -> Program:
    """A queued grading's program, read as ``judge submit`` reads it (its files held in memory)."""
    with tempfile.TemporaryDirectory(prefix="judge-serve-") as folder:
        return _program(Path(folder), request.files, request.submission, languages, request.language,
                        request.entrypoint)  # fmt: skip


class NativeGrader:
    """Runs a queued grading: the Grader ``judge submit`` uses, each test's result told to ``on_test``, in a
    container of the warm pool (``warm``, shared with the Judge0 and Piston executions: judge.grading.warm's
    policy, interactive problems excluded) when one is ready."""

    def __init__(
        self,
        catalogue: Catalogue,
        settings: Settings,
        client: Engine,
        warm: WarmBySpec | None = None,
        engine: EngineWatch | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.graders = Graders(settings, client)
        self.warm = warm
        self.engine = engine or (warm.pool.engine if warm is not None else EngineWatch(client))
        self._removals = ThreadPoolExecutor(max_workers=2, thread_name_prefix="judge-remove")

    def _remove(self, sandbox: Sandbox) -> None:
        """Remove a grading's container (used for that grading only) in the background: the answer does not wait
        for the engine. A container of the warm pool leaves it (``done``); the pool's ``close`` removes any left."""
        self._removals.submit(self.warm.done if self.warm is not None else Sandbox.close, sandbox)

    def __call__(self, data: dict[str, Any], on_test: Callable[[TestResult], None]) -> SubmissionResult:
        request = GradingRequest.from_json(data)
        problem = self.catalogue.problem(request.problem)
        language = self.catalogue.languages[request.language]
        grader = self.graders.get(problem, language)
        if self.engine.down:  # found gone after a judge error: wait for it (the pool starts none meanwhile)
            self.engine.ready()
        sandbox = self.warm.take(grader.sandbox_spec()) if self.warm is not None and warmable(problem) else None
        try:
            program = program_of(request, self.catalogue.languages)
        except BaseException:
            if sandbox is not None:
                self._remove(sandbox)
            raise
        options = GradingOptions(lazy=request.lazy, on_test=on_test, sandbox=sandbox, remove=self._remove)
        result = grader.grade(program, options)
        if result.verdict == Verdict.JE and self.engine.gone():
            result = engine_lost(result)  # the pool's containers started before are not used
        result.submission = request.submission
        return result


def failed_document(data: dict[str, Any], message: str) -> dict[str, Any]:
    """The document of a grading the judge could not run at all (a JE naming why)."""
    result = SubmissionResult(
        submission=data.get("submission", ""),
        problem=data.get("problem", ""),
        problem_name=data.get("problem", ""),
        language=data.get("language", ""),
        verdict=Verdict.JE,
        compile=CompileResult(ok=False),
        message=message,
    )
    return result.to_dict()


EVENT_KEYS = ("name", "group", "verdict", "time", "wall", "memory", "message")


def test_event(test: dict[str, Any], index: int, total: int) -> dict[str, Any]:
    """One finished test (a test of the document) as an SSE ``test`` event's data."""
    return {"index": index, "total": total, **{key: test.get(key) for key in EVENT_KEYS}}


def live_test(test: TestResult) -> dict[str, Any]:
    """A test's result as the document holds it (the keys an event shows)."""
    data = dataclasses.asdict(test)
    data["verdict"] = str(test.verdict)
    return data
