"""Benchmark: round-trip cost of one interaction step, judged, next to two bare processes joined by mkfifo.

The pingpong package (bench/packages/pingpong): a C++ validator sends k, the submission answers k + 1,
10,000 steps. Measured in one run:
  1. bare: the validator and pong.cpp on the host, joined by two FIFOs (os.mkfifo), unpinned and pinned
     to one CPU (bench/packages/pingpong/bare.py);
  2. judge: `Grader.grade()` on the same package — the submission in its hardened container, the validator in
     its own, the FIFOs on a volume both mount — for pong.cpp and pong.py; the test's wall time / steps;
  3. judge with --transcript (the validator's agent relays and records every byte).
Prints microseconds per step and the ratios. Run: python3 bench/interactive.py [--steps 10000] [--repeat 3]
"""

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judge.grading.grader import Grader, GradingOptions  # noqa: E402
from judge.inputs.languages import load_languages  # noqa: E402
from judge.inputs.problem import load_problem  # noqa: E402
from judge.inputs.settings import load_settings  # noqa: E402
from judge.judging.results import Verdict  # noqa: E402
from judge.sandbox import engine  # noqa: E402

PACKAGE = ROOT / "bench/packages/pingpong"


def load_bare():
    spec = importlib.util.spec_from_file_location("pingpong_bare", PACKAGE / "bare.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def package_with(steps: int, folder: Path) -> Path:
    copy = folder / "pingpong"
    shutil.copytree(PACKAGE, copy)
    for suffix in ("in", "ans"):
        (copy / f"data/secret/1.{suffix}").write_text(f"{steps}\n")
    return copy


def judged(package: Path, submission: str, repeat: int, transcripts: Path | None) -> tuple[float, float]:
    """(median test wall seconds, median submission CPU seconds) over ``repeat`` gradings."""
    settings = load_settings(ROOT / "judge.yaml")
    client = engine.connect()
    problem = load_problem(str(package), settings)
    source = package / "submissions/accepted" / submission
    language = load_languages(settings)["cpp" if submission.endswith(".cpp") else "python3"]
    walls, cpus = [], []
    grader = Grader(problem, language, settings, client)
    for _ in range(repeat):
        result = grader.grade(source, GradingOptions(transcripts=transcripts))
        assert result.verdict == Verdict.AC, result.message
        walls.append(result.tests[0].wall)
        cpus.append(result.tests[0].time)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bare = load_bare()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        free = bare.measure(args.steps, args.repeat)["us_per_step"]
        pinned = bare.measure(args.steps, args.repeat, cpu=0)["us_per_step"]
        package = package_with(args.steps, folder)
        rows = [("bare mkfifo, unpinned", free, None), ("bare mkfifo, one CPU", pinned, None)]
        for name, submission, transcripts in (
            ("judge, pong.cpp", "pong.cpp", None),
            ("judge, pong.cpp, --transcript", "pong.cpp", folder / "transcripts"),
            ("judge, pong.py", "pong.py", None),
        ):
            wall, cpu = judged(package, submission, args.repeat, transcripts)
            rows.append((name, wall / args.steps * 1e6, cpu))
    print(f"interactive round trip, {args.steps} steps, median of {args.repeat}")
    for name, us, cpu in rows:
        extra = f"  (submission CPU {cpu:.3f} s)" if cpu is not None else ""
        print(f"  {name:<32} {us:8.1f} us/step   {us / free:5.2f}x bare unpinned{extra}")


if __name__ == "__main__":
    main()
