"""Scale-out: a real Dask scheduler and two `judge worker` processes on 127.0.0.1, grading with the real
engine; results must equal local rescoring, and a worker killed mid-batch loses nothing."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.batch.dask import require_dask
from judge.cli import cli
from judge.errors import JudgeInputError

ROOT = Path(__file__).resolve().parent.parent
SUBS = ROOT / "problems/1/submissions"
CONFIG = ["--config", str(ROOT / "judge.yaml")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True, env=env)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, client):
    import distributed

    logs = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    scheduler = start(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            address.rsplit(":", 1)[1],
            "--no-dashboard",
        ],
        logs / "scheduler.log",
    )
    workers = [
        start(
            [
                sys.executable,
                "-m",
                "judge",
                *CONFIG,
                "worker",
                "--scheduler",
                address,
                "--slots",
                "1",
                "--name",
                f"w{i}",
            ],
            logs / f"w{i}.log",
            {**os.environ, "JUDGE_WORKER_CACHE": str(logs / "worker-cache")},  # both workers share one, as on a host
        )
        for i in range(2)
    ]
    try:
        with distributed.Client(address, timeout="30s") as probe:
            probe.wait_for_workers(2, timeout=120)
        yield {"address": address, "workers": workers, "logs": logs}
    finally:
        for proc in [*workers, scheduler]:
            stop(proc)


def graded(store: Path) -> int:
    try:
        return len(verdicts(store)) if store.exists() else 0
    except sqlite3.OperationalError:  # the store is still being created
        return 0


def verdicts(store: Path) -> dict[str, str]:
    with sqlite3.connect(store) as db:
        return dict(db.execute("SELECT i.submission, g.verdict FROM set_items i JOIN gradings g ON g.key = i.key"))


def folder(tmp_path: Path, picks: list[str]) -> Path:
    root = tmp_path / "subs"
    root.mkdir()
    for i, pick in enumerate(picks):
        shutil.copy(SUBS / pick, root / f"{i:02d}_{Path(pick).name}")
    return root


@pytest.mark.docker
def test_cluster_results_equal_local(cluster, tmp_path):
    subs = folder(
        tmp_path,
        [
            "accepted/sum.py",
            "accepted/sum.c",
            "wrong_answer/minus.py",
            "run_time_error/segfault.c",
            "compile_error/syntax.py",
            "memory_limit_exceeded/hog.py",
        ],
    )
    remote = CliRunner().invoke(
        cli,
        [
            *CONFIG,
            "rescore",
            str(subs),
            "--problem",
            "1",
            "--cluster",
            cluster["address"],
            "--store",
            str(tmp_path / "remote.db"),
        ],
    )
    assert remote.exit_code == 0, remote.output
    local = CliRunner().invoke(
        cli, [*CONFIG, "rescore", str(subs), "--problem", "1", "--store", str(tmp_path / "local.db")]
    )
    assert local.exit_code == 0, local.output
    assert verdicts(tmp_path / "remote.db") == verdicts(tmp_path / "local.db")
    assert sorted(verdicts(tmp_path / "remote.db").values()) == ["AC", "AC", "CE", "MLE", "RTE", "WA"]
    again = CliRunner().invoke(
        cli,
        [
            *CONFIG,
            "rescore",
            str(subs),
            "--problem",
            "1",
            "--cluster",
            cluster["address"],
            "--store",
            str(tmp_path / "remote.db"),
        ],
    )
    assert "6 from the store" in again.stderr  # the same cache and resume rules as local rescoring


@pytest.mark.docker
def test_worker_lost_mid_batch_loses_and_duplicates_nothing(cluster, tmp_path):
    picks = ["time_limit_exceeded/busy.py", "accepted/sum.py"] * 4
    subs = folder(tmp_path, picks)
    store = tmp_path / "c.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "judge",
            *CONFIG,
            "rescore",
            str(subs),
            "--problem",
            "1",
            "--cluster",
            cluster["address"],
            "--store",
            str(store),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not graded(store):
        time.sleep(0.2)
    assert verdicts(store), "nothing graded before the worker was to be killed"
    stop(cluster["workers"][0])  # kill -9 the worker and its grading threads
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    final = verdicts(store)
    assert len(final) == 8 and sorted(final.values()) == ["AC"] * 4 + ["TLE"] * 4
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT submission) FROM gradings").fetchone() == (8, 8)


@pytest.mark.docker
def test_a_damaged_worker_cache_is_unpacked_again_and_grading_works(cluster, tmp_path):
    """What once left every C/C++/Go/Bash grading on a worker a JE ("runner.yaml: file not found") for good."""
    from judge.cache import damage

    subs = folder(tmp_path, ["accepted/sum.c", "accepted/sum.py"])

    def rescore(store: str) -> dict[str, str]:
        args = ["rescore", str(subs), "--problem", "1", "--cluster", cluster["address"]]
        result = CliRunner().invoke(cli, [*CONFIG, *args, "--store", str(tmp_path / store)])
        assert result.exit_code == 0, result.output
        return verdicts(tmp_path / store)

    assert sorted(rescore("first.db").values()) == ["AC", "AC"]
    root = cluster["logs"] / "worker-cache"
    (runners,) = [p for p in (root / "runners").iterdir() if p.is_dir()]
    (problem,) = [p for p in (root / "problems").iterdir() if p.is_dir()]
    (runners / "content/c/runner.yaml").unlink()
    (runners / "content/python3/runner.yaml").write_text("")
    (problem / "manifest.json").unlink()
    assert damage(runners) and damage(problem)
    assert sorted(rescore("second.db").values()) == ["AC", "AC"]
    assert damage(runners) is None and damage(problem) is None


def test_cluster_flag_without_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(JudgeInputError, match=r"pip install 'judge\[cluster\]'"):
        require_dask()


def test_unreachable_scheduler_is_a_judge_error(tmp_path):
    (tmp_path / "subs").mkdir()
    shutil.copy(SUBS / "accepted/sum.py", tmp_path / "subs/a.py")
    result = CliRunner().invoke(
        cli,
        [
            *CONFIG,
            "rescore",
            str(tmp_path / "subs"),
            "--problem",
            "1",
            "--cluster",
            f"tcp://127.0.0.1:{free_port()}",
            "--cluster-timeout",
            "1",
            "--store",
            str(tmp_path / "r.db"),
        ],
    )
    assert result.exit_code == 3 and "Dask scheduler" in result.stderr


@pytest.mark.parametrize("timeout", ["1", None])
def test_worker_without_a_scheduler_is_one_line_and_exit_3_at_once(timeout):
    """Nobody at the address: the worker says so in one line before it checks the engine, builds or calibrates."""
    address = f"tcp://127.0.0.1:{free_port()}"
    args = [*CONFIG, "worker", "--scheduler", address] + (["--scheduler-timeout", timeout] if timeout else [])
    started = time.monotonic()
    result = CliRunner().invoke(cli, args, env={"DOCKER_HOST": "unix:///nonexistent.sock"})
    took = time.monotonic() - started
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"cannot reach the Dask scheduler at {address}" in lines[0], result.output
    assert took < (3 if timeout else 13), took


@pytest.mark.parametrize("address", ["nonsense", "http://127.0.0.1:8786", "tcp://127.0.0.1"])
def test_worker_with_a_malformed_scheduler_address_is_bad_input(address):
    result = CliRunner().invoke(cli, [*CONFIG, "worker", "--scheduler", address])
    assert result.exit_code == 2 and "expected tcp://HOST:PORT" in result.output, result.output


def finished_tasks(address: str) -> dict[str, int]:
    """How many tasks of each function the scheduler saw finish."""
    import distributed

    def count(dask_scheduler: "distributed.Scheduler") -> dict[str, int]:
        return {name: prefix.state_counts["memory"] for name, prefix in dask_scheduler.task_prefixes.items()}

    with distributed.Client(address, timeout="30s") as probe:
        found: dict[str, int] = probe.run_on_scheduler(count)
    return found


@pytest.mark.docker
def test_serve_cluster_answers_judge0_and_native_on_the_workers(cluster, tmp_path):
    """`judge serve --cluster`: a Judge0 wait=true execution and a native grading are each one Dask task, run by a
    judge worker, answered as without a cluster; the grading's tests arrive as events while it runs."""
    import requests
    from test_service import Server
    from test_service_native import read_events

    before = finished_tasks(cluster["address"])
    server = Server(tmp_path / "queue.db", jobs=2, extra=("--cluster", cluster["address"])).start()
    try:
        body = {"source_code": "print(input()[::-1])", "language_id": 71, "stdin": "hello", "expected_output": "olleh"}
        answer = requests.post(f"{server.url}/submissions?wait=true", json=body, timeout=120).json()
        assert (answer["status"]["id"], answer["stdout"]) == (3, "olleh\n"), answer
        slow = "import time\ntime.sleep(0.4)\na, b = map(int, input().split())\nprint(a + b)\n"
        files = [{"name": "slow.py", "content": slow}]
        queued = requests.post(f"{server.url}/v1/submissions?wait=false", json={"problem": "1", "files": files})
        arrivals: list[float] = []
        events = read_events(server, queued.json()["id"], arrivals)
        assert [(kind, data.get("index")) for kind, data in events] == [("test", i) for i in range(4)] + [
            ("done", None)
        ]
        assert arrivals[-2] - arrivals[0] > 0.8  # told as the worker finished them, not all at the end
        document = events[-1][1]
        assert (document["verdict"], document["passed"], document["problem"]) == ("AC", 4, "1"), document
        metrics = requests.get(f"{server.url}/metrics", timeout=10).text
        assert "judge_serve_slots 2" in metrics and "judge_serve_pool" not in metrics  # no warm pool here
    finally:
        server.stop()
    after = finished_tasks(cluster["address"])
    for task in ("execute_task", "grade_task"):
        assert after.get(task, 0) - before.get(task, 0) == 1, (task, before, after)


def test_serve_cluster_refuses_a_warm_pool():
    result = CliRunner().invoke(cli, [*CONFIG, "serve", "--cluster", "tcp://127.0.0.1:1", "--warm", "2"])
    assert result.exit_code == 2 and "--warm: with --cluster" in result.output, result.output
