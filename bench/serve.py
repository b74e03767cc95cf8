"""Benchmark: `judge serve` on loopback, three figures, each against its baseline in the same run.

- ``latency`` (default): a trivial Python program, one client, Judge0 ``wait=true``, against one `docker run` per
  request (the design a fresh container per request without a pool gives). A server is started (a queue in a
  temporary folder, ``-j 1``, ``--warm`` as given); after a few requests to warm it, rounds alternate the two ways
  (this machine drifts from minute to minute); the p50 (and p90) of each and their ratio are printed.
- ``load``: ``--submissions`` (500) Judge0 ``wait=true`` submissions of an A+B program with its stdin and expected
  output from ``--clients`` (32) concurrent clients to ``judge serve -j 2``, against ``judge rescore -j 2`` of the
  same programs as files graded on a one-test problem: p50/p99 latency, throughputs and their ratio; every
  submission must be answered Accepted, and each completed exactly once (the store's ``completions``).
- ``native``: a generated ``--tests`` (100) test A+B problem graded through the native API (``POST
  /v1/submissions``) on a warm server, against a bare shell loop of the same program over the same inputs in the
  runner's image (bench/overhead.py's floor): medians and the ratio.

Run: python3 bench/serve.py [latency|load|native] [--requests 50] [--warm 2] [--submissions 500] [--clients 32]
"""

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from overhead import SOLUTION, bare_in_image, make_problem  # noqa: E402

from judge.sandbox import engine  # noqa: E402

SOURCE = 'print("hello, judge")\n'
PYTHON_ID = 71  # Judge0's Python 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Server = tuple[subprocess.Popen[bytes], str]


