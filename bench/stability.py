"""Benchmark: are verdicts near the time limit stable on a fully loaded machine?

Four C programs doing a fixed amount of integer work, sized to 90 %, 95 %, 105 % and 110 % of a 1 s limit, each
graded --runs times with `judge rescore -j <cores>` while a CPU burner keeps every core busy (--no-load: idle).
Every grading pins its tests to a core of its own (judge.sandbox.cores); a test within 10 % of the limit is run
again and judged on its fastest run (judge.yaml timing); a TLE runs on past the limit to be measured.

Goals: zero verdict flips for the 90 % and 110 % programs (AC and TLE), the borderline marker on every 95 % and
105 % run, CPU-time coefficient of variation <= 2 % per program. Prints the table and the flip counts.
Run: python3 bench/stability.py [--runs 20] [--jobs N] [--no-load] [--json FILE]
"""

import argparse
import json
import multiprocessing
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 1.0
SHARES = (0.90, 0.95, 1.05, 1.10)
CALIBRATION_LOOPS = 300_000_000
# A fixed amount of integer work (n steps of an LCG, n from the input). x starts odd and an odd multiplier and
# increment flip its parity every step, so (x ^ n) & 1 is always 1: the answer is the same for every n.
SOURCE = """#include <stdio.h>
int main(void) {
    unsigned long long n, x = 1;
    if (scanf("%llu", &n) != 1) return 1;
    for (unsigned long long i = 0; i < n; i++) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    printf("%llu\\n", (x ^ n) & 1);
    return 0;
}
"""


def burn() -> None:
    while True:
        pass


def grade(tmp: Path, name: str, loops: int, runs: int, jobs: int) -> list[dict]:
    """``runs`` gradings of the program at ``loops`` steps with rescore -j ``jobs``: their result documents."""
    problem = tmp / name
    (problem / "data/secret").mkdir(parents=True)
    (problem / "problem.yaml").write_text(f"name: {name}\nlimits:\n  time_limit: {TIME_LIMIT}\n")
    (problem / "data/secret/1.in").write_text(f"{loops}\n")
    (problem / "data/secret/1.ans").write_text("1\n")
    subs = tmp / f"{name}-subs"
    subs.mkdir()
    for i in range(runs):
        (subs / f"run{i:02d}.c").write_text(SOURCE)
    store = tmp / f"{name}.db"
    cmd = [sys.executable, "-m", "judge", "--config", str(ROOT / "judge.yaml"), "rescore", str(subs)]
    cmd += ["--problem", str(problem), "-j", str(jobs), "--store", str(store), "--format", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"rescore failed: {done.stderr[-2000:]}")
    with sqlite3.connect(store) as db:
        return [json.loads(r[0]) for r in db.execute("SELECT result FROM gradings")]


def summary(share: float, results: list[dict]) -> dict:
    tests = [r["tests"][0] for r in results if r["tests"]]
    times = [t["time"] for t in tests]  # the verdict's run: the fastest of a borderline test's runs
    every = [x for t in tests for x in (t.get("times") or [t["time"]])]  # every run measured
    mean = statistics.mean(times)
    verdicts = Counter(r["verdict"] for r in results)
    expected = "AC" if share < 1 else "TLE"
    return {
        "share": share,
        "expected": expected,
        "runs": len(results),
        "verdicts": dict(verdicts),
        "flips": len(results) - verdicts.get(expected, 0),
        "borderline": sum(bool(t.get("borderline")) for t in tests),
        "mean": round(mean, 4),
        "min": min(times),
        "max": max(times),
        "cv": statistics.pstdev(times) / mean if mean else 0.0,
        "cv_all_runs": statistics.pstdev(every) / statistics.mean(every) if every else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--load", action=argparse.BooleanOptionalAction, default=True, help="a burner per core")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(cores)] if args.load else []
    for burner in burners:
        burner.start()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            calibration = grade(Path(tmp), "calibration", CALIBRATION_LOOPS, 3, args.jobs)
            seconds = min(r["tests"][0]["time"] for r in calibration)
            rate = CALIBRATION_LOOPS / seconds
            rows = []
            for share in SHARES:
                loops = int(rate * TIME_LIMIT * share)
                rows.append(summary(share, grade(Path(tmp), f"p{round(share * 100)}", loops, args.runs, args.jobs)))
    finally:
        for burner in burners:
            burner.terminate()
    elapsed = time.monotonic() - started
    load = f"every core busy ({len(burners)} burners)" if args.load else "idle"
    print(f"{args.runs} gradings per program, rescore -j {args.jobs}, {load}, limit {TIME_LIMIT:g} s; {elapsed:.0f} s")
    print(
        f"{'target':>6} {'at':>5} {'verdicts':<18} {'flips':>5} {'borderline':>10} "
        f"{'mean s':>7} {'min':>6} {'max':>6} {'CV':>6}"
    )
    for row in rows:
        verdicts = " ".join(f"{v} {n}" for v, n in sorted(row["verdicts"].items()))
        print(
            f"{row['share']:>6.0%} {row['mean'] / TIME_LIMIT:>5.0%} {verdicts:<18} {row['flips']:>5} "
            f"{row['borderline']:>7}/{row['runs']:<2} "
            f"{row['mean']:>7.3f} {row['min']:>6.3f} {row['max']:>6.3f} {row['cv']:>6.2%}"
        )
    edges = [r for r in rows if r["share"] in (0.90, 1.10)]
    middle = [r for r in rows if r["share"] in (0.95, 1.05)]
    print(
        f"flips at 90/110 %: {sum(r['flips'] for r in edges)} (goal 0); borderline marked at 95/105 %: "
        f"{sum(r['borderline'] for r in middle)}/{sum(r['runs'] for r in middle)} (goal all); "
        f"worst CV {max(r['cv'] for r in rows):.2%} (goal <= 2 %)"
    )
    if args.json:
        args.json.write_text(json.dumps({"load": load, "jobs": args.jobs, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
