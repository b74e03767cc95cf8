"""Benchmark: the results store at contest scale, without Docker.

Generates a contest of N submissions (default 100,000: 500 teams, problems A/B/C, Python and C files, times
spread over 5 hours) and grades it through the batch path (plan, rescore, LocalExecutor) with a fake grader that
returns synthetic results at once (3 tests each; AC/WA/TLE/RTE/CE), so what is measured is the store and the
streaming of results, not grading. Then, in one run:

- grading: the peak RSS of a process grading the N submissions (goal < 150 MiB), and its wall time;
- a regrade after problem A's test data changed (its third of the submissions graded again, about 5 % of their
  verdicts changing), then the diff against the published results;
- the cached rerun: what `judge rescore` does when everything is graded (plan, open the set, find nothing to
  grade, diff) — goal, with the diff of the regrade and every export format: <= 10 s in all;
- `judge results show` as a subprocess of the real command (goal <= 1 s);
- every `judge results export` format, in process.

Run: python3 bench/store.py [--rows 100000]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judge.batch import rescore as batch  # noqa: E402
from judge.batch.session import run_set  # noqa: E402
from judge.batch.store import Store  # noqa: E402
from judge.cli.results import EXPORTS  # noqa: E402
from judge.inputs.languages import load_languages  # noqa: E402
from judge.inputs.settings import load_settings  # noqa: E402
from judge.inputs.submissions import from_contest  # noqa: E402
from judge.judging.results import CompileResult, SubmissionResult, TestResult, Verdict  # noqa: E402

CONFIG = ROOT / "judge.yaml"
TEAMS, PROBLEMS = 500, ("A", "B", "C")
VERDICTS = (Verdict.AC, Verdict.AC, Verdict.WA, Verdict.TLE, Verdict.RTE, Verdict.CE)
SOURCES = {"py": "a, b = map(int, input().split())\nprint(a + b)  # {n}\n", "c": "int main(void){{return 0;}} // {n}\n"}
MIB = 1024 * 1024


def make_contest(folder: Path, rows: int) -> Path:
    """contest.yaml, problems A/B/C (3 tests each), teams/<team>/<label>/s<n>.<ext> with mtimes over 5 hours."""
    for label in PROBLEMS:
        problem = folder / "problems" / label
        (problem / "data/secret").mkdir(parents=True)
        (problem / "problem.yaml").write_text(f"name: store bench {label}\nlimits:\n  time_limit: 1\n")
        for i in range(3):
            (problem / f"data/secret/{i}.in").write_text(f"{i} {i}\n")
            (problem / f"data/secret/{i}.ans").write_text(f"{2 * i}\n")
    start = time.time() - 6 * 3600
    for n in range(rows):
        ext = "py" if n % 2 else "c"
        path = folder / "teams" / f"team{n % TEAMS:03d}" / PROBLEMS[n // TEAMS % 3] / f"s{n:06d}.{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SOURCES[ext].format(n=n))
        when = start + n * (5 * 3600 / rows)
        os.utime(path, (when, when))
    contest = folder / "contest.yaml"
    contest.write_text("problems: {A: problems/A, B: problems/B, C: problems/C}\nsubmissions: teams/\n")
    return contest


def verdict_of(sub_id: str, salt: int) -> Verdict:
    """A varied verdict per submission; with salt 1, about 5 % of them differ from salt 0."""
    h = zlib.crc32(sub_id.encode())
    if salt and h % 20 == 7:
        h //= 20
    return VERDICTS[h % len(VERDICTS)]


def synthetic(job: batch.Job, salt: int) -> SubmissionResult:
    verdict = verdict_of(job.sub.id, salt)
    tests = [
        TestResult(f"secret/{i}", "secret", Verdict.AC if i < 2 or verdict == Verdict.AC else verdict, 0.01 * i, 0.02)
        for i in range(3 if verdict != Verdict.CE else 0)
    ]
    for test in tests:
        test.memory = 9 * MIB
    return SubmissionResult(
        submission=job.sub.id,
        problem=job.problem.id,
        problem_name=job.problem.name,
        language=job.language.name,
        verdict=verdict,
        compile=CompileResult(ok=verdict != Verdict.CE, output="" if verdict != Verdict.CE else "error: x\n"),
        tests=tests,
        limits={"time": 1.0},
        image="sha256:bench",
    )


class FakeGrader:
    def __init__(self, job: batch.Job, salt: int) -> None:
        self.job, self.salt = job, salt

    def grade(self, program: object, options: object = None) -> SubmissionResult:
        return synthetic(self.job, self.salt)


class FakeEngine:
    epoch, down = 0, False

    def ready(self, stop: object = None) -> bool:
        return True

    def gone(self) -> bool:
        return False


class FakeExecutor(batch.LocalExecutor):
    """LocalExecutor's threads, queueing and result handling, with no containers and a grader that answers at once."""

    def __init__(self, settings: object, jobs: int, salt: int) -> None:
        super().__init__(settings, None, jobs)  # type: ignore[arg-type]
        self.engine = FakeEngine()  # type: ignore[assignment]
        self.salt = salt

    def _prepare(self, job: batch.Job, ahead: "batch.threading.Semaphore") -> None:
        ahead.acquire()
        return None

    def _grader(self, job: batch.Job) -> FakeGrader:  # type: ignore[override]
        return FakeGrader(job, self.salt)


