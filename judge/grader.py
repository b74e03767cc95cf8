"""Grader: grades one submission against one problem, start to finish.

Orchestrates the rest: sizes the sandbox from the problem's limits and the runner, compiles once, runs
every test in the same container, turns each measurement into a verdict (TLE > MLE > OLE > RTE > checker)
and asks the checker about the output. Answers stay on this side of the container wall.
"""

import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker

from .checkers import default_checker
from .config import MIB, Settings
from .errors import JudgeFailure, JudgeInputError
from .problem import Problem, TestCase
from .results import CompileResult, SubmissionResult, TestResult, Verdict, overall_verdict
from .runners import Runner
from .sandbox import ProcessResult, Sandbox, SandboxSpec

AGENT_RESERVE = 64 * MIB  # the agent, the compiled program's files and slack, inside the container limit


@dataclass(frozen=True)
class RunLimits:
    time: float  # CPU seconds
    wall: float  # seconds
    memory: int  # bytes
    output: int  # bytes


def run_limits(problem: Problem, runner: Runner, settings: Settings) -> RunLimits:
    time_limit = problem.limits.time * runner.time_multiplier
    return RunLimits(
        time=time_limit,
        wall=settings.wall_limit(time_limit),
        memory=problem.limits.memory + runner.memory_extra,
        output=problem.limits.output,
    )


def runner_spec(
    runner: Runner,
    settings: Settings,
    *,
    memory: int,
    compile_memory: int,
    private: int,
    labels: dict[str, str] | None = None,
) -> SandboxSpec:
    """A sandbox for ``runner`` with judge.yaml's sandbox settings and the given memory budget."""
    return SandboxSpec(
        image=runner.image,
        memory=memory,
        compile_memory=compile_memory,
        private_size=private,
        uid=settings.uid,
        pids=settings.pids,
        cpus=settings.cpus,
        tmp_size=settings.tmp_size,
        box_size=settings.box_size,
        log_max_size=settings.log_max_size,
        missing_image_hint=f"run `judge runners build {runner.name}`",
        labels=labels or {},
    )


def sandbox_spec(problem: Problem, runner: Runner, settings: Settings, limits: RunLimits) -> SandboxSpec:
    # tmpfs pages count as the container's memory: room for the input, captured output and the agent.
    private = problem.max_input + 2 * (limits.output + 1) + settings.compile_output + 4 * MIB
    memory = limits.memory + private + AGENT_RESERVE
    return runner_spec(
        runner,
        settings,
        memory=memory,
        compile_memory=max(memory, settings.compile_memory),
        private=private,
        labels={"judge.problem": problem.id, "judge.language": runner.name},
    )


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _tail(data: bytes, limit: int = 300) -> str:
    lines = data.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1][:limit] if lines else ""


def measured_verdict(r: ProcessResult, limits: RunLimits, runner: Runner, spec: SandboxSpec) -> tuple[Verdict, str]:
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
    if runner.memory_error_pattern:
        found = re.search(runner.memory_error_pattern.encode(), r.stderr, re.M)
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


def judge_test(
    test: TestCase, r: ProcessResult, limits: RunLimits, runner: Runner, spec: SandboxSpec, problem: Problem
) -> TestResult:
    verdict, message = measured_verdict(r, limits, runner, spec)
    answer = test.answer.read_bytes() if verdict == Verdict.AC or test.sample else b""
    if verdict == Verdict.AC:
        check = default_checker(r.stdout, answer, problem.checker_flags, reveal=test.sample)
        if not check.accepted:
            verdict, message = Verdict.WA, check.message
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
        details=_excerpts(test, r, answer) if test.sample and verdict != Verdict.AC else None,
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
    sandbox: Sandbox, runner: Runner, source_name: str, settings: Settings, limits: RunLimits
) -> CompileResult:
    if not runner.compile:
        return CompileResult(ok=True)
    cmd = runner.command(runner.compile, source_name, limits.memory - runner.memory_extra)
    r = sandbox.compile(cmd, wall=settings.compile_time, output_limit=settings.compile_output, env=runner.env)
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
    runner: Runner,
    settings: Settings,
    client: docker.DockerClient,
    on_test: Callable[[TestResult], None] | None = None,
    sandbox: Sandbox | None = None,
    cpuset: str | None = None,
) -> SubmissionResult:
    """Grade ``source``. Bad input raises JudgeInputError; a judge failure becomes a JE result.

    ``sandbox`` may be one started ahead of time (a warm pool) from ``sandbox_spec`` for this problem
    and runner; it is used for this submission only and closed. ``cpuset`` pins the tests to CPUs.
    """
    started = time.monotonic()
    try:
        code = source.read_bytes()
    except OSError as exc:
        if sandbox is not None:
            sandbox.close()
        raise JudgeInputError(f"{source}: cannot read the submission: {exc.strerror or exc}") from None
    limits = run_limits(problem, runner, settings)
    spec = sandbox_spec(problem, runner, settings, limits)
    result = SubmissionResult(
        submission=str(source),
        problem=problem.id,
        problem_name=problem.name,
        language=runner.name,
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
        image=runner.image,
    )
    if len(code) > problem.limits.code:
        result.compile.output = (
            f"[judge] the source is {len(code) / 1024:.1f} KiB, over the code limit of "
            f"{problem.limits.code / 1024:g} KiB"
        )
        result.verdict = Verdict.CE
        result.message = "source over the code size limit"
        if sandbox is not None:
            sandbox.close()
        return result
    source_name = runner.source_name(code)
    try:
        with sandbox or Sandbox(client, spec) as box:
            result.image = f"{runner.image}@{box.image_id}"  # the exact image, for the record
            box.put_file(source_name, code)
            result.compile = _compile(box, runner, source_name, settings, limits)
            if result.compile.ok:
                if spec.compile_memory != spec.memory or cpuset:
                    box.set_limits(spec.memory, cpuset)
                # {memory_mb} is the problem's limit: the runner's memory_extra is room for the runtime itself
                run_cmd = runner.command(runner.run, source_name, problem.limits.memory)
                measurements = box.run_tests(
                    run_cmd,
                    [t.input for t in problem.tests],
                    time=limits.time,
                    wall=limits.wall,
                    memory=limits.memory,
                    output_limit=limits.output,
                    env=runner.env,
                )
                for test, measured in zip(problem.tests, measurements, strict=True):
                    test_result = judge_test(test, measured, limits, runner, spec, problem)
                    result.tests.append(test_result)
                    if on_test:
                        on_test(test_result)
    except JudgeFailure as exc:
        result.message = str(exc)
        if result.compile.ok and len(result.tests) < len(problem.tests):
            failed = problem.tests[len(result.tests)]  # the test that was running
            result.tests.append(
                TestResult(failed.name, failed.group, Verdict.JE, message=str(exc), sample=failed.sample)
            )
        result.verdict = Verdict.JE
        result.wall = round(time.monotonic() - started, 4)
        return result
    result.verdict = overall_verdict(result.compile.ok, result.tests)
    if result.verdict == Verdict.CE:
        result.message = "compilation failed"
    elif result.verdict != Verdict.AC:
        first = next(t for t in result.tests if t.verdict == result.verdict)
        result.message = f"{first.name}: {first.message}" if first.message else first.name
    result.wall = round(time.monotonic() - started, 4)
    return result
