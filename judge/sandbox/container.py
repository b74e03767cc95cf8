"""Sandbox: one fresh, hardened container per submission, driven through the runner agent inside it.

Owns the container's limits (no network, read-only root, tmpfs work dirs, capabilities dropped but the
agent's, no-new-privileges, pids, memory = memory+swap, CPU quota, log cap; the runtime: judge.sandbox.runtime),
the framed protocol to the agent over the attach socket, and removal in every outcome. It returns measurements
(ProcessResult) and knows nothing of verdicts, answers or checkers.
"""

import contextlib
import dataclasses
import select
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import docker
import docker.errors
from docker.types import LogConfig, Mount

from judge.errors import JudgeFailure
from judge.excerpts import error_excerpt
from judge.sandbox import agent, protocol
from judge.sandbox.ownership import (
    ENGINE_ERRORS,
    create_owned,
    owned_volume,
    ownership_labels,
    reason,
    remove_container,
)
from judge.sandbox.runtime import RuntimeChoice, runtime_failed, runtime_for
from judge.units import MIB

PROTOCOL_SOURCE = (Path(__file__).parent / "protocol.py").read_bytes()


def _agent_sources() -> tuple[bytes, ...]:
    """The agent package as the bootstrap reads it: a module's name in the container and its source, for the package
    and then each of its modules in the order they import one another (``agent.MODULES``); an empty name ends it."""
    folder = Path(agent.__file__).parent
    frames = [b"judge_agent", (folder / "__init__.py").read_bytes()]
    for module in agent.MODULES:
        frames += [f"judge_agent.{module}".encode(), (folder / f"{module}.py").read_bytes()]
    return (*frames, b"")


AGENT_SOURCES = _agent_sources()
# PID 1 of the container reads length-prefixed frames from stdin: protocol.py, registered as the module
# ``judge_protocol``, then AGENT_SOURCES, each module registered before the next runs; then it runs the agent
# (nothing is copied onto disk). AGENT_INSTALL alone installs the modules without running anything.
AGENT_INSTALL = (
    "import sys,struct,types\n"
    "def r():\n b=sys.stdin.buffer;n=struct.unpack('>I',b.read(4))[0];return b.read(n)\n"
    "def load(name,package=''):\n"
    " m=types.ModuleType(name);m.__package__=package;sys.modules[name]=m\n"
    " exec(compile(r(),name,'exec'),m.__dict__)\n"
    "load('judge_protocol')\n"
    "while name:=r().decode():load(name,'judge_agent')\n"
)
BOOTSTRAP = AGENT_INSTALL + "sys.modules['judge_agent.main'].main()"
# What the agent needs and nothing more: drop the submission to its uid, own and clean the work dirs,
# kill the test's processes, lower the child's rlimits and raise its OOM score and take both back.
# The submission itself runs with no capabilities at all.
AGENT_CAPS = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL"]
# Kept when the engine can grant it (an engine whose own bounding set lacks it cannot: the container then starts
# without it): SYS_RESOURCE keeps the agent's OOM score at -1000 and pins the submission's at 1000.
OOM_CAPS = ["SYS_RESOURCE"]
_caps_refused: set[str] = set()  # OOM_CAPS this process's engine could not grant
CAPS_REFUSED = ("apply caps", "capset", "capabilit")  # how runc and crun say a capability could not be set
PROTOCOL_SLACK = 30.0  # seconds the engine may take beyond a command's own wall limit


@dataclass(frozen=True)
class SandboxSpec:
    image: str
    memory: int  # container memory (and memory+swap) limit while running tests, bytes
    compile_memory: int  # the same while compiling
    private_size: int  # tmpfs for the agent's files: the current input and captured output
    uid: int = 1000
    pids: int = 128
    cpus: float = 1.0
    cpuset: str | None = None
    tmp_size: int = 64 * MIB
    box_size: int = 256 * MIB
    log_max_size: str = "1m"
    missing_image_hint: str = ""
    # Called once when the image is missing (builds it on first use; judge.sandbox.images), then creation is retried.
    build_missing_image: Callable[[], None] | None = field(default=None, compare=False)
    labels: dict[str, str] = field(default_factory=dict)
    mounts: tuple[tuple[str, str, bool], ...] = ()  # (volume, target, read-only): interactive problems' FIFOs
    launcher: bytes = field(default=b"", compare=False, repr=False)  # judge.sandbox.launcher's code (b"": fork)


