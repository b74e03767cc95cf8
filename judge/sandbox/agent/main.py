"""The agent's main loop: ``main()`` sets up PID 1 and serves the host's requests one at a time (``Agent``); a
Compile or Run request becomes one command, run in named steps: open its streams, spawn its program, watch its
limits, collect what it left into the Result sent back."""

from __future__ import annotations

import os
import resource
import select
import signal
import sys
import time

from .box import BOX, MQUEUE, TMP, SysvIpc, clear_scratch, pack_box, remove_tree, seal_box, unpack_box
from .command import Command, Finished, Outcome, Running, report
from .interaction import Interaction
from .live import LiveSession
from .measure import (
    MemoryCgroup,
    TestMemory,
    cgroup_cpu_reader,
    cgroup_version,
    children_cpu,
    memory_stop,
    oom_counter,
    own_cpu,
    run_delay,
)
from .processes import UNRUNNABLE, Launcher, Program, Rlimits, in_child, kill_and_reap, spawn
from .streams import StderrExcerpt, Streams, lend_streams
from .wire import close_quietly, protocol, read_exact, read_head, read_message, receive_to_file, send

PRIVATE = "/judge"  # the agent's own files (0711 root: no listing, no new files): the current input, captured output
FEEDBACK = "/tmp/feedback"  # an output validator's feedback directory (Kattis interface)
FEEDBACK_FILES = ("judgemessage.txt", "teammessage.txt", "score.txt", "judgeerror.txt")
NEXTPASS = os.path.join(FEEDBACK, "nextpass.in")  # a multi-pass validator's input for the next pass
WATCH_INTERVAL = 0.02  # seconds between looks at the output's size and the memory used while a test runs
SETTLE = 10.0  # seconds past its wall limit a test waits for the other side of an interaction to let go


