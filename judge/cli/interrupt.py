"""Ctrl-C: stop at once, remove this process's containers, say so in one line, exit 130 (128 + SIGINT).

The handler runs in the main thread the moment the signal arrives (a blocked wait or socket read is interrupted):
it does not wait for the grading threads, which may be in the middle of a test. Whatever was committed stays:
the results store commits each finished grading as it comes, so the same ``judge rescore`` resumes where it
stopped. What the process was doing is said by ``note`` (e.g. how to resume), set by the command.
"""

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from judge.report.outcome import ExitCode

INTERRUPTED = ExitCode.INTERRUPTED  # 128 + SIGINT
REMOVE_SECONDS = 2.0  # how long the handler waits for the containers' removal (the engine removes the rest)

_note = ""


def note(text: str) -> None:
    """What the interruption message adds (``run the same command again to resume result set 3``)."""
    global _note
    _note = text


def _stop(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not cut the removal short
    ownership = sys.modules.get("judge.sandbox.ownership")  # not loaded: this command made no container
    removed = ownership.remove_everything_now(REMOVE_SECONDS) if ownership is not None else 0
    said = f"judge: interrupted: stopped, {removed} container(s) removed" + (f"; {_note}" if _note else "")
    restore = "\x1b[?25h\r\x1b[2K" if sys.stderr.isatty() else "\n"  # a live progress bar hid the cursor
    try:
        os.write(2, (restore + said + "\n").encode())
    except OSError:
        pass
    os._exit(INTERRUPTED)  # the grading threads are not waited for; the store keeps what was committed


@contextmanager
def stopping_on_interrupt() -> Iterator[None]:
    """While inside, Ctrl-C stops the process as above (only the main thread can take signals; elsewhere, and in
    a process that ignores SIGINT, nothing changes)."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        yield
        return
    previous = signal.signal(signal.SIGINT, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        note("")