@dataclass(frozen=True)
class RunSpec:
    """The limits of one command run in a sandbox."""

    time: float  # CPU seconds
    wall: float  # seconds
    memory: int  # bytes: the test's memory limit (the agent kills above it) and the stack limit
    output_limit: int  # bytes of stdout
    env: dict[str, str] = field(default_factory=dict)
    stderr_limit: int = 4096  # bytes of stderr kept (the rest is read and discarded: it never decides a verdict)


@dataclass
class ProcessResult:
    """What one command did: the agent's measurements and the bytes it wrote."""

    exit_code: int | None
    signal: int | None
    cpu: float  # seconds, user+sys of every process of the command
    wall: float  # seconds
    memory: int  # bytes, peak: wait4 ru_maxrss or the cgroup's usage over the test's baseline, the larger
    killed_by: str | None  # "cpu", "wall", "output" or "memory" when the agent stopped it for that limit
    oom: bool  # the cgroup's OOM killer fired during the command
    oom_counter: bool  # whether the OOM counter could be read at all
    output_exceeded: bool  # stdout went over the output limit
    stdout: bytes
    stderr: bytes  # the first RunSpec.stderr_limit bytes of stderr
    stdout_written: int = 0  # bytes the command wrote to stdout in all
    stderr_written: int = 0  # bytes it wrote to stderr in all (read and discarded past the excerpt)
    spawn_error: str = ""
    ended: float = 0.0  # CLOCK_MONOTONIC when the agent reaped the process (the same clock in every container)
    feedback: dict[str, str] = field(default_factory=dict)  # files an output validator left in feedback_dir
    transcript: str = ""  # an interaction, when asked for
    nextpass: bytes | None = None  # a multi-pass validator's nextpass.in (None: it wrote none)
    nextpass_size: int = 0  # its size: over RunSpec.nextpass only the size comes back (``nextpass`` is empty)
    box_used: int = 0  # a compile: bytes the box holds after it (memory of the container's, outside any process)


def process_result(reply: protocol.Result, payload: bytes) -> ProcessResult:
    """The host's view of the agent's Result record: every field of it is used here."""
    end = len(payload) - reply.nextpass_sent
    return ProcessResult(
        exit_code=reply.exit_code,
        signal=reply.signal,
        cpu=reply.cpu,
        wall=reply.wall,
        memory=reply.memory,
        killed_by=reply.killed_by,
        oom=reply.oom,
        oom_counter=reply.oom_counter,
        output_exceeded=reply.output_exceeded,
        stdout=payload[: reply.stdout_sent],
        stderr=payload[reply.stdout_sent : end],
        stdout_written=reply.stdout_written,
        stderr_written=reply.stderr_written,
        spawn_error=reply.spawn_error,
        ended=reply.ended,
        feedback=reply.feedback,
        transcript=reply.transcript,
        nextpass=payload[end:] if reply.nextpass_size is not None else None,
        nextpass_size=reply.nextpass_size or 0,
        box_used=reply.box_used,
    )


class _Channel:
    """The agent's stdin/stdout over docker's attach socket (8-byte framed stdout/stderr stream)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._sock = getattr(raw, "_sock", raw)
        self._buf = bytearray()
        self.stderr = bytearray()

    def settimeout(self, seconds: float) -> None:
        self._sock.settimeout(seconds)

    def send(self, data: bytes) -> None:
        self._sock.sendall(data)

    def _recv_raw(self, n: int) -> bytes:
        parts, left = [], n
        while left:
            chunk = self._sock.recv(min(left, 1 << 20))
            if not chunk:
                raise EOFError
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def read(self, n: int) -> bytes:
        while len(self._buf) < n:
            header = self._recv_raw(8)
            stream, size = header[0], struct.unpack(">I", header[4:])[0]
            payload = self._recv_raw(size)
            if stream == 2:
                self.stderr += payload[: max(0, 65536 - len(self.stderr))]
            else:
                self._buf += payload
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def open(self) -> bool:
        """Whether the connection is still up with nothing unread (an idle agent sends nothing): False once the
        engine that carried it has gone, even when the container outlived it."""
        try:
            readable, _, _ = select.select([self._sock], [], [], 0)
            return not readable and not self._buf
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        for obj in (self._sock, self._raw):
            try:
                obj.close()
            except Exception:
                pass


def agent_caps() -> list[str]:
    """The capabilities the agent keeps: AGENT_CAPS, and OOM_CAPS unless this process's engine refused them."""
    return AGENT_CAPS + [cap for cap in OOM_CAPS if cap not in _caps_refused]


