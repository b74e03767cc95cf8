"""``judge run``: one program run once, live, in its language's hardened sandbox (judge.grading.live).

Its stdout and stderr are ours as it writes them; our stdin is its stdin as it arrives (a terminal's line as it is
typed, Ctrl-D its EOF; a pipe's bytes as they come). Ctrl-C stops the program (not judge: the summary still comes,
the container is still removed; a second Ctrl-C stops judge at once). When our stdout closes (``| head``) the program
is stopped. Then one summary line on stderr, and the program's exit code (124 at a time limit, 128 + N for a signal).
"""

import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import click

from judge.cli.app import App, pass_app
from judge.cli.interrupt import stopping_on_interrupt
from judge.grading.execute import ExecuteLimits, ExecuteResult
from judge.grading.live import LiveExecution
from judge.inputs.program import program_for, program_language
from judge.judging.results import Verdict
from judge.judging.verdicts import signal_name
from judge.report.visible import visible
from judge.sandbox.container import LiveOutput
from judge.units import MIB

TIMED_OUT = 124  # `timeout`'s code: the program was stopped at its CPU or wall-clock limit
SIGNALLED = 128  # + the signal's number, as a shell reports a program killed by a signal
COMPILE_FAILED = 1
JUDGE_FAILED = 3
LIMITS = {Verdict.TLE, Verdict.MLE, Verdict.OLE}
CHUNK = 65536


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", metavar="FILE|DIR", type=click.Path(exists=True, path_type=Path))
@click.argument("args", nargs=-1)
@click.option(
    "--stdin",
    "stdin_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The program's stdin (default: ours, as it arrives).",
)
@click.option("--time", type=click.FloatRange(min=0, min_open=True), help="CPU seconds (default: judge.yaml's).")
@click.option(
    "--wall",
    type=click.FloatRange(min=0, min_open=True),
    help="Wall-clock seconds (default: judge.yaml's rule from the CPU limit; raise it to type at a prompt).",
)
@click.option("--memory", type=click.IntRange(min=1), help="MiB (default: judge.yaml's).")
@click.option("--lang", "-l", help="Language (runner name); default: from the file extension.")
@pass_app
def run(
    app: App,
    path: Path,
    args: tuple[str, ...],
    stdin_file: Path | None,
    time: float | None,
    wall: float | None,
    memory: int | None,
    lang: str | None,
) -> None:
    """Run FILE (or the program in DIR) once, live: its output as it is written, our input as it comes.

    Arguments after FILE (put `--` before any that start with a dash) go to the program. Exit code: the program's
    own, 124 when it was stopped at its time limit, 128+N when a signal N ended it (137: killed), 1 when it does
    not compile, 2 on bad input, 3 on a judge error.
    """
    settings = app.settings
    language = program_language(path, app.languages, lang)
    program = program_for(path, language)
    cpu = time if time is not None else settings.time
    limits = ExecuteLimits(
        time=cpu,
        wall=wall if wall is not None else settings.wall_limit(cpu),
        memory=memory * MIB if memory is not None else settings.memory,
        output=settings.output,
        compile_wall=settings.compile_time,
    )
    with stopping_on_interrupt():
        execution = LiveExecution(app.client, settings, language, program, limits, args)
        session = Session(execution)
        feeder = threading.Thread(target=session.feed, args=(stdin_file,), name="judge-run-stdin", daemon=True)
        feeder.start()
        code = session.show()
    sys.exit(code)


