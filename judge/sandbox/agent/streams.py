"""A program's stdin, stdout and stderr for one command (``Streams``), lent to the program so it may reopen them,
and its stderr: a pipe the agent drains into an excerpt (``StderrExcerpt``)."""

from __future__ import annotations

import fcntl
import os
import stat
from dataclasses import dataclass

from .interaction import PIPE_SIZE, Interaction
from .wire import close_quietly

DRAIN_READS = 16  # reads of the stderr pipe per look, so a flood cannot keep the agent from its limits

_null: int | None = None


def discard(fd: int) -> int:
    """Throw away what a non-blocking pipe holds: bytes taken (0 at EOF); BlockingIOError when it is empty."""
    global _null
    if _null is None:
        _null = os.open(os.devnull, os.O_WRONLY)
    try:
        return os.splice(fd, _null, PIPE_SIZE, flags=os.SPLICE_F_NONBLOCK)
    except BlockingIOError:
        raise
    except (AttributeError, OSError):  # no splice: read and drop
        return len(os.read(fd, 65536))


class StderrExcerpt:
    """The program's stderr: a pipe the agent drains, keeping the first ``limit`` bytes and counting the rest.

    Never a file: a program flooding stderr is neither stopped nor judged for it (Kattis and DOMjudge judge
    stdout and time only). Past the excerpt the bytes are spliced into /dev/null, never copied to the agent,
    so draining costs the container's CPU quota little.
    """

    def __init__(self, limit: int) -> None:
        self.read_fd, self.program_fd = os.pipe()  # the program's stderr is ``program_fd``
        self.write_fd: int | None = self.program_fd  # the agent's copy of it, dropped once the program has spawned
        os.set_blocking(self.read_fd, False)
        try:
            fcntl.fcntl(self.read_fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)  # fewer wake-ups for a flood
        except OSError:
            pass
        self.limit = limit
        self.head = bytearray()
        self.written = 0
        self.open = True

    def drain(self, reads: int | None = DRAIN_READS) -> None:
        """Take what is there now (at most ``reads`` chunks; None: to the end once no writer is left)."""
        while self.open and (reads is None or reads > 0):
            try:
                if len(self.head) < self.limit:
                    data = os.read(self.read_fd, self.limit - len(self.head))
                    self.head += data
                    taken = len(data)
                else:
                    taken = discard(self.read_fd)
            except BlockingIOError:
                return
            if not taken:
                self.open = False
                return
            self.written += taken
            if reads is not None:
                reads -= 1

    def close(self) -> None:
        close_quietly(self.read_fd, self.write_fd)


@dataclass
class Streams:
    """The program's stdin, stdout and stderr for one command, and what the agent keeps of them."""

    stdin: int
    stdout: int
    stderr: int
    stdout_path: str | None  # the captured stdout (None: a FIFO)
    excerpt: StderrExcerpt | None  # None while compiling: stderr goes to the stdout file
    interaction: Interaction | None

    def spawned(self) -> None:
        """Drop the agent's copies of what only the program may hold (never the FIFO ends: see Interaction)."""
        if self.interaction is not None:
            self.interaction.spawned()
        else:
            close_quietly(self.stdin, self.stdout)
        if self.excerpt is not None:
            close_quietly(self.excerpt.write_fd)
            self.excerpt.write_fd = None

    def close(self) -> None:
        if self.interaction is not None:
            self.interaction.close()
        if self.excerpt is not None:
            self.excerpt.close()


def lend_streams(streams: Streams, uid: int) -> Streams:
    """Let the program reopen its own streams, as ``/dev/stdin``, ``/proc/self/fd/0``, ``/dev/stdout`` or
    ``/dev/stderr`` (a magic link of /proc: opening it checks the permission of the stream's inode only), or by
    the path it resolves to, as PHP does (the agent's folder and the FIFOs' are 0711: reachable, not listable).
    The input file: readable by all, writable by none. The stdout file: the program's own while it runs
    (it is unlinked before the next program). A pipe or FIFO: readable and writable by all (``make_fifos``)."""
    for fd, write in ((streams.stdin, False), (streams.stdout, True), (streams.stderr, True)):
        mode = os.fstat(fd).st_mode
        if stat.S_ISFIFO(mode):
            if stat.S_IMODE(mode) != 0o666:  # an interaction's FIFOs are made so (on a mount read-only here)
                os.fchmod(fd, 0o666)
        elif write:
            os.fchown(fd, uid, uid)
        else:
            os.fchmod(fd, 0o444)
    return streams
