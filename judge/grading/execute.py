"""Run once: a program and its stdin in, its compile step, output and a verdict out, with no problem package.

What an online executor (``judge serve``'s Judge0 and Piston routes) asks for. It uses the grader's pieces: the
language's sandbox (judge.sandbox.specs), the measurement rules (judge.judging.verdicts) and a claimed core for the
run (judge.sandbox.cores). The verdict is the measurements' alone (AC means: ran within its limits); comparing with
an expected output is the caller's rule.
"""

import contextlib
import fnmatch
from dataclasses import dataclass, field

from judge.errors import JudgeFailure
from judge.grading.limits import ProgramSizes, container_spec
from judge.inputs.languages import Language
from judge.inputs.program import files_tar
from judge.inputs.settings import Settings
from judge.judging.limits import RunLimits
from judge.judging.results import Verdict
from judge.judging.verdicts import measured_verdict, signal_name
from judge.sandbox.container import ProcessResult, RunSpec, Sandbox, SandboxSpec
from judge.sandbox.cores import claimed_core
from judge.sandbox.engine import Engine


@dataclass(frozen=True)
class ExecuteLimits:
    time: float  # CPU seconds of the run
    wall: float  # seconds of the run
    memory: int  # bytes the program may use (the language's memory_extra is added for its runtime)
    output: int  # bytes of stdout (and of stderr kept)
    compile_wall: float  # seconds the compile step may take


@dataclass(frozen=True)
class ExecuteRequest:
    language: str  # a runner name
    files: dict[str, bytes]  # name -> content; the first is the entry file ({source})
    stdin: bytes
    args: tuple[str, ...]
    limits: ExecuteLimits


@dataclass
class ExecuteResult:
    verdict: Verdict  # CE: the compile step failed; JE: the judge failed; else what the run's measurements say
    message: str
    compile: ProcessResult | None = None  # None: the language has no compile step (or it never started)
    run: ProcessResult | None = None  # None: it never ran
    limits: dict[str, float] = field(default_factory=dict)


STDIN_ROOM = 1024 * 1024  # the container's room for stdin: this, or the next power of two above the stdin's size


def sandbox_for(language: Language, settings: Settings, request: ExecuteRequest) -> SandboxSpec:
    """The container one execution runs in (the warm pool starts these ahead, per language and limits: stdin's
    room is rounded up so that requests of one language and limits share one)."""
    limits = request.limits
    labels = {"judge.service": "1", "judge.language": language.name}
    room = max(STDIN_ROOM, 1 << (len(request.stdin) - 1).bit_length())
    sizes = ProgramSizes(limits.memory + language.memory_extra, room, limits.output)
    return container_spec(language, settings, sizes, labels)


def execute_then_close(
    client: Engine,
    settings: Settings,
    language: Language,
    request: ExecuteRequest,
    sandbox: Sandbox | None = None,
    *,
    pin: bool = True,
) -> tuple[ExecuteResult, Sandbox]:
    """Compile (if the language does) and run ``request`` once in a fresh container (``sandbox``, started from
    ``sandbox_for``, when one was started ahead). A judge failure is a JE result. The container's removal is left to
    the caller (``close`` it once the answer is out: removal takes the engine a while); the run's core is released
    here."""
    spec = sandbox_for(language, settings, request)
    result = ExecuteResult(Verdict.JE, "")
    box = sandbox or Sandbox(client, spec)
    with contextlib.ExitStack() as stack:
        try:
            box.start()
            _run(box, spec, language, settings, request, result, stack, pin=pin)
        except JudgeFailure as exc:
            result.verdict, result.message = Verdict.JE, str(exc)
        except BaseException:
            box.close()
            raise
    return result, box


def _run(
    box: Sandbox,
    spec: SandboxSpec,
    language: Language,
    settings: Settings,
    request: ExecuteRequest,
    result: ExecuteResult,
    stack: contextlib.ExitStack,
    *,
    pin: bool,
) -> None:
    names = list(request.files)
    main = names[0]
    sources = tuple(n for n in names if any(fnmatch.fnmatch(n, p) for p in language.source_patterns)) or (main,)
    if any("/" in name for name in names):  # files in folders go in as a tar (the box makes the folders)
        box.unpack(files_tar(request.files))
    else:
        for name, data in request.files.items():
            box.put_file(name, data)
    limits = request.limits
    memory = limits.memory + language.memory_extra
    if language.compile:
        cmd = language.command(language.compile, main, limits.memory, sources)
        compiled = box.compile(cmd, wall=limits.compile_wall, output_limit=settings.compile_output, env=language.env)
        result.compile = compiled
        failure = compile_failure(compiled, limits.compile_wall)
        if failure:
            result.verdict, result.message = Verdict.CE, failure
            return
    cpuset = stack.enter_context(claimed_core(settings)) if pin else None
    if spec.compile_memory != spec.memory or cpuset:
        box.set_limits(spec.memory, cpuset)
    run_limits = RunLimits(time=limits.time, wall=limits.wall, memory=memory, output=limits.output)
    cmd = [*language.command(language.run, main, limits.memory, sources), *request.args]
    run = RunSpec(limits.time, limits.wall, memory, limits.output, language.env, stderr_limit=limits.output)
    box.send_run(cmd, run, request.stdin)
    result.run = box.result("running the program")
    judged = measured_verdict(result.run, run_limits, spec.memory, language.memory_error_pattern)
    result.verdict, result.message = judged.verdict, judged.message


def compile_failure(r: ProcessResult, wall: float) -> str:
    """Why a compile step failed ("" when it did not)."""
    if r.spawn_error:
        return f"could not start the compiler: {r.spawn_error}"
    if r.killed_by:
        return f"compilation took longer than {wall:g} s"
    if r.oom:
        return "the compiler ran out of memory"
    if r.signal is not None:
        return f"the compiler was killed by {signal_name(r.signal)}"
    if r.exit_code:
        return f"the compiler exited with code {r.exit_code}"
    return ""
