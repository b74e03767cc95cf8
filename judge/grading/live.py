"""A live run: one program compiled once and run once in its language's hardened sandbox, its output handed on as
it is written and its stdin taken while it runs (``judge run``; a service session can drive the same object).

It reuses the one-run pieces of ``judge.grading.execute`` (the sandbox, the compile step, the run's core and limits,
the measurements' verdict) and the sandbox's live command (``Sandbox.start_live``). Nothing here knows of terminals:
``events`` yields the stages, each chunk of output and last the ExecuteResult; ``send_stdin``, ``close_stdin`` and
``signal`` may be called from other threads meanwhile (stdin calls wait until the program runs).
"""

import contextlib
import signal as signals
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace

from judge.errors import JudgeFailure
from judge.grading.execute import (
    Entry,
    ExecuteLimits,
    ExecuteRequest,
    ExecuteResult,
    How,
    PreparedRun,
    compiles,
    prepare_run,
    sandbox_for,
)
from judge.inputs.languages import Language
from judge.inputs.program import Program
from judge.inputs.settings import Settings
from judge.judging.results import Verdict
from judge.judging.verdicts import measured_verdict
from judge.sandbox.container import LiveOutput, LiveRun, ProcessResult, Sandbox, SandboxSpec
from judge.sandbox.engine import Engine

STDERR_KEPT = 64 * 1024  # bytes of stderr kept for the verdict (a runtime's out-of-memory message), besides relayed


@dataclass(frozen=True)
class Stage:
    """The run moved on to ``name``: "compile" (only for a compiled language) or "run" (Piston's ``stage``)."""

    name: str


LiveEvent = Stage | LiveOutput | ExecuteResult


class LiveExecution:
    """One live run of ``program`` under ``limits``; its container is removed once ``events`` is done (or closed)."""

    def __init__(
        self,
        client: Engine,
        settings: Settings,
        language: Language,
        program: Program,
        limits: ExecuteLimits,
        args: tuple[str, ...] = (),
        *,
        pin: bool = True,
        sandbox: Sandbox | None = None,
        check_syntax: bool = True,
        cpuset: str | None = None,
    ) -> None:
        self.client, self.settings, self.language = client, settings, language
        self.program, self.limits, self.args, self.pin = program, limits, args, pin
        self.sandbox = sandbox  # a container started ahead from ``spec()`` (a warm one), used for this run only
        # The compile step runs unless it only checks the syntax and ``check_syntax`` is off (Piston's connect,
        # like its execute, has no compile stage for an interpreted language).
        self.compiles = language.compile is not None and (check_syntax or compiles(language))
        self.cpuset = cpuset  # a core claimed by the caller for the run (then ``spec()`` is created on it)
        self.result = ExecuteResult(Verdict.JE, "")  # filled in by ``events``: ``compile`` is set before Stage("run")
        self._lock = threading.Lock()
        self._live: LiveRun | None = None
        self._ready = threading.Event()  # the program runs, or never will
        self._early_signals: list[int] = []  # signals asked for before the program ran: sent as it starts

    # -- input: from any thread ------------------------------------------------------------------------------------
    def send_stdin(self, data: bytes) -> bool:
        """Send ``data`` to the program's stdin (waits until it runs, and while it has not taken enough of what was
        sent). False when the program has ended or never ran."""
        live = self._running()
        return live.send_stdin(data) if live is not None else False

    def close_stdin(self) -> bool:
        """The program's stdin ends (EOF) after what was sent."""
        live = self._running()
        return live.close_stdin() if live is not None else False

    def signal(self, number: int) -> bool:
        """Send signal ``number`` to the program; before it runs, as it starts (so a stop always stops it)."""
        with self._lock:
            live = self._live
            if live is None and not self._ready.is_set():
                self._early_signals.append(number)
                return True
        return live.signal(number) if live is not None else False

    def stop(self) -> bool:
        """Stop the program now (SIGKILL); the sandbox then kills whatever it started."""
        return self.signal(signals.SIGKILL)

    def _running(self) -> LiveRun | None:
        self._ready.wait()
        return self._live

    # -- the run ---------------------------------------------------------------------------------------------------
    def events(self) -> Generator[LiveEvent, None, None]:
        """The stages, the program's output as it comes (LiveOutput), then the ExecuteResult (CE with the
        compiler's output; JE when the judge failed). The container is removed after the result."""
        spec = self.spec()
        result = self.result
        with contextlib.ExitStack() as stack:
            stack.callback(self._ready.set)  # whatever happens, nobody waits for a run that is not coming
            box = self.sandbox or Sandbox(self.client, spec)
            stack.callback(box.close)
            try:
                if self.compiles:
                    yield Stage("compile")
                box.start()
                _put_program(box, self.program)
                entry = Entry(self.program.main, self.program.sources, self.program.entrypoint)
                prepared = prepare_run(
                    box,
                    spec,
                    self.language,
                    self.settings,
                    entry,
                    self.limits,
                    self.args,
                    result,
                    stack,
                    How(compile=self.compiles, pin=self.pin, cpuset=self.cpuset),
                )
                if prepared is not None:
                    yield Stage("run")
                    yield from self._run(box, prepared, result, spec.memory)
            except JudgeFailure as exc:
                result.verdict, result.message = Verdict.JE, str(exc)
            yield result

    def spec(self) -> SandboxSpec:
        """The container this run needs (``execute.sandbox_for``: what a warm pool starts ahead)."""
        request = ExecuteRequest(self.language.name, self.program.files, b"", self.args, self.limits)
        return sandbox_for(self.language, self.settings, request, self.cpuset)

    def _run(
        self, box: Sandbox, prepared: PreparedRun, result: ExecuteResult, container_memory: int
    ) -> Iterator[LiveOutput]:
        live = box.start_live(prepared.cmd, prepared.run)
        with self._lock:
            self._live, early = live, self._early_signals
        for number in early:
            live.signal(number)
        self._ready.set()
        stderr = bytearray()
        run: ProcessResult | None = None
        for event in live.events():
            if isinstance(event, LiveOutput):
                if event.stream == "stderr" and len(stderr) < STDERR_KEPT:
                    stderr += event.data[: STDERR_KEPT - len(stderr)]
                yield event
            else:
                run = event
        assert run is not None
        result.run = replace(run, stderr=bytes(stderr))
        judged = measured_verdict(result.run, prepared.limits, container_memory, self.language.memory_error_pattern)
        result.verdict, result.message = judged.verdict, judged.message


def _put_program(box: Sandbox, program: Program) -> None:
    """The program's files into the box: one file as it is, a folder as a tar (every file 0644, its sub-folders)."""
    if program.nested:
        box.unpack(program.tar())
    else:
        for name, data in program.files.items():
            box.put_file(name, data)
