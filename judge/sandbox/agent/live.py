"""A live command's streams (``LiveSession``): the program's stdin, stdout and stderr are pipes the agent relays while
it runs. A relay thread sends what the program writes as Output frames the moment it is written (no buffering beyond
the program's own) and gives the program the stdin the host sent; an input pump thread reads the host's live inputs
(stdin, EOF, signals) off the wire meanwhile. The agent's main thread watches the limits as for any test.

Flow: the host sends at most ``protocol.LIVE_WINDOW`` bytes of stdin that the program has not taken yet (each delivery
is acknowledged with a Taken frame), so the pump never blocks on a program that does not read and a signal always gets
through. stdout is relayed up to the output limit; one byte more stops the program (OLE). stderr is relayed up to its
own limit, the rest read and discarded (it stops nothing, as in a test).
"""

from __future__ import annotations

import errno
import os
import select
import signal
from collections import deque

from .streams import Streams, discard
from .wire import close_quietly, protocol, read_exact, read_message, send

CHUNK = 65536  # bytes read from a program's pipe at a time: one Output frame at most


class LiveSession:
    """One live command's pipes, its relay and its input pump (both threads, started once the program runs)."""

    def __init__(self, output_limit: int, stderr_limit: int) -> None:
        import threading  # only here: see the package's docstring

        self.output_limit, self.stderr_limit = output_limit, stderr_limit
        self.stdin_read, self.stdin_write = os.pipe()
        self.stdout_read, self.stdout_write = os.pipe()
        self.stderr_read, self.stderr_write = os.pipe()
        self.wake_read, self.wake_write = os.pipe()  # the pump wakes the relay: input arrived, or the program is done
        for fd in (self.stdin_write, self.stdout_read, self.stderr_read, self.wake_read, self.wake_write):
            os.set_blocking(fd, False)
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.pending: deque[bytes] = deque()  # stdin not yet given to the program
        self.eof_asked = False
        self.done = threading.Event()  # the program and every process of it are gone
        self.stdout_written = self.stderr_written = 0
        self.output_exceeded = False
        self.error = ""  # the pump read something that is not a live input
        self.poller = select.poll()  # the relay's
        self.waiting_for_room = False  # stdin's pipe is polled for room (POLLOUT)
        self.relay = threading.Thread(target=self._relay, name="live-relay", daemon=True)
        self.pump = threading.Thread(target=self._pump, name="live-pump", daemon=True)

    def streams(self) -> Streams:
        """The program's ends, as a test's streams (``Streams.spawned`` closes our copies of stdin's and stdout's)."""
        return Streams(
            stdin=self.stdin_read,
            stdout=self.stdout_write,
            stderr=self.stderr_write,
            stdout_path=None,
            excerpt=None,
            interaction=None,
        )

    def start(self, pid: int | None) -> None:
        """The program runs (``pid``; None: it could not start): drop our copy of its stderr, relay and pump."""
        close_quietly(self.stderr_write)
        self.stdin_read = self.stdout_write = self.stderr_write = -1  # the program's now (closed by Streams.spawned)
        self.pid = pid
        self.relay.start()
        self.pump.start()

    def program_done(self) -> None:
        """Every process of the command is gone: the relay sends what is left in the pipes and stops."""
        self.done.set()
        self._wake()
        if self.relay.is_alive():
            self.relay.join()

    def finish(self) -> None:
        """After the Result: read live inputs until the host's EndLive, then let every fd go."""
        if self.pump.is_alive():
            self.pump.join()
        close_quietly(self.stdin_write, self.stdout_read, self.stderr_read, self.wake_read, self.wake_write)
        if self.error:
            raise ValueError(self.error)

    # -- the input pump: the host's live inputs, read off the wire -----------------------------------------------
    def _pump(self) -> None:
        while True:
            try:
                record, size = read_message()
                data = read_exact(size) if size else b""
            except (EOFError, protocol.ProtocolError) as exc:  # the host is gone, or speaks nonsense: stop the program
                self.error = "" if isinstance(exc, EOFError) else f"ProtocolError: {exc}"
                self._signal(signal.SIGKILL)
                return
            if isinstance(record, protocol.EndLive):
                return
            if isinstance(record, protocol.Signal):
                self._signal(record.signal)
            elif isinstance(record, protocol.Stdin | protocol.CloseStdin):
                with self.lock:
                    if isinstance(record, protocol.CloseStdin):
                        self.eof_asked = True
                    elif data:
                        self.pending.append(data)
                self._wake()
            else:
                self.error = f"ProtocolError: {record.op!r} during a live command"
                self._signal(signal.SIGKILL)

    def _signal(self, number: int) -> None:
        """``number`` to the program's process group (its own session); nothing once it is gone."""
        if self.pid is None or self.done.is_set():
            return
        try:
            os.killpg(self.pid, number)
        except (ProcessLookupError, PermissionError, ValueError, OSError):
            pass

    def _wake(self) -> None:
        try:
            os.write(self.wake_write, b"!")
        except (BlockingIOError, OSError):
            pass  # full (the relay will wake anyway) or closed

    # -- the relay: the program's output out, its stdin in ---------------------------------------------------------
    def _relay(self) -> None:
        self.poller = select.poll()
        outputs = {self.stdout_read: "stdout", self.stderr_read: "stderr"}
        for fd in (*outputs, self.wake_read):
            self.poller.register(fd, select.POLLIN)
        while outputs or not self.done.is_set():
            for fd, _ in self.poller.poll():
                if fd == self.wake_read:
                    self._drain_wake()
                elif fd == self.stdin_write:
                    self._deliver()
                elif fd in outputs and not self._relay_output(fd, outputs[fd]):
                    self.poller.unregister(fd)
                    del outputs[fd]
            if self.done.is_set():
                self._drop_pending()
            if self.pending and self.stdin_write >= 0:
                self._deliver()  # often the pipe has room: no wait for the poll
            if self.stdin_write >= 0 and not self.pending and (self.eof_asked or self.done.is_set()):
                self._close_stdin()  # EOF once everything sent before it is delivered
            self._want_room(bool(self.pending) and self.stdin_write >= 0)

    def _want_room(self, want: bool) -> None:
        """Poll stdin's pipe for room while there is stdin to give (only then: an empty pipe is always writable)."""
        if want != self.waiting_for_room:
            self.waiting_for_room = want
            if want:
                self.poller.register(self.stdin_write, select.POLLOUT)
            else:
                self.poller.unregister(self.stdin_write)

    def _close_stdin(self) -> None:
        self._want_room(False)
        close_quietly(self.stdin_write)
        self.stdin_write = -1

    def _drain_wake(self) -> None:
        try:
            while os.read(self.wake_read, 4096):
                pass
        except BlockingIOError:
            pass

    def _relay_output(self, fd: int, stream: str) -> bool:
        """What the program wrote to ``stream``, relayed (within its limit); False at EOF."""
        stdout = stream == "stdout"
        limit = self.output_limit if stdout else self.stderr_limit
        written = self.stdout_written if stdout else self.stderr_written
        try:
            if written >= limit + (1 if stdout else 0):  # past the limit: taken and dropped, never sent
                taken = discard(fd)
                data = b""
            else:
                data = os.read(fd, CHUNK)
                taken = len(data)
        except BlockingIOError:
            return True
        if not taken:
            return False
        if data[: max(0, limit - written)]:
            send(protocol.Output(stream=stream), data[: limit - written])
        if stdout:
            self.stdout_written += taken
            if self.stdout_written > self.output_limit and not self.output_exceeded:
                self.output_exceeded = True
                self._signal(signal.SIGKILL)  # the watch sees it end; the agent names the limit
        else:
            self.stderr_written += taken
        return True

    def _deliver(self) -> None:
        """Give the program what stdin it takes now; tell the host how much it took."""
        taken = 0
        with self.lock:
            while self.pending and self.stdin_write >= 0:
                chunk = self.pending[0]
                try:
                    n = os.write(self.stdin_write, chunk)
                except BlockingIOError:
                    break
                except OSError as exc:  # EPIPE: the program closed its stdin; what is left is nobody's
                    if exc.errno != errno.EPIPE:
                        raise
                    taken += sum(len(c) for c in self.pending)
                    self.pending.clear()
                    self._close_stdin()
                    break
                taken += n
                if n == len(chunk):
                    self.pending.popleft()
                else:
                    self.pending[0] = chunk[n:]
        if taken:
            send(protocol.Taken(taken=taken))

    def _drop_pending(self) -> None:
        """The program is gone: its unread stdin is dropped (and acknowledged, so the host never waits on it)."""
        with self.lock:
            dropped = sum(len(c) for c in self.pending)
            self.pending.clear()
        if dropped:
            send(protocol.Taken(taken=dropped))
