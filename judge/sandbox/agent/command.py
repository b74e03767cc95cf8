"""One command as the agent runs it: a Compile or Run request made a ``Command``, the program ``Running`` under it,
what it left once reaped (``Finished``), and the protocol's Result the agent builds of the two (``report``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .interaction import Transcript
from .measure import TestMemory, own_cpu, proc_cpu
from .processes import Rlimits
from .streams import Streams
from .wire import protocol


@dataclass
class Command:
    """A Compile or Run request as the agent runs it."""

    cmd: list[str]
    time: float
    wall: float
    uid: int
    env: dict[str, str]
    output_limit: int
    stderr_limit: int
    memory: int | None
    rlimits: Rlimits
    compiling: bool  # stdout and stderr to one file, the box writable
    feedback: bool = False
    fifos: protocol.Fifos | None = None
    nextpass: int = 0  # multi-pass: bytes of nextpass.in sent back
    first_pass: bool = True  # multi-pass: the feedback dir starts empty (later passes keep it)


@dataclass
class Running:
    """A command under way: what the watch needs to stop it and the collection to measure it."""

    command: Command
    streams: Streams
    pid: int | None
    spawn_error: str
    started: float
    memory: TestMemory
    cpu_before: float  # the agent's reaped children's CPU before the command
    container_cpu: Callable[[], float] | None
    container_before: float = 0.0
    own_before: float = 0.0
    oom_before: int | None = None
    killed_by: str | None = None
    cpu_at_kill: float = 0.0
    wall: float = 0.0

    def cpu_used(self) -> float:
        """The larger of the program's own CPU and the container's growth (without the agent's own), so CPU
        burnt by many processes (a fork bomb) counts too."""
        own = proc_cpu(self.pid) if self.pid is not None else 0.0
        return max(own, self.test_cpu())

    def test_cpu(self) -> float:
        """The container's CPU since the spawn, less the agent's own: every process of the test, those reaped by the
        kernel (SIGCHLD ignored) too, whose CPU reaches nobody's rusage. 0 without the cgroup's counter."""
        if self.container_cpu is None:
            return 0.0
        return self.container_cpu() - self.container_before - (own_cpu() - self.own_before)


@dataclass
class Finished:
    """What a command left once every process of it was reaped, its FIFOs let go and its places emptied."""

    exit_code: int | None
    signal: int | None
    cpu: float  # seconds
    memory: int  # bytes: the peak
    ended: float  # CLOCK_MONOTONIC when the program was reaped (now, if it never ran)
    oom_after: int | None  # the container's OOM-kill count after the command (None: no counter)
    stdout_written: int
    feedback: dict[str, str]
    transcript: Transcript | None
    nextpass_size: int | None = None


@dataclass
class Outcome:
    result: protocol.Result  # its stdout_sent still 0
    stdout_path: str | None  # the captured stdout (None: it went to a FIFO)
    stderr: bytes  # the stderr excerpt
    nextpass: bytes = b""  # a multi-pass validator's nextpass.in, when it is sent back


def report(running: Running, finished: Finished) -> protocol.Result:
    """The Result record of a finished command (its payloads' sizes are set once the bytes are known)."""
    oom_before, oom_after, excerpt = running.oom_before, finished.oom_after, running.streams.excerpt
    command, transcript = running.command, finished.transcript
    return protocol.Result(
        exit_code=finished.exit_code,
        signal=finished.signal,
        cpu=round(finished.cpu, 6),
        wall=round(running.wall, 6),
        memory=finished.memory,
        killed_by=running.killed_by,
        oom=bool(oom_before is not None and oom_after is not None and oom_after > oom_before),
        oom_counter=oom_after is not None,
        output_exceeded=not command.compiling and finished.stdout_written > command.output_limit,
        stdout_written=finished.stdout_written,
        stdout_sent=0,
        stderr_written=excerpt.written if excerpt is not None else 0,
        spawn_error=running.spawn_error,
        ended=finished.ended,
        feedback=finished.feedback,
        transcript=transcript.text() if transcript is not None else "",
        nextpass_size=finished.nextpass_size,
        nextpass_sent=0,  # set once the bytes are known, like stdout_sent
        box_used=0,  # set by a compile, once the box is sealed
    )
