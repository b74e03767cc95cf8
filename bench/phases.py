"""Benchmark: where `judge submit`'s time goes for one submission (the profile behind overhead.py's whole-submission
ratio). The same generated 100-test a+b problem and trivial Python solution as overhead.py; medians of --repeat runs:
the interpreter's start, the imports `judge submit` needs, `judge submit` from start to exit, and its main thread's
phases under cProfile (cumulative seconds of the functions named below; the profiler adds a little to each).
Run: python3 bench/phases.py [--repeat 3]
"""

import argparse
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from overhead import SOLUTION, make_problem  # noqa: E402

# (label, file, function): the phases of one grading, in the order they happen.
PHASES = [
    ("read the problem", "judge/inputs/problem.py", "load_problem"),
    ("connect to the engine", "judge/sandbox/engine.py", "connect"),
    ("Grader.grade", "judge/grading/grader.py", "grade"),
    ("  container: create, start, the agent's hello", "judge/sandbox/container.py", "_start"),
    ("  compile", "judge/grading/grader.py", "_compile"),
    ("  the tests", "judge/grading/grader.py", "_run_tests"),
    ("  close (removal handed to a thread)", "judge/sandbox/container.py", "close"),
    ("render the report", "judge/cli/submit.py", "render"),
]


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - started


def cumulative(stats: pstats.Stats, file: str, function: str) -> float:
    """The cumulative time of the outermost function of that name in that file (a same-named method it calls,
    like the channel's close inside the sandbox's, is inside it)."""
    table = stats.stats  # type: ignore[attr-defined]
    return max(
        (row[3] for (path, _, name), row in table.items() if path.endswith(file) and name == function),
        default=0.0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        solution = folder / "sol.py"
        solution.write_text(SOLUTION)
        make_problem(folder / "many", 100)
        submit = ["-m", "judge", "submit", str(solution), "--problem", str(folder / "many")]
        for run in range(args.repeat):
            rows.setdefault("python3 -c pass", []).append(timed([sys.executable, "-c", "pass"]))
            imports = [sys.executable, "-c", "import judge.cli.app, judge.cli.submit"]
            rows.setdefault("the same, importing what judge submit needs", []).append(timed(imports))
            rows.setdefault("judge submit, start to exit", []).append(timed([sys.executable, *submit]))
            profile = folder / f"profile{run}"
            profiled = [sys.executable, "-m", "cProfile", "-o", str(profile), *submit]
            rows.setdefault("judge submit under cProfile", []).append(timed(profiled))
            stats = pstats.Stats(str(profile))
            for label, file, function in PHASES:
                rows.setdefault(label, []).append(cumulative(stats, file, function))
    print(f"judge submit of a 100-test problem, trivial Python solution; medians of {args.repeat} runs")
    for label, values in rows.items():
        print(f"{label:48s} {statistics.median(values):6.3f} s")


if __name__ == "__main__":
    main()
