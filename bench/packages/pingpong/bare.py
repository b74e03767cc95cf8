"""Ping pong with no judge at all: the floor for the round-trip cost of one interaction step.

Compiles this package's validator and accepted/pong.cpp with g++ (-O2 -std=gnu++20) into a temporary
folder (or --workdir), joins them through two named pipes made with os.mkfifo

    validator stdout -> fifo1 -> pong stdin        pong stdout -> fifo2 -> validator stdin

and runs the N-step session --repeat times. --cpu N pins both processes to CPU N (Linux); unpinned, the
scheduler may place them on different CPUs, and a cross-CPU wake-up can cost several times a same-CPU one,
so compare against a judge run with the same placement. Each run is timed from starting the two processes to both
having exited (the validator must exit 42, pong 0). Prints JSON on stdout:

    {"steps": N, "median_seconds": ..., "us_per_step": ...}

Run: python3 bench/packages/pingpong/bare.py [--steps 10000] [--repeat 5] [--workdir DIR] [--cpu N]
Import: measure(steps, repeat, workdir=None, cpu=None) -> that same dict (stdlib only, Python 3.8+; load this file by
path, e.g. importlib.util.spec_from_file_location, since the package folder is not a Python package).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VALIDATOR_SOURCE = HERE / "output_validators" / "pingpong" / "validate.cpp"
PONG_SOURCE = HERE / "submissions" / "accepted" / "pong.cpp"
CXXFLAGS = ["-O2", "-std=gnu++20"]
SESSION_TIMEOUT = 120.0  # seconds; a run that takes longer is killed and reported as an error


def compile_programs(workdir: Path) -> tuple[Path, Path]:
    """Compiles the validator and pong into workdir; returns their paths."""
    built = []
    for source, name in ((VALIDATOR_SOURCE, "validate"), (PONG_SOURCE, "pong")):
        binary = workdir / name
        done = subprocess.run(["g++", *CXXFLAGS, "-o", str(binary), str(source)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"g++ failed on {source}:\n{done.stderr}")
        built.append(binary)
    return built[0], built[1]


def _fifo_pair(path: Path) -> tuple[int, int]:
    """(read_fd, write_fd) of a fresh FIFO, both blocking, opened without waiting for a peer."""
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    read_fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # never blocks
    write_fd = os.open(path, os.O_WRONLY)  # does not block: a reader exists
    os.set_blocking(read_fd, True)
    return read_fd, write_fd


def run_session(validator: Path, pong: Path, steps: int, workdir: Path, cpu: int | None = None) -> float:
    """One N-step session over two FIFOs; returns its wall time in seconds."""
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    test_in = workdir / "session.in"
    test_in.write_text(f"{steps}\n")
    feedback = workdir / "feedback"
    shutil.rmtree(feedback, ignore_errors=True)
    feedback.mkdir()
    v2p_r, v2p_w = _fifo_pair(workdir / "fifo1")  # validator stdout -> pong stdin
    p2v_r, p2v_w = _fifo_pair(workdir / "fifo2")  # pong stdout -> validator stdin
    start = time.perf_counter()
    try:
        val = subprocess.Popen(
            [str(validator), str(test_in), str(test_in), str(feedback)], stdin=p2v_r, stdout=v2p_w, preexec_fn=pin
        )
        try:
            sub = subprocess.Popen([str(pong)], stdin=v2p_r, stdout=p2v_w, preexec_fn=pin)
        except BaseException:
            val.kill()
            val.wait()
            raise
    finally:
        # Only the children hold the FIFO ends now, so each sees EOF when its peer exits.
        for fd in (v2p_r, v2p_w, p2v_r, p2v_w):
            os.close(fd)
    procs = (val, sub)
    try:
        for proc in procs:
            proc.wait(timeout=max(0.0, SESSION_TIMEOUT - (time.perf_counter() - start)))
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the {steps}-step session did not finish within {SESSION_TIMEOUT:.0f} s") from None
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    elapsed = time.perf_counter() - start
    if val.returncode != 42 or sub.returncode != 0:
        message = feedback / "judgemessage.txt"
        reason = message.read_text().strip() if message.exists() else ""
        raise RuntimeError(
            f"session failed: validator exit {val.returncode}, pong exit {sub.returncode}"
            + (f" ({reason})" if reason else "")
        )
    return elapsed


def measure(steps: int, repeat: int, workdir: Path | None = None, cpu: int | None = None) -> dict:
    """Compiles, runs the session `repeat` times; returns {"steps", "median_seconds", "us_per_step"}.

    cpu: pin the validator and pong to this CPU (None: let the scheduler place them)."""
    if steps < 1 or repeat < 1:
        raise ValueError("steps and repeat must be at least 1")
    if cpu is not None and cpu not in os.sched_getaffinity(0):
        raise ValueError(f"CPU {cpu} is not available to this process")
    with tempfile.TemporaryDirectory(prefix="pingpong-bare-") as tmp:
        folder = Path(workdir) if workdir is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        validator, pong = compile_programs(folder)
        times = [run_session(validator, pong, steps, folder, cpu) for _ in range(repeat)]
    median = statistics.median(times)
    return {"steps": steps, "median_seconds": round(median, 6), "us_per_step": round(median / steps * 1e6, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10000, help="interaction steps per session (10000)")
    parser.add_argument("--repeat", type=int, default=5, help="sessions to run; the median is reported (5)")
    parser.add_argument("--workdir", type=Path, default=None, help="build and FIFO folder (a temporary one)")
    parser.add_argument("--cpu", type=int, default=None, help="pin both processes to this CPU (unpinned)")
    args = parser.parse_args(argv)
    try:
        result = measure(args.steps, args.repeat, args.workdir, args.cpu)
    except (RuntimeError, ValueError, OSError) as error:
        print(f"bare.py: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
