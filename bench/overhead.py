"""Benchmark: what grading costs over running the program bare, and over one container per test.

The same generated 100-test problem (a + b) and the same trivial Python solution, measured in one run:
  1. bare in the image: a shell loop running the solution once per test inside one plain container of the
     runner's image (the same interpreter judge runs; timed inside the container): the per-test floor;
  2. bare on the host: the same loop of subprocesses on the host's own python3 (another interpreter version:
     shown for reference);
  3. judge: `Grader.grade()` — one hardened container for the submission, the warm agent runs every test;
     per test = (100 tests - 1 test) / 99;
  4. whole submission: `judge submit` as a user types it, from start to exit (Python start, problem reading,
     container, compile, tests, report), against a shell loop of bare processes on the host;
  5. naive: one `docker run`-style container per test (create, copy in, start, wait, logs, remove),
     measured on --naive-tests tests and projected to all of them;
  6. judge as before the launcher (each test a fork of the agent), and a C solution (bare loop in the C
     image against judge, both ways): what the launcher saves, side by side.
Prints the times and the ratios. Run: python3 bench/overhead.py [--tests 100] [--naive-tests 20] [--repeat 3]
"""

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from naive import run_in_fresh_container  # noqa: E402

from judge.grading.grader import Grader  # noqa: E402
from judge.inputs.languages import load_languages  # noqa: E402
from judge.inputs.problem import load_problem  # noqa: E402
from judge.inputs.settings import load_settings  # noqa: E402
from judge.judging.results import Verdict  # noqa: E402
from judge.sandbox import engine, launcher  # noqa: E402

SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"
SOLUTION_C = '#include <stdio.h>\nint main(void) { long a, b; scanf("%ld %ld", &a, &b); printf("%ld\\n", a + b); }\n'


def make_problem(folder: Path, tests: int) -> None:
    (folder / "data/secret").mkdir(parents=True)
    (folder / "problem.yaml").write_text("name: bench a+b\nlimits:\n  time_limit: 2\n")
    for i in range(tests):
        (folder / f"data/secret/{i:03d}.in").write_text(f"{i} {i * 7}\n")
        (folder / f"data/secret/{i:03d}.ans").write_text(f"{i * 8}\n")


def bare(inputs: list[Path], solution: Path) -> float:
    started = time.perf_counter()
    for path in inputs:
        with path.open("rb") as stdin:
            subprocess.run([sys.executable, str(solution)], stdin=stdin, capture_output=True, check=True)
    return time.perf_counter() - started


def bare_in_image(inputs: list[Path], solution: Path, client, image: str) -> float:
    """Seconds for one bare run per input, looped by a shell inside one plain container of ``image`` (a C
    solution is compiled first, outside the timing)."""
    files = {f"w/{solution.name}": solution.read_bytes()}
    files.update({f"w/in/{path.name}": path.read_bytes() for path in inputs})
    program = "python3 sol.py"  # the runner's stock command (site loaded), as judge runs it
    if solution.suffix == ".c":
        program = "/tmp/sol"
    loop = (
        "cd /w && "
        + ("gcc -O2 -o /tmp/sol sol.c && " if solution.suffix == ".c" else "")
        + f"s=$(date +%s%N) && for f in in/*; do {program} < $f > /dev/null; done"
        " && e=$(date +%s%N) && echo $((e - s))"
    )
    out = run_in_fresh_container(client, image, loop, files, wall=300)
    return int(out.split()[-1]) / 1e9


def shell_loop(inputs: list[Path], solution: Path) -> float:
    """Seconds for a shell loop of bare host processes (what the whole submission is compared with)."""
    loop = f'for f in "$@"; do {sys.executable} {solution} < "$f" > /dev/null; done'
    started = time.perf_counter()
    subprocess.run(["sh", "-c", loop, "sh", *map(str, inputs)], check=True)
    return time.perf_counter() - started


def submitted(solution: Path, problem_dir: Path) -> float:
    """Seconds of `judge submit` from start to exit."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "judge", "submit", str(solution), "--problem", str(problem_dir)],
        cwd=ROOT,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    return elapsed


def judged(solution: Path, problem_dir: Path, settings, client, fork: bool = False) -> tuple[float, float]:
    """Seconds of Grader.grade and the tests' wall; ``fork``: without the launcher (every test a fork of the agent)."""
    language = load_languages(settings)["c" if solution.suffix == ".c" else "python3"]
    problem = load_problem(str(problem_dir), settings)
    with mock.patch.object(launcher, "code", lambda settings: b"") if fork else contextlib.nullcontext():
        grader = Grader(problem, language, settings, client)
        started = time.perf_counter()
        result = grader.grade(solution)
        total = time.perf_counter() - started
    assert result.verdict == Verdict.AC, result.message
    return total, sum(t.wall for t in result.tests)


