"""The host <-> agent protocol: every message either side sends, as one record each (standard library only).

This module is the single definition both sides use: the host imports it as ``judge.sandbox.protocol``, and the
container's bootstrap registers the same source as the module ``judge_protocol`` before the agent runs (see
``container.BOOTSTRAP``). Each message on the agent's stdin/stdout is a 4-byte big-endian length, a JSON header
of that length (the record's fields, its ``op`` and ``size``), then ``size`` bytes of payload. Decoding is
strict: a field that the record does not define, or a missing required one, is an error on either side.
"""

from __future__ import annotations

import dataclasses
import json
import struct
from dataclasses import dataclass, field
from typing import ClassVar

HEADER = struct.Struct(">I")
PAYLOAD_SIZE = "size"  # the frame's own key: bytes of payload after the header, never a record field


class ProtocolError(ValueError):
    """A message that no record describes, or a record with fields it does not define."""


# -- requests: host -> agent ---------------------------------------------------------------------------------------


@dataclass
class PutFile:
    """Store the payload as ``/box/<name>`` (a plain name, never a path)."""

    op: ClassVar[str] = "file"
    name: str


@dataclass
class Pack:
    """Reply Ok with the box as a tar in the payload (a compiled validator, cached outside)."""

    op: ClassVar[str] = "pack"


@dataclass
class Unpack:
    """Unpack the payload (a tar from Pack) into the box and seal it."""

    op: ClassVar[str] = "unpack"
    clear: bool = False  # empty the box first (put a packed box back as it was, e.g. after a test's .files)


@dataclass
class MakeFifos:
    """Create these FIFOs (on the interaction's shared volume)."""

    op: ClassVar[str] = "mkfifo"
    paths: list[str]


@dataclass
class Fifos:
    """An interactive run: the program's stdin is ``read``, its stdout ``write`` (FIFOs of the shared volume)."""

    read: str
    write: str
    side: str  # "submission" or "validator": the pipe rules differ (see the agent's ``Interaction``)
    accept_code: int | None = None  # the validator's exit code meaning "accepted": its side then holds the pipe
    transcript: int = 0  # bytes of the interaction to keep (the validator side relays and records); 0: none
    stop: str = ""  # a FIFO: the submission's side writes to it when the judge stopped the submission at a limit


@dataclass
class Compile:
    """Compile in /box as ``uid`` (the box is writable); stdout and stderr go to one capped file."""

    op: ClassVar[str] = "compile"
    cmd: list[str]
    wall: float  # seconds; the CPU limit is the same
    uid: int
    output_limit: int  # bytes of compiler output sent back
    fsize: int  # RLIMIT_FSIZE: the largest file the compiler may write (the box's size)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Run:
    """Run one test: stdin is the payload (or ``fifos``), stdout captured up to the limit, stderr an excerpt."""

    op: ClassVar[str] = "run"
    cmd: list[str]
    time: float  # CPU seconds
    wall: float  # seconds
    uid: int
    output_limit: int  # bytes of stdout
    stderr_limit: int  # bytes of stderr kept (the rest is read and discarded: stderr never decides a verdict)
    memory: int | None  # bytes the test may use (cgroup usage over the test's baseline); None: the cgroup's limit
    stack: int | None  # RLIMIT_STACK, bytes
    env: dict[str, str] = field(default_factory=dict)
    feedback: bool = False  # an output validator: make /tmp/feedback and send its files back
    fifos: Fifos | None = None
    # A multi-pass validator: bytes of feedback_dir/nextpass.in sent back (a larger one: only its size). When it
    # wrote one, the feedback dir is kept for the next pass (nextpass.in removed); ``first_pass`` starts it empty.
    nextpass: int = 0
    first_pass: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.fifos, dict):
            self.fifos = Fifos(**self.fifos)


@dataclass
class Live:
    """Run the program once, live: its stdout and stderr come back as Output frames as it writes them, its stdin is
    what the host sends meanwhile (the live inputs below), and the last frame is the usual Result (no payload: the
    output was streamed). After the Result the agent reads live inputs until EndLive (stray ones are dropped)."""

    op: ClassVar[str] = "live"
    cmd: list[str]
    time: float  # CPU seconds
    wall: float  # seconds
    uid: int
    output_limit: int  # bytes of stdout relayed: one more stops the program (OLE)
    stderr_limit: int  # bytes of stderr relayed (the rest is read and discarded: it stops nothing)
    memory: int | None  # bytes the program may use (cgroup usage over its baseline); None: the cgroup's limit
    stack: int | None  # RLIMIT_STACK, bytes
    env: dict[str, str] = field(default_factory=dict)


# -- live inputs: host -> agent while a Live command runs (read by its input pump, never by the request loop) -----


@dataclass
class Stdin:
    """The payload goes to the program's stdin, in order. The host keeps at most LIVE_WINDOW bytes not yet Taken."""

    op: ClassVar[str] = "stdin"


@dataclass
class CloseStdin:
    """The program's stdin ends (EOF) once what came before is delivered."""

    op: ClassVar[str] = "eof"


@dataclass
class Signal:
    """Send ``signal`` to the program's process group (SIGKILL: stop it; the agent then kills the rest)."""

    op: ClassVar[str] = "signal"
    signal: int


@dataclass
class EndLive:
    """The host has read the Result: the live command is over and the agent serves requests again."""

    op: ClassVar[str] = "end"


