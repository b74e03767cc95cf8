"""Batch rescoring: grade many submissions in parallel into the results store, resumably.

Owns the plan (each submission's cache key: source, language, problem version, runner image, limits),
the parallel grading (``jobs`` containers at once; each grading's tests on a core of their own, claimed from
judge.sandbox.cores, the allocator every grading on the machine shares, so never more timed runs than cores), the
warm pool (the next containers are created and started while the current ones run; still one fresh
container per submission), and writing each finished submission to the store at once.

When the engine goes away mid-batch, the gradings in flight end as JE ("the Docker engine went away: ...") and
are stored (a JE is never reused, so the next run regrades it); the rest wait for the engine, at most
``engine_wait`` seconds, and are graded once it is back, or left ungraded with a JudgeFailure (exit 3).
"""

import functools
import hashlib
import json
import os
import stat
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from judge.batch.store import SetItem, Store
from judge.errors import JudgeFailure, JudgeInputError, PackageError
from judge.grading.grader import Grader, Graders, GradingOptions
from judge.grading.timelimit import ensure_time_limit
from judge.grading.validators import compile_validator
from judge.grading.warm import WarmSandboxes, engine_lost, warmable
from judge.inputs.languages import Language, Languages
from judge.inputs.problem import Problem, load_problem, problem_version
from judge.inputs.program import program_digest, program_for, program_language
from judge.inputs.settings import Settings
from judge.inputs.submissions import Batch, Submission
from judge.judging.limits import run_limits
from judge.judging.results import SubmissionResult, Verdict
from judge.sandbox.container import Sandbox, SandboxSpec
from judge.sandbox.engine import ENGINE_WAIT, Engine, EngineWatch
from judge.sandbox.images import image_id
from judge.sandbox.ownership import ENGINE_ERRORS, reason


@dataclass(frozen=True, slots=True)
class Context:
    """What the cache key holds for every job of one problem and language: one object, shared by those jobs."""

    problem_version: str
    image: str
    limits: str


@dataclass(frozen=True, slots=True)
class Job:
    sub: Submission
    problem: Problem
    language: Language
    digest: bytes  # the key's sha256, 32 bytes (the hex text is twice the memory of a 100,000-job plan's keys)
    source: bytes  # the source's sha256
    context: Context

    @property
    def key(self) -> str:
        """The grading's cache key (hex)."""
        return self.digest.hex()

    @property
    def source_hash(self) -> str:
        return self.source.hex()

    @property
    def set_item(self) -> SetItem:
        """This submission as an item of a result set."""
        return SetItem(self.sub.id, self.key, self.sub.team, self.sub.problem, self.sub.time, self.sub.expected)

    @property
    def parts(self) -> dict[str, str]:
        """What the grading's key is the hash of, by name (the store keeps each beside the result)."""
        return {
            "submission": self.sub.id,
            "problem": self.problem.id,
            "language": self.language.name,
            "source_hash": self.source_hash,
            "problem_version": self.context.problem_version,
            "image": self.context.image,
            "limits": self.context.limits,
        }


