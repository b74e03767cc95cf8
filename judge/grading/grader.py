"""Grader: grades one submission against one problem, start to finish.

Orchestrates the rest: sizes the sandbox from the problem's limits and the runner, compiles once, runs
every test in the same container, turns each measurement into a verdict (TLE > MLE > OLE > RTE > checker)
and asks the checker about the output. Answers stay on this side of the container wall.
"""

import contextlib
import functools
import re
import signal
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import docker

from judge.errors import JudgeFailure, JudgeInputError
from judge.grading.interactive import FROM_SUBMISSION, PIPES, TO_SUBMISSION, Interaction, interact, interactive_verdict
from judge.grading.limits import RunLimits, run_limits, sandbox_spec, signal_name
from judge.grading.validators import CompiledValidator, ValidatorSession, compile_validator
from judge.inputs.languages import Language
from judge.inputs.problem import Problem, TestCase
from judge.inputs.settings import MIB, Settings
from judge.judging.results import CompileResult, SubmissionResult, TestResult, Verdict, overall_verdict
from judge.judging.scoring import group_results, problem_score, skip_test
from judge.judging.validation import ValidationResult, ValidatorFlags, default_validator
from judge.sandbox.container import ProcessResult, Sandbox, SandboxSpec, pipes_volume


def _tail(data: bytes, limit: int = 300) -> str:
    lines = data.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1][:limit] if lines else ""


def measured_verdict(r: ProcessResult, limits: RunLimits, language: Language, spec: SandboxSpec) -> tuple[Verdict, str]:
    """The verdict the measurements alone decide (AC here means: ask the checker)."""
    if r.spawn_error:
        return Verdict.JE, f"could not start the program: {r.spawn_error}"
    if r.killed_by != "output" and (r.killed_by == "cpu" or r.cpu > limits.time):
        return Verdict.TLE, f"CPU time {r.cpu:.2f} s over the limit of {limits.time:g} s"
    if r.killed_by == "wall":
        return Verdict.TLE, (
            f"wall-clock cap of {limits.wall:g} s reached with only {r.cpu:.2f} s of CPU time "
            "(sleeping, blocked on input, or too many processes)"
        )
    oom_guess = not r.oom_counter and r.signal == signal.SIGKILL and r.memory >= 0.9 * spec.memory
    limit = f"limit {limits.memory / MIB:g} MiB"
    if r.oom or oom_guess or r.memory > limits.memory:
        how = " (killed by the OOM killer)" if r.oom else ""
        how += f" (killed by {signal_name(r.signal)})" if r.signal not in (None, signal.SIGKILL) else ""
        return Verdict.MLE, f"memory {r.memory / MIB:.1f} MiB, {limit}{how}"
    if language.memory_error_pattern:
        found = re.search(language.memory_error_pattern.encode(), r.stderr, re.M)
        if found and (r.exit_code or r.signal):
            return Verdict.MLE, f"the runtime ran out of memory ({found.group(0).decode(errors='replace')}), {limit}"
    if r.output_exceeded or r.stderr_exceeded or r.killed_by == "output" or r.signal == signal.SIGXFSZ:
        stream = "stdout" if r.output_exceeded else "stderr"
        return Verdict.OLE, f"{stream} exceeded the output limit of {limits.output / MIB:g} MiB"
    if r.signal is not None:
        return Verdict.RTE, f"killed by {signal_name(r.signal)}"
    if r.exit_code:
        return Verdict.RTE, f"exit code {r.exit_code}"
    return Verdict.AC, ""


@functools.lru_cache(maxsize=64)
def _flags(args: tuple[str, ...]) -> ValidatorFlags:
    return ValidatorFlags.parse(list(args))


def _check(
    test: TestCase, output: bytes, answer: bytes, problem: Problem, validator: ValidatorSession | None
) -> ValidationResult:
    if validator is None:
        return default_validator(output, answer, _flags(test.args), reveal=test.sample)
    check = validator.check(test, output)
    if check.score is not None and problem.validator and problem.validator.interface == "testlib":
        group = problem.groups.get(test.group)  # testlib points are a fraction of the test's score
        check = replace(check, score=check.score * (group.accept_score if group else 1.0))
    return check