class Agent:
    """What the agent keeps from one request to the next: the container's counters, the launcher, the IPC lists."""

    def __init__(self, launcher: Launcher | None = None) -> None:
        self.oom = oom_counter()
        self.container_cpu = cgroup_cpu_reader()
        self.memory = MemoryCgroup()
        self.launcher = launcher
        self.sysv = SysvIpc()
        # Queues in an mqueue filesystem nobody mounted cannot be listed, so none may be made (RLIMIT_MSGQUEUE 0).
        self.no_queues: Rlimits = [] if os.path.ismount(MQUEUE) else [(resource.RLIMIT_MSGQUEUE, (0, 0))]

    def hello(self) -> None:
        send(
            protocol.Hello(
                pid=os.getpid(),
                python=sys.version.split()[0],
                cgroup=cgroup_version(),
                oom_counter=self.oom.path if self.oom else None,
                container_cpu=self.container_cpu is not None,
                memory_usage=self.memory.usage_path,
                launcher=self.launcher is not None,
            )
        )

    def oom_kills(self) -> int | None:
        return self.oom.value() if self.oom else None

    # -- requests --------------------------------------------------------------------------------------------------
    def put_file(self, request: protocol.PutFile, size: int) -> None:
        name = os.path.basename(request.name)  # never a path: no traversal, no symlinks
        if name in ("", ".", ".."):
            raise ValueError(f"bad file name {request.name!r}")
        path = os.path.join(BOX, name)
        if os.path.lexists(path):
            os.unlink(path)
        receive_to_file(path, size, 0o644)
        send(protocol.Ok())

    def make_fifos(self, request: protocol.MakeFifos, size: int) -> None:
        for path in request.paths:
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
                os.mkfifo(path)
                os.chmod(path, 0o666)  # each program may reopen its end (streams.lend_streams)
        send(protocol.Ok())

    def pack(self, request: protocol.Pack, size: int) -> None:
        """The box as a tar (a compiled validator, to be cached outside and unpacked elsewhere)."""
        send(protocol.Ok(), in_child(pack_box))

    def unpack(self, request: protocol.Unpack, size: int) -> None:
        data = read_exact(size)
        in_child(lambda: unpack_box(data, clear=request.clear))
        seal_box()
        send(protocol.Ok())

    def compile(self, request: protocol.Compile, size: int) -> None:
        command = Command(
            cmd=request.cmd,
            time=request.wall,
            wall=request.wall,
            uid=request.uid,
            env=request.env,
            output_limit=request.output_limit,
            stderr_limit=0,
            memory=None,  # the container's compile limit is the only one
            rlimits=[(resource.RLIMIT_FSIZE, (request.fsize, request.fsize)), *self.no_queues],
            compiling=True,
        )
        empty = os.path.join(PRIVATE, "empty")
        open(empty, "wb").close()
        outcome = self.execute(command, empty)
        output = read_head(outcome.stdout_path, request.output_limit) if outcome.stdout_path else b""
        outcome.result.stdout_sent = len(output)
        box = os.statvfs(BOX)
        outcome.result.box_used = (box.f_blocks - box.f_bfree) * box.f_frsize
        send(outcome.result, output)

    def rlimits(self, output_limit: int, stack: int | None) -> Rlimits:
        """A program's rlimits: any file it writes (its stdout too) stops one byte over the output limit (that is
        how the limit is seen), no message queues, and the stack when one is given."""
        fsize = output_limit + 1
        rlimits = [(resource.RLIMIT_FSIZE, (fsize, fsize)), *self.no_queues]
        if stack:
            rlimits.append((resource.RLIMIT_STACK, (stack, stack)))
        return rlimits

    def run(self, request: protocol.Run, size: int) -> None:
        rlimits = self.rlimits(request.output_limit, request.stack)
        command = Command(
            cmd=request.cmd,
            time=request.time,
            wall=request.wall,
            uid=request.uid,
            env=request.env,
            output_limit=request.output_limit,
            stderr_limit=request.stderr_limit,
            memory=request.memory,
            rlimits=rlimits,
            compiling=False,
            feedback=request.feedback,
            fifos=request.fifos,
            nextpass=request.nextpass,
            first_pass=request.first_pass,
        )
        in_path = os.path.join(PRIVATE, "input")
        receive_to_file(in_path, size)
        try:
            outcome = self.execute(command, in_path)
        finally:
            os.unlink(in_path)
        output = b""
        if outcome.stdout_path and not outcome.result.output_exceeded:
            output = read_head(outcome.stdout_path, request.output_limit)
        outcome.result.stdout_sent = len(output)
        send(outcome.result, output, outcome.stderr, outcome.nextpass)

    def live(self, request: protocol.Live, size: int) -> None:
        """Run once with the program's streams relayed as they flow (``LiveSession``); the Result comes last."""
        rlimits = self.rlimits(request.output_limit, request.stack)
        command = Command(
            cmd=request.cmd,
            time=request.time,
            wall=request.wall,
            uid=request.uid,
            env=request.env,
            output_limit=request.output_limit,
            stderr_limit=request.stderr_limit,
            memory=request.memory,
            rlimits=rlimits,
            compiling=False,
        )
        session = LiveSession(request.output_limit, request.stderr_limit)
        streams = lend_streams(session.streams(), command.uid)
        running = self.spawn(command, streams)
        session.start(running.pid)
        self.watch(running)
        if session.output_exceeded and running.killed_by is None:
            running.killed_by = "output"
        outcome = self.collect(running)  # every process is gone: the relay reaches the end of both pipes
        session.program_done()
        result = outcome.result
        result.stdout_written, result.stderr_written = session.stdout_written, session.stderr_written
        result.output_exceeded = session.output_exceeded
        send(result)
        session.finish()

    # -- running one command, in named steps ----------------------------------------------------------------------
    def execute(self, command: Command, stdin_path: str) -> Outcome:
        """Run one command under its limits: open streams, spawn, watch limits, collect, report."""
        started = time.monotonic()
        streams = self.open_streams(command, stdin_path, started)
        try:
            running = self.spawn(command, streams)
            self.watch(running)
            return self.collect(running)
        finally:
            streams.close()

    def open_streams(self, command: Command, stdin_path: str, started: float) -> Streams:
        """stdin from the input file (or a FIFO), stdout to a private file (or a FIFO), stderr to a drained pipe (to the
        stdout file while compiling); each reopenable by the program (``lend_streams``)."""
        interaction, stdout_path = None, None
        if command.fifos is not None:  # interactive: the program talks to the other container through two FIFOs
            interaction = Interaction(command.fifos, started + command.wall + SETTLE)
            stdin, stdout = interaction.child_stdin, interaction.child_stdout
        else:
            stdin = os.open(stdin_path, os.O_RDONLY)
            stdout_path = os.path.join(PRIVATE, "stdout")
            if os.path.lexists(stdout_path):  # a new file each time: nothing of the last program's rights is left
                os.unlink(stdout_path)
            stdout = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        excerpt = None if command.compiling else StderrExcerpt(command.stderr_limit)  # a compile has no FIFOs
        streams = Streams(
            stdin=stdin,
            stdout=stdout,
            stderr=excerpt.program_fd if excerpt is not None else stdout,
            stdout_path=stdout_path,
            excerpt=excerpt,
            interaction=interaction,
        )
        return lend_streams(streams, command.uid)

    def spawn(self, command: Command, streams: Streams) -> Running:
        """Start the program as the submission's uid with its rlimits; the measurements start here."""
        uid = command.uid
        if command.compiling:
            os.chown(BOX, uid, uid)
        if command.feedback:
            if command.first_pass:  # a test's first (or only) pass: nothing of another test's passes is left
                remove_tree(FEEDBACK)
            elif os.path.lexists(NEXTPASS):  # spec 2025-09 "Multi-pass validation": removed before the next pass
                os.unlink(NEXTPASS)
            os.makedirs(FEEDBACK, exist_ok=True)
            os.chown(FEEDBACK, uid, uid)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": TMP, "TMPDIR": TMP, "LANG": "C.UTF-8"}
        env.update(command.env)
        # The agent kills at the CPU limit; RLIMIT_CPU is the backstop for when it could not.
        backstop = int(command.time) + 2
        rlimits = [*command.rlimits, (resource.RLIMIT_CPU, (backstop, backstop + 1))]
        memory = TestMemory(self.memory, streams.stdout_path)
        running = Running(
            command=command,
            streams=streams,
            pid=None,
            spawn_error="",
            started=time.monotonic(),
            memory=memory,
            cpu_before=children_cpu(),
            container_cpu=self.container_cpu,
            container_before=self.container_cpu() if self.container_cpu else 0.0,
            own_before=own_cpu(),
            oom_before=self.oom_kills(),
        )
        program = Program(
            cmd=command.cmd, fds=(streams.stdin, streams.stdout, streams.stderr), rlimits=rlimits, env=env, uid=uid
        )
        try:
            try:
                running.pid, running.spawn_error = spawn(program, self.launcher)
            except OSError as exc:
                if self.launcher is None or exc.errno not in UNRUNNABLE:
                    raise
                self.launcher = None  # the kernel will not execute it (another architecture?): fork from now on
                running.pid, running.spawn_error = spawn(program)
        finally:
            streams.spawned()
        return running

    def watch(self, running: Running) -> None:
        """Wait for the program; stop it at its CPU, wall, output or memory limit, draining stderr meanwhile.

        Output and memory are looked at every WATCH_INTERVAL: a runtime that swallows write errors (Java's
        PrintStream) still stops at the output limit, and a test is stopped as soon as it uses more memory
        than its limit (a little more: ``memory_stop``), before the kernel thrashes near the container's
        limit (which is higher: it holds the agent and its files too).
        """
        command, pid, excerpt = running.command, running.pid, running.streams.excerpt
        if pid is None:
            running.wall = time.monotonic() - running.started
            return
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        poller = select.poll()
        if pidfd is not None:
            poller.register(pidfd, select.POLLIN)
        if excerpt is not None:
            poller.register(excerpt.read_fd, select.POLLIN)
        # An interaction's validator is stopped as soon as the judge has stopped the submission (see Interaction).
        stop_fd = running.streams.interaction.stop_fd if running.streams.interaction is not None else None
        if stop_fd is not None:
            poller.register(stop_fd, select.POLLIN)
        watch_output = not command.compiling and running.streams.stdout_path is not None
        interval = WATCH_INTERVAL if (watch_output or command.memory is not None) else None
        # At the spawn nothing can be over a limit yet: the first look is one wait later. Between looks the poll
        # wakes for stderr (drained, without a look: the counters were read less than a wait ago) and for the exit.
        next_look = running.started + self.wait(command, 0.0, 0.0, interval)
        try:
            while True:
                now = time.monotonic()
                if now >= next_look:
                    # The wall cap leaves out the time the program waited for a CPU another process held (a loaded
                    # machine), up to the cap once more: it catches sleepers, not a busy neighbour.
                    delay = min(run_delay(pid), command.wall)
                    elapsed = now - running.started - delay
                    cpu = running.cpu_used()
                    killed_by = None
                    if cpu > command.time:
                        killed_by = "cpu"
                    elif elapsed >= command.wall:
                        killed_by = "wall"
                    elif watch_output and running.memory.output_size() > command.output_limit:
                        killed_by = "output"
                    elif command.memory is not None and running.memory.used() > memory_stop(command.memory):
                        killed_by = "memory"
                    if killed_by:
                        running.killed_by, running.cpu_at_kill = killed_by, cpu
                        break
                    next_look = now + self.wait(command, elapsed, cpu, interval)
                timeout = max(next_look - now, 0.0)
                if pidfd is None:
                    if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                        break
                    timeout = min(timeout, 0.01)
                events = poller.poll(timeout * 1000 + 1)
                if any(fd in (pidfd, stop_fd) for fd, _ in events):
                    break
                if events and excerpt is not None:
                    excerpt.drain()
                    if not excerpt.open:
                        poller.unregister(excerpt.read_fd)
        finally:
            running.wall = time.monotonic() - running.started
            close_quietly(pidfd)

    @staticmethod
    def wait(command: Command, elapsed: float, cpu: float, interval: float | None) -> float:
        """Seconds until the next look. CPU time grows no faster than wall time under the container's CPU quota
        of one core, so the earliest moment the CPU limit can be passed is (limit - used) from now."""
        wait = min(command.wall - elapsed, max(command.time - cpu, 0.005))
        return min(wait, interval) if interval is not None else wait

    def collect(self, running: Running) -> Outcome:
        """Kill what is left, reap, let the interaction's FIFOs go, gather the measurements into a Result."""
        command, streams = running.command, running.streams
        status, usage, ended = kill_and_reap(running.pid)
        exit_code = sig = None
        if status is not None:
            if os.WIFSIGNALED(status):
                sig = os.WTERMSIG(status)
            else:
                exit_code = os.WEXITSTATUS(status)
        # The CPU that decided a kill is reported, so the figure always agrees with the verdict; every process of the
        # test is gone now, so the cgroup's figure holds all of their CPU.
        cpu = max(children_cpu() - running.cpu_before, running.cpu_at_kill, running.test_cpu())
        if streams.interaction is not None:
            streams.interaction.program_reaped(exit_code, stopped=running.killed_by is not None)
        oom_after = self.oom_kills()
        if streams.excerpt is not None:
            streams.excerpt.drain(None)  # every writer is gone: to the end
        memory = max((usage.ru_maxrss * 1024) if usage else 0, running.memory.peak())
        feedback = self.read_feedback() if command.feedback else {}
        nextpass_size, nextpass = self.read_nextpass(command.nextpass) if command.nextpass else (None, b"")
        transcript = streams.interaction.transcript if streams.interaction is not None else None
        # Nothing of the test is left for the next one (or a borderline re-run) to find; another pass follows: the
        # feedback dir persists (spec 2025-09 "Multi-pass validation").
        clear_scratch(keep=FEEDBACK if command.nextpass and nextpass_size is not None else None)
        self.sysv.clear()
        if command.compiling:
            seal_box()
        finished = Finished(
            exit_code=exit_code,
            signal=sig,
            cpu=cpu,
            memory=memory,
            ended=ended,
            oom_after=oom_after,
            stdout_written=os.path.getsize(streams.stdout_path) if streams.stdout_path else 0,
            feedback=feedback,
            transcript=transcript,
            nextpass_size=nextpass_size,
        )
        result = report(running, finished)
        result.nextpass_sent = len(nextpass)
        stderr = bytes(streams.excerpt.head) if streams.excerpt is not None else b""
        return Outcome(result, streams.stdout_path, stderr, nextpass)

    def read_feedback(self) -> dict[str, str]:
        found = {}
        for name in FEEDBACK_FILES:
            try:
                with open(os.path.join(FEEDBACK, name), "rb") as f:
                    found[name] = f.read(4096).decode("utf-8", "replace")
            except OSError:
                pass
        return found

    def read_nextpass(self, limit: int) -> tuple[int | None, bytes]:
        """A multi-pass validator's nextpass.in: (its size, or None when there is none; its bytes, none when it is
        larger than ``limit`` or not a plain file). The validator has been reaped: nothing changes it meanwhile."""
        try:
            size = os.lstat(NEXTPASS).st_size
        except OSError:
            return None, b""
        try:
            fd = os.open(NEXTPASS, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return size, b""
        try:
            if size > limit or not os.path.isfile(NEXTPASS):
                return size, b""
            with os.fdopen(fd, "rb", closefd=False) as f:
                return size, f.read(limit)
        finally:
            os.close(fd)

    def handle(self, request: protocol.Record, size: int) -> None:
        """One request, to the step that serves it (a reply record is not a request)."""
        if isinstance(request, protocol.PutFile):
            self.put_file(request, size)
        elif isinstance(request, protocol.MakeFifos):
            self.make_fifos(request, size)
        elif isinstance(request, protocol.Pack):
            self.pack(request, size)
        elif isinstance(request, protocol.Unpack):
            self.unpack(request, size)
        elif isinstance(request, protocol.Compile):
            self.compile(request, size)
        elif isinstance(request, protocol.Run):
            self.run(request, size)
        elif isinstance(request, protocol.Live):
            self.live(request, size)
        else:
            raise ValueError(f"not a request: {request.op!r}")

    def serve(self) -> None:
        self.hello()
        while True:
            try:
                request, size = read_message()
            except EOFError:
                return
            except protocol.ProtocolError as exc:
                send(protocol.Error(message=f"ProtocolError: {exc}"))
                return
            try:
                self.handle(request, size)
            except Exception as exc:
                send(protocol.Error(message=f"{type(exc).__name__}: {exc}"))
                return


def spare_from_oom() -> None:
    """The OOM killer never takes the agent (-1000). It needs CAP_SYS_RESOURCE, which also lets the launcher's write
    of 1000 pin the submission's minimum there (the kernel's oom_score_adj_min): the submission cannot lower it. Without
    the capability neither happens and the agent stays at the engine's score."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("-1000")
    except OSError:
        pass


def main() -> None:
    # No signal handlers at all: as PID 1 of the container, signals from the submission are then dropped.
    for sig in (signal.SIGPIPE, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    # Limits the submission inherits and cannot raise (no CAP_SYS_RESOURCE): no core files, few fds.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    os.setgroups([])  # the submission inherits no supplementary groups
    spare_from_oom()
    for path, mode in ((PRIVATE, 0o711), (BOX, 0o755)):
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
    os.chdir(BOX)  # the submission's working directory, inherited by its processes
    # After the sources the bootstrap read, one more payload: the launcher's code (empty: none, fork every test).
    (length,) = protocol.HEADER.unpack(read_exact(protocol.HEADER.size))
    code = read_exact(length)
    launcher = None
    if code:
        try:
            launcher = Launcher(code)
        except OSError:
            launcher = None  # no memfd here: fork every test
    Agent(launcher).serve()
