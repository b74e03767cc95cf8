"""The Docker engine going away mid-run and coming back, for real, on an engine of the test's own.

The suite's engine is never touched: the module starts a second ``dockerd`` with its own data root, exec root,
pidfile and unix socket in a fresh folder under /tmp (no bridge, no iptables: judge containers have no network).
What works on this cgroup v1 host, and why:
- no ``--containerd``: the second dockerd starts its own containerd under its exec root
  (``EXEC/containerd/containerd.sock``, state there, content under the data root), so the two engines share no
  containerd, no ``moby`` namespace and no shim sockets (containerd names those by a hash of its address);
- ``--cgroup-parent /judge-engine-test-<random>`` (cgroupfs driver): its containers' cgroups live apart from the
  suite engine's ``/docker/<id>``, and the teardown can find every process the engine left behind (a SIGKILLed
  dockerd takes its containerd with it, but not the shims nor the containers they hold; a container being created
  at that instant may even be known to containerd only, never to the restarted dockerd);
- a short folder name: the socket path must stay under the 108 bytes of a unix socket address;
- before each restart, the old containerd must be gone and its pid file removed: a SIGKILLed dockerd's
  containerd dies of its parent's death a moment later, and a restarted dockerd that finds its pid still in the
  file (even a zombie not yet reaped: PID 1 here reaps slowly) says "containerd is still running" and times out.
Only judge/python3 is copied in (docker save | docker load through docker-py, about 5-8 s here), once for the module.
The teardown removes the containers, stops the daemon (SIGTERM, then SIGKILL), kills by pid what is left in its
cgroup parent or names its folder (containerd, shims), unmounts what it mounted under the folder (overlay, shm),
removes the cgroups and the folder.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from judge.sandbox.ownership import PID_LABEL, owned_filter

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "judge/python3"
SUBMISSION_RUN = re.compile(r"python3( -\w+)* \S+\.py")  # a test running, as `docker top` shows it
CGROUP = Path("/sys/fs/cgroup")
SLOW_AC = "import time\ntime.sleep(1)\na, b = map(int, input().split())\nprint(a + b)\n"  # ~1 s a test, no CPU
SLOWER_AC = SLOW_AC.replace("sleep(1)", "sleep(1.8)")  # ~5.5 s in all: outlasts a dockerd shutting down (~2 s)
WRONG = "a, b = map(int, input().split())\nprint(a - b)\n"


@dataclass
class Engine:
    """A dockerd of the test's own; ``start`` and ``stop`` it as often as needed (same data root)."""

    folder: Path
    cgroup_parent: str
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return f"unix://{self.folder}/sock"

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.host, version="1.41", timeout=60)

    def start(self, within: float = 60) -> None:
        (self.folder / "data").mkdir(exist_ok=True)
        (self.folder / "exec").mkdir(exist_ok=True)
        args = [
            "dockerd",
            f"--data-root={self.folder}/data",
            f"--exec-root={self.folder}/exec",
            f"--pidfile={self.folder}/pid",
            f"--host={self.host}",
            f"--cgroup-parent={self.cgroup_parent}",
            "--bridge=none",
            "--iptables=false",
            "--ip6tables=false",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"dockerd exited: {self.log.read_text()[-2000:]}"
            with contextlib.suppress(Exception):  # not listening yet
                if self.client().ping():
                    return
            time.sleep(0.2)
        raise AssertionError(f"dockerd did not answer within {within} s: {self.log.read_text()[-2000:]}")

    def stop(self, sig: signal.Signals) -> None:
        """Signal dockerd and wait until it and its containerd are gone (a dead containerd's pid file is removed:
        dockerd would take a pid that still exists, even as a zombie nobody has reaped yet, for a running one and
        time out connecting to it)."""
        assert self.process is not None
        pidfile = self.folder / "exec/containerd/containerd.pid"
        containerd = int(pidfile.read_text()) if pidfile.exists() else None
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        deadline = time.monotonic() + 15
        while containerd is not None and _alive(containerd) and time.monotonic() < deadline:
            time.sleep(0.05)
        if containerd is not None and not _alive(containerd):
            pidfile.unlink(missing_ok=True)

    def judge_containers(self) -> list[str]:
        """Containers of judge processes on this engine: id, state, the judge's pid."""
        found = self.client().api.containers(all=True, filters=owned_filter())
        return [f"{c['Id'][:12]} {c['State']} pid {c['Labels'].get(PID_LABEL)}" for c in found]


def _alive(pid: int) -> bool:
    """Running (not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _pids_in_cgroup(parent: str) -> set[int]:
    pids = set()
    for procs in CGROUP.glob(f"*/{parent.strip('/')}/**/cgroup.procs"):
        with contextlib.suppress(OSError):
            pids.update(int(p) for p in procs.read_text().split())
    return pids


def _pids_naming(folder: Path) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if str(folder).encode() in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
    return found


def _mounts_under(folder: Path) -> list[str]:
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4].encode().decode("unicode_escape")
        if point.startswith(f"{folder}/"):
            points.append(point)
    return sorted(points, key=len, reverse=True)


def _teardown(engine: Engine) -> None:
    if engine.process is not None:
        with contextlib.suppress(Exception):
            client = engine.client()
            for c in client.api.containers(all=True):
                client.api.remove_container(c["Id"], force=True)
        engine.stop(signal.SIGTERM)
    for _ in range(3):  # what the daemon left: containerd, shims, container processes (all ours, by pid)
        for pid in (_pids_in_cgroup(engine.cgroup_parent) | _pids_naming(engine.folder)) - {os.getpid()}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.3)
    for point in _mounts_under(engine.folder):
        subprocess.run(["umount", "-l", point], check=False, capture_output=True)
    for controller in CGROUP.iterdir():
        base = controller / engine.cgroup_parent.strip("/")
        if base.is_dir():
            for sub in sorted(base.glob("**/"), key=lambda p: len(str(p)), reverse=True):
                with contextlib.suppress(OSError):
                    sub.rmdir()
    shutil.rmtree(engine.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def engine(client) -> Iterator[Engine]:
    """A second engine with judge/python3 loaded (``client`` is the suite's engine, the image's source)."""
    folder = Path(tempfile.mkdtemp(prefix="judge-engine-", dir="/tmp"))
    own = Engine(folder, f"/judge-engine-test-{uuid.uuid4().hex[:8]}", folder / "dockerd.log")
    try:
        own.start()
        started = time.monotonic()
        own.client().api.load_image(client.api.get_image(IMAGE))  # streamed, never held in memory
        print(f"\n{IMAGE} loaded into the test engine in {time.monotonic() - started:.1f} s")
        assert own.client().images.get(IMAGE).id == client.images.get(IMAGE).id
        yield own
    finally:
        _teardown(own)


def judge(engine: Engine, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_HOST": engine.host}
    command = [sys.executable, "-m", "judge", "--config", str(ROOT / "judge.yaml"), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def start_judge(engine: Engine, *args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DOCKER_HOST": engine.host}
    command = [sys.executable, "-m", "judge", "--config", str(ROOT / "judge.yaml"), *args]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def slow_problem(folder: Path) -> Path:
    """Three tests of a + b, 2 s each (a wall cap of 5 s): a submission sleeping 1 s a test is AC in ~3.5 s."""
    problem = folder / "slowsum"
    (problem / "data/secret").mkdir(parents=True)
    (problem / "problem.yaml").write_text("name: Slow sum\nlimits:\n  time_limit: 2\n  memory: 128\n")
    for i in range(1, 4):
        (problem / f"data/secret/{i}.in").write_text(f"{i} {i * 10}\n")
        (problem / f"data/secret/{i}.ans").write_text(f"{i * 11}\n")
    return problem


def gradings(store: Path) -> dict[str, tuple[str, str, str]]:
    """submission -> (verdict, message, the stored result as written) of the set's items."""
    with contextlib.closing(sqlite3.connect(store)) as db:
        rows = db.execute(
            "SELECT i.submission, g.verdict, g.result FROM set_items i JOIN gradings g ON g.key = i.key"
        ).fetchall()
    return {sub: (verdict, json.loads(result)["message"], result) for sub, verdict, result in rows}


def finished(store: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(store)) as db:
            return int(db.execute("SELECT COUNT(*) FROM set_items").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def running_tests(engine: Engine) -> int:
    """Judge containers running a submission's test right now (its ``python3 NAME.py``, not the compile step)."""
    count = 0
    with contextlib.suppress(Exception):
        client = engine.client()
        for container in client.api.containers(filters={**owned_filter(), "status": "running"}):
            with contextlib.suppress(Exception):
                count += any(SUBMISSION_RUN.fullmatch(p[-1]) for p in client.api.top(container["Id"])["Processes"])
    return count


def no_containers_left(engine: Engine, within: float = 10) -> None:
    """No judge container on the engine (one the engine itself is still removing gets ``within`` seconds)."""
    deadline = time.monotonic() + within
    while engine.judge_containers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert engine.judge_containers() == []


def test_rescore_survives_the_engine_going_away(engine, tmp_path):
    """SIGKILL dockerd while `judge rescore -j 2` grades slow submissions: those in flight are JE with one line,
    judge waits --engine-wait 2 s and exits 3 saying what it did not grade; once the engine is back, the same
    command removes the dead run's containers, regrades exactly the JE and the ungraded ones, keeps the rest, and
    every verdict is right."""
    problem = slow_problem(tmp_path)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a_wrong.py").write_text(WRONG)  # graded first, quickly
    expected = {"a_wrong.py": "WA"}
    for n in range(1, 5):
        (subs / f"slow{n}.py").write_text(SLOW_AC)
        expected[f"slow{n}.py"] = "AC"
    store = tmp_path / "r.db"
    args = ["rescore", str(subs), "--problem", str(problem), "-j", "2", "--store", str(store), "--engine-wait", "2"]

    run = start_judge(engine, *args, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not (finished(store) >= 1 and running_tests(engine) >= 1) and time.monotonic() < deadline:
        time.sleep(0.1)
    engine.stop(signal.SIGKILL)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 3, stderr
    assert "Traceback" not in stderr + stdout
    assert f"the Docker engine at {engine.host} went away and was not back within 2 s" in stderr
    first = gradings(store)
    judge_errors = {s for s, (verdict, _, _) in first.items() if verdict == "JE"}
    kept = {s: row for s, row in first.items() if row[0] != "JE"}
    assert judge_errors, first
    assert kept and all(expected[s] == verdict for s, (verdict, _, _) in kept.items()), first
    for sub in judge_errors:
        message = first[sub][1]
        assert message.startswith("the Docker engine went away: ") and "\n" not in message, message
    not_graded = set(expected) - set(first)
    assert f"{len(not_graded)} submission(s) not graded, {len(judge_errors)} ended in a judge error" in stderr

    engine.start()  # what the engine lost may still be listed (a container created, never started)
    assert all(c.endswith(f" pid {run.pid}") for c in engine.judge_containers()), engine.judge_containers()
    again = judge(engine, *args, cwd=tmp_path)  # its start removes the dead judge's containers
    assert again.returncode == 0, again.stderr
    assert "resuming result set 1" in again.stderr
    assert f"{len(expected)}/{len(expected)} done ({len(kept)} from the store)" in again.stderr
    final = gradings(store)
    assert {s: v for s, (v, _, _) in final.items()} == expected
    assert {s: row for s, row in final.items() if s in kept} == kept  # not regraded: the same stored result
    print("after the rerun:", engine.judge_containers())
    no_containers_left(engine)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_submit_waits_for_the_engine_to_come_back(engine, tmp_path, stop):
    """Stop dockerd while `judge submit` grades the first of two files and start it again within the wait.

    SIGKILL cuts the first grading: JE with one line, exit 3, no traceback. SIGTERM drains: dockerd closes its
    socket at once but serves the connections it has and stops its containers only after their stop timeout
    (10 s), so a grading shorter than that ends normally (AC, exit 0). Either way judge waits for the engine, grades
    the second file once it is back, and removes what the engine lost (no container of ours left on it)."""
    problem = slow_problem(tmp_path)
    (tmp_path / "first.py").write_text(SLOWER_AC)
    (tmp_path / "second.py").write_text(SLOW_AC)
    args = ["submit", "first.py", "second.py", "--problem", str(problem), "--format", "json", "--engine-wait", "60"]
    run = start_judge(engine, *args, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while running_tests(engine) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    engine.stop(stop)  # returns once dockerd has exited
    time.sleep(3.0)  # judge finds it gone (even on a loaded machine) before it is back
    assert run.poll() is None, run.communicate()  # waiting for the engine
    engine.start()
    stdout, stderr = run.communicate(timeout=120)
    assert "Traceback" not in stderr + stdout
    results = {Path(r["submission"]).name: r for r in json.loads(stdout)["submissions"]}
    first, second = results["first.py"], results["second.py"]
    assert second["verdict"] == "AC", (second["message"], first["verdict"], first["message"], stderr[-1500:])
    errors = [line for line in stderr.splitlines() if line.startswith("judge: judge error")]
    if stop == signal.SIGKILL:
        assert run.returncode == 3, stderr
        assert first["verdict"] == "JE" and first["message"].startswith("the Docker engine went away: ")
        assert "\n" not in first["message"]
        assert len(errors) == 1 and "first.py" in errors[0], stderr
    else:
        assert run.returncode == 0, stderr
        assert first["verdict"] == "AC" and errors == [], first
    print("after submit:", engine.judge_containers())
    no_containers_left(engine)
