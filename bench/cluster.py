"""Benchmark: the same rescoring batch on a Dask cluster of 1, then 2 local `judge worker`s (one slot each).

Starts a scheduler and the workers on 127.0.0.1, grades --submissions generated submissions (as in
bench/batch.py) with `judge rescore --cluster` into a fresh store each time, and prints both times and the
speed-up, measured in one run.  Run: python3 bench/cluster.py [--submissions 40]
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch import make_problem, make_submissions  # noqa: E402

CONFIG = ["--config", str(ROOT / "judge.yaml")]


def start(cmd: list[str]) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def wait_workers(address: str, count: int) -> None:
    import distributed

    with distributed.Client(address, timeout="30s") as client:
        client.wait_for_workers(count, timeout=180)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        start(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ]
        )
    ]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            make_problem(tmp_path / "problem")
            make_submissions(tmp_path / "subs", args.submissions)
            times = []
            for workers in (1, 2):
                procs.append(
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
                            f"w{workers}",
                        ]
                    )
                )
                wait_workers(address, workers)
                started = time.perf_counter()
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "judge",
                        *CONFIG,
                        "rescore",
                        str(tmp_path / "subs"),
                        "--problem",
                        str(tmp_path / "problem"),
                        "--cluster",
                        address,
                        "--store",
                        str(tmp_path / f"r{workers}.db"),
                    ],
                    capture_output=True,
                    text=True,
                )
                times.append(time.perf_counter() - started)
                if done.returncode != 0:
                    sys.exit(f"rescore failed: {done.stderr[-2000:]}")
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGKILL)
    print(f"{args.submissions} submissions x 10 tests on a Dask cluster (workers with one slot each, one machine)")
    print(f"1 worker:  {times[0]:6.1f} s")
    print(f"2 workers: {times[1]:6.1f} s")
    print(f"speed-up:  {times[0] / times[1]:5.2f}x")


if __name__ == "__main__":
    main()
