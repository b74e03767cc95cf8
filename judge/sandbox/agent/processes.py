"""The agent's child processes: a program started under its limits (through judge's launcher with posix_spawn, or a
fork of the agent), work done in a forked child so what it imports never loads into the agent, and every process of
the container killed and reaped after a test."""

from __future__ import annotations

import errno
import fcntl
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass
class Program:
    """A program to start: its command line, its stdin, stdout and stderr (fds 0-2), and what it runs with."""

    cmd: list[str]
    fds: tuple[int, int, int]
    rlimits: Rlimits
    env: dict[str, str]
    uid: int


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

    def spawn(self, path: str, program: Program) -> tuple[int | None, str]:
        """Start ``program`` (its executable found at ``path``); returns what ``spawn`` returns."""
        err_r, err_w = os.pipe()
        try:
            args = ["judge-launcher", str(LAUNCHER_ERRFD), str(program.uid)]
            args += [f"{res}:{rlimit_text(soft)}:{rlimit_text(hard)}" for res, (soft, hard) in program.rlimits]
            actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate(program.fds)]
            actions.append((os.POSIX_SPAWN_DUP2, err_w, LAUNCHER_ERRFD))
            pid = os.posix_spawn(
                self.path,
                [*args, "--", path, *program.cmd],
                program.env,
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


def spawn(program: Program, launcher: Launcher | None = None) -> tuple[int | None, str]:
    """Start ``program`` as its uid in a new session, with its rlimits, the highest OOM score and the lowest priority.

    Through ``launcher`` (posix_spawn) when there is one, else fork + exec with everything set in the child before
    exec. Either way the agent never wears the submission's identity (posix_spawn alone would lend the agent's real
    uid to the child for a moment). Returns (pid or None, error text or '').
    """
    cmd, fds, rlimits, env, uid = program.cmd, program.fds, program.rlimits, program.env, program.uid
    path = which(cmd[0], env.get("PATH", "")) if "/" not in cmd[0] else cmd[0]
    if path is None:
        return None, f"FileNotFoundError: {cmd[0]!r} not found in PATH"
    if launcher is not None:
        return launcher.spawn(path, program)
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
            # watching the limits even when the program forks a hundred busy children (else a fork bomb starves it).
            # CPU time is measured, not wall shares: nice changes nothing for a program alone on its core.
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
    import ctypes  # only here (the fork path's child): see the package's docstring

    code = ctypes.create_string_buffer(seccomp_filter())

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = SockFprog(len(code.raw) // 8, ctypes.addressof(code))
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
