"""Timing you can trust, with the real engine: a TLE is measured past the limit, a borderline test is run again."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.docker

SPIN = "#include <stdio.h>\nint main(void){volatile unsigned long x=0;for(;;)x++;}\n"
NEAR = """#include <stdio.h>
#include <time.h>
int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    while ((double)clock() / CLOCKS_PER_SEC < SECONDS) {}
    printf("%lld\\n", a + b);
    return 0;
}
"""


def judge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "judge", *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def graded(tmp_path: Path, name: str, source: str) -> dict:
    path = tmp_path / name
    path.write_text(source)
    done = judge("submit", "-p", "1", str(path), "--format", "json")
    return json.loads(done.stdout)


def test_a_tle_runs_on_to_the_hard_limit_and_stays_tle(client, tmp_path):
    doc = graded(tmp_path, "spin.c", SPIN)
    assert doc["verdict"] == "TLE" and doc["limits"]["time"] == 1 and doc["limits"]["hard_time"] == 2
    cpu_tles = [t for t in doc["tests"] if t["message"].startswith("CPU time")]  # not a wall-cap TLE of a busy host
    assert cpu_tles, doc["tests"]
    for test in cpu_tles:  # measured up to limit + max(1 s, 10 %), not cut at the limit
        assert test["verdict"] == "TLE" and 1.9 <= test["time"] <= 2.2 and test["share"] >= 1.9


def test_a_borderline_test_is_run_again_and_judged_on_its_fastest_run(client, tmp_path):
    doc = graded(tmp_path, "near.c", NEAR.replace("SECONDS", "0.96"))
    assert doc["verdict"] == "AC", doc["tests"]
    for test in doc["tests"]:
        assert test["borderline"] and len(test["times"]) == 4, test  # the first run and 3 more
        assert test["time"] == min(test["times"])
    far = graded(tmp_path, "far.c", NEAR.replace("SECONDS", "0.3"))
    assert not any(t["borderline"] for t in far["tests"]) and all(t["times"] == [] for t in far["tests"])


def test_problem_check_names_submissions_inside_the_margins_and_computes_no_limit(client, tmp_path):
    """A 1 s limit with an accepted submission at 0.6 s (x 2 = 1.2 s) and a TLE one at 1.2 s (< 1 s x 1.5)."""
    package = tmp_path / "tight"
    shutil.copytree(ROOT / "problems/1/data", package / "data")
    (package / "problem.yaml").write_text(
        "problem_format_version: 2023-07-draft\nname: Tight\nlimits: {time_limit: 1}\n"
    )
    for folder, name, seconds in (("accepted", "slow.c", "0.6"), ("time_limit_exceeded", "near.c", "1.2")):
        (package / "submissions" / folder).mkdir(parents=True)
        (package / "submissions" / folder / name).write_text(NEAR.replace("SECONDS", seconds))
    done = judge("problem", "check", str(package), "--format", "json", "--write-limit")
    assert done.returncode == 1, done.stdout + done.stderr
    margins = json.loads(done.stdout)["margins"]
    assert len(margins["problems"]) == 2, margins
    assert "accepted/slow.c takes 0.6" in margins["problems"][0]
    assert "time_limit_exceeded/near.c takes only 1.2" in margins["problems"][1]
    assert margins["computed_limit"] is None and margins["written"] is None
    assert "time_limit: 1}" in (package / "problem.yaml").read_text()  # nothing written