def _file_digest(path: Path) -> str | None:
    """program_digest of a plain file without an entry point (sha256 of its bytes) in one open and one read;
    None when ``path`` is no readable regular file (a folder, a missing file: program_digest decides)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(fd, max(info.st_size + 1, 65536)):  # + 1: a file that grew is read to its end
            digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def plan(
    batch: Batch,
    settings: Settings,
    languages: dict[str, Language],
    client: Engine | None,
    lang: str | None = None,
) -> tuple[list[Job], list[str]]:
    """Jobs for every submission that can be graded, and one line per submission left out.

    With a local engine (``client``) a grading's key holds the runner image's id; without one (a cluster,
    whose workers build their own images) it holds the hash of the runner's definition.
    """
    problems = {label: load_problem(ref, settings) for label, ref in batch.problems.items()}
    if client is not None:
        for problem in problems.values():  # a broken package stops the batch before anything is graded (exit 2)
            if problem.validator is not None:
                compile_validator(problem, settings, client)
        # a legacy package without a time limit gets it from its accepted submissions
        problems = {label: ensure_time_limit(p, settings, client, languages) for label, p in problems.items()}
    versions = {label: problem_version(p) for label, p in problems.items()}
    images: dict[str, str] = {}
    contexts: dict[tuple[str, str], Context] = {}  # one per problem and language, shared by its jobs
    registry = Languages.of(languages)
    jobs, skipped = [], list(batch.skipped)
    for sub in batch.submissions:
        asked = sub.language or lang
        source_hash = None if sub.entrypoint else _file_digest(sub.path)  # a plain file: no stat, one read
        try:  # a plain file's language is its extension's (remembered per extension); a folder's, its files'
            if source_hash is not None:
                language = registry.for_file(sub.path, asked)
            else:
                language = program_language(sub.path, registry, asked, sub.entrypoint)
        except JudgeInputError as exc:
            skipped.append(f"{sub.id}: {exc}")
            continue
        if language.name not in images and client is None:
            images[language.name] = f"runner:{language.definition_hash()}"
        elif language.name not in images:
            try:
                images[language.name] = image_id(client, language)
            except ENGINE_ERRORS as exc:
                raise JudgeFailure(f"cannot reach the Docker engine: {reason(exc, 200)}") from None
        if source_hash is None:
            try:
                source_hash = program_digest(sub.path, sub.entrypoint)
            except JudgeInputError as exc:
                skipped.append(f"{sub.id}: {exc}")
                continue
        problem = problems[sub.problem]
        context = contexts.get((sub.problem, language.name))
        if context is None:
            limits = run_limits(problem, language, settings)
            limits_text = json.dumps(
                {
                    "run": [limits.time, limits.wall, limits.memory, limits.output, problem.limits.code],
                    "compile": [settings.compile_time, settings.compile_memory, settings.compile_output],
                    "checker": sorted({repr(t.args) for t in problem.tests}),
                    "run_cmd": list(language.run),
                    "compile_cmd": list(language.compile or []),
                },
                sort_keys=True,
            )
            context = contexts[sub.problem, language.name] = Context(
                versions[sub.problem], images[language.name], limits_text
            )
        # The parts in the order of their names: image, language, limits, problem, problem_version, source_hash,
        # submission: the key a sorted-name hash of these parts gives, so stored keys stay valid.
        text = "\0".join(
            (context.image, language.name, context.limits, problem.id, context.problem_version, source_hash, sub.id)
        )
        digest = hashlib.sha256(text.encode()).digest()
        jobs.append(Job(sub, problem, language, digest, bytes.fromhex(source_hash), context))
    return jobs, skipped


def _unreadable(job: Job, message: str) -> SubmissionResult:
    return SubmissionResult.failed(
        str(job.sub.path), job.problem, job.language, Verdict.CE, message, compile_output=f"[judge] {message}"
    )


class LocalExecutor:
    """Grades jobs ``jobs`` at a time on the local engine with a warm pool, reporting each result as it
    finishes: an Executor, as judge.batch.dask.DaskExecutor is on Dask workers."""

    def __init__(
        self,
        settings: Settings,
        client: Engine,
        jobs: int,
        engine_wait: float = ENGINE_WAIT,
        lazy: Callable[[Job], bool] | None = None,
    ) -> None:
        self.settings = settings
        self.lazy = lazy  # which jobs stop at their first failing test (GradingOptions.lazy); none by default
        self.client = client
        self.jobs = max(1, jobs)
        self.stopping = threading.Event()
        self.graders = Graders(settings, client)
        self.engine = EngineWatch(client, engine_wait)
        # at most ``jobs`` containers started ahead of their turn, on two threads
        self.warm = WarmSandboxes(client, self.engine, ahead=self.jobs, threads=2)

    def _grader(self, job: Job) -> Grader:
        return self.graders.get(job.problem, job.language)

    def _spec(self, job: Job) -> SandboxSpec | None:
        """The job's container, for the warm pool (none for an interactive problem, or once stopping)."""
        if self.stopping.is_set() or not warmable(job.problem):
            return None
        spec = self._grader(job).sandbox_spec()
        return replace(spec, labels={**spec.labels, "judge.submission": job.sub.id[:200]})

    def _work(self, job: Job, prepared: "Future[Sandbox | None]") -> SubmissionResult | None:
        """The job's result, or None when it was not graded: the engine went away and did not come back in time."""
        warm = None
        try:
            if not self.engine.ready(self.stopping):
                self.warm.discard(prepared)
                return None
            if self.stopping.is_set():
                self.warm.discard(prepared)
                raise JudgeFailure("interrupted")
            warm = self.warm.take(prepared)  # None: started before the engine went away, or no longer running
            program = program_for(job.sub.path, job.language, job.sub.entrypoint)
            lazy = self.lazy is not None and self.lazy(job)
            result = self._grader(job).grade(program, GradingOptions(sandbox=warm, lazy=lazy))
            return engine_lost(result) if result.verdict == Verdict.JE and self.engine.gone() else result
        except PackageError:
            raise  # the package's, not the submission's: the batch stops (exit 2)
        except JudgeInputError as exc:
            return _unreadable(job, str(exc))
        finally:
            if warm is not None:
                self.warm.done(warm)

    def run(self, todo: list[Job], on_result: Callable[[Job, SubmissionResult], None]) -> None:
        graders = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="judge-grade")
        # Jobs are handed to the pools a window at a time, and each result is dropped once reported: a batch of
        # any size holds about 4 x jobs results, not all of them.
        queue = iter(todo)
        pending: dict[Future[SubmissionResult | None], Job] = {}

        def submit_next() -> None:
            job = next(queue, None)
            if job is not None:
                prepared = self.warm.start_ahead(functools.partial(self._spec, job))
                pending[graders.submit(self._work, job, prepared)] = job

        try:
            for _ in range(4 * self.jobs):
                submit_next()
            not_graded = judge_errors = 0
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = pending.pop(future)
                    result = future.result()
                    if result is None:
                        not_graded += 1
                    else:
                        judge_errors += result.verdict == Verdict.JE
                        on_result(job, result)
                    del result
                    submit_next()
            if not_graded:
                raise JudgeFailure(
                    self.engine.gave_up_message(
                        f"{not_graded} submission(s) not graded, {judge_errors} ended in a judge error"
                    )
                )
        finally:
            self.stopping.set()
            self.warm.close()  # running tests end at once; their results are not stored
            graders.shutdown(wait=True, cancel_futures=True)
            self.warm.close()


