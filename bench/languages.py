"""Benchmark: per-test cost of judge against the bare toolchain, for every language.

For each runner with an accepted a+b solution in problems/1/submissions/accepted/, on a generated problem:
  bare  — the compiled program run N times in a shell loop inside one plain container of the same image
          (no agent, no limits but the same one-core CPU quota, no checker): the toolchain's own cost per run;
  judge — the time between the first and the last test's result, per test: what one more test costs in
          judge (agent, limits, protocol, checker); the 1-test grading time (compile included) is the fixed cost;
  image — the runner image's size.
A file's language is its extension's, or the one problems/1/submissions/submissions.yaml names (PyPy's .py files).
Prints one table with the ratio. Run: python3 bench/languages.py [--tests 30] [--lang python3 pypy ...]
"""

import argparse
import fnmatch
import io
import shlex
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judge.grading.grader import Grader, GradingOptions  # noqa: E402
from judge.inputs.languages import language_for, load_languages  # noqa: E402
from judge.inputs.problem import load_problem  # noqa: E402
from judge.inputs.settings import load_settings  # noqa: E402
from judge.inputs.yamlfile import load_mapping  # noqa: E402
from judge.judging.results import Verdict  # noqa: E402
from judge.sandbox import engine  # noqa: E402
from judge.units import MIB  # noqa: E402


def make_problem(folder: Path, tests: int) -> None:
    (folder / "data/secret").mkdir(parents=True)
    (folder / "problem.yaml").write_text("name: bench\nlimits:\n  time_limit: 5\n")
    for i in range(tests):
        (folder / f"data/secret/{i:03d}.in").write_text(f"{i} {i * 3}\n")
        (folder / f"data/secret/{i:03d}.ans").write_text(f"{i * 4}\n")


def bare_per_run(client, language, source: Path, runs: int, settings) -> float:
    code = source.read_bytes()
    name = language.source_name(code)
    compile_cmd = shlex.join(language.command(language.compile, name, 256 * MIB)) if language.compile else "true"
    run_cmd = shlex.join(language.command(language.run, name, 256 * MIB))
    script = (
        f"cd /w && {compile_cmd} >/dev/null 2>&1; s=$(date +%s%N); "
        f"i=0; while [ $i -lt {runs} ]; do {run_cmd} < in > /dev/null; i=$((i+1)); done; "
        "e=$(date +%s%N); echo $((e - s))"
    )
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for member, data in ((f"w/{name}", code), ("w/in", b"3 4\n")):
            info = tarfile.TarInfo(member)
            info.size, info.mode = len(data), 0o666
            tar.addfile(info, io.BytesIO(data))
        folder = tarfile.TarInfo("w")
        folder.type, folder.mode = tarfile.DIRTYPE, 0o777
        tar.addfile(folder)
    container = client.containers.create(
        language.image, ["sh", "-c", script], network_mode="none", environment=language.env, working_dir="/w"
    )
    try:
        container.put_archive("/", buf.getvalue())
        container.start()
        container.wait(timeout=600)
        out = container.logs(stdout=True, stderr=True).decode().strip().splitlines()
    finally:
        container.remove(force=True)
    return int(out[-1]) / 1e9 / runs


def named_languages() -> dict[str, str]:
    """submissions.yaml's ``language`` per pattern (relative to problems/1/submissions)."""
    data = load_mapping(ROOT / "problems/1/submissions/submissions.yaml", missing_ok=True)
    return {str(k): str(v["language"]) for k, v in data.items() if isinstance(v, dict) and v.get("language")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=30)
    parser.add_argument("--lang", nargs="*", help="only these runners (names or aliases)")
    args = parser.parse_args()
    settings = load_settings(ROOT / "judge.yaml")
    languages = load_languages(settings)
    client = engine.connect()
    accepted = sorted((ROOT / "problems/1/submissions/accepted").iterdir())
    named = named_languages()
    wanted = {languages[name].name for name in args.lang or ()}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        many, one = Path(tmp) / "many", Path(tmp) / "one"
        make_problem(many, args.tests)
        make_problem(one, 1)
        problems = (load_problem(str(many), settings), load_problem(str(one), settings))
        for source in accepted:
            rel = f"accepted/{source.name}"
            lang = next((name for pattern, name in named.items() if fnmatch.fnmatchcase(rel, pattern)), None)
            language = language_for(source, languages, lang)
            if wanted and language.name not in wanted:
                continue
            stamps: list[float] = []
            started = time.perf_counter()
            result = Grader(problems[1], language, settings, client).grade(source)
            fixed = time.perf_counter() - started
            options = GradingOptions(on_test=lambda _test, stamps=stamps: stamps.append(time.perf_counter()))
            result = Grader(problems[0], language, settings, client).grade(source, options)
            assert result.verdict == Verdict.AC, (source, result.message)
            # steady state: from the first test's result to the last one's, per test
            judge_per_test = (stamps[-1] - stamps[0]) / (len(stamps) - 1)
            bare = bare_per_run(client, language, source, args.tests, settings)
            size = client.images.get(language.image).attrs["Size"] / 1e6
            rows.append((language.name, bare, judge_per_test, fixed, size))
            print(f"{language.name}: done", file=sys.stderr, flush=True)
    print(f"{'language':<11} {'bare run':>9} {'judge/test':>10} {'ratio':>6}  {'fixed (1 test)':>14} {'image':>8}")
    for name, bare, per_test, fixed, size in rows:
        print(
            f"{name:<11} {bare * 1000:7.1f}ms {per_test * 1000:8.1f}ms {per_test / bare:5.2f}x  {fixed:12.2f} s "
            f"{size:6.0f} MB"
        )


if __name__ == "__main__":
    main()
