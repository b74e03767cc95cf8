"""Runner agent: PID 1 inside a submission's container (stdlib only, sent in over stdin at start).

It owns everything that happens inside the container: it receives the submission's files, compiles
once, then runs each test as a child process under an unprivileged uid with rlimits, measures CPU time
(rusage of every reaped process, and the cgroup's counter so a fork bomb counts too), wall time and peak
memory (wait4 ``ru_maxrss`` and the cgroup's usage over the test's baseline), stops a test at its CPU,
wall, output or memory limit, reads the cgroup's OOM-kill counter, and kills every process of the test
afterwards (``kill(-1)`` from PID 1 reaches them all, setsid and double forks included). stdout goes to a
private file; stderr to a pipe the agent drains, keeping only an excerpt (stderr never decides anything).
It knows nothing of verdicts or answers. The same agent runs a package's validator in its own container:
it packs and unpacks a compiled program (``pack``/``unpack``), reads the validator's feedback dir back,
and for interactive problems joins its program to the other container through two FIFOs, holding its
own FIFO ends by the reference judges' rules (``Interaction``), with a relay recording a transcript.

The messages are the records of ``protocol`` (protocol.py, registered by the bootstrap as
``judge_protocol``): a 4-byte big-endian length, a JSON header, then the header's ``size`` bytes of payload.
"""

from __future__ import annotations

import errno
import fcntl
import os
import resource
import select
import signal
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

# Never imported at the top (each is imported where it is used): threading, shutil and tarfile (which brings shutil and
# the compression modules) make every fork of the agent, one per test, cost twice as much (0.93 ms against 0.55 ms
# on the CI machine): Python runs threading's at-fork hooks and the kernel copies the mappings of their libraries.
if TYPE_CHECKING:  # the type checker reads the protocol's own source
    from judge.sandbox import protocol
else:
    try:
        import judge_protocol as protocol  # in the container: see container.BOOTSTRAP
    except ImportError:  # imported on the host (tests)
        from judge.sandbox import protocol

BOX = "/box"  # source and compiled program; writable by the submission only while compiling
TMP = "/tmp"  # the submission's scratch space, emptied after every test
# Every place a test can write (tests/hostile/writable_places.py tries them all): each is emptied after every test.
SCRATCH = (TMP, "/dev/shm", "/dev/mqueue")  # /dev/mqueue: the POSIX message queues (unlink removes one)
MQUEUE = "/dev/mqueue"
PRIVATE = "/judge"  # the agent's own files (0711 root: no listing, no new files): the current input, captured output
CHUNK = 1 << 20
FEEDBACK = "/tmp/feedback"  # an output validator's feedback directory (Kattis interface)
FEEDBACK_FILES = ("judgemessage.txt", "teammessage.txt", "score.txt", "judgeerror.txt")
NEXTPASS = os.path.join(FEEDBACK, "nextpass.in")  # a multi-pass validator's input for the next pass
CLK_TCK = os.sysconf("SC_CLK_TCK")
WATCH_INTERVAL = 0.02  # seconds between looks at the output's size and the memory used while a test runs
PIPE_SIZE = 1 << 20  # the FIFOs' buffer: problemtools' interactive.cc sets 1 MiB (the unprivileged maximum)
SETTLE = 10.0  # seconds past its wall limit a test waits for the other side of an interaction to let go
DRAIN_READS = 16  # reads of the stderr pipe per look, so a flood cannot keep the agent from its limits
Rlimits = list[tuple[int, tuple[int, int]]]  # (resource.RLIMIT_*, (soft, hard)), set in the child before exec
CHILD_DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT)  # Python ignores or handles them: not the child
LAUNCHER_ERRFD = 3  # the launcher writes why it could not exec the program here (close-on-exec)
MFD_ALLOW_SEALING = getattr(os, "MFD_ALLOW_SEALING", 2)
F_ADD_SEALS = getattr(fcntl, "F_ADD_SEALS", 1033)
F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE = 1, 2, 4, 8
UNRUNNABLE = (errno.ENOEXEC, errno.EACCES, errno.ENOENT, errno.EPERM)  # the launcher's own exec failed: fork instead
# Refused to every program by judge's own seccomp filter, whatever the engine's profile allows: io_uring_setup,
# io_uring_enter, io_uring_register and memfd_secret. Numbers from 424 on are the same on every architecture (the
# x32 bit is masked off). launcher.c installs the same filter; the fork path installs this one.
REFUSED_SYSCALLS = (425, 426, 427, 447)
IPC_RMID = 0
SYSV_KINDS = (("shm", "shmid"), ("msg", "msqid"), ("sem", "semid"))  # /proc/sysvipc/<kind> and its id column

