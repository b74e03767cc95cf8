"""Output validators and testlib checkers: compiled once per problem, cached, run in a sandbox of their own.

A package's validator is compiled by the runner of its language in a container of its own, packed and
cached under the judge cache by a hash of its files, interface, runner and image. Each graded submission
gets one fresh validator container (never the submission's: answers and validators stay out of that one),
where every test's input, answer and output are placed and the validator runs under the problem's
validation limits. Knows the interfaces' calling conventions; what exit codes mean is in ``checkers``.
"""

import hashlib
import threading
from dataclasses import dataclass
from types import TracebackType

from judge.cache import Cache
from judge.errors import PackageError
from judge.excerpts import first_line
from judge.inputs.languages import Language, language_for, load_languages
from judge.inputs.problem import OutputValidator, Problem
from judge.inputs.settings import Settings
from judge.inputs.testdata import TestCase
from judge.judging.validation import FEEDBACK_DIR, ValidationResult, ValidatorRun, kattis_outcome, testlib_outcome
from judge.judging.verdicts import signal_name
from judge.sandbox.container import ProcessResult, RunSpec, Sandbox, SandboxSpec
from judge.sandbox.engine import Engine
from judge.sandbox.images import image_id
from judge.sandbox.protocol import Fifos
from judge.sandbox.specs import language_spec
from judge.units import MIB

VALIDATOR_RESERVE = 64 * MIB
INPUT = "input"  # the interface of an input validator built as a program (judge.grading.datarun)
_memo: dict[str, "CompiledValidator"] = {}
_memo_lock = threading.Lock()


@dataclass(frozen=True)
class CompiledValidator:
    validator: OutputValidator
    language: Language
    packed_box: bytes  # tar of the compiled validator's folder
    command: tuple[str, ...]  # how to run it, inside /box
    key: str  # the content hash it is cached under


def _key(validator: OutputValidator, language: Language, image_id: str) -> str:
    h = hashlib.sha256()
    parts = (validator.interface, validator.main.name, str(validator.build_run), language.name)
    for part in (*parts, language.definition_hash(), image_id):
        h.update(part.encode() + b"\0")
    for path in validator.files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:32]


Mounts = tuple[tuple[str, str, bool], ...]


def validator_spec(problem: Problem, language: Language, settings: Settings, mounts: Mounts = ()) -> SandboxSpec:
    """A sandbox for the validator: the validation memory plus room for a test's input, answer and output."""
    files = 2 * problem.max_input + max((t.answer.stat().st_size for t in problem.tests), default=0)
    files += problem.limits.output + 4 * MIB
    private = files + 2 * problem.limits.output + 4 * MIB
    box = settings.box_size + files
    memory = problem.limits.validation_memory + private + box + VALIDATOR_RESERVE
    spec = language_spec(
        language,
        settings,
        memory=memory,
        compile_memory=max(memory, settings.compile_memory),
        private=private,
        labels={"judge.problem": problem.id, "judge.role": "validator"},
    )
    return SandboxSpec(**{**spec.__dict__, "box_size": box, "mounts": tuple(mounts)})


def compile_validator(problem: Problem, settings: Settings, client: Engine) -> CompiledValidator:
    """The problem's validator, compiled: from memory, from the cache folder, or compiled now."""
    assert problem.validator is not None
    return compile_program(problem.validator, problem, settings, client)


def compile_program(
    validator: OutputValidator, problem: Problem, settings: Settings, client: Engine
) -> CompiledValidator:
    """One of the package's programs (its output validator, an input validator) compiled once, as the validator is:
    from memory, from the cache folder, or compiled now (PackageError if it does not compile)."""
    language = _language(validator, load_languages(settings))
    key = _key(validator, language, image_id(client, language))
    run = language.program_run if validator.build_run else language.run
    command = tuple(language.command(run or (), validator.main.name, problem.limits.validation_memory))
    with _memo_lock:
        if key in _memo:
            return _memo[key]
    # compiled once across threads and processes (judge.cache: a file lock, a manifest, rebuilt if damaged)
    packed_box = Cache(settings.cache_dir / "validators").read(
        key, "box.tar", lambda: _compile(problem, validator, language, settings, client)
    )
    with _memo_lock:
        return _memo.setdefault(key, CompiledValidator(validator, language, packed_box, command, key))


def _language(validator: OutputValidator, languages: dict[str, Language]) -> Language:
    """The validator's language; a build/run folder goes to the runner that builds such programs."""
    if not validator.build_run:
        return language_for(validator.main, languages)
    for language in languages.values():
        if language.program_build and language.program_run:
            return language
    raise PackageError(f"{validator.folder}: build/run programs need a runner with program_build and program_run")


