"""Ctrl-C (SIGINT to the judge's process group, as a terminal sends it) while a TLE submission's test runs:
`judge submit`, `rescore` and `problem check` exit 130 within 3 s, say so in one line, and leave no container;
an interrupted rescore resumes where it stopped. Real engine, real processes."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import docker
import pytest

from judge.sandbox.ownership import owned_filter

ROOT = Path(__file__).resolve().parent.parent
SUBS = ROOT / "problems/1/submissions"
CONFIG = ["--config", str(ROOT / "judge.yaml")]
JUDGE = [sys.executable, "-m", "judge", *CONFIG]
EXIT_WITHIN = 3.0  # seconds from Ctrl-C to the process's exit


def _ours(client, pid: int, running_only: bool = True) -> list[dict]:
    return client.api.containers(all=not running_only, filters=owned_filter(pid=pid))


def _running_a_test(client, pid: int) -> bool:
    """A container of ``pid`` runs something beside its agent (PID 1): a compiler or a test."""
    for container in _ours(client, pid):
        try:
            processes = client.api.top(container["Id"]).get("Processes") or []
        except docker.errors.APIError:  # gone, or not started yet
            continue
        if len(processes) > 1:
            return True
    return False


def interrupt_while_running(client, cmd: list[str], cwd: Path, after: float = 0.0) -> tuple[float, str, int]:
    """Start ``cmd``, wait until one of its containers runs a program (and ``after`` seconds more), send SIGINT to
    its process group; (seconds until it exited, its stderr, its pid)."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not _running_a_test(client, proc.pid):
            assert proc.poll() is None, f"ended before it was interrupted: {proc.stderr.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, "no container ever ran a program"
            time.sleep(0.05)
        time.sleep(after)
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, (proc.returncode, took, err.decode()[-2000:])
    return took, err.decode(), proc.pid


def assert_stopped(client, took: float, err: str, pid: int) -> None:
    assert took < EXIT_WITHIN, f"took {took:.2f} s to exit"
    lines = [line for line in err.splitlines() if "interrupted" in line]
    assert len(lines) == 1 and lines[0].startswith("judge: interrupted: stopped"), err[-2000:]
    assert "Traceback" not in err and "Aborted" not in err, err[-2000:]
    assert _ours(client, pid, running_only=False) == [], "containers left behind"


@pytest.mark.docker
@pytest.mark.parametrize("attempt", range(20))
def test_ctrl_c_on_submit_stops_at_once(client, tmp_path, attempt):
    took, err, pid = interrupt_while_running(
        client, [*JUDGE, "submit", str(SUBS / "time_limit_exceeded/busy.py"), "--problem", "1"], tmp_path
    )
    assert_stopped(client, took, err, pid)


def _tle_folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "subs"
    folder.mkdir()
    for n in range(count):
        shutil.copy(SUBS / "time_limit_exceeded/busy.py", folder / f"busy{n}.py")
    return folder


@pytest.mark.docker
@pytest.mark.parametrize("attempt", range(3))
def test_ctrl_c_on_rescore_stops_at_once_and_resumes(client, tmp_path, attempt):
    store = tmp_path / "r.db"
    folder = _tle_folder(tmp_path, 3)
    cmd = [*JUDGE, "rescore", str(folder), "--problem", "1", "-j", "2", "--store", str(store)]
    took, err, pid = interrupt_while_running(client, cmd, tmp_path, after=0.5)
    assert_stopped(client, took, err, pid)
    assert "run the same command again to resume result set 1" in err
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT id, status FROM sets").fetchall() == [(1, "running")]
        before = db.execute("SELECT COUNT(*) FROM set_items").fetchone()[0]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "resuming result set 1" in done.stderr
    assert f"({before} from the store)" in done.stderr.splitlines()[-1] or before == 0
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM set_items WHERE set_id = 1").fetchone()[0] == 3


@pytest.mark.docker
@pytest.mark.parametrize("attempt", range(3))
def test_ctrl_c_on_problem_check_stops_at_once(client, tmp_path, attempt):
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "problems/1", package, ignore=shutil.ignore_patterns("submissions"))
    (package / "submissions/time_limit_exceeded").mkdir(parents=True)
    for n in range(3):
        shutil.copy(SUBS / "time_limit_exceeded/busy.py", package / f"submissions/time_limit_exceeded/b{n}.py")
    took, err, pid = interrupt_while_running(client, [*JUDGE, "problem", "check", str(package), "-j", "2"], tmp_path)
    assert_stopped(client, took, err, pid)


@pytest.mark.docker
def test_an_interrupted_forced_rescore_is_resumed_by_the_same_command(client, tmp_path):
    store = tmp_path / "r.db"
    folder = _tle_folder(tmp_path, 2)
    cmd = [*JUDGE, "rescore", str(folder), "--problem", "1", "-j", "2", "--store", str(store)]
    assert subprocess.run(cmd, cwd=tmp_path, capture_output=True, timeout=300).returncode == 0
    took, err, pid = interrupt_while_running(client, [*cmd, "--force"], tmp_path)
    assert_stopped(client, took, err, pid)
    done = subprocess.run([*cmd, "--force"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "resuming result set 2" in done.stderr, done.stderr[-2000:]
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT id, status FROM sets").fetchall() == [(1, "applied"), (2, "complete")]