class Session:
    """Our side of one live run: our stdin fed to it, its output written to ours, Ctrl-C and a closed stdout."""

    def __init__(self, execution: LiveExecution) -> None:
        self.execution = execution
        self.stopped_because = ""  # why we stopped the program ("Ctrl-C", "stdout closed"), if we did
        self.stdout_open = True
        self.line_open = False  # the last byte shown on the terminal was not a newline

    def feed(self, stdin_file: Path | None) -> None:
        """Our stdin (or the file) to the program, each chunk as it arrives; its end is the program's EOF."""
        try:
            if stdin_file is not None:
                with stdin_file.open("rb") as f:
                    while (chunk := f.read(CHUNK)) and self.execution.send_stdin(chunk):
                        pass
            else:
                while (chunk := _read_stdin()) and self.execution.send_stdin(chunk):
                    pass
        finally:
            self.execution.close_stdin()

    def show(self) -> int:
        """Each event as it comes; the summary; the exit code."""
        with contextlib.closing(self.execution.events()) as events:  # closed: the container is removed
            for event in events:
                if isinstance(event, LiveOutput):
                    self.write(event)
                elif isinstance(event, ExecuteResult):
                    return self.finish(event)
                elif event.name == "run":  # from now on Ctrl-C stops the program
                    self.on_interrupt(lambda: self.stop("Ctrl-C"))
        raise AssertionError("a live run ends with its result")

    def write(self, event: LiveOutput) -> None:
        if event.stream == "stdout":
            if not self.stdout_open:
                return
            try:
                _write_all(1, event.data)
            except OSError as exc:
                if exc.errno not in (errno.EPIPE, errno.EINVAL):
                    raise
                self.stdout_open = False
                self.stop("our stdout closed")
                return
        else:
            try:
                _write_all(2, event.data)
            except OSError:
                return
        self.line_open = not event.data.endswith(b"\n")

    def stop(self, why: str) -> None:
        """Stop the program (from another thread: a signal handler must not wait on the sandbox's lock)."""
        if not self.stopped_because:
            self.stopped_because = why
        threading.Thread(target=self.execution.stop, name="judge-run-stop", daemon=True).start()

    def on_interrupt(self, first: Callable[[], None]) -> None:
        """The first Ctrl-C calls ``first``; the next one does what it did before (judge stops at once)."""
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGINT)

        def handler(signum: int, frame: FrameType | None) -> None:
            signal.signal(signal.SIGINT, previous)
            first()

        signal.signal(signal.SIGINT, handler)

    def finish(self, result: ExecuteResult) -> int:
        """The compiler's message (CE), the summary line on stderr, and the exit code."""
        if (self.line_open or self.stopped_because == "Ctrl-C") and sys.stderr.isatty():  # after the ^C echoed
            sys.stderr.write("\n")
        if result.verdict == Verdict.CE:
            output = result.compile.stdout if result.compile is not None else b""
            if output:
                sys.stderr.buffer.write(output if output.endswith(b"\n") else output + b"\n")
                sys.stderr.flush()
            click.echo(visible(f"judge: CE: {result.message}"), err=True)
            return COMPILE_FAILED
        run = result.run
        if run is None or result.verdict == Verdict.JE:
            click.echo(visible(f"judge: judge error: {result.message}"), err=True)
            return JUDGE_FAILED
        click.echo(visible(summary(result, self.stopped_because)), err=True)
        return exit_code(result)


def summary(result: ExecuteResult, stopped_because: str = "") -> str:
    """One line: how the program ended, which limit stopped it (if one did), CPU, wall and peak memory."""
    run = result.run
    assert run is not None
    parts = [f"killed by {signal_name(run.signal)}" if run.signal is not None else f"exit code {run.exit_code}"]
    if result.verdict in LIMITS:
        parts.append(f"{result.verdict.value}: {result.message}")
    elif stopped_because:
        parts.append(f"stopped: {stopped_because}")
    parts += [f"CPU {run.cpu:.2f} s", f"wall {run.wall:.2f} s", f"memory {run.memory / MIB:.1f} MiB"]
    return "judge: " + " | ".join(parts)


def exit_code(result: ExecuteResult) -> int:
    """The program's own exit code; 124 when a time limit stopped it; 128 + N when signal N ended it."""
    run = result.run
    assert run is not None
    if result.verdict == Verdict.TLE:
        return TIMED_OUT
    if run.signal is not None:
        return SIGNALLED + run.signal
    return run.exit_code or 0


def _read_stdin() -> bytes:
    """What our stdin holds now (a terminal: the line just typed; b"": its end, Ctrl-D)."""
    try:
        return os.read(0, CHUNK)
    except OSError:
        return b""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