def _compile(
    problem: Problem, validator: OutputValidator, language: Language, settings: Settings, client: Engine
) -> bytes:
    spec = validator_spec(problem, language, settings)
    with Sandbox(client, spec) as box:
        for path in validator.files:
            box.put_file(path.name, path.read_bytes())
        build = language.program_build if validator.build_run else language.compile
        if build:
            cmd = language.command(build, validator.main.name, problem.limits.validation_memory)
            r = box.compile(cmd, wall=settings.compile_time, output_limit=settings.compile_output, env=language.env)
            if r.spawn_error or r.killed_by or r.signal is not None or r.exit_code:
                output = r.stdout.decode("utf-8", "replace")
                errors = "\n".join(x for x in output.splitlines() if "error" in x.lower())
                why = first_line(errors or output, 200) or r.spawn_error or "?"
                if r.killed_by:
                    why = f"compilation took longer than {settings.compile_time:g} s"
                what = "input validator" if validator.interface == INPUT else f"{validator.interface} validator"
                raise PackageError(f"{validator.main}: the problem's {what} does not compile: {why}")
        return box.pack()


class ValidatorSession:
    """One validator container for one submission's tests; a context manager, removed on exit."""

    def __init__(
        self,
        compiled: CompiledValidator,
        problem: Problem,
        settings: Settings,
        client: Engine,
        mounts: Mounts = (),
        fifos: tuple[str, ...] = (),
    ) -> None:
        self.fifos = fifos  # made once the container runs: an interaction's pipes
        self.compiled = compiled
        self.problem = problem
        self.settings = settings
        self.box = Sandbox(client, validator_spec(problem, compiled.language, settings, mounts))
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None

    def __enter__(self) -> "ValidatorSession":
        self.start()
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.close()

    def start_soon(self) -> None:
        """Start the container in the background (while the submission compiles); ``start`` waits for it."""

        def run() -> None:
            try:
                self._start_now()
            except BaseException as exc:  # handed to whoever calls start()
                self._start_error = exc

        self._starting = threading.Thread(target=run, name="judge-validator-start", daemon=True)
        self._starting.start()

    def start(self) -> "ValidatorSession":
        if self._starting is not None:
            self._starting.join()
            self._starting = None
            if self._start_error is not None:
                raise self._start_error
        return self._start_now()

    def _start_now(self) -> "ValidatorSession":
        if self.box.channel is None:
            self.box.start()
            self.box.unpack(self.compiled.packed_box)
            if self.fifos:
                self.box.mkfifo(self.fifos)
        return self

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
        self.box.close()

    @property
    def time(self) -> float:
        return self.problem.limits.validation_time

    def place(self, test: TestCase, pass_input: bytes | None = None) -> None:
        """The test's input (a multi-pass test's later passes: that pass's, ``pass_input``) and its answer, in the
        validator's box."""
        self.box.put_file("judge.in", test.input.read_bytes() if pass_input is None else pass_input)
        if pass_input is None:  # later passes keep the answer placed for the first
            self.box.put_file("judge.ans", test.answer.read_bytes())

    def command(self, test: TestCase) -> list[str]:
        if self.compiled.validator.interface == "testlib":
            return [*self.compiled.command, "/box/judge.in", "/box/team.out", "/box/judge.ans"]
        return [*self.compiled.command, "/box/judge.in", "/box/judge.ans", FEEDBACK_DIR, *test.args]

    def send(
        self,
        test: TestCase,
        stdin: bytes = b"",
        wall: float | None = None,
        fifos: Fifos | None = None,
        nextpass: int = 0,
        *,
        first_pass: bool = True,
    ) -> None:
        """Start the validator on one test (one pass of it: ``nextpass`` bytes of nextpass.in come back)."""
        run = RunSpec(
            time=self.time,
            wall=wall or self.settings.wall_limit(self.time),
            memory=self.problem.limits.validation_memory,
            output_limit=self.problem.limits.output,
            env=self.compiled.language.env,
        )
        self.box.send_run(
            self.command(test), run, stdin, feedback=True, fifos=fifos, nextpass=nextpass, first_pass=first_pass
        )

    def validation(self, r: ProcessResult) -> ValidationResult:
        """What the validator's run ``r`` says of the submission (its failure a judge error)."""
        if r.spawn_error:
            return ValidationResult(False, f"could not start the validator: {r.spawn_error}", judge_error=True)
        run = ValidatorRun(
            exit_code=r.exit_code,
            signal=signal_name(r.signal) if r.signal is not None else None,
            killed_by=r.killed_by,
            stdout=r.stdout,
            stderr=r.stderr,
            feedback=r.feedback,
        )
        return testlib_outcome(run) if self.compiled.validator.interface == "testlib" else kattis_outcome(run)

    def check(self, test: TestCase, output: bytes) -> ValidationResult:
        """Run the validator on one test's output."""
        return self.validate(test, output)[0]

    def validate(
        self, test: TestCase, output: bytes, pass_input: bytes | None = None, nextpass: int = 0
    ) -> tuple[ValidationResult, ProcessResult]:
        """Run the validator on one test's output (a multi-pass test's pass: that pass's input, and up to
        ``nextpass`` bytes of its nextpass.in back); its result and what the run did."""
        self.start()
        self.place(test, pass_input)
        first = pass_input is None
        if self.compiled.validator.interface == "testlib":
            self.box.put_file("team.out", output)
            self.send(test)
        else:
            self.send(test, output, nextpass=nextpass, first_pass=first)
        r = self.box.result(f"validating {test.name}")
        return self.validation(r), r
