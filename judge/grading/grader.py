"""Grader: grades submissions to one problem in one language, start to finish.

Orchestrates the rest: sizes the sandbox from the problem's limits and the language, compiles once, runs
every test in the same container, turns each measurement into a verdict (judge.judging.verdicts) and asks
the validator about the output. Answers stay on this side of the container wall.
"""

import contextlib
import functools
import io
import signal
import tarfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from judge.errors import JudgeFailure, JudgeInputError
from judge.excerpts import error_excerpt
from judge.grading.interactive import FIFOS, PIPES, InteractiveRun, SubmissionSide, interact
from judge.grading.limits import run_spec, sandbox_spec, with_overshoot
from judge.grading.validators import CompiledValidator, ValidatorSession, compile_validator
from judge.inputs.languages import Language
from judge.inputs.problem import Problem, TestCase
from judge.inputs.program import Program, included_files, program_for, with_included
from judge.inputs.settings import Settings
from judge.judging.limits import run_limits
from judge.judging.results import CompileResult, SubmissionResult, TestResult, Verdict
from judge.judging.scoring import group_results, problem_score, problem_verdict, skip_test
from judge.judging.validation import ValidationResult, ValidatorFlags, default_validator, next_pass
from judge.judging.verdicts import (
    Judged,
    Measurement,
    interactive_verdict,
    measured_verdict,
    overall_verdict,
    signal_name,
    validator_ended_first,
)
from judge.sandbox.container import ProcessResult, RunSpec, Sandbox, SandboxSpec, pipes_volume
from judge.sandbox.cores import claimed_core
from judge.sandbox.engine import Engine
from judge.units import MIB

EXCERPT = 2048  # bytes of input / expected / actual output kept for a failing sample test
Mounts = tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class GradingOptions:
    """How to grade one submission, beyond its problem, language and judge.yaml."""

    lazy: bool = False  # stop at the first failing test
    transcripts: Path | None = None  # keep each interaction in this folder
    cpuset: str | None = None  # pin the tests to these CPUs (None: a core claimed from judge.sandbox.cores)
    pin: bool = True  # claim a core of its own for the tests when no cpuset is given
    sandbox: Sandbox | None = None  # a warm container (from Grader.sandbox_spec): used for this submission, closed
    # removes the submission's container once graded (None: closed before ``grade`` returns; judge serve hands it to
    # a thread, so its answer does not wait for the engine's removal)
    remove: Callable[[Sandbox], None] | None = None
    on_test: Callable[[TestResult], None] | None = None  # told each test's result as it is known