stdin = sys.stdin.buffer
stdout = sys.stdout.buffer


# -- messages ------------------------------------------------------------------------------------------------------


def read_exact(n: int) -> bytes:
    data = stdin.read(n)
    if len(data) != n:
        raise EOFError
    return data


def read_message() -> tuple[protocol.Record, int]:
    """The next request record and the size of its payload (still unread on stdin)."""
    (length,) = protocol.HEADER.unpack(read_exact(protocol.HEADER.size))
    return protocol.parse(read_exact(length))


def send(record: protocol.Record, *payloads: bytes) -> None:
    stdout.write(protocol.header(record, sum(len(p) for p in payloads)))
    for payload in payloads:
        stdout.write(payload)
    stdout.flush()


def receive_to_file(path: str, size: int, mode: int = 0o600) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        left = size
        while left:
            chunk = stdin.read(min(CHUNK, left))
            if not chunk:
                raise EOFError
            os.write(fd, chunk)
            left -= len(chunk)
    finally:
        os.close(fd)


def read_head(path: str, limit: int) -> bytes:
    with open(path, "rb") as f:
        return f.read(limit)


def close_quietly(*fds: int | None) -> None:
    for fd in fds:
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass


# -- the container's cgroup ----------------------------------------------------------------------------------------


def cgroup_version() -> str:
    return "v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1"


def cgroup_files(v2_name: str, v1_controller: str, v1_name: str) -> list[str]:
    """Where a cgroup file may be: the engine mounts the container's own cgroup at /sys/fs/cgroup (v2) or
    /sys/fs/cgroup/<controller> (v1); /proc/self/cgroup names it when the whole hierarchy is visible."""
    candidates = [f"/sys/fs/cgroup/{v2_name}", f"/sys/fs/cgroup/{v1_controller}/{v1_name}"]
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                hierarchy, controllers, path = line.rstrip("\n").split(":", 2)
                if hierarchy == "0" and not controllers:
                    candidates.append(f"/sys/fs/cgroup{path}/{v2_name}")
                elif v1_controller in controllers.split(","):
                    candidates.append(f"/sys/fs/cgroup/{v1_controller}{path}/{v1_name}")
    except (OSError, ValueError):
        pass
    return candidates


def first_number(text: bytes) -> int:
    return int(text.split()[0])


def keyed(key: bytes) -> Callable[[bytes], int]:
    """A parser for a flat keyed cgroup file (``name value`` lines): the value of ``key``."""

    def parse(text: bytes) -> int:
        for line in text.splitlines():
            name, _, value = line.partition(b" ")
            if name == key:
                return int(value)
        raise ValueError(key)

    return parse


@dataclass
class Counter:
    """A cgroup file held open and read again from its start at each look: one pread, not an open, a read and a
    close (the agent looks at four of them around every test)."""

    path: str
    fd: int
    parse: Callable[[bytes], int]

    @classmethod
    def first(cls, paths: list[str], parse: Callable[[bytes], int]) -> Counter | None:
        """The first of ``paths`` that opens and parses, or None."""
        for path in paths:
            try:
                found = cls(path, os.open(path, os.O_RDONLY), parse)
            except OSError:
                continue
            if found.value() is not None:
                return found
            os.close(found.fd)
        return None

    def value(self) -> int | None:
        try:
            return self.parse(os.pread(self.fd, 4096, 0))
        except (OSError, ValueError, IndexError):
            return None


def oom_counter() -> Counter | None:
    """This container's OOM-kill count (v2 memory.events, v1 memory.oom_control: its ``oom_kill`` line)."""
    return Counter.first(cgroup_files("memory.events", "memory", "memory.oom_control"), keyed(b"oom_kill"))


