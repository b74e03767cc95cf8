"""Run once: a program and its stdin in, its compile step, output and a verdict out, with no problem package.

What an online executor (``judge serve``'s Judge0 and Piston routes) asks for. It uses the grader's pieces: the
language's sandbox (judge.sandbox.specs), the measurement rules (judge.judging.verdicts) and a claimed core for the
run (judge.sandbox.cores). The verdict is the measurements' alone (AC means: ran within its limits); comparing with
an expected output is the caller's rule.
"""

import contextlib
import dataclasses
import fnmatch
from collections.abc import Callable
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


def compiles(language: Language) -> bool:
    """Whether an execution compiles first: not when the language's compile step only checks the syntax (Judge0
    and Piston have no compile stage for it: the interpreter reports a syntax error on the run's stderr)."""
    return language.compile is not None and not language.compile_checks_only


def sandbox_for(
    language: Language, settings: Settings, request: ExecuteRequest, cpuset: str | None = None
) -> SandboxSpec:
    """The container one execution runs in (the warm pool starts these ahead, per language and limits: stdin's
    room is rounded up so that requests of one language and limits share one). With nothing to compile it is
    created with the run's memory limit on the run's core (``cpuset``), so the run needs no change of limits."""
    limits = request.limits
    labels = {"judge.service": "1", "judge.language": language.name}
    room = max(STDIN_ROOM, 1 << (len(request.stdin) - 1).bit_length())
    sizes = ProgramSizes(limits.memory + language.memory_extra, room, limits.output)
    spec = container_spec(language, settings, sizes, labels)
    if compiles(language):
        return spec
    return dataclasses.replace(spec, compile_memory=spec.memory, cpuset=cpuset)


Warm = Callable[[SandboxSpec], Sandbox | None]  # a container started ahead for a spec, or None


def _none(spec: SandboxSpec) -> Sandbox | None:
    return None


def execute_then_close(
    client: Engine, settings: Settings, language: Language, request: ExecuteRequest, warm: Warm = _none
) -> tuple[ExecuteResult, Sandbox]:
    """Compile (if the language does: ``compiles``) and run ``request`` once in a fresh container (``warm``'s, when
    one was started ahead for its spec). The run holds a core of its own (claimed before the container when
    nothing compiles, else after compiling). A judge failure is a JE result. The container's removal is left to
    the caller (``close`` it once the answer is out: removal takes the engine a while); the core is released
    here."""
    result = ExecuteResult(Verdict.JE, "")
    with contextlib.ExitStack() as stack:
        # with nothing to compile the container is created on the run's core: the first free one, so that a warm
        # pool (which keeps containers per spec, hence per core) uses as few cores as runs go at once
        cpuset = None if compiles(language) else stack.enter_context(claimed_core(settings, spread=False))
        spec = sandbox_for(language, settings, request, cpuset)
        box = warm(spec) or Sandbox(client, spec)
        try:
            box.start()
            _put_files(box, request.files)
            entry = Entry(next(iter(request.files)), _sources(language, request))
            how = How(compile=compiles(language), cpuset=cpuset)
            prepared = prepare_run(
                box, spec, language, settings, entry, request.limits, request.args, result, stack, how
            )
            if prepared is not None:
                box.send_run(prepared.cmd, prepared.run, request.stdin)
                result.run = box.result("running the program")
                judged = measured_verdict(result.run, prepared.limits, spec.memory, language.memory_error_pattern)
                result.verdict, result.message = judged.verdict, judged.message
        except JudgeFailure as exc:
            result.verdict, result.message = Verdict.JE, str(exc)
        except BaseException:
            box.close()
            raise
    return result, box


def _put_files(box: Sandbox, files: dict[str, bytes]) -> None:
    if any("/" in name for name in files):  # files in folders go in as a tar (the box makes the folders)
        box.unpack(files_tar(files))
    else:
        for name, data in files.items():
            box.put_file(name, data)


def _sources(language: Language, request: ExecuteRequest) -> tuple[str, ...]:
    names = list(request.files)
    return tuple(n for n in names if any(fnmatch.fnmatch(n, p) for p in language.source_patterns)) or (names[0],)


@dataclass(frozen=True)
class Entry:
    """What a language's commands name: the entry file ({source}), the files compiled ({sources}), the entry point."""

    main: str
    sources: tuple[str, ...]
    entrypoint: str = ""


@dataclass(frozen=True)
class How:
    """How a run is prepared: ``compile``: run the language's compile step (an online executor skips one that only
    checks the syntax: ``compiles``); ``pin``: claim a core for the run, unless ``cpuset`` already holds one."""

    compile: bool = True
    pin: bool = True
    cpuset: str | None = None


@dataclass(frozen=True)
class PreparedRun:
    """A program compiled in its sandbox, ready to run once: its command line and limits (the sandbox's and the
    verdict's)."""

    cmd: list[str]
    run: RunSpec
    limits: RunLimits


def prepare_run(
    box: Sandbox,
    spec: SandboxSpec,
    language: Language,
    settings: Settings,
    entry: Entry,
    limits: ExecuteLimits,
    args: tuple[str, ...],
    result: ExecuteResult,
    stack: contextlib.ExitStack,
    how: How = How(),
) -> PreparedRun | None:
    """Compile the program already in ``box`` (if the language does and ``how`` says so), claim the run's core
    (released by ``stack``) and set the run's limits where the container was created with others. None after a
    failed compile (``result`` holds the CE and the compiler's output)."""
    memory = limits.memory + language.memory_extra
    if language.compile and how.compile:
        cmd = language.command(language.compile, entry.main, limits.memory, entry.sources, entry.entrypoint)
        compiled = box.compile(cmd, wall=limits.compile_wall, output_limit=settings.compile_output, env=language.env)
        result.compile = compiled
        failure = compile_failure(compiled, limits.compile_wall)
        if failure:
            result.verdict, result.message = Verdict.CE, failure
            return None
    cpuset = how.cpuset
    if cpuset is None and how.pin:
        cpuset = stack.enter_context(claimed_core(settings))
    if box.spec.compile_memory != spec.memory or (cpuset and box.spec.cpuset != cpuset):
        box.set_limits(spec.memory, cpuset)
    run_limits = RunLimits(time=limits.time, wall=limits.wall, memory=memory, output=limits.output)
    run_cmd = language.command(language.run, entry.main, limits.memory, entry.sources, entry.entrypoint)
    run = RunSpec(limits.time, limits.wall, memory, limits.output, language.env, stderr_limit=limits.output)
    return PreparedRun([*run_cmd, *args], run, run_limits)


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