class Sandbox:
    """A running container with the agent ready; use as a context manager so it is always removed."""

    def __init__(self, client: docker.DockerClient, spec: SandboxSpec) -> None:
        self.client = client
        self.api = client.api
        self.spec = spec
        self.container_id: str | None = None
        self.channel: _Channel | None = None
        self.hello: protocol.Hello | None = None
        self.info: dict[str, Any] = {}  # the Hello record's fields (for doctor)
        self.image_id = ""
        self.runtime: RuntimeChoice | None = None  # the OCI runtime the container runs on

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> "Sandbox":
        self.start()
        return self

    def start(self) -> "Sandbox":
        """Create and start the container and the agent (once; a started sandbox is left as it is)."""
        if self.channel is None:
            try:
                self._start()
            except BaseException:
                self.close()
                raise
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.close()

    def _host_config(self, caps: list[str]) -> dict[str, Any]:
        s = self.spec
        return self.api.create_host_config(
            network_mode="none",
            read_only=True,
            tmpfs={
                "/box": f"rw,exec,nosuid,nodev,size={s.box_size},mode=0755",
                "/tmp": f"rw,noexec,nosuid,nodev,size={s.tmp_size},mode=1777",
                "/judge": f"rw,noexec,nosuid,nodev,size={s.private_size},mode=0700",
            },
            cap_drop=["ALL"],
            cap_add=caps,
            security_opt=["no-new-privileges"],
            pids_limit=s.pids,
            mem_limit=s.compile_memory,
            memswap_limit=s.compile_memory,
            nano_cpus=int(s.cpus * 1e9),
            cpuset_cpus=s.cpuset,
            shm_size=16 * MIB,
            log_config=LogConfig(type=LogConfig.types.JSON, config={"max-size": s.log_max_size, "max-file": "1"}),
            auto_remove=True,
            mounts=[Mount(target, source, type="volume", read_only=ro) for source, target, ro in s.mounts] or None,
            runtime=self.runtime.runtime if self.runtime else None,  # crun when the engine offers it
        )

    def _start(self) -> None:
        s = self.spec
        try:
            self.runtime = runtime_for(self.client)
        except ENGINE_ERRORS as exc:
            raise JudgeFailure(f"could not ask the engine for its runtimes: {reason(exc)}") from None
        labels = {**ownership_labels(), **s.labels}
        caps = agent_caps()  # another thread may learn meanwhile that the engine refuses some: retry on what we asked

        def create() -> Any:
            return self.api.create_container(
                s.image,
                command=["python3", "-I", "-S", "-c", BOOTSTRAP],
                stdin_open=True,
                detach=False,  # sets StdinOnce: when our connection drops, the agent sees EOF and exits
                user="0:0",
                working_dir="/box",
                hostname="judge",
                network_disabled=True,
                labels=labels,
                host_config=self._host_config(caps),
            )

        try:
            try:
                created = create_owned(self.client, create)
            except docker.errors.ImageNotFound:
                if s.build_missing_image is None:
                    raise
                s.build_missing_image()
                created = create_owned(self.client, create)
        except docker.errors.ImageNotFound:
            raise JudgeFailure(f"runner image {s.image} is missing: {s.missing_image_hint}") from None
        except ENGINE_ERRORS as exc:
            raise JudgeFailure(f"could not create the container: {reason(exc)}") from None
        self.container_id = created["Id"]
        try:
            self.image_id = str(self.api.inspect_container(self.container_id)["Image"])
            raw = self.api.attach_socket(self.container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
            self.channel = _Channel(raw)
            self.api.start(self.container_id)
        except ENGINE_ERRORS as exc:
            if any(word in str(exc) for word in CAPS_REFUSED) and set(caps) & set(OOM_CAPS):
                _caps_refused.update(OOM_CAPS)  # the engine cannot grant it: start without it from now on
                self.close()
                return self._start()
            if self.runtime.fallback and "OCI runtime" in str(exc):  # crun cannot run here: the default can
                said = str(getattr(exc, "explanation", None) or exc).rsplit("OCI runtime create failed: ", 1)[-1]
                runtime_failed(self.client, said.removesuffix(": unknown"))
                self.close()
                return self._start()
            raise JudgeFailure(f"could not start the container: {reason(exc)}") from None
        self.channel.settimeout(60)
        sources = (PROTOCOL_SOURCE, *AGENT_SOURCES, self.spec.launcher)  # the bootstrap reads all but the last
        self._send_raw(b"".join(protocol.HEADER.pack(len(s)) + s for s in sources))
        hello = self._receive("starting the agent")[0]
        if not isinstance(hello, protocol.Hello):
            raise JudgeFailure(f"the runner agent said {hello.op!r} instead of hello")
        self.hello, self.info = hello, dataclasses.asdict(hello)

    def alive(self) -> bool:
        """Whether the started container still runs and its agent's connection is up (one inspect): a warm one may
        have gone with its engine, or lost its connection with the engine that carried it."""
        if self.channel is None or self.container_id is None or not self.channel.open():
            return False
        try:
            return bool(self.api.inspect_container(self.container_id)["State"]["Running"])
        except ENGINE_ERRORS:
            return False

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.container_id is not None:
            remove_container(self.client, self.container_id)
            self.container_id = None

    # -- protocol --------------------------------------------------------------------------------
    def _send_raw(self, data: bytes) -> None:
        assert self.channel is not None
        try:
            self.channel.send(data)
        except (OSError, EOFError) as exc:
            raise self._lost("sending to the agent", exc) from None

    def _send(self, request: Any, payload: bytes = b"", payload_file: Path | None = None) -> None:
        size = payload_file.stat().st_size if payload_file is not None else len(payload)
        self._send_raw(protocol.header(request, size) + payload)
        if payload_file is not None:
            with payload_file.open("rb") as f:
                while chunk := f.read(1 << 20):
                    self._send_raw(chunk)

    def _receive(self, doing: str) -> tuple[Any, bytes]:
        """The agent's next reply record and its payload."""
        assert self.channel is not None
        try:
            (length,) = protocol.HEADER.unpack(self.channel.read(protocol.HEADER.size))
            raw = self.channel.read(length)
        except (OSError, EOFError, ValueError) as exc:
            raise self._lost(doing, exc) from None
        try:
            reply, size = protocol.parse(raw)
        except protocol.ProtocolError as exc:
            raise JudgeFailure(f"the runner agent's reply while {doing} does not follow the protocol: {exc}") from None
        try:
            payload = self.channel.read(size)
        except (OSError, EOFError, ValueError) as exc:
            raise self._lost(doing, exc) from None
        if isinstance(reply, protocol.Error):
            raise JudgeFailure(f"the runner agent failed while {doing}: {reply.message}")
        return reply, payload

    def _lost(self, doing: str, exc: BaseException) -> JudgeFailure:
        said = bytes(self.channel.stderr).decode(errors="replace").strip() if self.channel else ""
        said = f"; agent said: {error_excerpt(said)}" if said else ""
        what = "timed out" if isinstance(exc, TimeoutError | socket.timeout) else "lost the container"
        return JudgeFailure(f"{what} while {doing} ({type(exc).__name__}: engine stopped or container killed){said}")

    # -- operations ------------------------------------------------------------------------------
    def put_file(self, name: str, data: bytes) -> None:
        self._send(protocol.PutFile(name=name), data)
        self._receive(f"copying {name}")

    def pack(self) -> bytes:
        """The box as a tar: a compiled program, to be unpacked into another sandbox later."""
        self._send(protocol.Pack())
        return self._receive("packing the compiled program")[1]

    def unpack(self, data: bytes, clear: bool = False) -> None:
        """Unpack a tar into the box; ``clear`` empties the box first (puts a packed box back as it was)."""
        self._send(protocol.Unpack(clear=clear), data)
        self._receive("unpacking the compiled program")

    def mkfifo(self, paths: Sequence[str]) -> None:
        self._send(protocol.MakeFifos(paths=list(paths)))
        self._receive("making the interaction's FIFOs")

    def set_limits(self, memory: int, cpuset: str | None = None) -> None:
        """Set the memory (= memory+swap) limit for the tests, and pin the container to ``cpuset``."""
        assert self.container_id is not None
        extra = {"cpuset_cpus": cpuset} if cpuset else {}
        try:
            self.api.update_container(self.container_id, mem_limit=memory, memswap_limit=memory, **extra)
        except ENGINE_ERRORS as exc:
            raise JudgeFailure(f"could not set the container's limits: {reason(exc)}") from None

    def _result(self, doing: str) -> ProcessResult:
        reply, payload = self._receive(doing)
        if not isinstance(reply, protocol.Result):
            raise JudgeFailure(f"the runner agent said {reply.op!r} instead of a result while {doing}")
        return process_result(reply, payload)

    def compile(self, cmd: list[str], *, wall: float, output_limit: int, env: dict[str, str]) -> ProcessResult:
        """Compile as the submission's uid in /box; stdout holds stdout and stderr together."""
        assert self.channel is not None
        self.channel.settimeout(wall + PROTOCOL_SLACK)
        request = protocol.Compile(
            cmd=cmd, wall=wall, uid=self.spec.uid, output_limit=output_limit, fsize=self.spec.box_size, env=env
        )
        self._send(request)
        return self._result("compiling")

    def run_tests(
        self, cmd: list[str], inputs: Sequence[Path], run: RunSpec, skip: Callable[[int], bool] | None = None
    ) -> Iterator[ProcessResult | None]:
        """Run ``cmd`` once per input file, in order, yielding each measurement as it arrives.

        Each input becomes the program's stdin (an fd of a file only the agent can read). A writer
        thread sends the next inputs while the current test runs, so the engine's round trip is hidden;
        the agent reads an input only when its test starts, so no test can see another's input.
        With ``skip``, tests run one at a time and a test ``skip(index)`` rejects yields None.
        """
        header = self._run_header(cmd, run)
        if skip is not None:  # each test waits for the last one's verdict: no inputs sent ahead
            for index, path in enumerate(inputs):
                if skip(index):
                    yield None
                    continue
                self._send(header, payload_file=path)
                yield self._result(f"running on {path.name}")
            return
        stop = threading.Event()

        def writer() -> None:
            for path in inputs:
                if stop.is_set():
                    return
                try:
                    self._send(header, payload_file=path)
                except JudgeFailure:
                    return  # the reader sees the same failure

        thread = threading.Thread(target=writer, name="judge-sandbox-writer", daemon=True)
        thread.start()
        try:
            for path in inputs:
                yield self._result(f"running on {path.name}")
        finally:
            stop.set()

    def _run_header(
        self,
        cmd: list[str],
        run: RunSpec,
        feedback: bool = False,
        fifos: protocol.Fifos | None = None,
        nextpass: int = 0,
        first_pass: bool = True,
    ) -> protocol.Run:
        assert self.channel is not None
        self.channel.settimeout(run.wall + PROTOCOL_SLACK)
        return protocol.Run(
            cmd=cmd,
            time=run.time,
            wall=run.wall,
            uid=self.spec.uid,
            output_limit=run.output_limit,
            stderr_limit=run.stderr_limit,
            memory=run.memory,
            stack=run.memory,
            env=run.env,
            feedback=feedback,
            fifos=fifos,
            nextpass=nextpass,
            first_pass=first_pass,
        )

    def send_run(
        self,
        cmd: list[str],
        run: RunSpec,
        stdin: bytes = b"",
        *,
        feedback: bool = False,
        fifos: protocol.Fifos | None = None,
        nextpass: int = 0,
        first_pass: bool = True,
    ) -> None:
        """Start one command (stdin from ``stdin``, or the FIFOs ``fifos``); ``result`` collects it. A multi-pass
        validator: ``nextpass`` bytes of its nextpass.in come back, ``first_pass`` starts its feedback dir empty."""
        header = self._run_header(cmd, run, feedback=feedback, fifos=fifos, nextpass=nextpass, first_pass=first_pass)
        self._send(header, stdin)

    def result(self, doing: str = "running a command") -> ProcessResult:
        return self._result(doing)

    def start_live(self, cmd: list[str], run: RunSpec) -> "LiveRun":
        """Start one command live: its output comes back as it is written, its stdin is sent while it runs."""
        assert self.channel is not None
        self.channel.settimeout(run.wall + PROTOCOL_SLACK)
        live = protocol.Live(
            cmd=cmd,
            time=run.time,
            wall=run.wall,
            uid=self.spec.uid,
            output_limit=run.output_limit,
            stderr_limit=run.stderr_limit,
            memory=run.memory,
            stack=run.memory,
            env=run.env,
        )
        self._send(live)
        return LiveRun(self)


@dataclass(frozen=True)
class LiveOutput:
    """Bytes a live command's program wrote to ``stream`` ("stdout" or "stderr"), as they came."""

    stream: str
    data: bytes


class LiveRun:
    """A live command under way in a sandbox (``Sandbox.start_live``). ``events`` yields each LiveOutput as the
    program writes it and last its ProcessResult (output already streamed: ``stdout`` and ``stderr`` are empty).
    ``send_stdin``, ``close_stdin`` and ``signal`` may be called from other threads meanwhile (one sender of stdin at
    a time); once the result is in they do nothing and say so (False). No terminal here: a CLI or a WebSocket drives
    it the same way."""

    def __init__(self, box: Sandbox) -> None:
        self._box = box
        self._send_lock = threading.Lock()
        self._credit = threading.Condition()
        self._in_flight = 0  # stdin bytes sent that the program has not taken yet (at most protocol.LIVE_WINDOW)
        self._over = False

    def send_stdin(self, data: bytes) -> bool:
        """Send ``data`` to the program's stdin, waiting while the program has not taken LIVE_WINDOW bytes yet."""
        view = memoryview(data)
        while view:
            with self._credit:
                while not self._over and self._in_flight >= protocol.LIVE_WINDOW:
                    self._credit.wait()
                if self._over:
                    return False
                size = min(len(view), protocol.LIVE_WINDOW - self._in_flight)
                self._in_flight += size
            if not self._send(protocol.Stdin(), bytes(view[:size])):
                return False
            view = view[size:]
        return True

    def close_stdin(self) -> bool:
        """The program's stdin ends (EOF) after what was sent."""
        return self._send(protocol.CloseStdin())

    def signal(self, number: int) -> bool:
        """Send signal ``number`` to the program (SIGKILL stops it; the sandbox then kills whatever it started)."""
        return self._send(protocol.Signal(signal=number))

    def _send(self, record: protocol.LiveInput, payload: bytes = b"") -> bool:
        with self._send_lock:
            if self._over:
                return False
            try:
                self._box._send(record, payload)
            except JudgeFailure:
                return False  # the reader of ``events`` meets the same failure
            return True

    def events(self) -> Iterator[LiveOutput | ProcessResult]:
        """The program's output as it comes, then its measurements (JudgeFailure if the container is lost)."""
        doing = "running the program live"
        try:
            while True:
                reply, payload = self._box._receive(doing)
                if isinstance(reply, protocol.Output):
                    yield LiveOutput(reply.stream, payload)
                elif isinstance(reply, protocol.Taken):
                    with self._credit:
                        self._in_flight = max(0, self._in_flight - reply.taken)
                        self._credit.notify_all()
                elif isinstance(reply, protocol.Result):
                    break
                else:
                    raise JudgeFailure(f"the runner agent said {reply.op!r} while {doing}")
            with self._send_lock:  # nothing of this command is sent after EndLive: the agent serves requests again
                self._over = True
                self._box._send(protocol.EndLive())
        finally:
            self._over = True  # senders waiting for the program to take their stdin give up
            with self._credit:
                self._credit.notify_all()
        yield process_result(reply, payload)


@contextlib.contextmanager
def pipes_volume(client: docker.DockerClient) -> Iterator[str]:
    """A small tmpfs volume both containers of an interaction mount: it holds their FIFOs. Its root is 0711 (a
    program that resolves ``/dev/stdin`` to the FIFO's path and opens that, as PHP does, reaches its own end; no
    listing, no new files); what only the agents use lies in a 0700 folder below it."""
    name = f"judge-pipes-{uuid.uuid4().hex[:16]}"
    try:
        client.api.create_volume(
            name,
            driver="local",
            driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=64k,mode=0711"},
            labels=ownership_labels(),
        )
    except ENGINE_ERRORS as exc:
        raise JudgeFailure(f"could not create the interaction's volume: {reason(exc)}") from None
    with owned_volume(client, name):
        yield name
