"""Conformance: each folder here is a small problem package written from one rule of the problem package
spec (its README.md and problem.yaml name the section). ``judge problem check`` must accept every package:
each submission gets the verdict of its folder (or what submissions.yaml says); some rules also pin the
exact verdict and score of a submission."""

import functools
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import judge.grading.grader
from judge.grading.interactive import VALIDATOR_GRACE
from judge.judging.results import SubmissionResult

pytestmark = pytest.mark.docker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGES = sorted(p.name for p in HERE.iterdir() if (p / "problem.yaml").is_file())

# submission -> (verdict, score): what the rule decides beyond the folder's verdict.
EXPECTED: dict[str, dict[str, tuple[str, float]]] = {
    "graderacceptany": {
        "accepted/full.py": ("AC", 100),
        "partially_accepted/small.py": ("AC", 50),  # Kattis' "partially accepted"
        "wrong_answer/zero.py": ("WA", 0),
    },
    "graderworsterror": {"run_time_error/wrong_then_crash.py": ("RTE", 0)},
    "graderfirsterror": {"wrong_answer/wrong_then_crash.py": ("WA", 0)},
    "onrejectbreak": {"wrong_answer/wrong_then_crash.py": ("WA", 0)},
    "graderignoresample": {"accepted/fails_sample.py": ("AC", 2), "wrong_answer/sample_only.py": ("WA", 0)},
    "graderscoremodes": {"accepted/full.py": ("AC", 30), "partially_accepted/easy_only.py": ("AC", 15)},
    "graderrange": {"accepted/full.py": ("AC", 100), "partially_accepted/small.py": ("AC", 50)},
    "multipass": {"accepted/double.py": ("AC", 1), "wrong_answer/wrong_second_pass.py": ("WA", 0)},
    "multipassinteractive": {"accepted/double.py": ("AC", 1), "wrong_answer/wrong_second_pass.py": ("WA", 0)},
}

# Graded alone with ``judge submit --format json`` (a judge error has no verdict folder: ``problem check`` would
# exit 3): package -> path in it -> (exit code, verdict, what some tests' JSON rows must hold).
SUBMITTED: dict[str, dict[str, tuple[int, str, dict[str, dict[str, Any]]]]] = {
    "multipass": {
        "submissions/accepted/double.py": (0, "AC", {"secret/1": {"verdict": "AC", "passes": 2}}),
        "submissions/wrong_answer/wrong_second_pass.py": (1, "WA", {"secret/1": {"verdict": "WA", "passes": 2}}),
        "judge_error/asks_again.py": (3, "JE", {"secret/1": {"verdict": "JE", "passes": 2}}),
    },
    "multipassinteractive": {
        "submissions/accepted/double.py": (0, "AC", {"secret/1": {"verdict": "AC", "passes": 2}}),
    },
    "teammessage": {
        "submissions/accepted/yes.py": (0, "AC", {"secret/1": {"team_message": "well done", "hint": ""}}),
        "submissions/wrong_answer/no.py": (
            1,
            "WA",
            {"secret/1": {"team_message": "say yes", "hint": "the answer is yes", "message": "rejected: not yes"}},
        ),
    },
}


# Interactive rules that timing must not decide: package -> submission -> verdict, each graded ROUNDS times.
REPEATED: dict[str, dict[str, str]] = {
    "interactivedeadlock": {"time_limit_exceeded/deaf.py": "TLE"},  # the submission's cap, not the validator's
    "interactiveclosed": {"accepted/read_to_end.py": "AC"},  # EOF as soon as the validator closes its stdout
}
ROUNDS = int(os.environ.get("JUDGE_DETERMINISM_ROUNDS", "20"))


