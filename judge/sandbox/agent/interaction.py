"""An interactive problem's side of one test: the two FIFOs joining this container's program to the other's, opened
in step with the other side and let go of by the reference judges' rules (``Interaction``), and on the validator's
side, with a transcript, a relay between its program and the FIFOs recording what passes."""

from __future__ import annotations

import errno
import fcntl
import os
import select
import signal
import time
from types import FrameType

from .wire import close_quietly, protocol

PIPE_SIZE = 1 << 20  # the FIFOs' buffer: problemtools' interactive.cc sets 1 MiB (the unprivileged maximum)


class FifoTimeout(Exception):
    pass


def _fifo_timeout(signum: int, frame: FrameType | None) -> None:
    raise FifoTimeout


def open_fifos(read_path: str, write_path: str, *, read_first: bool, seconds: float = 10) -> tuple[int, int]:
    """Open our ends of the two FIFOs, each open blocking until the other container opens its end.

    Both sides open the FIFOs in the same order (``read_first`` on one side, not on the other), so they
    pair up without deadlock, and a program starts only once both its ends are connected: a read end
    whose writer has not arrived yet would read EOF at once. Returns (read fd, write fd).
    """
    opened = []
    previous = signal.signal(signal.SIGALRM, _fifo_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        for path, mode in ((read_path, os.O_RDONLY), (write_path, os.O_WRONLY))[:: 1 if read_first else -1]:
            try:
                opened.append((mode, os.open(path, mode)))
            except FifoTimeout:
                raise OSError(errno.ETIMEDOUT, f"the other side never opened {path}") from None
    except BaseException:
        close_quietly(*(fd for _, fd in opened))
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    fds = dict(opened)
    for fd in fds.values():
        try:
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        except OSError:
            pass  # the default 64 KiB; both sides try, for the same pipe
    return fds[os.O_RDONLY], fds[os.O_WRONLY]


class Transcript:
    """What passed both ways, kept up to ``cap`` bytes (the relays stop adding once it is full)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[tuple[str, bytes]] = []
        self.size = 0
        import threading  # only here: see the package's docstring

        self.lock = threading.Lock()

    def add(self, mark: str, data: bytes) -> None:
        with self.lock:
            self.parts.append((mark, data))
            self.size += len(data)

    def text(self) -> str:
        """Lines marked '<' (sent to the submission) and '>' (written by the submission)."""
        lines: list[str] = []
        pending: dict[str, bytes] = {}
        for mark, data in self.parts:
            buf = pending.get(mark, b"") + data
            *complete, rest = buf.split(b"\n")
            lines += [mark + line.decode("utf-8", "replace") for line in complete]
            pending[mark] = rest
        lines += [mark + rest.decode("utf-8", "replace") for mark, rest in pending.items() if rest]
        return "\n".join(lines) + ("\n" if lines else "")


class Relay:
    """Copies one direction of an interaction between a FIFO and the validator's pipe, recording a capped
    transcript. It closes only the fds in ``owned`` (the validator's pipe ends): the FIFO ends are the
    ``Interaction``'s, held by its rules. Writes never block, so the relay can always be stopped."""

    def __init__(self, src: int, dst: int, mark: str, transcript: Transcript, owned: tuple[int, ...]) -> None:
        self.src, self.dst, self.mark = src, dst, mark
        self.transcript, self.owned = transcript, owned
        import threading  # only here: see the package's docstring

        os.set_blocking(dst, False)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        poller = select.poll()
        poller.register(self.src, select.POLLIN)
        try:
            while not self.stop.is_set():
                if not poller.poll(50):
                    continue
                data = os.read(self.src, 65536)
                if not data:
                    return
                if self.transcript.size < self.transcript.cap:
                    self.transcript.add(self.mark, data[: self.transcript.cap - self.transcript.size])
                if not self.deliver(data):
                    return
        except OSError:  # EPIPE: the validator is gone and reads nothing more
            return
        finally:
            close_quietly(*self.owned)

    def deliver(self, data: bytes) -> bool:
        view = memoryview(data)
        writable = select.poll()
        writable.register(self.dst, select.POLLOUT)
        while view:
            if self.stop.is_set():
                return False
            if not writable.poll(50):
                continue
            try:
                view = view[os.write(self.dst, view) :]
            except BlockingIOError:
                continue
        return True

    def finish(self, deadline: float) -> None:
        """Let it copy what is left until its source ends (or ``deadline``), then stop it."""
        self.thread.join(max(0.0, deadline - time.monotonic()))
        self.stop.set()
        self.thread.join()


class Interaction:
    """This side's ends of an interaction's FIFOs for one test, held by the reference judges' rules.

    The submission and the validator run in two containers; each agent holds a copy of some of its program's
    FIFO ends and lets go of them in this order, so "who ended first" is decided by causality where the
    reference judges decide it so:

    - The submission's write end is held until the submission has been reaped, so the validator reads EOF
      only after the submission is gone and its ``ended`` instant is taken: BAPCtools' delayed EOF
      (``bapctools/interactive.py`` closes the validator's stdin only once it has reaped the submission): a
      submission that closes stdout and then crashes ended first (RTE), one that closes stdout and hangs is a TLE.
    - The validator's write end is the validator's alone: its side drops its copy once the validator runs
      (with a transcript, the relay closes it when the validator's output ends), so a validator that closes
      its stdout after sending everything gives the submission EOF at once, as BAPCtools' plain pipe does
      (problemtools' ``interactive.cc`` holds that end until the validator exits, which withholds the EOF).
      A validator's exit gives that EOF at the same instant; as in BAPCtools, the first reaped is first (this
      agent runs at normal priority, the programs at the lowest: it reaps before the submission can react).
    - The submission's side never lets the validator die of SIGPIPE (problemtools never closes the read
      end of validator->submission): it holds its read end of to-submission and, once the submission has
      been reaped, reads and discards whatever the validator still writes until the validator's output
      closes, so the validator never blocks on a full pipe either.
    - The validator's side holds its read end of from-submission while the validator runs. When the
      validator exits with the accepting code, it keeps holding it until the submission's side lets go:
      a submission still writing then is not killed by SIGPIPE, its bytes land in the pipe buffer (field
      notes, problemtools). On any other exit it closes it at once, so a submission writing to a
      validator that rejected and left dies of SIGPIPE instead of blocking to its wall limit (it ended
      after the validator, whose verdict decides).
    - When the judge stopped the submission at a limit (a deadlock: both programs blocked on full pipes,
      the submission's wall-clock cap fires first), the submission's side says so through the ``stop``
      FIFO and the validator's side stops the validator at once (problemtools' wall-time handler stops
      both). The host does not count such a validator's end as a judge error (``judging.verdicts``).
    - Each side answers the host only once it has let go of every FIFO, so the next test's FIFOs are
      new pipes: no byte of one test reaches the next.
    """

    def __init__(self, fifos: protocol.Fifos, deadline: float) -> None:
        self.submission_side = fifos.side == "submission"
        self.accept_code = fifos.accept_code
        self.deadline = deadline
        self.stop_path = fifos.stop
        # The validator's side listens for a stop before anything else: opened without waiting for a writer.
        self.stop_fd: int | None = None
        if fifos.stop and not self.submission_side:
            self.stop_fd = os.open(fifos.stop, os.O_RDONLY | os.O_NONBLOCK)
        # Both sides open to-submission first: the submission its read end, the validator its write end.
        try:
            read_fd, write_fd = open_fifos(fifos.read, fifos.write, read_first=self.submission_side)
        except BaseException:
            close_quietly(self.stop_fd)
            raise
        self.read_fd: int | None = read_fd
        self.write_fd: int | None = write_fd
        self.transcript: Transcript | None = None
        self.relays: list[Relay] = []
        self.child_stdin, self.child_stdout = read_fd, write_fd
        if fifos.transcript and not self.submission_side:
            self.transcript = Transcript(fifos.transcript)
            (child_in, relay_in), (relay_out, child_out) = os.pipe(), os.pipe()
            self.relays = [
                Relay(read_fd, relay_in, ">", self.transcript, owned=(relay_in,)),
                # the relay closes the FIFO's write end when the validator's output ends: EOF at once
                Relay(relay_out, write_fd, "<", self.transcript, owned=(relay_out, write_fd)),
            ]
            self.write_fd = None  # the relay's now
            self.child_stdin, self.child_stdout = child_in, child_out

    def spawned(self) -> None:
        """The program holds its ends now; drop our copies of the relay pipes' and of the validator's write end
        (its output is its own: closing it gives the submission EOF at once)."""
        if self.relays:
            close_quietly(self.child_stdin, self.child_stdout)
        elif not self.submission_side:
            close_quietly(self.write_fd)
            self.write_fd = None

    def program_reaped(self, exit_code: int | None, *, stopped: bool = False) -> None:
        """Let go of the FIFOs by the rules above; ``stopped``: the judge stopped the program at a limit."""
        if self.submission_side:
            if stopped:
                self._tell_stopped()
            close_quietly(self.write_fd)  # the validator reads EOF only now
            self.write_fd = None
            self._drain_until_closed(self.read_fd)
        else:
            to_submission, from_submission = (self.relays[1], self.relays[0]) if self.relays else (None, None)
            if from_submission is not None:
                from_submission.stop.set()  # the validator reads nothing more
                from_submission.finish(0)
            if to_submission is not None:
                to_submission.finish(self.deadline)  # what the validator wrote reaches the FIFO first
            close_quietly(self.write_fd)  # the submission reads EOF only now
            self.write_fd = None
            if exit_code is not None and exit_code == self.accept_code:
                self._hold_until_closed(self.read_fd)
        self.close()

    def _tell_stopped(self) -> None:
        """Wake the validator's side (it stops the validator). No reader: that side has let go already."""
        if not self.stop_path:
            return
        try:
            fd = os.open(self.stop_path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: nobody listens any more
            return
        try:
            os.write(fd, b"!")
        except OSError:
            pass
        finally:
            os.close(fd)

    def _drain_until_closed(self, fd: int | None) -> None:
        """Read and discard until every writer has closed (EOF) or the deadline."""
        if fd is None:
            return
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while time.monotonic() < self.deadline:
            if not poller.poll(50):
                continue
            if not os.read(fd, 65536):
                return

    def _hold_until_closed(self, fd: int | None) -> None:
        """Keep ``fd`` open, reading nothing, until no writer is left (POLLHUP) or the deadline."""
        if fd is None:
            return
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while time.monotonic() < self.deadline:
            events = poller.poll(50)
            if any(event & (select.POLLHUP | select.POLLERR) for _, event in events):
                return
            if events:
                time.sleep(0.02)  # unread bytes keep POLLIN set: do not spin on them

    def close(self) -> None:
        for relay in self.relays:
            relay.stop.set()
        for relay in self.relays:
            relay.thread.join()
        self.relays = []
        close_quietly(self.read_fd, self.write_fd, self.stop_fd)
        self.read_fd = self.write_fd = self.stop_fd = None