# -- replies: agent -> host ----------------------------------------------------------------------------------------


@dataclass
class Hello:
    """Sent once when the agent starts: what it found inside the container."""

    op: ClassVar[str] = "hello"
    pid: int
    python: str
    cgroup: str  # "v1" or "v2"
    oom_counter: str | None  # the file holding the OOM-kill count, or None
    container_cpu: bool  # the cgroup's CPU counter is readable (so CPU of every process counts)
    memory_usage: str | None  # the cgroup's memory usage file the limit is watched through, or None
    launcher: bool = False  # tests are spawned through judge's launcher (posix_spawn), not a fork of the agent


@dataclass
class Ok:
    """Done; for Pack the payload is the tar."""

    op: ClassVar[str] = "ok"


@dataclass
class Error:
    """The agent failed (and exits)."""

    op: ClassVar[str] = "error"
    message: str


@dataclass
class Result:
    """What one Compile or Run did. Payload: ``stdout_sent`` bytes of stdout, the stderr excerpt, then
    ``nextpass_sent`` bytes of nextpass.in."""

    op: ClassVar[str] = "result"
    exit_code: int | None
    signal: int | None
    cpu: float  # seconds, user+sys of every process of the command
    wall: float  # seconds
    memory: int  # bytes: the peak of wait4's ru_maxrss and of the cgroup's usage over the test's baseline
    killed_by: str | None  # "cpu", "wall", "output" or "memory": the limit the agent stopped it for
    oom: bool  # the cgroup's OOM killer fired during the command
    oom_counter: bool  # the OOM counter could be read at all
    output_exceeded: bool  # stdout went over ``output_limit``
    stdout_written: int  # bytes written to stdout in all
    stdout_sent: int  # bytes of stdout at the start of the payload (0 when over the limit)
    stderr_written: int  # bytes written to stderr in all (only the first ``stderr_limit`` are sent)
    spawn_error: str  # why the program could not be started, or ""
    ended: float  # CLOCK_MONOTONIC when the agent reaped the program (one clock for every container of the host)
    feedback: dict[str, str] = field(default_factory=dict)  # an output validator's feedback files
    transcript: str = ""  # the interaction, when Fifos.transcript asked for it
    nextpass_size: int | None = None  # bytes of the nextpass.in a multi-pass validator wrote; None: it wrote none
    nextpass_sent: int = 0  # bytes of it at the end of the payload (0 when over Run.nextpass)
    box_used: int = 0  # a Compile: bytes the box holds after it (the program and whatever else the compile wrote)


@dataclass
class Output:
    """A live command's program wrote the payload to ``stream`` ("stdout" or "stderr"), as it came."""

    op: ClassVar[str] = "output"
    stream: str


@dataclass
class Taken:
    """A live command's program was given ``taken`` more bytes of the host's stdin: the host may send that many more."""

    op: ClassVar[str] = "taken"
    taken: int


LIVE_WINDOW = 256 * 1024  # bytes of stdin the host sends ahead of the program's reading (so a signal always passes)

Request = PutFile | Pack | Unpack | MakeFifos | Compile | Run | Live
LiveInput = Stdin | CloseStdin | Signal | EndLive
LiveReply = Output | Taken
Reply = Hello | Ok | Error | Result
Record = Request | LiveInput | Reply | LiveReply
REQUESTS: tuple[type[Request], ...] = (PutFile, Pack, Unpack, MakeFifos, Compile, Run, Live)
LIVE_INPUTS: tuple[type[LiveInput], ...] = (Stdin, CloseStdin, Signal, EndLive)
LIVE_REPLIES: tuple[type[LiveReply], ...] = (Output, Taken)
REPLIES: tuple[type[Reply], ...] = (Hello, Ok, Error, Result)
ALL: tuple[type[Record], ...] = REQUESTS + LIVE_INPUTS + REPLIES + LIVE_REPLIES
RECORDS: dict[str, type[Record]] = {cls.op: cls for cls in ALL}
FIELDS: dict[type[Record], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in ALL
}  # looked up once: a record is framed twice for every test


def plain(value: object) -> object:
    """A field's value as JSON takes it (a nested record, such as Run.fifos, as a dict)."""
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value


def header(record: Record, size: int = 0) -> bytes:
    """The frame header of ``record`` followed by ``size`` bytes of payload: length, then JSON."""
    fields = {name: plain(getattr(record, name)) for name in FIELDS[type(record)]}
    raw = json.dumps({"op": record.op, **fields, PAYLOAD_SIZE: size}).encode()
    return HEADER.pack(len(raw)) + raw


def parse(raw: bytes) -> tuple[Record, int]:
    """The record in a JSON header, and the size of the payload that follows it."""
    try:
        fields = json.loads(raw)
        op = fields.pop("op")
        size = int(fields.pop(PAYLOAD_SIZE, 0))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProtocolError(f"malformed header: {exc}") from None
    cls = RECORDS.get(op)
    if cls is None:
        raise ProtocolError(f"unknown op {op!r}")
    unknown = sorted(set(fields).difference(FIELDS[cls]))
    if unknown:
        raise ProtocolError(f"{op}: fields no record defines: {', '.join(unknown)}")
    try:
        return cls(**fields), size
    except TypeError as exc:
        raise ProtocolError(f"{op}: {exc}") from None
