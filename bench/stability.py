"""Benchmark: do parallel judgings agree? One C solution calibrated to ~50 % of its time limit, judged
--runs times in parallel with -j <cores> (each container pinned to its own core). Prints the verdict
counts and the coefficient of variation of the measured CPU time.
Goal: 20/20 identical verdicts, CV <= 5 %.  Run: python3 bench/stability.py [--runs 20]
"""

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 1.0
# A fixed amount of integer work: about half a second of CPU on the machines we measured.
SOURCE = """#include <stdio.h>
int main(void) {
    unsigned long long n, x = 1;
    if (scanf("%llu", &n) != 1) return 1;
    for (unsigned long long i = 0; i < n; i++) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    printf("%llu\\n", x & 1);
    return 0;
}
"""


def calibrate() -> int:
    """Loop count for ~50 % of the time limit (about 0.5 s here; override with JUDGE_BENCH_LOOPS)."""
    return int(os.environ.get("JUDGE_BENCH_LOOPS", "0")) or 450_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--loops", type=int, default=calibrate())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        problem = tmp_path / "problem"
        (problem / "data/secret").mkdir(parents=True)
        (problem / "problem.yaml").write_text(f"name: stability\nlimits:\n  time_limit: {TIME_LIMIT}\n")
        (problem / "data/secret/1.in").write_text(f"{args.loops}\n")
        # odd multiplier and increment: the parity flips every step, starting from 1
        (problem / "data/secret/1.ans").write_text(f"{1 if args.loops % 2 == 0 else 0}\n")
        subs = tmp_path / "subs"
        subs.mkdir()
        for i in range(args.runs):
            (subs / f"run{i:02d}.c").write_text(SOURCE)
        store = tmp_path / "r.db"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "judge",
                "--config",
                str(ROOT / "judge.yaml"),
                "rescore",
                str(subs),
                "--problem",
                str(problem),
                "-j",
                str(args.jobs),
                "--store",
                str(store),
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode not in (0, 1):
            sys.exit(f"rescore failed: {done.stderr[-2000:]}")
        with sqlite3.connect(store) as db:
            results = [json.loads(r[0]) for r in db.execute("SELECT result FROM gradings")]
    verdicts = Counter(r["verdict"] for r in results)
    times = [r["tests"][0]["time"] for r in results if r["tests"]]
    mean = statistics.mean(times)
    cv = statistics.pstdev(times) / mean if mean else 0.0
    print(
        f"{args.runs} judgings of one solution at ~{mean / TIME_LIMIT:.0%} of a {TIME_LIMIT:g} s limit, -j {args.jobs}"
    )
    print(f"verdicts: {dict(verdicts)}  ({max(verdicts.values())}/{args.runs} identical)")
    print(f"CPU time: mean {mean:.3f} s, min {min(times):.3f}, max {max(times):.3f}, CV {cv:.1%}")


if __name__ == "__main__":
    main()
