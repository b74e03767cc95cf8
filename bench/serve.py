"""Benchmark: `judge serve`'s latency for a trivial Python program, one client, Judge0 ``wait=true``, against one
`docker run` per request (the design a fresh container per request without a pool gives), in the same run.

A server is started on a free loopback port (a queue in a temporary folder, ``-j 1``, ``--warm`` as given); after
a few requests to warm it, rounds alternate the two ways (this machine drifts from minute to minute), and the p50
(and p90) of each and their ratio are printed. Run: python3 bench/serve.py [--requests 50] [--warm 2]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SOURCE = 'print("hello, judge")\n'
PYTHON_ID = 71  # Judge0's Python 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, warm: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "judge", "serve", "--port", str(port), "-j", "1", "--warm", str(warm)]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="requests of each kind")
    parser.add_argument("--warm", type=int, default=2, help="the server's --warm")
    parser.add_argument("--image", default="judge/python3:latest")
    args = parser.parse_args()
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
            process.terminate()
            process.wait(timeout=60)
    p50_served, p50_bare = statistics.median(served), statistics.median(bare)
    print(f"judge serve (Judge0 wait=true, --warm {args.warm}): p50 {p50_served * 1000:.0f} ms, "
          f"p90 {percentile(served, 0.9) * 1000:.0f} ms over {len(served)} requests")  # fmt: skip
    print(f"docker run per request:  p50 {p50_bare * 1000:.0f} ms, p90 {percentile(bare, 0.9) * 1000:.0f} ms")
    print(f"ratio (docker run / serve, p50): {p50_bare / p50_served:.1f}x")


if __name__ == "__main__":
    main()