def naive(inputs: list[Path], solution: Path, client, image: str) -> float:
    """One fresh container per test, as a judge without a warm agent would do it."""
    started = time.perf_counter()
    for path in inputs:
        files = {"w/sol.py": solution.read_bytes(), "w/in": path.read_bytes()}
        run_in_fresh_container(client, image, "python3 /w/sol.py < /w/in", files, wall=30)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--naive-tests", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="rounds: medians of this many runs of each")
    args = parser.parse_args()
    settings = load_settings(ROOT / "judge.yaml")
    client = engine.connect()
    image = load_languages(settings)["python3"].image
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        solution = tmp_path / "sol.py"
        solution.write_text(SOLUTION)
        solution_c = tmp_path / "sol.c"
        solution_c.write_text(SOLUTION_C)
        many, one = tmp_path / "many", tmp_path / "one"
        make_problem(many, args.tests)
        make_problem(one, 1)
        inputs = sorted((many / "data/secret").glob("*.in"))

        judged(solution, one, settings, client)  # warm the engine's caches once
        c_image = load_languages(settings)["c"].image
        # Rounds, each measuring every variant once in turn: this machine drifts by ±0.5 ms a test from minute to
        # minute, so measuring one variant's runs back to back, then the next's, would compare two moments.
        image_runs, bare_runs, judge_runs, single_runs, loop_runs, submit_runs = [], [], [], [], [], []
        fork_runs, fork_single, c_bare = [], [], []
        c_many: dict[bool, list[float]] = {False: [], True: []}
        c_one: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.repeat):
            image_runs.append(bare_in_image(inputs, solution, client, image))
            judge_runs.append(judged(solution, many, settings, client))
            single_runs.append(judged(solution, one, settings, client)[0])
            fork_runs.append(judged(solution, many, settings, client, fork=True)[0])
            fork_single.append(judged(solution, one, settings, client, fork=True)[0])
            bare_runs.append(bare(inputs, solution))
            loop_runs.append(shell_loop(inputs, solution))
            submit_runs.append(submitted(solution, many))
            c_bare.append(bare_in_image(inputs, solution_c, client, c_image))
            for way in (False, True):
                c_many[way].append(judged(solution_c, many, settings, client, fork=way)[0])
                c_one[way].append(judged(solution_c, one, settings, client, fork=way)[0])
        naive_measured = naive(inputs[: args.naive_tests], solution, client, image)

    n = args.tests
    image_total = statistics.median(image_runs)
    bare_total = statistics.median(bare_runs)
    judge_total = statistics.median(r[0] for r in judge_runs)
    judge_tests_wall = statistics.median(r[1] for r in judge_runs)
    fixed = statistics.median(single_runs)
    loop_total = statistics.median(loop_runs)
    submit_total = statistics.median(submit_runs)
    per_test_judge = (judge_total - fixed) / (n - 1)
    per_test_image = image_total / n
    per_test_bare = bare_total / n
    naive_per_test = naive_measured / args.naive_tests
    naive_total = naive_per_test * n
    print(f"problem: {n} tests, trivial Python solution; medians of {args.repeat} runs")
    print(f"bare in the image (same python3): per test {per_test_image * 1000:7.2f} ms   total {image_total:6.2f} s")
    print(f"bare on the host (host python3):  per test {per_test_bare * 1000:7.2f} ms   total {bare_total:6.2f} s")
    print(
        f"judge (one container, all tests): per test {per_test_judge * 1000:7.2f} ms   total {judge_total:6.2f} s"
        f"  (container start/compile/remove {fixed:.2f} s; agent-measured test wall {judge_tests_wall:.2f} s)"
    )
    print(f"judge submit, start to exit:                        total {submit_total:6.2f} s")
    print(f"shell loop of bare host processes:                  total {loop_total:6.2f} s")
    print(
        f"naive (one container per test):   per test {naive_per_test * 1000:7.2f} ms   total {naive_total:6.2f} s"
        f"  (measured on {args.naive_tests} tests, projected to {n})"
    )
    print(f"per test, judge / bare in the image:  {per_test_judge / per_test_image:5.2f}x   (goal <= 1.05x)")
    print(f"per test, judge - bare in the image:  {(per_test_judge - per_test_image) * 1000:5.2f} ms")
    print(f"per test, judge / bare on the host:   {per_test_judge / per_test_bare:5.2f}x")
    print(f"whole submission, judge submit / shell loop:  {submit_total / loop_total:5.2f}x   (goal <= 1.15x)")
    print(f"whole submission, Grader.grade / bare in the image:  {judge_total / image_total:5.2f}x")
    print(f"naive / judge total:  {naive_total / judge_total:5.1f}x   (goal >= 30x)")
    per_test_fork = (statistics.median(fork_runs) - statistics.median(fork_single)) / (n - 1)
    print(
        f"judge as before (fork, no launcher): per test {per_test_fork * 1000:7.2f} ms"
        f"  = {per_test_fork / per_test_image:5.2f}x bare in the image"
        f" ({(per_test_fork - per_test_image) * 1000:5.2f} ms more)"
    )
    c_per_bare = statistics.median(c_bare) / n
    print(f"C, bare in the image: per test {c_per_bare * 1000:7.2f} ms")
    for way, name in ((False, "launcher"), (True, "fork, as before")):
        per = (statistics.median(c_many[way]) - statistics.median(c_one[way])) / (n - 1)
        print(
            f"C, judge ({name}): per test {per * 1000:7.2f} ms = {(per - c_per_bare) * 1000:5.2f} ms added"
            + ("   (goal <= 1.3 ms)" if not way else "")
        )


if __name__ == "__main__":
    main()