def start_server(folder: Path, warm: int, jobs: int = 1, config: Path | None = None) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "judge", *(["--config", str(config)] if config else []), "serve"]
    cmd += ["--port", str(port), "-j", str(jobs), "--warm", str(warm)]
    cmd += ["--store", str(folder / "queue.db"), "--rate", "off"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("judge serve did not answer within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=60)


def through_server(session: requests.Session, url: str) -> float:
    body = {"source_code": SOURCE, "language_id": PYTHON_ID}
    started = time.perf_counter()
    answer = session.post(f"{url}/submissions?wait=true", json=body, timeout=120)
    took = time.perf_counter() - started
    data = answer.json()
    if answer.status_code != 201 or data.get("status", {}).get("id") != 3 or data.get("stdout") != "hello, judge\n":
        raise SystemExit(f"unexpected answer: {answer.status_code} {data}")
    return took


def docker_run(image: str) -> float:
    cmd = ["docker", "run", "--rm", "-i", "--network", "none", "--read-only", image, "python3", "-"]
    started = time.perf_counter()
    done = subprocess.run(cmd, input=SOURCE.encode(), capture_output=True, timeout=120)
    took = time.perf_counter() - started
    if done.returncode != 0 or done.stdout != b"hello, judge\n":
        raise SystemExit(f"docker run failed: {done.returncode} {done.stderr[-300:]!r}")
    return took


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        process, url = start_server(Path(folder), args.warm)
        try:
            session = requests.Session()
            for _ in range(5):  # the pool's first containers, the server's first imports
                through_server(session, url)
            docker_run(args.image)
            served: list[float] = []
            bare: list[float] = []
            for _ in range(args.requests):
                served.append(through_server(session, url))
                bare.append(docker_run(args.image))
        finally:
            stop_server(process)
    p50_served, p50_bare = statistics.median(served), statistics.median(bare)
    print(f"judge serve (Judge0 wait=true, --warm {args.warm}): p50 {p50_served * 1000:.0f} ms, "
          f"p90 {percentile(served, 0.9) * 1000:.0f} ms over {len(served)} requests")  # fmt: skip
    print(f"docker run per request:  p50 {p50_bare * 1000:.0f} ms, p90 {percentile(bare, 0.9) * 1000:.0f} ms")
    print(f"ratio (docker run / serve, p50): {p50_bare / p50_served:.1f}x")


def config_for(folder: Path, problems: Path) -> Path:
    """A judge.yaml like the project's, its problems folder ``problems``."""
    text = (ROOT / "judge.yaml").read_text()
    text = text.replace("problems_dir: problems", f"problems_dir: {problems}")
    text = text.replace("runners_dir: runners", f"runners_dir: {ROOT / 'runners'}")
    path = folder / "judge.yaml"
    path.write_text(text)
    return path


def rescore_seconds(folder: Path, submissions: int, jobs: int) -> float:
    """Seconds of `judge rescore -j jobs` of ``submissions`` copies of the A+B program on a one-test problem."""
    problem = folder / "problem"
    (problem / "data/secret").mkdir(parents=True)
    (problem / "problem.yaml").write_text("name: bench load\n")
    (problem / "data/secret/1.in").write_text("3 4\n")
    (problem / "data/secret/1.ans").write_text("7\n")
    subs = folder / "subs"
    for n in range(submissions):
        (subs / f"team{n % 50:02d}").mkdir(parents=True, exist_ok=True)
        (subs / f"team{n % 50:02d}" / f"s{n:03d}.py").write_text(SOLUTION)
    cmd = [sys.executable, "-m", "judge", "rescore", str(subs), "--problem", str(problem), "-j", str(jobs)]
    cmd += ["--store", str(folder / "results.db"), "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"rescore failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def load(args: argparse.Namespace) -> None:
    body = {"source_code": SOLUTION, "language_id": PYTHON_ID, "stdin": "3 4\n", "expected_output": "7\n"}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        bare = rescore_seconds(folder, args.submissions, 2)
        process, url = start_server(folder, args.warm, jobs=2)
        latencies: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()
        left = iter(range(args.submissions))

        def client() -> None:
            session = requests.Session()
            while True:
                with lock:
                    if next(left, None) is None:
                        return
                started = time.perf_counter()
                answer = session.post(f"{url}/submissions?wait=true", json=body, timeout=600)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    statuses.append(answer.json().get("status", {}).get("id", 0) if answer.ok else answer.status_code)

        try:
            for _ in range(4):  # the pool's first containers, the server's first imports (not counted)
                requests.post(f"{url}/submissions?wait=true", json=body, timeout=120)
            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            served = time.perf_counter() - started
        finally:
            stop_server(process)
        with sqlite3.connect(folder / "queue.db") as db:
            completions = db.execute("SELECT completions, COUNT(*) FROM submissions GROUP BY completions").fetchall()
    accepted = statuses.count(3)
    print(f"judge serve -j 2 --warm {args.warm}, {args.clients} clients: {len(statuses)} answered, {accepted} Accepted;"
          f" p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms;"
          f" {served:.1f} s: {len(statuses) / served:.1f} submissions/s")  # fmt: skip
    print(f"judge rescore -j 2 of the same {args.submissions} programs: {bare:.1f} s: {args.submissions / bare:.1f}/s")
    print(f"store: rows by completions {dict(completions)} (each must be 1)")
    print(f"throughput ratio (serve / rescore): {bare / served:.2f}x")


def native(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        make_problem(folder / "problems" / "ab", args.tests)
        solution = folder / "sol.py"
        solution.write_text(SOLUTION)
        inputs = sorted((folder / "problems/ab/data/secret").glob("*.in"))
        config = config_for(folder, folder / "problems")
        process, url = start_server(folder, args.warm, config=config)
        body = {"problem": "ab", "files": [{"name": "sol.py", "content": SOLUTION}]}
        client = engine.connect()
        served: list[float] = []
        bare: list[float] = []
        try:
            session = requests.Session()
            for _ in range(2):  # the pool's first containers, the problem's first load
                session.post(f"{url}/v1/submissions", json=body, timeout=300)
            for _ in range(args.repeat):
                started = time.perf_counter()
                answer = session.post(f"{url}/v1/submissions", json=body, timeout=300)
                served.append(time.perf_counter() - started)
                if answer.json().get("verdict") != "AC":
                    raise SystemExit(f"unexpected answer: {answer.status_code} {answer.text[:500]}")
                bare.append(bare_in_image(inputs, solution, client, args.image))
        finally:
            stop_server(process)
    s, b = statistics.median(served), statistics.median(bare)
    print(f"native API, {args.tests} tests, warm server: median {s:.2f} s over {len(served)} gradings")
    print(f"bare shell loop in the runner's image: median {b:.2f} s")
    print(f"ratio (served / bare): {s / b:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=("latency", "load", "native"), default="latency")
    parser.add_argument("--requests", type=int, default=50, help="latency: requests of each kind")
    parser.add_argument("--warm", type=int, default=2, help="the server's --warm")
    parser.add_argument("--image", default="judge/python3:latest")
    parser.add_argument("--submissions", type=int, default=500, help="load: submissions")
    parser.add_argument("--clients", type=int, default=32, help="load: concurrent clients")
    parser.add_argument("--tests", type=int, default=100, help="native: the problem's tests")
    parser.add_argument("--repeat", type=int, default=5, help="native: gradings (each beside a bare loop)")
    args = parser.parse_args()
    {"latency": latency, "load": load, "native": native}[args.mode](args)


if __name__ == "__main__":
    main()