def cgroup_cpu_reader() -> Callable[[], float] | None:
    """A function giving the container's total CPU seconds (every process in it), or None."""
    sources = (
        ("/sys/fs/cgroup/cpu.stat", keyed(b"usage_usec"), 1e-6),  # v2
        ("/sys/fs/cgroup/cpuacct/cpuacct.usage", first_number, 1e-9),  # v1: nanoseconds
        ("/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", first_number, 1e-9),
    )
    for path, parse, scale in sources:
        counter = Counter.first([path], parse)
        if counter is None:
            continue

        def read(counter: Counter = counter, scale: float = scale) -> float:
            value = counter.value()
            if value is None:
                raise OSError(f"{counter.path} could not be read")
            return value * scale

        return read
    return None


class MemoryCgroup:
    """The container's memory usage and its high-water mark: v2 memory.current / memory.peak (kernel >= 5.19),
    v1 memory.usage_in_bytes / memory.max_usage_in_bytes. Usage counts page cache and tmpfs files too."""

    def __init__(self) -> None:
        self.current = Counter.first(cgroup_files("memory.current", "memory", "memory.usage_in_bytes"), first_number)
        self.high = Counter.first(cgroup_files("memory.peak", "memory", "memory.max_usage_in_bytes"), first_number)
        self.usage_path = self.current.path if self.current else None
        self.peak_path = self.high.path if self.high else None
        self.resettable = bool(self.peak_path and self.peak_path.endswith("max_usage_in_bytes"))

    def usage(self) -> int | None:
        return self.current.value() if self.current else None

    def peak(self) -> int | None:
        return self.high.value() if self.high else None

    def reset_peak(self) -> bool:
        """v1: writing 0 to max_usage_in_bytes restarts the high-water mark. The engine mounts the cgroup
        read-only, so this usually fails; ``TestMemory`` then counts a peak only when it rose during the test."""
        if not self.resettable or not self.peak_path:
            return False
        try:
            with open(self.peak_path, "w") as f:
                f.write("0")
            return True
        except OSError:
            self.resettable = False  # read-only: it stays so, no need to try before every test
            return False