class Executor(Protocol):
    """Grades jobs and reports each result as it finishes: LocalExecutor, or judge.batch.dask.DaskExecutor."""

    def run(self, todo: list[Job], on_result: Callable[[Job, SubmissionResult], None]) -> None: ...


def rescore(
    jobs: list[Job],
    store: Store,
    set_id: int,
    executor: Executor,
    *,
    force: bool,
    on_done: Callable[[Job, str, bool], None],
) -> None:
    """Fill result set ``set_id``: skip what it has, reuse cached gradings, grade the rest.

    Reused gradings are added to the set in one transaction; each graded submission is committed (its grading
    and its item together) the moment it finishes, and its result is not kept."""
    done = store.done_verdicts(set_id)
    todo, reused = [], []
    for job in jobs:
        verdict = done.get(job.sub.id)
        if verdict is not None:
            on_done(job, store.verdict(job.key) or "?", True)
            continue
        verdict = None if force else store.verdict(job.key)
        if verdict is not None and verdict != "JE":
            reused.append(job)
            on_done(job, verdict, True)
        else:
            todo.append(job)
    del done
    if reused:
        store.add_items(set_id, (job.set_item for job in reused))
        del reused

    def save(job: Job, result: SubmissionResult) -> None:
        result.submission = job.sub.id
        with store.transaction():
            store.save_grading(job.key, job.parts, result.to_dict())
            store.add_item(set_id, job.set_item)
        on_done(job, str(result.verdict), False)

    executor.run(todo, save)


def spec_of(source: str, jobs: list[Job]) -> dict[str, Any]:
    """What identifies a rescoring run for resuming: its input and what each submission's grading depends on."""
    digest = hashlib.sha256()
    for n, job in enumerate(jobs):  # the hash of "\n".join(id \0 key), without building that text
        digest.update(f"{job.sub.id}\0{job.key}".encode() if n == 0 else f"\n{job.sub.id}\0{job.key}".encode())
    return {"source": source, "jobs": digest.hexdigest(), "count": len(jobs)}