class Grader:
    """Grades submissions to ``problem`` in ``language``: limits and the compiled validator are worked out
    once; ``grade`` may be called from several threads at once."""

    def __init__(self, problem: Problem, language: Language, settings: Settings, client: Engine) -> None:
        self.problem = problem
        self.language = language
        self.settings = settings
        self.client = client
        limits = run_limits(problem, language, settings)
        self.hard_time = settings.timing.hard_limit(limits.time)  # a TLE runs on to here to be measured
        self.limits = with_overshoot(limits, self.hard_time)
        self._validator: CompiledValidator | None = None
        self._lock = threading.Lock()

    def sandbox_spec(self, mounts: Mounts = ()) -> SandboxSpec:
        """The container a submission runs in (a warm pool starts these ahead of time)."""
        return sandbox_spec(self.problem, self.language, self.settings, self.limits, mounts)

    def compiled_validator(self) -> CompiledValidator | None:
        if self.problem.validator is None:
            return None
        with self._lock:
            if self._validator is None:
                self._validator = compile_validator(self.problem, self.settings, self.client)
            return self._validator

    def grade(self, source: Path | Program, options: GradingOptions | None = None) -> SubmissionResult:
        """Grade ``source`` (a file, a folder, or a program read with its entry point). Bad input raises
        JudgeInputError; a judge failure becomes a JE result."""
        options = options or GradingOptions()
        started = time.monotonic()
        with contextlib.ExitStack() as stack:
            if options.sandbox is not None:
                stack.callback(options.remove or Sandbox.close, options.sandbox)
            program = source if isinstance(source, Program) else program_for(source, self.language)
            source = program.path
            if program.code_size > self.problem.limits.code:  # every file counts (spec: the code limit)
                message = (
                    f"[judge] the source is {program.code_size / 1024:.1f} KiB, over the code limit of "
                    f"{self.problem.limits.code / 1024:g} KiB"
                )
                return self._new_result(source, Verdict.CE, "source over the code size limit", message)
            # spec 2025-09 "Included Files": the package's include/ files join after the code limit is checked
            program = with_included(program, included_files(self.problem.path, self.language.name), self.language)
            result = self._new_result(source, Verdict.JE, "")
            grading = _Grading(self, options, result, stack)
            failed = False
            try:
                grading.run(program)
            except JudgeFailure as exc:
                grading.judge_failed(exc)
                failed = True
        result.groups = group_results(self.problem, result.tests)
        if not failed:
            # a legacy scoring problem's own grader decides (accept_if_any_accepted: a partial solution is AC)
            _conclude(result, problem_verdict(self.problem, result.groups))
        scored = problem_score(self.problem, result.groups)
        if scored is not None:
            result.problem_score, result.problem_max = scored.score, scored.maximum
        result.wall = round(time.monotonic() - started, 4)
        return result

    def _new_result(self, source: Path, verdict: Verdict, message: str, compile_output: str = "") -> SubmissionResult:
        result = SubmissionResult.failed(
            str(source), self.problem, self.language, verdict, message, compile_output=compile_output
        )
        result.limits = {
            "time": self.limits.time,
            "time_source": self.problem.limits.time_source,
            "hard_time": round(self.hard_time, 4),
            "wall": self.limits.wall,
            "memory": self.limits.memory,
            "output": self.limits.output,
            "code": self.problem.limits.code,
        }
        result.image = self.language.image
        return result


def _conclude(result: SubmissionResult, decided: Verdict | None = None) -> None:
    """The overall verdict of a grading that did not fail (the first failing test's, unless the package's grader
    ``decided`` it), and the message that names the first test with that verdict."""
    result.verdict = overall_verdict(result.tests, compiled=result.compile.ok)
    if decided is not None and result.verdict not in (Verdict.CE, Verdict.JE):
        result.verdict = decided
    result.message = ""
    if result.verdict == Verdict.CE:
        result.message = "compilation failed"
    elif result.verdict != Verdict.AC:
        first = next(t for t in result.tests if t.verdict == result.verdict)
        result.message = f"{first.name}: {first.message}" if first.message else first.name


class Graders:
    """One Grader per (problem, language) of a run, made on first use and shared by its threads (so each
    problem's limits and compiled validator are worked out once): `judge submit`'s and `judge rescore`'s."""

    def __init__(self, settings: Settings, client: Engine) -> None:
        self.settings, self.client = settings, client
        self._graders: dict[tuple[int, str], Grader] = {}
        self._lock = threading.Lock()

    def get(self, problem: Problem, language: Language) -> Grader:
        with self._lock:
            key = (id(problem), language.name)
            if key not in self._graders:
                self._graders[key] = Grader(problem, language, self.settings, self.client)
            return self._graders[key]