def judge_test(
    test: TestCase,
    r: ProcessResult,
    limits: RunLimits,
    language: Language,
    spec: SandboxSpec,
    problem: Problem,
    validator: ValidatorSession | None = None,
    interaction: "Interaction | None" = None,
) -> TestResult:
    verdict, message = measured_verdict(r, limits, language, spec)
    answer = test.answer.read_bytes() if (verdict == Verdict.AC and validator is None) or test.sample else b""
    score = None
    if interaction is not None:
        check = interaction.check
        ended = interaction.validator.ended
        verdict, message = interactive_verdict((verdict, message), r.ended, check, ended, r.signal == signal.SIGPIPE)
        score = check.score if verdict == Verdict.AC else None
    elif verdict == Verdict.AC:
        check = _check(test, r.stdout, answer, problem, validator)
        score = check.score
        if check.judge_error:
            verdict, message = Verdict.JE, check.message
        elif not check.accepted:
            verdict, message = Verdict.WA, check.message
        elif check.message and validator is not None:
            message = check.message
    elif verdict == Verdict.RTE and test.sample and _tail(r.stderr):
        message += f": {_tail(r.stderr)}"  # a secret test's stderr could echo its input: samples only
    return TestResult(
        name=test.name,
        group=test.group,
        verdict=verdict,
        time=round(r.cpu, 4),
        wall=round(r.wall, 4),
        memory=r.memory,
        exit_code=r.exit_code,
        signal=signal_name(r.signal) if r.signal is not None else None,
        message=message,
        sample=test.sample,
        details=_excerpts(test, r, answer) if test.sample and verdict != Verdict.AC and interaction is None else None,
        score=score,
    )


EXCERPT = 2048  # bytes of input / expected / actual output kept for a failing sample test


def _excerpts(test: TestCase, r: ProcessResult, answer: bytes) -> dict[str, str]:
    def cut(data: bytes) -> str:
        text = data[:EXCERPT].decode("utf-8", errors="replace")
        return text + ("\n[… cut]" if len(data) > EXCERPT else "")

    with test.input.open("rb") as f:
        head = f.read(EXCERPT + 1)
    return {"input": cut(head), "expected": cut(answer), "output": cut(r.stdout)}


def _compile(
    sandbox: Sandbox, language: Language, source_name: str, settings: Settings, limits: RunLimits
) -> CompileResult:
    if not language.compile:
        return CompileResult(ok=True)
    cmd = language.command(language.compile, source_name, limits.memory - language.memory_extra)
    r = sandbox.compile(cmd, wall=settings.compile_time, output_limit=settings.compile_output, env=language.env)
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


def grade(
    source: Path,
    problem: Problem,
    language: Language,
    settings: Settings,
    client: docker.DockerClient,
    on_test: Callable[[TestResult], None] | None = None,
    sandbox: Sandbox | None = None,
    cpuset: str | None = None,
    *,
    lazy: bool = False,
    transcripts: Path | None = None,
) -> SubmissionResult:
    """Grade ``source``. Bad input raises JudgeInputError; a judge failure becomes a JE result.

    ``sandbox`` may be one started ahead of time (a warm pool) from ``sandbox_spec`` for this problem
    and runner; it is used for this submission only and closed. ``cpuset`` pins the tests to CPUs.
    ``lazy`` stops at the first failing test; ``transcripts`` keeps interactions in that folder.
    """
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        if sandbox is not None:
            stack.callback(sandbox.close)
        try:
            code = source.read_bytes()
        except OSError as exc:
            raise JudgeInputError(f"{source}: cannot read the submission: {exc.strerror or exc}") from None
        limits = run_limits(problem, language, settings)
        result = _new_result(source, problem, language, limits)
        if len(code) > problem.limits.code:
            result.compile.output = (
                f"[judge] the source is {len(code) / 1024:.1f} KiB, over the code limit of "
                f"{problem.limits.code / 1024:g} KiB"
            )
            result.verdict, result.message = Verdict.CE, "source over the code size limit"
            return result
        try:
            compiled = compile_validator(problem, settings, client) if problem.validator else None
            _grade(
                code,
                problem,
                language,
                settings,
                client,
                limits,
                result,
                stack,
                sandbox,
                cpuset,
                compiled,
                on_test,
                lazy,
                transcripts,
            )
        except JudgeFailure as exc:
            result.message = str(exc)
            if result.compile.ok and len(result.tests) + len(result.skipped) < len(problem.tests):
                failed = problem.tests[len(result.tests) + len(result.skipped)]  # the test that was running
                result.tests.append(
                    TestResult(failed.name, failed.group, Verdict.JE, message=str(exc), sample=failed.sample)
                )
            result.verdict = Verdict.JE
            _score(problem, result)
            result.wall = round(time.monotonic() - started, 4)
            return result
    result.verdict = overall_verdict(result.compile.ok, result.tests)
    if result.verdict == Verdict.CE:
        result.message = "compilation failed"
    elif result.verdict != Verdict.AC:
        first = next(t for t in result.tests if t.verdict == result.verdict)
        result.message = f"{first.name}: {first.message}" if first.message else first.name
    _score(problem, result)
    result.wall = round(time.monotonic() - started, 4)
    return result