def memory_stop(limit: int) -> int:
    """The use at which the watch stops a test with memory limit ``limit``: a little past it. A stack overflow
    (the stack's rlimit is the memory limit) then always ends in its own SIGSEGV, never in a poll that lands
    in the last pages of the stack's growth, where the test's page tables and private pages carry its use past
    the limit first (they grow with the stack: 1/512 of it). The verdict is MLE either way, by the peak. At most
    18 MiB past: far inside the container's reserve above the limit, so the watch still stops a hog before the
    kernel reclaims or kills (a 4 GiB stack is the largest this keeps from racing)."""
    return limit + 2 * 1024 * 1024 + min(limit // 256, 16 * 1024 * 1024)


class TestMemory:
    """One test's memory: the cgroup's usage over its value before the test, less the captured stdout (a tmpfs
    file of the agent's, which the cgroup counts too). Sampled by the watch; the peak is reported."""

    def __init__(self, cgroup: MemoryCgroup, stdout_path: str | None) -> None:
        self.cgroup = cgroup
        self.stdout_path = stdout_path
        self.baseline = cgroup.usage()
        self.peak_reset = cgroup.reset_peak()
        self.peak_before = cgroup.peak()
        self.highest = 0

    def output_size(self) -> int:
        try:
            return os.stat(self.stdout_path).st_size if self.stdout_path else 0
        except OSError:
            return 0

    def used(self) -> int:
        usage = self.cgroup.usage()
        if usage is None or self.baseline is None:
            return 0
        now = usage - self.baseline - self.output_size()
        self.highest = max(self.highest, now)
        return now

    def peak(self) -> int:
        """The highest use seen, or the cgroup's high-water mark when it was set during this test (the final
        stdout size is subtracted: a peak reached earlier, with less output, may read a little low)."""
        found = self.highest
        peak = self.cgroup.peak()
        rose = self.peak_reset or (peak is not None and self.peak_before is not None and peak > self.peak_before)
        if peak is not None and self.baseline is not None and rose:
            found = max(found, peak - self.baseline - self.output_size())
        return max(found, 0)


# -- processes -----------------------------------------------------------------------------------------------------


def proc_cpu(pid: int) -> float:
    """CPU seconds (user+sys, with reaped children) of a live process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def run_delay(pid: int) -> float:
    """Seconds the process has waited on a run queue for a CPU (/proc/PID/schedstat, second field), or 0."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def own_cpu() -> float:
    """The agent's own CPU seconds (all its threads): taken out of the container's figure."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Launcher:
    """judge's launcher (launcher.c, static), held in a sealed memfd: tests are spawned through it with posix_spawn.

    posix_spawn is vfork + exec, where a fork copies the agent's mappings (≈ 1 ms a test); the launcher then sets
    what the fork path sets in its child (rlimits, OOM score, priority, uid) and execs the program. Until it drops
    to the submission's uid it runs as the agent: the agent's identity is never lent to the submission.
    """

    def __init__(self, code: bytes) -> None:
        made = os.memfd_create("judge-launcher", os.MFD_CLOEXEC | MFD_ALLOW_SEALING)
        try:
            view = memoryview(code)
            while view:
                view = view[os.write(made, view) :]
            fcntl.fcntl(made, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
            # Above the descriptors the spawn's file actions replace (0-2 and LAUNCHER_ERRFD) before the exec.
            self.fd = fcntl.fcntl(made, fcntl.F_DUPFD_CLOEXEC, 10)
        finally:
            os.close(made)
        self.path = f"/proc/self/fd/{self.fd}"  # the vfork child's copy of this (close-on-exec) descriptor

    def spawn(
        self, path: str, cmd: list[str], fds: tuple[int, int, int], rlimits: Rlimits, env: dict[str, str], uid: int
    ) -> tuple[int | None, str]:
        err_r, err_w = os.pipe()
        try:
            args = ["judge-launcher", str(LAUNCHER_ERRFD), str(uid)]
            args += [f"{res}:{rlimit_text(soft)}:{rlimit_text(hard)}" for res, (soft, hard) in rlimits]
            actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate(fds)]
            actions.append((os.POSIX_SPAWN_DUP2, err_w, LAUNCHER_ERRFD))
            pid = os.posix_spawn(
                self.path,
                [*args, "--", path, *cmd],
                env,
                file_actions=actions,
                setsid=True,
                setsigdef=CHILD_DEFAULT_SIGNALS,
            )
        except BaseException:
            os.close(err_r)  # no child: nothing will be read
            raise
        finally:
            os.close(err_w)
        return read_spawn_error(err_r, pid)


def rlimit_text(value: int) -> str:
    return "inf" if value < 0 or value == resource.RLIM_INFINITY else str(value)


def read_spawn_error(err_r: int, pid: int) -> tuple[int | None, str]:
    """Read ``err_r`` to its end: EOF alone means the exec happened; a text is why it did not (the child reaped)."""
    parts = []
    try:
        while part := os.read(err_r, 1024):
            parts.append(part)
    finally:
        os.close(err_r)
    error = b"".join(parts).decode(errors="replace")
    if error:
        os.waitpid(pid, 0)
        return None, error
    return pid, ""


def spawn(
    cmd: list[str],
    fds: tuple[int, int, int],
    rlimits: Rlimits,
    env: dict[str, str],
    uid: int,
    launcher: Launcher | None = None,
) -> tuple[int | None, str]:
    """Start ``cmd`` as ``uid`` in a new session, with ``rlimits``, the highest OOM score and the lowest priority.

    Through ``launcher`` (posix_spawn) when there is one, else fork + exec with everything set in the child before
    exec. Either way the agent never wears the submission's identity (posix_spawn alone would lend the agent's real
    uid to the child for a moment). Returns (pid or None, error text or '').
    """
    path = which(cmd[0], env.get("PATH", "")) if "/" not in cmd[0] else cmd[0]
    if path is None:
        return None, f"FileNotFoundError: {cmd[0]!r} not found in PATH"
    if launcher is not None:
        return launcher.spawn(path, cmd, fds, rlimits, env, uid)
    err_r, err_w = os.pipe()  # both close-on-exec (PEP 446): EOF means the exec happened
    pid = os.fork()
    if pid == 0:  # the child: nothing here may return
        try:
            os.close(err_r)
            os.setsid()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            for res, value in rlimits:
                resource.setrlimit(res, value)
            fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
            os.write(fd, b"1000")  # the OOM killer takes the submission, never the agent
            os.close(fd)
            # Lowest priority within the container: the only other process there is this agent, which must keep
            # watching the limits even when the program forks a hundred busy children (a fork bomb starved it).
            # CPU time is measured, not wall shares, so a program alone on its core runs as fast as before.
            os.nice(19)
            refuse_syscalls()
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for sig in CHILD_DEFAULT_SIGNALS:
                signal.signal(sig, signal.SIG_DFL)
            os.execve(path, cmd, env)
        except BaseException as exc:
            try:
                os.write(err_w, f"{type(exc).__name__}: {exc}".encode()[:1000])
            finally:
                os._exit(127)
    os.close(err_w)
    return read_spawn_error(err_r, pid)


def seccomp_filter() -> bytes:
    """The classic BPF program refusing REFUSED_SYSCALLS with EPERM (struct sock_filter: u16 code, u8 jt, jf, u32 k)."""
    import struct

    ld_nr, and_k, jeq_k, ret_k = 0x20, 0x54, 0x15, 0x06  # BPF_LD|W|ABS, BPF_ALU|AND|K, BPF_JMP|JEQ|K, BPF_RET|K
    count = len(REFUSED_SYSCALLS)
    program = [(ld_nr, 0, 0, 0), (and_k, 0, 0, 0xBFFFFFFF)]  # seccomp_data.nr, without the x32 bit
    program += [(jeq_k, count - i, 0, nr) for i, nr in enumerate(REFUSED_SYSCALLS)]  # to the refusal below
    program += [(ret_k, 0, 0, 0x7FFF0000), (ret_k, 0, 0, 0x00050000 | errno.EPERM)]  # ALLOW; ERRNO(EPERM)
    return b"".join(struct.pack("=HBBI", *insn) for insn in program)


def refuse_syscalls() -> None:
    """Install ``seccomp_filter`` on this process (inherited across exec); OSError when it cannot be."""
    import ctypes  # only here (the fork path's child): see the imports

    code = ctypes.create_string_buffer(seccomp_filter())

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = Program(len(code.raw) // 8, ctypes.addressof(code))
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0 or (
        libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(program), 0, 0) != 0
    ):
        raise OSError(ctypes.get_errno(), "seccomp filter")


def which(name: str, search: str) -> str | None:
    """The first executable ``name`` on the ``search`` path (shutil.which without importing shutil)."""
    for folder in search.split(os.pathsep):
        path = os.path.join(folder or ".", name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def in_child(work: Callable[[], bytes]) -> bytes:
    """What ``work`` returns, computed in a forked child: what it imports (tarfile) never loads into the agent."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nothing here may return
        status = 1
        try:
            os.close(read_fd)
            try:
                data, status = work(), 0
            except BaseException as exc:
                data = f"{type(exc).__name__}: {exc}".encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view) :]
        finally:
            os._exit(status)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(data.decode("utf-8", "replace") or f"a child of the agent ended with status {status}")
    return data


DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path: str) -> None:
    """Remove a folder and everything under it, at any depth, never following a symlink; nothing there is no error.

    One descriptor at a time: down into a subfolder, back up through ``..`` once it is empty (a walk holding one
    descriptor per level, as os.fwalk does, stops at the descriptor limit, 1024 levels down); the subfolders still to
    remove are kept by name, a batch per level, so a wide folder is read about once. The folder's writers are gone
    (every process of the test is killed first). OSError when something stays."""
    try:
        fd = os.open(path, DIR_FLAGS)
    except FileNotFoundError:
        return
    except NotADirectoryError:  # a file, or a symlink (O_NOFOLLOW): it alone goes
        os.unlink(path)
        return
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        os.unlink(path)
        return
    trail: list[tuple[str, list[str]]] = []  # per level below ``path``: its name, and its parent's pending
    try:
        pending = subfolders(fd)  # of the folder ``fd`` holds, still to remove ([]: it is empty)
        while True:
            if pending:
                name = pending.pop()
                deeper = os.open(name, DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = deeper
                trail.append((name, pending))
                pending = subfolders(fd)
            elif trail:
                name, pending = trail.pop()
                parent = os.open("..", DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = parent
                os.rmdir(name, dir_fd=fd)
                if not pending:  # the batch is done: look again
                    pending = subfolders(fd)
            else:
                break
    finally:
        os.close(fd)
    os.rmdir(path)


def subfolders(fd: int, batch: int = 1024) -> list[str]:
    """Remove everything in the folder ``fd`` but its subfolders; up to ``batch`` of their names ([]: it is empty)."""
    while True:
        found: list[str] = []
        seen = False
        with os.scandir(fd) as entries:  # a scan of a descriptor rewinds it when it ends
            for entry in entries:
                seen = True
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.name, dir_fd=fd)
                elif len(found) < batch:
                    found.append(entry.name)
                else:
                    break
        if found or not seen:
            return found


def pack_box() -> bytes:
    """The box as a tar (run by ``in_child``)."""
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in sorted(os.listdir(BOX)):
            tar.add(os.path.join(BOX, name), arcname=name)
    return buf.getvalue()


def unpack_box(data: bytes, clear: bool) -> bytes:
    """Extract a tar into the box, plain files and folders only, inside it (run by ``in_child``)."""
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        # (tarfile's own filters need Python >= 3.11.4)
        members = [
            m
            for m in tar.getmembers()
            if (m.isfile() or m.isdir()) and not m.name.startswith("/") and ".." not in m.name.split("/")
        ]
        if clear:
            clear_dir(BOX)
        tar.extractall(BOX, members=members)
    return b""


def kill_and_reap(pid: int | None) -> tuple[int | None, resource.struct_rusage | None, float]:
    """Kill every other process in the container and reap them all.

    Returns wait4's status and rusage of ``pid`` and the CLOCK_MONOTONIC instant it was reaped (now, if never).
    """
    status, usage, reaped = None, None, None
    while True:
        try:
            os.kill(-1, signal.SIGKILL)  # from PID 1 this reaches every process but us
        except ProcessLookupError:
            pass
        try:
            done, st, ru = os.wait4(-1, 0)
        except ChildProcessError:
            break
        if done == pid:
            status, usage, reaped = st, ru, time.monotonic()
    return status, usage, reaped if reaped is not None else time.monotonic()


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


def clear_dir(path: str, keep: str | None = None) -> None:
    """Empty the folder ``path`` (but ``keep``); OSError saying what stayed when it could not be emptied."""
    names = [name for name in os.listdir(path) if os.path.join(path, name) != keep]
    if not names:
        return  # the usual case: one listing, nothing to check
    for name in names:
        full = os.path.join(path, name)
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                remove_tree(full)
            else:
                os.unlink(full)
        except OSError as exc:
            raise OSError(f"could not empty {path}: {exc}") from None
    left = [name for name in os.listdir(path) if os.path.join(path, name) != keep]
    if left:
        raise OSError(f"could not empty {path}: {', '.join(left[:3])} left")


def clear_scratch(keep: str | None = None) -> None:
    """Empty every place a test can write (SCRATCH, those that exist here) but ``keep``."""
    for place in SCRATCH:
        if os.path.isdir(place):
            clear_dir(place, keep=keep if keep and keep.startswith(place + "/") else None)


@dataclass
class SysvObject:
    kind: str  # "shm", "msg" or "sem"
    ident: int
    creator: int  # the uid that made it: the one that may remove it (the agent has no CAP_SYS_ADMIN)


class SysvIpc:
    """The container's SysV IPC objects (/proc/sysvipc/*, held open and read again at each look), removed after
    every test: shared memory no process holds would otherwise keep its pages, queues and semaphores their state."""

    def __init__(self) -> None:
        self.fds: dict[str, int] = {}
        for kind, _ in SYSV_KINDS:
            try:
                self.fds[kind] = os.open(f"/proc/sysvipc/{kind}", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                pass

    def objects(self) -> list[SysvObject]:
        found = []
        for kind, id_column in SYSV_KINDS:
            if kind not in self.fds:
                continue
            lines = read_whole(self.fds[kind]).decode("ascii", "replace").splitlines()
            if len(lines) < 2:
                continue  # the header alone: none
            header = lines[0].split()
            at, creator_at = header.index(id_column), header.index("cuid")
            for line in lines[1:]:
                fields = line.split()
                found.append(SysvObject(kind, int(fields[at]), int(fields[creator_at])))
        return found

    def clear(self) -> None:
        """Remove every object (as its creator's uid: IPC_RMID needs it); OSError naming what stayed."""
        found = self.objects()
        if not found:
            return
        try:
            import ctypes  # only when a test left an object (rare): see the imports

            libc = ctypes.CDLL(None, use_errno=True)
        except (ImportError, OSError) as exc:
            raise OSError(f"SysV IPC objects left by the test and no ctypes to remove them: {exc}") from None
        agent = os.geteuid()  # root: the effective capabilities go with it, and come back with it below
        for obj in found:
            if obj.creator != agent:
                os.seteuid(obj.creator)
            try:
                if obj.kind == "sem":
                    libc.semctl(obj.ident, 0, IPC_RMID)
                else:
                    getattr(libc, f"{obj.kind}ctl")(obj.ident, IPC_RMID, None)
            finally:
                if obj.creator != agent:
                    os.seteuid(agent)
        left = self.objects()
        if left:
            raise OSError("could not remove SysV IPC objects: " + ", ".join(f"{o.kind} {o.ident}" for o in left[:3]))


def read_whole(fd: int) -> bytes:
    """A /proc file held open, read from its start to its end."""
    parts, offset = [], 0
    while chunk := os.pread(fd, 65536, offset):
        parts.append(chunk)
        offset += len(chunk)
    return b"".join(parts)


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


# -- interactions --------------------------------------------------------------------------------------------------


class FifoTimeout(Exception):
    pass


def _fifo_timeout(signum: int, frame: FrameType | None) -> None:
    raise FifoTimeout


def open_fifos(read_path: str, write_path: str, read_first: bool, seconds: float = 10) -> tuple[int, int]:
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
    def __init__(self) -> None:
        self.parts: list[tuple[str, bytes]] = []
        self.size = 0
        import threading  # only here: see the imports

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

    def __init__(self, src: int, dst: int, mark: str, transcript: Transcript, cap: int, owned: tuple[int, ...]) -> None:
        self.src, self.dst, self.mark = src, dst, mark
        self.transcript, self.cap, self.owned = transcript, cap, owned
        import threading  # only here: see the imports

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
                if self.transcript.size < self.cap:
                    self.transcript.add(self.mark, data[: self.cap - self.transcript.size])
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
            self.transcript = Transcript()
            (child_in, relay_in), (relay_out, child_out) = os.pipe(), os.pipe()
            self.relays = [
                Relay(read_fd, relay_in, ">", self.transcript, fifos.transcript, owned=(relay_in,)),
                # the relay closes the FIFO's write end when the validator's output ends: EOF at once
                Relay(relay_out, write_fd, "<", self.transcript, fifos.transcript, owned=(relay_out, write_fd)),
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

    def program_reaped(self, exit_code: int | None, stopped: bool = False) -> None:
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


# -- one command ---------------------------------------------------------------------------------------------------


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
class Outcome:
    result: protocol.Result  # its stdout_sent still 0
    stdout_path: str | None  # the captured stdout (None: it went to a FIFO)
    stderr: bytes  # the stderr excerpt
    nextpass: bytes = b""  # a multi-pass validator's nextpass.in, when it is sent back


class Agent:
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
                os.chmod(path, 0o666)  # each program may reopen its end (Agent.lend_streams)
        send(protocol.Ok())

    def pack(self, request: protocol.Pack, size: int) -> None:
        """The box as a tar (a compiled validator, to be cached outside and unpacked elsewhere)."""
        send(protocol.Ok(), in_child(pack_box))

    def unpack(self, request: protocol.Unpack, size: int) -> None:
        data = read_exact(size)
        in_child(lambda: unpack_box(data, request.clear))
        self.seal_box()
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

    def run(self, request: protocol.Run, size: int) -> None:
        fsize = request.output_limit + 1  # stdout stops one byte over its limit: that is how it is seen
        rlimits = [(resource.RLIMIT_FSIZE, (fsize, fsize)), *self.no_queues]
        if request.stack:
            rlimits.append((resource.RLIMIT_STACK, (request.stack, request.stack)))
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
        """stdin from the input file (or a FIFO), stdout to a private file (or a FIFO), stderr to a drained pipe;
        each reopenable by the program (``lend_stream``)."""
        stdout_path = os.path.join(PRIVATE, "stdout")
        if command.fifos is not None:  # interactive: the program talks to the other container through two FIFOs
            interaction = Interaction(command.fifos, started + command.wall + SETTLE)
            excerpt = StderrExcerpt(command.stderr_limit)
            streams = Streams(
                interaction.child_stdin, interaction.child_stdout, excerpt.program_fd, None, excerpt, interaction
            )
        else:
            in_fd = os.open(stdin_path, os.O_RDONLY)
            if os.path.lexists(stdout_path):  # a new file each time: nothing of the last program's rights is left
                os.unlink(stdout_path)
            out_fd = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            if command.compiling:
                return self.lend_streams(Streams(in_fd, out_fd, out_fd, stdout_path, None, None), command.uid)
            excerpt = StderrExcerpt(command.stderr_limit)
            streams = Streams(in_fd, out_fd, excerpt.program_fd, stdout_path, excerpt, None)
        return self.lend_streams(streams, command.uid)

    @staticmethod
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
        fds = (streams.stdin, streams.stdout, streams.stderr)
        try:
            try:
                running.pid, running.spawn_error = spawn(command.cmd, fds, rlimits, env, uid, self.launcher)
            except OSError as exc:
                if self.launcher is None or exc.errno not in UNRUNNABLE:
                    raise
                self.launcher = None  # the kernel will not execute it (another architecture?): fork from now on
                running.pid, running.spawn_error = spawn(command.cmd, fds, rlimits, env, uid)
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
            self.seal_box()
        stdout_written = os.path.getsize(streams.stdout_path) if streams.stdout_path else 0
        result = self.report(
            running, exit_code, sig, cpu, memory, ended, oom_after, stdout_written, feedback, transcript, nextpass_size
        )
        result.nextpass_sent = len(nextpass)
        stderr = bytes(streams.excerpt.head) if streams.excerpt is not None else b""
        return Outcome(result, streams.stdout_path, stderr, nextpass)

    def report(
        self,
        running: Running,
        exit_code: int | None,
        sig: int | None,
        cpu: float,
        memory: int,
        ended: float,
        oom_after: int | None,
        stdout_written: int,
        feedback: dict[str, str],
        transcript: Transcript | None,
        nextpass_size: int | None = None,
    ) -> protocol.Result:
        oom_before, excerpt = running.oom_before, running.streams.excerpt
        return protocol.Result(
            exit_code=exit_code,
            signal=sig,
            cpu=round(cpu, 6),
            wall=round(running.wall, 6),
            memory=memory,
            killed_by=running.killed_by,
            oom=bool(oom_before is not None and oom_after is not None and oom_after > oom_before),
            oom_counter=oom_after is not None,
            output_exceeded=not running.command.compiling and stdout_written > running.command.output_limit,
            stdout_written=stdout_written,
            stdout_sent=0,
            stderr_written=excerpt.written if excerpt is not None else 0,
            spawn_error=running.spawn_error,
            ended=ended,
            feedback=feedback,
            transcript=transcript.text() if transcript is not None else "",
            nextpass_size=nextpass_size,
            nextpass_sent=0,  # set once the bytes are known, like stdout_sent
            box_used=0,  # set by a compile, once the box is sealed
        )

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

    def seal_box(self) -> None:
        """After compiling: hand the box back to root and make it read-only for the submission."""
        for root, dirs, files in os.walk(BOX):
            for name in dirs + files:
                path = os.path.join(root, name)
                os.lchown(path, 0, 0)
                if not os.path.islink(path):
                    os.chmod(path, os.stat(path).st_mode & 0o755)
        os.chown(BOX, 0, 0)
        os.chmod(BOX, 0o755)

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
    # After the bootstrap's two sources, a third payload: the launcher's code (empty: none, fork every test).
    (length,) = protocol.HEADER.unpack(read_exact(protocol.HEADER.size))
    code = read_exact(length)
    launcher = None
    if code:
        try:
            launcher = Launcher(code)
        except OSError:
            launcher = None  # no memfd here: fork every test
    Agent(launcher).serve()


if __name__ == "__main__":
    main()