def rescore_run(contest: Path, store_path: Path, force: bool, salt: int, jobs: int) -> dict[str, float]:
    """What `judge rescore --contest` does (plan, then run_set), with the fake executor; the seconds of each step."""
    settings = load_settings(CONFIG)
    languages = load_languages(settings)
    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    batch_ = from_contest(contest, languages)
    work, _ = batch.plan(batch_, settings, languages, None)
    figures["plan"] = time.perf_counter() - t0
    del batch_  # as grade_batch does: the plan holds what grading needs, and run_set empties it before the diff
    store = Store(store_path)
    graded = [0]

    def on_done(job: batch.Job, verdict: str, cached: bool) -> None:
        graded[0] += not cached

    executor = FakeExecutor(settings, jobs, salt)
    run = run_set(store, f"contest:{contest}", work, executor, force=force, on_open=lambda *_: nullcontext(on_done))
    figures.update(rescore=run.seconds["rescore"], diff=run.seconds["diff"], je_count=run.seconds["judge_errors"])
    figures.update(set=run.set_id, graded=graded[0], changes=len(run.changes), errors=run.judge_errors)
    figures["total"] = time.perf_counter() - t0
    figures["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    return figures


def child(args: argparse.Namespace) -> None:
    figures = rescore_run(Path(args.contest), Path(args.store), args.force, args.salt, args.jobs)
    print(json.dumps(figures))


def in_child(contest: Path, store: Path, force: bool, salt: int, jobs: int) -> dict[str, float]:
    """One rescoring run in a process of its own, so its peak RSS is its own."""
    cmd = [sys.executable, __file__, "--child", "--contest", str(contest), "--store", str(store)]
    cmd += ["--salt", str(salt), "--jobs", str(jobs)] + (["--force"] if force else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"rescore run failed ({done.returncode}): {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def line(name: str, value: float, unit: str, goal: float | None = None) -> None:
    mark = "" if goal is None else f"  goal <= {goal:g} {unit}: {'met' if value <= goal else 'NOT met'}"
    print(f"{name:<52} {value:9.2f} {unit}{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="submissions (default 100,000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="grading threads of the fake executor")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--contest", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--salt", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--force", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        t = time.perf_counter()
        contest = make_contest(tmp_path, args.rows)
        print(f"store bench: {args.rows} submissions, {TEAMS} teams, problems {'/'.join(PROBLEMS)}, -j {args.jobs}")
        print(f"(contest files written in {time.perf_counter() - t:.1f} s; no Docker: a fake grader answers at once)")
        store = tmp_path / "results.db"
        first = in_child(contest, store, False, 0, args.jobs)
        (tmp_path / "problems/A/data/secret/2.ans").write_text("4 \n")  # a new version of A: its keys change
        regrade = in_child(contest, store, False, 1, args.jobs)
        judge = [sys.executable, "-m", "judge", "--config", str(CONFIG)]
        apply_cmd = [*judge, "rescore", "apply", str(int(regrade["set"])), "--store", str(store)]
        applied = subprocess.run(apply_cmd, capture_output=True, text=True)
        if applied.returncode != 0:
            sys.exit(f"apply failed: {applied.stderr[-2000:]}")
        cached = in_child(contest, store, False, 0, args.jobs)
        db = Store(store)
        exports = {}
        for fmt, export in EXPORTS.items():  # what `judge results export --format FMT -o FILE` does
            with (tmp_path / f"export.{fmt}").open("w") as out:
                exports[fmt], _ = timed(lambda export=export, out=out: export(db, out))
            assert (tmp_path / f"export.{fmt}").stat().st_size
        db.close()
        show_cmd = [*judge, "results", "show", "--store", str(store)]
        show_seconds, shown = timed(lambda: subprocess.run(show_cmd, capture_output=True, text=True))
        assert isinstance(shown, subprocess.CompletedProcess)
        if shown.returncode != 0:
            sys.exit(f"results show failed: {shown.stderr[-2000:]}")
        version_seconds, _ = timed(lambda: subprocess.run([*judge, "results", "--help"], capture_output=True))
        size = store.stat().st_size / MIB
    print(
        f"store: {size:.0f} MiB; regrade of A: {int(regrade['graded'])} graded, {int(regrade['changes'])} verdict "
        f"changes; cached rerun: {int(cached['graded'])} graded, {int(cached['changes'])} changes"
    )
    line("grading N (fake grader): wall", first["total"], "s")
    line("grading N (fake grader): peak RSS of the process", first["rss_mib"], "MiB", 150)
    line("regrade of A (fake grader): peak RSS", regrade["rss_mib"], "MiB", 150)
    line("regrade: diff against the published results", regrade["diff"], "s")
    line("cached rerun: plan (contest, keys)", cached["plan"], "s")
    line("cached rerun: open the set, find nothing to grade", cached["rescore"], "s")
    line("cached rerun: diff", cached["diff"], "s")
    line("cached rerun: judge-error count (exit code)", cached["je_count"], "s")
    line("cached rerun: in all", cached["total"], "s")
    for fmt, seconds in exports.items():
        line(f"export --format {fmt}", seconds, "s")
    plan_diff_export = cached["total"] + regrade["diff"] + sum(exports.values())
    line("cached rerun + regrade diff + every export", plan_diff_export, "s", 10)
    line("cached rerun: peak RSS", cached["rss_mib"], "MiB", 150)
    line("judge results show (subprocess)", show_seconds, "s", 1)
    line("  of which: judge results --help (start, imports)", version_seconds, "s")
    print(f"this process's peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