@functools.cache
def check(package: str) -> tuple[int, dict[str, Any], str]:
    """(exit code, JSON document, stderr) of ``judge problem check`` on the package."""
    command = [sys.executable, "-m", "judge", "--config", str(ROOT / "judge.yaml"), "problem", "check",
               str(HERE / package), "-j", "2", "--format", "json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    try:
        doc = json.loads(done.stdout)
    except json.JSONDecodeError:
        doc = {}
    return done.returncode, doc, done.stderr


@pytest.mark.parametrize("package", PACKAGES)
def test_package_checks_out(package):
    code, doc, stderr = check(package)
    bad = [f"{row['submission']}: {row['why']}" for row in doc.get("submissions", []) if not row["ok"]]
    assert code == 0 and doc.get("ok"), f"exit {code}; {bad or stderr.strip()[-2000:]}"
    assert doc["submissions"], "no submission was graded"


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_verdicts_and_scores(package):
    _, doc, stderr = check(package)
    got = {row["submission"]: (row["verdict"], row["score"]) for row in doc.get("submissions", [])}
    assert got, stderr.strip()[-2000:]
    for submission, expected in EXPECTED[package].items():
        assert got.get(submission) == expected, submission


@pytest.mark.parametrize(
    ("package", "path"), [(package, path) for package, paths in sorted(SUBMITTED.items()) for path in sorted(paths)]
)
def test_submitted_alone(package, path):
    code, verdict, rows = SUBMITTED[package][path]
    command = [sys.executable, "-m", "judge", "--config", str(ROOT / "judge.yaml"), "submit",
               str(HERE / package / path), "--problem", str(HERE / package), "--format", "json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    doc = json.loads(done.stdout)
    assert (done.returncode, doc["verdict"]) == (code, verdict), done.stderr.strip()[-2000:]
    tests = {test["name"]: test for test in doc["tests"]}
    for name, fields in rows.items():
        assert {key: tests[name][key] for key in fields} == fields, name


def test_every_package_names_its_spec_section():
    for package in PACKAGES:
        readme = (HERE / package / "README.md").read_text()
        assert "Spec: " in readme and ".md, " in readme, package
        assert (HERE / package / "problem.yaml").read_text().startswith("# Conformance: "), package


@pytest.mark.parametrize(
    ("package", "path"), [(package, path) for package, paths in sorted(REPEATED.items()) for path in sorted(paths)]
)
def test_interactive_rule_gives_one_outcome(grade_file, monkeypatch, package, path):
    """ROUNDS gradings, two at a time: the same verdict on every test each time, and each interaction over
    well before the validator's own wall limit (VALIDATOR_GRACE past the submission's): the validator is
    stopped with the submission, not left to its own limit."""
    seconds: list[float] = []
    interact = judge.grading.grader.interact

    def timed(*args, **kwargs):
        start = time.monotonic()
        try:
            return interact(*args, **kwargs)
        finally:
            seconds.append(time.monotonic() - start)

    monkeypatch.setattr(judge.grading.grader, "interact", timed)

    def once(_: int) -> SubmissionResult:
        return grade_file(HERE / package / "submissions" / path, str(HERE / package))

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(once, range(ROUNDS)))
    outcomes = Counter((r.verdict.value, tuple(t.verdict.value for t in r.tests)) for r in results)
    expected = REPEATED[package][path]
    assert outcomes == {(expected, (expected,)): ROUNDS}, dict(outcomes)
    assert max(seconds) < results[0].limits["wall"] + VALIDATOR_GRACE / 2, sorted(seconds)[-3:]


def test_submissions_yaml_rules_are_checked(tmp_path):
    """The package submissionsglobs with two rules it breaks (spec 2025-09 "Example submissions": ``message``, a
    test-group key's ``required``): the check names both and exits 1; what can be told before grading is a finding
    too (a required verdict the folder never permits: an error; an entry matching no submission: a warning)."""
    package = tmp_path / "submissionsglobs"
    shutil.copytree(HERE / "submissionsglobs", package)
    rules = package / "submissions/submissions.yaml"
    text = rules.read_text().replace("message: token 1 differs", "message: nope")
    text = text.replace("secret/big: {required: [WA]}", "secret/big: {required: [TLE]}")
    rules.write_text(text + "nothing/*.py: {permitted: [AC]}\n")  # matches no submission: a warning
    command = [sys.executable, "-m", "judge", "--config", str(ROOT / "judge.yaml"), "problem", "check",
               str(package), "-j", "2", "--format", "json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    rows = {row["submission"]: row for row in json.loads(done.stdout)["submissions"]}
    assert done.returncode == 1 and [s for s, row in rows.items() if not row["ok"]] == ["wrong_answer/small_only.py"]
    why = rows["wrong_answer/small_only.py"]["why"]
    assert "no judgemessage contains 'nope'" in why and "no test in secret/big got TLE" in why, why
    findings = [
        (f["severity"], f["path"], f["message"].split(" (")[0])
        for f in json.loads(done.stdout)["findings"]
        if f["part"] == "submissions"
    ]
    assert findings == [
        ("error", "submissions/wrong_answer/small_only.py", why.split(" (")[0]),  # the row, as a finding
        ("error", "submissions/wrong_answer/small_only.py", "required TLE is never permitted"),  # AC and WA only
        ("warning", "submissions/submissions.yaml", "'nothing/*.py' matches no submission"),
    ]
