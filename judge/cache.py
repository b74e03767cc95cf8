"""Caches shared by processes (and machines sharing a folder): built once under a lock, never trusted damaged.

An entry is a folder ``ROOT/KEY/`` holding ``content/`` (what the caller built) and ``manifest.json`` (each
content file's size and sha256, and a sha256 of that listing). It is built into a temporary folder beside
it under an exclusive ``flock`` on ``ROOT/KEY.lock`` and renamed into place with the manifest written last,
so a reader sees a whole entry or none. An entry whose manifest is missing or does not match its content
(a file truncated, deleted or added) is moved aside and rebuilt. The first use in a process checks every
file's hash; later uses the listing and sizes.

    cache = Cache(Path("~/.cache/judge/validators"))
    folder = cache.entry(key, lambda out: (out / "box.tar").write_bytes(compile()))

``locked(path)`` is the lock alone (image builds). Only the standard library: every layer may use it.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from judge.errors import JudgeFailure

MANIFEST = "manifest.json"
CONTENT = "content"
_checked: dict[Path, tuple[int, int]] = {}  # entries whose every hash this process checked: (inode, mtime)
_checked_lock = threading.Lock()


@contextlib.contextmanager
def locked(
    path: Path, timeout: float | None = None, what: str = "", on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """An exclusive lock on file ``path`` (created) for the block: across threads, processes, and NFS clients.

    Each call opens the file anew, so threads of one process exclude each other too (flock locks belong to
    the open file). Not re-entrant. The kernel drops the lock when its holder dies, so none goes stale.
    ``on_wait`` is called once when another holds it; after ``timeout`` seconds of waiting: JudgeFailure.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            if timeout is None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise JudgeFailure(
                                f"{path}: still locked after {timeout:g} s{f' ({what})' if what else ''}"
                            ) from None
                        time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the only descriptor of this open file releases the lock


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _listing(content: Path) -> dict[str, int]:
    """Every file under ``content`` (symlinks as themselves) and its size; folders are implied."""
    found: dict[str, int] = {}
    for folder, dirs, files in os.walk(content):
        here = Path(folder)
        for name in files + [d for d in dirs if (here / d).is_symlink()]:
            path = here / name
            found[path.relative_to(content).as_posix()] = path.lstat().st_size
    return found


def _listing_digest(files: dict[str, list[object]]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def write_manifest(entry: Path) -> None:
    """``entry/manifest.json`` for the files in ``entry/content`` (written last: it marks the entry whole)."""
    content = entry / CONTENT
    files: dict[str, list[object]] = {}
    for rel, size in sorted(_listing(content).items()):
        path = content / rel
        digest = hashlib.sha256(os.readlink(path).encode()).hexdigest() if path.is_symlink() else _file_digest(path)
        files[rel] = [size, digest]
    doc = {"version": 1, "files": files, "listing": _listing_digest(files)}
    partial = entry / f".{MANIFEST}.{os.getpid()}.tmp"
    with partial.open("w") as f:
        json.dump(doc, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, entry / MANIFEST)


def damage(entry: Path, deep: bool = True) -> str | None:
    """Why ``entry`` cannot be trusted, or None when it is whole. ``deep`` compares every file's sha256 too."""
    try:
        doc = json.loads((entry / MANIFEST).read_text())
        files = doc["files"]
        if not isinstance(files, dict) or doc.get("listing") != _listing_digest(files):
            return "its manifest is corrupt"
    except FileNotFoundError:
        return "it has no manifest"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"its manifest is unreadable ({exc})"
    content = entry / CONTENT
    if not content.is_dir():
        return "it has no content"
    present = _listing(content)
    for rel, (size, digest) in files.items():
        if rel not in present:
            return f"{rel} is missing"
        if present[rel] != size:
            return f"{rel} has {present[rel]} bytes, not {size}"
        if deep:
            path = content / rel
            actual = hashlib.sha256(os.readlink(path).encode()).hexdigest() if path.is_symlink() else _file_digest(path)
            if actual != digest:
                return f"{rel} does not match its hash"
    extra = sorted(set(present) - set(files))
    if extra:
        return f"{extra[0]} is not in its manifest"
    return None


def _stamp(entry: Path) -> tuple[int, int] | None:
    try:
        st = (entry / MANIFEST).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


class Cache:
    """Entries under ``root``, each built once by whichever process or thread gets there first."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not key or "/" in key or key.startswith("."):
            raise ValueError(f"bad cache key {key!r}")
        return self.root / key

    def lock(
        self, key: str, timeout: float | None = None, on_wait: Callable[[], None] | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """The lock every builder of ``key`` holds (not re-entrant: ``entry`` takes it itself)."""
        return locked(self.path(key).with_name(f"{key}.lock"), timeout, f"building cache entry {key}", on_wait)

    def get(self, key: str) -> Path | None:
        """The content folder of a whole entry ``key``, or None (missing or damaged)."""
        entry = self.path(key)
        stamp = _stamp(entry)
        if stamp is None:
            return None
        with _checked_lock:
            deep = _checked.get(entry) != stamp
        if damage(entry, deep=deep) is not None:
            return None
        if deep:
            with _checked_lock:
                _checked[entry] = stamp
        return entry / CONTENT

    def put(self, key: str, build: Callable[[Path], object]) -> Path:
        """Build entry ``key`` anew: ``build(folder)`` fills an empty folder; returns the content folder.

        The caller holds ``lock(key)``. An entry already there (damaged, or being replaced) is moved
        aside and removed; so are the leftovers of builders that died.
        """
        entry = self.path(key)
        self.root.mkdir(parents=True, exist_ok=True)
        for leftover in self.root.glob(f".{key}.*"):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = self.root / f".{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        (staging / CONTENT).mkdir(parents=True)
        try:
            build(staging / CONTENT)
            write_manifest(staging)
            if entry.exists() or entry.is_symlink():
                trash = self.root / f".{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}.old"
                os.rename(entry, trash)
                shutil.rmtree(trash, ignore_errors=True)
            os.rename(staging, entry)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already unless build failed
        stamp = _stamp(entry)
        if stamp is not None:
            with _checked_lock:
                _checked[entry] = stamp
        return entry / CONTENT

    def entry(self, key: str, build: Callable[[Path], object], on_damage: Callable[[str], None] | None = None) -> Path:
        """The content folder of entry ``key``: checked and used, or built now (once, whoever asks at once).

        ``on_damage`` hears, in one line, why an entry that was there is rebuilt.
        """
        found = self.get(key)
        if found is not None:
            return found
        with self.lock(key):
            found = self.get(key)  # another process may have built it while this one waited
            if found is not None:
                return found
            entry = self.path(key)
            if on_damage is not None and entry.exists():
                on_damage(f"{entry}: cache entry rebuilt: {damage(entry)}")
            return self.put(key, build)

    def read(self, key: str, name: str, produce: Callable[[], bytes]) -> bytes:
        """The bytes of a one-file entry ``key`` (its file ``name``), produced once."""
        folder = self.entry(key, lambda out: (out / name).write_bytes(produce()))
        return (folder / name).read_bytes()