class _Grading:
    """One submission's grading: its containers (closed by ``stack``), its result so far, and the steps
    (start the containers, compile, run the tests, judge each one)."""

    def __init__(
        self, grader: Grader, options: GradingOptions, result: SubmissionResult, stack: contextlib.ExitStack
    ) -> None:
        self.grader = grader
        self.problem = grader.problem
        self.language = grader.language
        self.options = options
        self.result = result
        self.stack = stack
        self.validator: ValidatorSession | None = None
        self._packed_box: bytes | None = None  # the compiled box as a tar, to put back after a test's .files
        self.box_used = 0  # bytes the box holds after compiling

    def run(self, program: Program) -> None:
        box, spec = self._start()
        if len(program.files) == 1 and not program.nested:
            box.put_file(program.main, program.files[program.main])
        else:  # a folder: every file, 0644 (nothing a submission brings is ever executable)
            box.unpack(program.tar())
        self.result.compile = self._compile(box, program)
        if not self.result.compile.ok:
            return
        cpuset = self.options.cpuset
        if cpuset is None and self.options.pin:  # the tests get a core of their own (judge.sandbox.cores)
            cpuset = self.stack.enter_context(claimed_core(self.grader.settings))
        # What the compile left in the box (a tmpfs: the container's memory) is room the tests' limit must not lose.
        memory = spec.memory + self.box_used
        if spec.compile_memory != memory or cpuset:
            box.set_limits(memory, cpuset)
        # {memory_mb} is the problem's limit: the language's memory_extra is room for the runtime itself
        run_cmd = self.language.command(
            self.language.run, program.main, self.problem.limits.memory, program.sources, program.entrypoint
        )
        one_by_one = self.problem.interactive or self.problem.multipass
        if one_by_one or any(t.run_args or t.files for t in self.problem.tests):
            self._run_each(box, spec, run_cmd)
        else:
            self._run_tests(box, spec, run_cmd)

    def judge_failed(self, exc: JudgeFailure) -> None:
        """A JE result: the test that was running when the judge failed is a JE of its own."""
        result = self.result
        result.verdict, result.message = Verdict.JE, str(exc)
        done = len(result.tests) + len(result.skipped)
        if result.compile.ok and done < len(self.problem.tests):
            test = self.problem.tests[done]
            result.tests.append(TestResult(test.name, test.group, Verdict.JE, message=str(exc), sample=test.sample))

    def _start(self) -> tuple[Sandbox, SandboxSpec]:
        """The submission's container (the warm one unless the problem is interactive) and the validator's."""
        mounts: Mounts = ()
        validator_mounts: Mounts = ()
        warm = self.options.sandbox
        if self.problem.interactive:
            volume = self.stack.enter_context(pipes_volume(self.grader.client))
            mounts, validator_mounts = ((volume, PIPES, True),), ((volume, PIPES, False),)
            if warm is not None:
                warm.close()  # a warm container has no pipes: start one that has
                warm = None
        spec = self.grader.sandbox_spec(mounts)
        compiled = self.grader.compiled_validator()
        if compiled is not None:
            fifos = FIFOS if self.problem.interactive else ()
            settings, client = self.grader.settings, self.grader.client
            self.validator = ValidatorSession(compiled, self.problem, settings, client, validator_mounts, fifos)
            self.stack.callback(self.validator.close)
            self.validator.start_soon()
        box = warm or Sandbox(self.grader.client, spec)
        if warm is None:  # a warm one is removed as ``grade`` arranged; one with pipes before their volume
            remove = Sandbox.close if mounts else (self.options.remove or Sandbox.close)
            self.stack.callback(remove, box)
        box.start()
        self.result.image = f"{self.language.image}@{box.image_id}"  # the exact image, for the record
        return box, spec

    def _compile(self, box: Sandbox, program: Program) -> CompileResult:
        language, settings = self.language, self.grader.settings
        if not language.compile:
            return CompileResult(ok=True)
        memory = self.grader.limits.memory - language.memory_extra
        cmd = language.command(language.compile, program.main, memory, program.sources, program.entrypoint)
        r = box.compile(cmd, wall=settings.compile_time, output_limit=settings.compile_output, env=language.env)
        self.box_used = r.box_used
        output = r.stdout.decode("utf-8", errors="replace")
        if r.spawn_error:
            raise JudgeFailure(f"could not start the compiler {cmd[0]!r}: {r.spawn_error}")
        problem = ""
        if r.killed_by:
            problem = f"compilation took longer than {settings.compile_time:g} s"
        elif r.oom:
            problem = f"the compiler ran out of memory ({settings.compile_memory // MIB} MiB)"
        elif r.signal is not None:
            problem = f"the compiler was killed by {signal_name(r.signal)}"
        elif r.exit_code:
            problem = f"the compiler exited with code {r.exit_code}"
        if problem:
            output = f"{output.rstrip()}\n[judge] {problem}".lstrip()
        return CompileResult(ok=not problem, output=output, time=round(r.cpu, 4), wall=round(r.wall, 4))

    def _record(self, test_result: TestResult, test: TestCase | None = None) -> None:
        if test is not None and test_result.verdict != Verdict.AC:
            test_result.hint = test.hint  # spec: a hint is feedback for somebody whose submission did not pass
        self.result.tests.append(test_result)
        if self.options.on_test:
            self.options.on_test(test_result)

    def _skip(self, index: int) -> bool:
        return skip_test(self.problem, self.result.tests, index, lazy=self.options.lazy)

    @property
    def _breaks(self) -> bool:
        return self.options.lazy or any(g.on_reject == "break" for g in self.problem.groups.values())

    def _run_spec(self) -> RunSpec:
        return run_spec(self.grader.limits, self.language.env, self.grader.hard_time)

    def _borderline(self, r: ProcessResult) -> bool:
        """A CPU time within judge.yaml's band around the limit (a test stopped for memory or output is not)."""
        timing = self.grader.settings.timing
        stopped = r.killed_by not in (None, "cpu") or r.spawn_error
        return timing.reruns > 0 and not stopped and timing.borderline(r.cpu, self.grader.limits.time)

    def _again(
        self, box: Sandbox, cmd: list[str], test: TestCase, first: ProcessResult
    ) -> tuple[ProcessResult, list[float]]:
        """A borderline test run ``reruns`` more times in the same container: the fastest run, and every CPU time."""
        best, times = first, [first.cpu]
        stdin = test.input.read_bytes()
        for _ in range(self.grader.settings.timing.reruns):
            box.send_run(cmd, self._run_spec(), stdin)
            again = box.result(f"running on {test.name} again (borderline)")
            times.append(again.cpu)
            if again.cpu < best.cpu:
                best = again
        return best, times

    def _judge_measured(
        self, box: Sandbox, cmd: list[str], test: TestCase, measured: ProcessResult, spec: SandboxSpec
    ) -> TestResult:
        """A test's result; a borderline one is run again first and judged on its fastest run."""
        if not self._borderline(measured):
            return self._judge(test, measured, spec)
        best, times = self._again(box, cmd, test, measured)
        result = self._judge(test, best, spec)
        result.borderline, result.times = True, [round(t, 4) for t in times]
        return result

    def _run_tests(self, box: Sandbox, spec: SandboxSpec, run_cmd: list[str]) -> None:
        run = self._run_spec()
        inputs = [t.input for t in self.problem.tests]
        one_by_one = self._breaks  # with skip(), nothing is in flight between tests: a re-run may go at once
        measurements = box.run_tests(run_cmd, inputs, run, skip=self._skip if one_by_one else None)
        waiting: list[tuple[TestCase, ProcessResult | None]] = []  # from the first borderline test on, in order
        for test, measured in zip(self.problem.tests, measurements, strict=True):
            if measured is not None and not waiting and (one_by_one or not self._borderline(measured)):
                self._record(self._judge_measured(box, run_cmd, test, measured, spec), test)
            elif measured is None and not waiting:
                self.result.skipped.append(test.name)
            else:  # the next inputs are already on their way: re-runs wait for the end of the stream
                waiting.append((test, measured))
        for test, measured in waiting:
            if measured is None:
                self.result.skipped.append(test.name)
            else:
                self._record(self._judge_measured(box, run_cmd, test, measured, spec), test)

    def _run_each(self, box: Sandbox, spec: SandboxSpec, run_cmd: list[str]) -> None:
        """Tests one at a time: interactive or multi-pass problems, and tests with their own ``args`` or
        ``.files`` (spec 2025-09 "Input": extra arguments; the folder's files copied into the working directory
        after compiling, over the program's own, for that test only)."""
        for index, test in enumerate(self.problem.tests):
            if self._breaks and self._skip(index):
                self.result.skipped.append(test.name)
                continue
            cmd = [*run_cmd, *test.run_args]
            if test.files is not None:
                if self._packed_box is None:
                    self._packed_box = box.pack()
                box.unpack(files_tar(test.files))
            try:
                if self.problem.multipass:
                    self._record(self._run_passes(box, spec, cmd, test), test)
                elif self.problem.interactive:
                    self._record(self._judge_interaction(test, self._interact(box, cmd, test), spec), test)
                else:
                    box.send_run(cmd, self._run_spec(), test.input.read_bytes())
                    measured = box.result(f"running on {test.name}")
                    self._record(self._judge_measured(box, cmd, test, measured, spec), test)
            finally:
                if test.files is not None and self._packed_box is not None:
                    box.unpack(self._packed_box, clear=True)  # the next test sees the program as compiled

    def _interact(
        self, box: Sandbox, cmd: list[str], test: TestCase, pass_input: bytes | None = None, nextpass: int = 0
    ) -> InteractiveRun:
        assert self.validator is not None
        run = self._run_spec()
        transcripts = self.options.transcripts
        step = interact(
            SubmissionSide(box, cmd, run),
            self.validator,
            test,
            transcript=transcripts is not None,
            pass_input=pass_input,
            nextpass=nextpass,
        )
        if transcripts is not None:
            _save_transcript(transcripts, test, step.validator.transcript, append=pass_input is not None)
        return step

    def _run_passes(self, box: Sandbox, spec: SandboxSpec, cmd: list[str], test: TestCase) -> TestResult:
        """A multi-pass test (spec 2025-09 "Multi-pass validation"): the submission runs again, a fresh process
        under the same limits, on each nextpass.in the validator writes with exit 42, up to
        limits.validation_passes. Its time and wall time are the passes' sums, its memory their peak."""
        assert self.validator is not None
        limit, cap = self.problem.limits.validation_passes, self.problem.max_input + self.problem.limits.output
        runs: list[ProcessResult] = []
        pass_input: bytes | None = None
        judged: Judged  # every pass sets it before the loop ends
        while True:
            if self.problem.interactive:
                step = self._interact(box, cmd, test, pass_input, cap)
                r, check, validator_run = step.submission, step.check, step.validator
                judged = self._interactive_judged(step, spec)
            else:
                box.send_run(cmd, self._run_spec(), pass_input or test.input.read_bytes())
                r = box.result(f"running on {test.name}")
                judged, check, validator_run = self._measured(r, spec), ValidationResult(False), None
                if judged.verdict == Verdict.AC:
                    check, validator_run = self.validator.validate(test, r.stdout, pass_input, cap)
                    judged = _validated(check)
            runs.append(r)
            size = validator_run.nextpass_size if validator_run and validator_run.nextpass is not None else None
            decided = next_pass(check, size, len(runs), limit, cap) if validator_run is not None else check
            if decided is None and judged.verdict == Verdict.AC:
                assert validator_run is not None and validator_run.nextpass is not None
                pass_input = validator_run.nextpass
                continue
            if decided is not None and decided.judge_error:
                judged = Judged(Verdict.JE, decided.message)
            break
        if len(runs) > 1 and judged.verdict != Verdict.AC:
            prefix = f"pass {len(runs)}"
            judged = Judged(judged.verdict, f"{prefix}: {judged.message}" if judged.message else prefix)
        total = replace(
            runs[-1],
            cpu=sum(x.cpu for x in runs),
            wall=sum(x.wall for x in runs),
            memory=max(x.memory for x in runs),
        )
        result = _test_result(test, total, judged, check.score if judged.verdict == Verdict.AC else None)
        result.team_message, result.passes = check.team_message, len(runs)
        return result

    def _measured(self, r: Measurement, spec: SandboxSpec) -> Judged:
        return measured_verdict(r, self.grader.limits, spec.memory, self.language.memory_error_pattern)

    def _judge(self, test: TestCase, r: ProcessResult, spec: SandboxSpec) -> TestResult:
        measured = self._measured(r, spec)
        verdict, message = measured.verdict, measured.message
        answer = test.answer.read_bytes() if (verdict == Verdict.AC and self.validator is None) or test.sample else b""
        score, team = None, ""
        if verdict == Verdict.AC:
            check = self._check(test, r.stdout, answer)
            score, team = check.score, check.team_message
            if check.judge_error:
                verdict, message = Verdict.JE, check.message
            elif not check.accepted:
                verdict, message = Verdict.WA, check.message
            elif check.message and self.validator is not None:
                message = check.message
        elif verdict == Verdict.RTE and test.sample and error_excerpt(r.stderr):
            message += f": {error_excerpt(r.stderr)}"  # a secret test's stderr could echo its input: samples only
        details = _excerpts(test, r, answer) if test.sample and verdict != Verdict.AC else None
        result = _test_result(test, r, Judged(verdict, message), score, details)
        result.team_message = team
        return result

    def _interactive_judged(self, step: InteractiveRun, spec: SandboxSpec) -> Judged:
        r = step.submission
        first = validator_ended_first(r.ended, step.validator.ended, broken_pipe=r.signal == signal.SIGPIPE)
        return interactive_verdict(self._measured(r, spec), step.check, validator_first=first)

    def _judge_interaction(self, test: TestCase, step: InteractiveRun, spec: SandboxSpec) -> TestResult:
        judged = self._interactive_judged(step, spec)
        result = _test_result(test, step.submission, judged, step.check.score if judged.verdict == Verdict.AC else None)
        result.team_message = step.check.team_message
        return result

    def _check(self, test: TestCase, output: bytes, answer: bytes) -> ValidationResult:
        if self.validator is None:
            return default_validator(output, answer, _flags(test.args), reveal=test.sample)
        check = self.validator.check(test, output)
        if check.score is not None and self.problem.validator and self.problem.validator.interface == "testlib":
            group = self.problem.groups.get(test.group)  # testlib points are a fraction of the test's score
            check = replace(check, score=check.score * (group.accept_score if group else 1.0))
        return check


