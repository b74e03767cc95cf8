"""Benchmark: `judge problem check` (the setter's verifier, issue #29) against the same programs run bare.

A generated package (2025-09): 200 test cases (a + b; 2 samples, 198 secret), an input validator in Python and one in
C++, an output validator in Python (Kattis interface), and 10 submissions (4 accepted, 3 wrong_answer, 3
run_time_error, in Python, C and C++). Measured in one run:
  1. judge: `judge problem check PACKAGE --all -j 1` from start to exit (every test of every submission, as the bare
     loops run them; validators and submissions built cold: their sources carry a fresh salt);
  2. bare: the same programs as plain processes, each program's shell loop in one plain container of its runner
     image, timed inside the container (bench/overhead.py ``bare_in_image``): each input validator over every input;
     each submission compiled, then run on every input; the output validator on the sample answers and on every
     output of a run that did not crash (judge judges no crashed run's output either). Container start-up is not
     counted: the floor.
Rounds alternate bare and judge (this machine drifts from minute to minute); each prints both times, the ratio and
judge's own time per part; then the medians (goal <= 1.3x). Run: python3 bench/verify.py [--tests 200] [--rounds 3]
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from naive import run_in_fresh_container  # noqa: E402

from judge.inputs.languages import load_languages  # noqa: E402
from judge.inputs.settings import load_settings  # noqa: E402
from judge.sandbox import engine  # noqa: E402

INPUT_PY = """import re, sys
line = sys.stdin.read()
if not re.fullmatch(r"-?\\d{1,9} -?\\d{1,9}\\n", line):
    sys.exit(43)
sys.exit(42)
"""
INPUT_CPP = """#include <cstdio>
int main() {
    long long a, b; char nl;
    if (scanf("%lld %lld%c", &a, &b, &nl) != 3 || nl != '\\n') return 43;
    if (a < -999999999 || a > 999999999 || b < -999999999 || b > 999999999) return 43;
    if (getchar() != EOF) return 43;
    return 42;
}
"""
OUTPUT_PY = """import sys
answer = open(sys.argv[2]).read().split()
got = sys.stdin.read().split()
sys.exit(42 if got == answer else 43)
"""
SUBMISSIONS = {
    "accepted/sum.py": "a, b = map(int, input().split())\nprint(a + b)\n",
    "accepted/sum_stdin.py": "import sys\nprint(sum(map(int, sys.stdin.read().split())))\n",
    "accepted/sum.c": '#include <stdio.h>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n',
    "accepted/sum.cpp": "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<'\\n';}\n",
    "wrong_answer/minus.py": "a, b = map(int, input().split())\nprint(a - b)\n",
    "wrong_answer/minus.c": '#include <stdio.h>\nint main(){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a-b);}\n',
    "wrong_answer/int.cpp": "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a*b<<'\\n';}\n",
    "run_time_error/crash.py": "a, b = map(int, input().split())\nprint(a // (a - a))\n",
    "run_time_error/crash.c": "#include <stdlib.h>\nint main(){abort();}\n",
    "run_time_error/crash.cpp": '#include <stdexcept>\nint main(){throw std::runtime_error("no");}\n',
}
LANGUAGE = {".py": "python3", ".c": "c", ".cpp": "cpp"}
COMPILE = {".c": "gcc -O2 -o sol sol.c", ".cpp": "g++ -O2 -pipe -std=gnu++20 -o sol sol.cpp"}
RUN = {".py": "python3 sol.py", ".c": "./sol", ".cpp": "./sol"}


def make_package(folder: Path, tests: int) -> None:
    """The package, its validators and submissions salted so that nothing is in judge's build cache."""
    salt = uuid.uuid4().hex
    (folder / "problem.yaml").write_text(
        f"problem_format_version: 2025-09\nname: Sum\nuuid: {uuid.uuid4()}\nlimits:\n  time_limit: 1\n"
    )
    (folder / "statement").mkdir()
    (folder / "statement/problem.en.md").write_text("# Sum\n\nPrint a + b.\n")
    for i in range(tests):
        group = "sample" if i < 2 else "secret"
        a, b = (i * 7919) % 2000003 - 1000000, (i * 104729) % 999983
        (folder / "data" / group).mkdir(parents=True, exist_ok=True)
        (folder / "data" / group / f"{i:03}.in").write_text(f"{a} {b}\n")
        (folder / "data" / group / f"{i:03}.ans").write_text(f"{a + b}\n")
    (folder / "input_validators").mkdir()
    (folder / "input_validators/format.py").write_text(f"# {salt}\n{INPUT_PY}")
    (folder / "input_validators/range.cpp").write_text(f"// {salt}\n{INPUT_CPP}")
    (folder / "output_validator").mkdir()
    (folder / "output_validator/validate.py").write_text(f"# {salt}\n{OUTPUT_PY}")
    for name, text in SUBMISSIONS.items():
        path = folder / "submissions" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        comment = "#" if path.suffix == ".py" else "//"
        path.write_text(f"{comment} {salt}\n{text}")


