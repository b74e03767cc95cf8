"""The places a program writes: the box (the source and the compiled program: packed, unpacked, sealed read-only
after compiling) and the scratch places, emptied after every test with the SysV IPC objects the test left."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

BOX = "/box"  # source and compiled program; writable by the submission only while compiling
TMP = "/tmp"  # the submission's scratch space, emptied after every test
# Every place a test can write (tests/hostile/writable_places.py tries them all): each is emptied after every test.
SCRATCH = (TMP, "/dev/shm", "/dev/mqueue")  # /dev/mqueue: the POSIX message queues (unlink removes one)
MQUEUE = "/dev/mqueue"
IPC_RMID = 0
SYSV_KINDS = (("shm", "shmid"), ("msg", "msqid"), ("sem", "semid"))  # /proc/sysvipc/<kind> and its id column
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


def unpack_box(data: bytes, *, clear: bool) -> bytes:
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


def seal_box() -> None:
    """After compiling: hand the box back to root and make it read-only for the submission."""
    for root, dirs, files in os.walk(BOX):
        for name in dirs + files:
            path = os.path.join(root, name)
            os.lchown(path, 0, 0)
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode & 0o755)
    os.chown(BOX, 0, 0)
    os.chmod(BOX, 0o755)


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
            import ctypes  # only when a test left an object (rare): see the package's docstring

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
