"""Benchmark: a contest-sized rescoring batch.

200 generated submissions (AC, WA, TLE, RTE; half Python, half C) on a generated 10-test problem,
graded by `judge rescore -j <cores>` into a fresh store. Prints the wall time and submissions/min, and
the time the same batch would take with one container per test (a sample measured, then projected).
Goal on 2 cores: <= 90 s for the 200. With --scaling the same batch is graded at -j 1 too, and the throughput
of -j <cores> over -j 1 is printed (goal on 2 cores: >= 1.85x), with where each run's CPU went: the containers'
(the tests and the agents: the engine's cgroup counter, cgroup v1), `judge rescore`'s own, and the rest of the
machine's (/proc/stat: mostly the engine's dockerd, containerd, shims and runc starting and removing containers).
Run: python3 bench/batch.py [--submissions 200] [--sample 10] [--scaling]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from naive import run_in_fresh_container  # noqa: E402

from judge.inputs.languages import load_languages  # noqa: E402
from judge.inputs.settings import load_settings  # noqa: E402
from judge.sandbox import engine  # noqa: E402

BIG = 5000  # the one test whose first number makes the TLE submissions spin
KINDS = {
    ("AC", "py"): "a, b = map(int, input().split())\nprint(a + b)\n",
    ("WA", "py"): "a, b = map(int, input().split())\nprint(a - b)\n",
    ("TLE", "py"): f"a, b = map(int, input().split())\nwhile a >= {BIG}:\n    b += 1\nprint(a + b)\n",
    ("RTE", "py"): "a, b = map(int, input().split())\nprint((a + b) // (a - 3))\n",
    ("AC", "c"): '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n',
    ("WA", "c"): '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a*b);}\n',
    ("TLE", "c"): '#include <stdio.h>\nint main(void){volatile long long a,b;scanf("%lld %lld",&a,&b);'
    f'while(a>={BIG})b++;printf("%lld\\n",a+b);}}\n',
    ("RTE", "c"): '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);'
    'if(a==3){int*p=0;*p=1;}printf("%lld\\n",a+b);}\n',
}


def make_problem(folder: Path) -> None:
    (folder / "data/secret").mkdir(parents=True)
    (folder / "problem.yaml").write_text("name: bench batch\nlimits:\n  time_limit: 1\n")
    pairs = [(1, 2), (3, 4), (10, 20), (7, 7), (100, 1), (0, 0), (12, 30), (99, 1), (BIG, 1), (42, 58)]
    for i, (a, b) in enumerate(pairs):
        (folder / f"data/secret/{i:02d}.in").write_text(f"{a} {b}\n")
        (folder / f"data/secret/{i:02d}.ans").write_text(f"{a + b}\n")


def make_submissions(folder: Path, count: int) -> list[Path]:
    kinds = list(KINDS)
    paths = []
    for n in range(count):
        verdict, ext = kinds[n % len(kinds)]
        path = folder / f"team{n % 50:02d}" / f"s{n:03d}_{verdict}.{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(KINDS[(verdict, ext)])
        paths.append(path)
    return paths


def naive_submission(client, images: dict[str, str], source: Path, inputs: list[Path]) -> None:
    """One fresh container per test (compiling in each for C), as a judge without a warm agent does."""
    ext = source.suffix.lstrip(".")
    command = "python3 /w/main.py < /w/in" if ext == "py" else "cd /tmp && gcc -O2 -o main /w/main.c && ./main < /w/in"
    for path in inputs:
        files = {f"w/main.{ext}": source.read_bytes(), "w/in": path.read_bytes()}
        run_in_fresh_container(client, images[ext], command, files, wall=3)


def _rescore(tmp_path: Path, jobs: int) -> float:
    """Seconds of `judge rescore -j jobs` of the generated batch into a fresh store."""
    store = tmp_path / f"results-{jobs}.db"
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "judge",
            "--config",
            str(ROOT / "judge.yaml"),
            "rescore",
            str(tmp_path / "subs"),
            "--problem",
            str(tmp_path / "problem"),
            "-j",
            str(jobs),
            "--store",
            str(store),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: not every submission is accepted (by design)
        sys.exit(f"rescore failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


CPU_LOG: list[str] = []
CONTAINERS_CPU = Path("/sys/fs/cgroup/cpuacct/docker/cpuacct.usage")  # every container's CPU, removed ones too (v1)


def busy_seconds() -> float:
    """The machine's busy CPU seconds so far (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def rescore(tmp_path: Path, jobs: int) -> float:
    """Seconds of one `judge rescore -j jobs`; where its CPU went is kept in CPU_LOG."""
    containers = int(CONTAINERS_CPU.read_text()) / 1e9 if CONTAINERS_CPU.exists() else None
    busy, children = busy_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = _rescore(tmp_path, jobs)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = busy_seconds() - busy
    own = ended.ru_utime + ended.ru_stime - children.ru_utime - children.ru_stime
    inside = int(CONTAINERS_CPU.read_text()) / 1e9 - containers if containers is not None else None
    rest = total - own - (inside or 0.0)
    CPU_LOG.append(
        f"CPU at -j {jobs}: {total:6.1f} s busy = containers {inside if inside is not None else float('nan'):6.1f} s"
        f" + judge rescore {own:5.1f} s + the rest (engine, kernel) {rest:5.1f} s"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--sample", type=int, default=10, help="submissions measured the naive way")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scaling", action="store_true", help="also grade at -j 1 and print the speed-up")
    args = parser.parse_args()
    settings = load_settings(ROOT / "judge.yaml")
    languages = load_languages(settings)
    client = engine.connect()
    images = {"py": languages["python3"].image, "c": languages["c"].image}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        make_problem(tmp_path / "problem")
        subs = make_submissions(tmp_path / "subs", args.submissions)
        judge_seconds = rescore(tmp_path, args.jobs)
        single_seconds = rescore(tmp_path, 1) if args.scaling and args.jobs > 1 else None
        inputs = sorted((tmp_path / "problem/data/secret").glob("*.in"))
        sample = subs[: args.sample]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.jobs) as pool:
            list(pool.map(lambda s: naive_submission(client, images, s, inputs), sample))
        naive_sample = time.perf_counter() - started
    naive_total = naive_sample / len(sample) * len(subs)
    print(f"batch: {len(subs)} submissions x {len(inputs)} tests (AC/WA/TLE/RTE, Python and C), -j {args.jobs}")
    print(f"judge rescore:              {judge_seconds:7.1f} s   {len(subs) / judge_seconds * 60:6.0f} submissions/min")
    print(
        f"one container per test:     {naive_total:7.1f} s   (measured {naive_sample:.1f} s on {len(sample)}, "
        f"projected to {len(subs)})"
    )
    print(f"ratio per-test containers / judge: {naive_total / judge_seconds:5.1f}x")
    if single_seconds is not None:
        print(f"judge rescore -j 1: {single_seconds:7.1f} s   {len(subs) / single_seconds * 60:6.0f} submissions/min")
        print(f"throughput -j {args.jobs} / -j 1:  {single_seconds / judge_seconds:5.2f}x   (goal >= 1.85x on 2 cores)")
    for line in CPU_LOG:
        print(line)


if __name__ == "__main__":
    main()