def _test_result(
    test: TestCase, r: ProcessResult, judged: Judged, score: float | None, details: dict[str, str] | None = None
) -> TestResult:
    return TestResult(
        name=test.name,
        group=test.group,
        verdict=judged.verdict,
        time=round(r.cpu, 4),
        wall=round(r.wall, 4),
        memory=r.memory,
        exit_code=r.exit_code,
        signal=signal_name(r.signal) if r.signal is not None else None,
        message=judged.message,
        sample=test.sample,
        details=details,
        score=score,
    )


def _validated(check: ValidationResult) -> Judged:
    """A validated pass's verdict: JE when the validator failed, else AC or WA."""
    if check.judge_error:
        return Judged(Verdict.JE, check.message)
    return Judged(Verdict.AC if check.accepted else Verdict.WA, check.message)


def files_tar(folder: Path) -> bytes:
    """A test's ``.files`` folder as a tar for the box: plain files 0644 and folders 0755 (symlinks followed
    within the package; nothing in it becomes executable)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_dir():
                info = tarfile.TarInfo(name)
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            elif path.is_file():
                data = path.read_bytes()
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@functools.lru_cache(maxsize=64)
def _flags(args: tuple[str, ...]) -> ValidatorFlags:
    return ValidatorFlags.parse(list(args))


def _excerpts(test: TestCase, r: ProcessResult, answer: bytes) -> dict[str, str]:
    def cut(data: bytes) -> str:
        text = data[:EXCERPT].decode("utf-8", errors="replace")
        return text + ("\n[… cut]" if len(data) > EXCERPT else "")

    with test.input.open("rb") as f:
        head = f.read(EXCERPT + 1)
    return {"input": cut(head), "expected": cut(answer), "output": cut(r.stdout)}


def _save_transcript(folder: Path, test: TestCase, text: str, *, append: bool = False) -> None:
    """The interaction as an ``.interaction`` file; a multi-pass test's passes are separated by ``---`` (spec
    2025-09 "Multi-pass problems")."""
    path = folder / f"{test.name}.interaction"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if append:
            with path.open("a", encoding="utf-8") as f:
                f.write("---\n" + text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise JudgeInputError(f"{path}: cannot write the transcript: {exc.strerror or exc}") from None
