"""judge.cache without Docker: built once across processes and threads, whole or not at all, damage rebuilt."""

import io
import multiprocessing
import os
import signal
import tarfile
import threading
import time
from pathlib import Path

import pytest

from judge import cache
from judge.cache import Cache, damage, locked
from judge.errors import JudgeFailure

ROOT = Path(__file__).resolve().parents[2]
FORK = multiprocessing.get_context("fork")


@pytest.fixture(autouse=True)
def fresh_process_memo(monkeypatch):
    """Each test starts as a new process would: no entry's hashes checked yet."""
    monkeypatch.setattr(cache, "_checked", {})


def slow_build(log: Path, files: int = 40):
    """A build that takes a while, writes many files, and records each time it runs."""

    def build(out: Path) -> None:
        with log.open("a") as f:
            f.write(f"{os.getpid()}\n")
        for i in range(files):
            (out / "sub").mkdir(exist_ok=True)
            (out / "sub" / f"f{i}.txt").write_text(f"file {i}\n" * (i + 1))
            time.sleep(0.002)

    return build


def expected_listing(files: int = 40) -> dict[str, str]:
    return {f"sub/f{i}.txt": f"file {i}\n" * (i + 1) for i in range(files)}


def read_all(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*") if p.is_file()}


def _use_entry(root: str, log: str, out: str) -> None:
    cache._checked.clear()
    folder = Cache(Path(root)).entry("k", slow_build(Path(log)))
    Path(out).write_text(repr(sorted(read_all(folder).items())))


def test_entry_is_built_once_and_then_reused(tmp_path):
    log = tmp_path / "builds.log"
    c = Cache(tmp_path / "c")
    first = c.entry("k", slow_build(log))
    second = c.entry("k", slow_build(log))
    assert first == second == tmp_path / "c/k/content"
    assert read_all(first) == expected_listing()
    assert len(log.read_text().split()) == 1
    assert damage(tmp_path / "c/k") is None


def test_processes_at_once_build_once_and_all_see_the_whole_entry(tmp_path):
    for round_ in range(20):
        root, log = tmp_path / f"r{round_}", tmp_path / f"builds{round_}.log"
        outs = [tmp_path / f"out{round_}.{i}" for i in range(4)]
        procs = [FORK.Process(target=_use_entry, args=(str(root), str(log), str(o))) for o in outs]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0, f"round {round_}: a process failed"
        assert len(log.read_text().split()) == 1, f"round {round_}: built more than once"
        want = repr(sorted(expected_listing().items()))
        assert all(o.read_text() == want for o in outs), f"round {round_}: a process saw a partial entry"
        assert sorted(p.name for p in root.iterdir()) == ["k", "k.lock"]  # no staging folder left behind


def test_threads_at_once_build_once(tmp_path):
    log, c, seen = tmp_path / "builds.log", Cache(tmp_path / "c"), []

    def use() -> None:
        seen.append(read_all(c.entry("k", slow_build(log))))

    threads = [threading.Thread(target=use) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(log.read_text().split()) == 1
    assert seen == [expected_listing()] * 6


@pytest.mark.parametrize(
    ("harm", "why"),
    [
        (lambda e: (e / "content/sub/f3.txt").write_text("x"), "f3.txt has 1 bytes, not 28"),
        (lambda e: (e / "content/sub/f3.txt").unlink(), "sub/f3.txt is missing"),
        (lambda e: (e / "manifest.json").unlink(), "it has no manifest"),
        (lambda e: (e / "manifest.json").write_text('{"files": {}, "listing": "0"}'), "its manifest is corrupt"),
        (lambda e: (e / "manifest.json").write_text("{trunc"), "its manifest is unreadable"),
        (lambda e: (e / "content/sub/new.txt").write_text("?"), "sub/new.txt is not in its manifest"),
        (lambda e: (e / "content/sub/f3.txt").write_text("FILE 3\n" * 4), "sub/f3.txt does not match its hash"),
    ],
    ids=["truncated", "deleted", "no-manifest", "manifest-tampered", "manifest-truncated", "extra", "same-size"],
)
def test_a_damaged_entry_is_rebuilt_never_trusted(tmp_path, harm, why):
    log, c = tmp_path / "builds.log", Cache(tmp_path / "c")
    c.entry("k", slow_build(log))
    harm(tmp_path / "c/k")
    cache._checked.clear()  # the next run: a new process
    assert why in (damage(tmp_path / "c/k") or "")
    assert c.get("k") is None
    heard: list[str] = []
    folder = c.entry("k", slow_build(log), on_damage=heard.append)
    assert read_all(folder) == expected_listing()
    assert len(log.read_text().split()) == 2
    assert len(heard) == 1 and why in heard[0] and "cache entry rebuilt" in heard[0]
    assert damage(tmp_path / "c/k") is None


def test_a_truncated_file_is_caught_within_one_process_too(tmp_path):
    log, c = tmp_path / "builds.log", Cache(tmp_path / "c")
    c.entry("k", slow_build(log))
    (tmp_path / "c/k/content/sub/f9.txt").write_bytes(b"")
    assert read_all(c.entry("k", slow_build(log))) == expected_listing()
    assert len(log.read_text().split()) == 2


def test_the_old_complete_marker_layout_is_not_trusted(tmp_path):
    old = tmp_path / "c/k"
    old.mkdir(parents=True)
    (old / ".complete").touch()  # what judge worker wrote before judge.cache: an empty folder marked complete
    folder = Cache(tmp_path / "c").entry("k", slow_build(tmp_path / "builds.log"))
    assert read_all(folder) == expected_listing()


def test_a_failed_build_leaves_nothing_and_the_next_one_builds(tmp_path):
    c = Cache(tmp_path / "c")

    def broken(out: Path) -> None:
        (out / "half").write_text("half")
        raise RuntimeError("compiler crashed")

    with pytest.raises(RuntimeError, match="compiler crashed"):
        c.entry("k", broken)
    assert c.get("k") is None
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["k.lock"]
    assert read_all(c.entry("k", slow_build(tmp_path / "log"))) == expected_listing()


def _die_building(root: str, started: str) -> None:
    def build(out: Path) -> None:
        (out / "partial").write_text("x")
        Path(started).touch()
        time.sleep(60)

    Cache(Path(root)).entry("k", build)


def test_a_builder_killed_mid_build_releases_the_lock_and_leaves_no_entry(tmp_path):
    started = tmp_path / "started"
    proc = FORK.Process(target=_die_building, args=(str(tmp_path / "c"), str(started)))
    proc.start()
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert started.exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    assert Cache(tmp_path / "c").get("k") is None
    folder = Cache(tmp_path / "c").entry("k", slow_build(tmp_path / "log"))
    assert read_all(folder) == expected_listing()
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["k", "k.lock"]  # the staging folder is gone


def test_read_produces_a_one_file_entry_once(tmp_path):
    c, calls = Cache(tmp_path), []

    def produce() -> bytes:
        calls.append(1)
        return b"compiled"

    assert c.read("v", "box.tar", produce) == b"compiled"
    assert c.read("v", "box.tar", produce) == b"compiled"
    (tmp_path / "v/content/box.tar").write_bytes(b"comp")
    assert c.read("v", "box.tar", produce) == b"compiled"
    assert len(calls) == 2


def test_locked_excludes_another_holder_and_times_out(tmp_path):
    lock, waited = tmp_path / "locks/x.lock", []
    held = pytest.raises(JudgeFailure, match=r"x.lock: still locked after 0.2 s \(building x\)")
    with locked(lock), held, locked(lock, timeout=0.2, what="building x", on_wait=lambda: waited.append(1)):
        pass
    assert waited == [1]
    with locked(lock, timeout=0.2):  # released
        pass


@pytest.mark.parametrize("key", ["", "a/b", ".hidden"])
def test_bad_keys_are_refused(tmp_path, key):
    with pytest.raises(ValueError):
        Cache(tmp_path).path(key)


def _worker_unpack(root: str, blob: tuple[str, bytes], out: str) -> None:
    os.environ["JUDGE_WORKER_CACHE"] = root
    cache._checked.clear()
    from judge.batch.dask import _unpacked

    folder = _unpacked("runners", *blob)
    Path(out).write_text(repr(sorted((k, len(v)) for k, v in read_all(folder).items())))


def test_two_worker_processes_unpack_the_same_runners_archive_at_once(tmp_path):
    """The defect: two `judge worker`s unpacking one archive at once, one deleting what the other made."""
    from judge.batch.dask import pack

    blob = pack(ROOT / "runners", skip=())
    with tarfile.open(fileobj=io.BytesIO(blob[1])) as tar:
        want = repr(sorted((m.name, m.size) for m in tar.getmembers() if m.isfile()))
    assert "c/runner.yaml" in want
    for round_ in range(20):
        outs = [tmp_path / f"out{round_}.{i}" for i in range(2)]
        root = tmp_path / f"worker-cache{round_}"
        procs = [FORK.Process(target=_worker_unpack, args=(str(root), blob, str(o))) for o in outs]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
        assert [o.read_text() for o in outs] == [want, want], f"round {round_}: an incomplete runners folder"
        assert (root / "runners" / blob[0] / "content/c/runner.yaml").is_file()