def _new_result(source: Path, problem: Problem, language: Language, limits: RunLimits) -> SubmissionResult:
    return SubmissionResult(
        submission=str(source),
        problem=problem.id,
        problem_name=problem.name,
        language=language.name,
        verdict=Verdict.JE,
        compile=CompileResult(ok=False),
        limits={
            "time": limits.time,
            "time_source": problem.limits.time_source,
            "wall": limits.wall,
            "memory": limits.memory,
            "output": limits.output,
            "code": problem.limits.code,
        },
        image=language.image,
    )


def _score(problem: Problem, result: SubmissionResult) -> None:
    result.groups = group_results(problem, result.tests)
    scored = problem_score(problem, result.groups)
    if scored is not None:
        result.problem_score, result.problem_max = scored


def _grade(
    code: bytes,
    problem: Problem,
    language: Language,
    settings: Settings,
    client: docker.DockerClient,
    limits: RunLimits,
    result: SubmissionResult,
    stack: contextlib.ExitStack,
    sandbox: Sandbox | None,
    cpuset: str | None,
    compiled: CompiledValidator | None,
    on_test: Callable[[TestResult], None] | None,
    lazy: bool,
    transcripts: Path | None,
) -> None:
    """Compile and run every test, appending to ``result``; containers are closed by ``stack``."""
    mounts: tuple[tuple[str, str, bool], ...] = ()
    validator_mounts: tuple[tuple[str, str, bool], ...] = ()
    if problem.interactive:
        volume = stack.enter_context(pipes_volume(client))
        mounts, validator_mounts = ((volume, PIPES, True),), ((volume, PIPES, False),)
        if sandbox is not None:
            sandbox.close()  # a warm container has no pipes: start one that has
            sandbox = None
    spec = sandbox_spec(problem, language, settings, limits, mounts)
    validator = None
    if compiled is not None:
        fifos = (TO_SUBMISSION, FROM_SUBMISSION) if problem.interactive else ()
        validator = ValidatorSession(compiled, problem, settings, client, validator_mounts, fifos)
        stack.callback(validator.close)
        validator.start_soon()
    box = sandbox or Sandbox(client, spec)
    stack.callback(box.close)
    box.start()
    result.image = f"{language.image}@{box.image_id}"  # the exact image, for the record
    source_name = language.source_name(code)
    box.put_file(source_name, code)
    result.compile = _compile(box, language, source_name, settings, limits)
    if not result.compile.ok:
        return
    if spec.compile_memory != spec.memory or cpuset:
        box.set_limits(spec.memory, cpuset)
    # {memory_mb} is the problem's limit: the runner's memory_extra is room for the runtime itself
    run_cmd = language.command(language.run, source_name, problem.limits.memory)

    def record(test_result: TestResult) -> None:
        result.tests.append(test_result)
        if on_test:
            on_test(test_result)

    def skip(index: int) -> bool:
        return skip_test(problem, result.tests, index, lazy)

    breaks = lazy or any(g.on_reject == "break" for g in problem.groups.values())
    if problem.interactive:
        assert validator is not None
        for index, test in enumerate(problem.tests):
            if breaks and skip(index):
                result.skipped.append(test.name)
                continue
            step = interact(box, validator, test, run_cmd, limits.spec(language.env), transcripts is not None)
            if transcripts is not None:
                _save_transcript(transcripts, test, step.validator.transcript)
            record(judge_test(test, step.submission, limits, language, spec, problem, validator, step))
        return
    measurements = box.run_tests(
        run_cmd, [t.input for t in problem.tests], limits.spec(language.env), skip=skip if breaks else None
    )
    for test, measured in zip(problem.tests, measurements, strict=True):
        if measured is None:
            result.skipped.append(test.name)
        else:
            record(judge_test(test, measured, limits, language, spec, problem, validator))


def _save_transcript(folder: Path, test: TestCase, text: str) -> None:
    path = folder / f"{test.name}.interaction"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise JudgeInputError(f"{path}: cannot write the transcript: {exc.strerror or exc}") from None