def in_image(client, image: str, files: dict[str, bytes], loop: str, after: str = "") -> tuple[float, bytes]:
    """(seconds of ``loop`` timed inside one plain container of ``image``, the stdout of ``after``, run next)."""
    command = f"cd /w && s=$(date +%s%N) && {loop} e=$(date +%s%N) && echo @@ $((e - s)) && {after or 'true'}"
    out = run_in_fresh_container(client, image, command, files, wall=600)
    took, _, body = out.partition(b"@@ ")[2].partition(b"\n")
    return int(took) / 1e9, body


def bare(package: Path, client, images: dict[str, str]) -> dict[str, float]:
    """Seconds of each bare part: input validators, submissions (compile + every input), the output validator."""
    inputs = sorted(package.glob("data/*/*.in"))
    data = {f"w/in/{p.parent.name}-{p.stem}": p.read_bytes() for p in inputs}
    answers = {f"w/ans/{p.parent.name}-{p.stem}": p.with_suffix(".ans").read_bytes() for p in inputs}
    times = {"input validators": 0.0, "submissions": 0.0, "output validator": 0.0}
    for validator, build, run in [
        ("format.py", "", "python3 v.py"),
        ("range.cpp", "g++ -O2 -pipe -std=gnu++20 -o v v.cpp &&", "./v"),
    ]:
        suffix = Path(validator).suffix
        files = {**data, f"w/v{suffix}": (package / "input_validators" / validator).read_bytes()}
        loop = f"{build} for f in in/*; do {run} < $f; test $? = 42 || exit 1; done &&"
        took, _ = in_image(client, images[LANGUAGE[suffix]], files, loop)
        times["input validators"] += took
    outputs: dict[str, bytes] = {}
    for name in SUBMISSIONS:
        suffix = Path(name).suffix
        files = {**data, f"w/sol{suffix}": (package / "submissions" / name).read_bytes()}
        build = f"{COMPILE[suffix]} &&" if suffix in COMPILE else ""  # compiled inside the timing: judge compiles
        # a run that fails keeps no output: judge gives no crashed run's output to the output validator either
        run = RUN[suffix]
        loop = f"{build} mkdir out && for f in in/*; do t=out/${{f#in/}}; {run} < $f > $t 2>/dev/null || rm $t; done;"
        after = 'for o in out/*; do [ -e "$o" ] && echo "## in/${o#out/}" && cat "$o"; done'
        took, body = in_image(client, images[LANGUAGE[suffix]], files, loop, after)
        times["submissions"] += took
        for chunk in body.split(b"## in/")[1:]:
            test, _, output = chunk.partition(b"\n")
            outputs[f"w/out/{name.replace('/', '_')}-{test.decode()}"] = output
    checked = {**data, **answers, **outputs}
    checked["w/v.py"] = (package / "output_validator/validate.py").read_bytes()
    samples = " ".join(f"ans/{Path(k).name}" for k in answers if "/sample-" in k)
    loop = (
        f"mkdir fb && for a in {samples}; do t=${{a#ans/}}; python3 v.py in/$t $a fb < $a; done; "
        "for o in out/*; do t=${o#out/*-}; python3 v.py in/$t ans/$t fb < $o; done;"
    )
    took, _ = in_image(client, images["python3"], checked, loop)
    times["output validator"] += took
    return times


def judged(package: Path) -> tuple[float, dict]:
    """Seconds of `judge problem check --all -j 1` from start to exit, and its JSON document."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "judge", "problem", "check", str(package), "--all", "-j", "1", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    doc = json.loads(done.stdout)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    bad = [row["submission"] for row in doc["submissions"] if not row["ok"]]
    assert not bad and not doc["errors"], (bad, doc["findings"])
    return elapsed, doc


def one_round(client, images: dict[str, str], tests: int) -> tuple[dict[str, float], float, dict]:
    """(bare seconds by part, judge's seconds, judge's JSON) on a fresh package (every build cold)."""
    work = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    try:
        package = work / "sum"
        package.mkdir()
        make_package(package, tests)
        bare_times = bare(package, client, images)
        judge_seconds, doc = judged(package)
        return bare_times, judge_seconds, doc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each bare then judge (medians are printed)")
    args = parser.parse_args()
    settings = load_settings(ROOT / "judge.yaml")
    client = engine.connect()
    languages = load_languages(settings)
    images = {name: languages[name].image for name in ("python3", "c", "cpp")}
    print(f"package: {args.tests} tests, 2 input validators (Python, C++), a Python output validator, 10 submissions")
    bares, judges, ratios = [], [], []
    for round_number in range(1, args.rounds + 1):
        bare_times, judge_seconds, doc = one_round(client, images, args.tests)
        bare_total = sum(bare_times.values())
        bares.append(bare_total)
        judges.append(judge_seconds)
        ratios.append(judge_seconds / bare_total)
        parts = ", ".join(f"{part} {seconds:.2f} s" for part, seconds in bare_times.items())
        judged_parts = ", ".join(f"{part} {seconds:.2f} s" for part, seconds in doc["times"].items())
        print(f"round {round_number}: bare {bare_total:.2f} s ({parts})")
        print(f"         judge problem check --all -j 1 {judge_seconds:.2f} s ({judged_parts}): {ratios[-1]:.2f}x")
    print(
        f"medians: bare {statistics.median(bares):.2f} s, judge {statistics.median(judges):.2f} s, "
        f"ratio {statistics.median(ratios):.2f}x (goal <= 1.3x)"
    )


if __name__ == "__main__":
    main()
