"""Conformance of the setter's verifier: each package in ``verifier/`` is written from the rules its README.md
cites (2025-09.md "Input validators", "Output validator", "Validation of shared test case files", "Validation test
data"; legacy.md "Input validators", "Test data groups"). ``judge problem check --only data`` must report exactly
the findings each package is built to have, one per broken rule, and nothing for a correct package; ``--only
validators`` builds the validators and runs nothing else. The packages live below ``verifier/`` so the grading
conformance (test_conformance.py) does not grade them."""

import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.docker

HERE = Path(__file__).resolve().parent / "verifier"
ROOT = HERE.parents[2]

# package -> (severity, part, path, words the message holds) of every finding of --only data
DATA_FINDINGS: dict[str, set[tuple[str, str, str, str]]] = {
    "validationgood": set(),
    "validationbad": {
        ("error", "validators", "input_validators/broken.cpp", "does not compile: "),
        ("warning", "validators", "input_validators/format.ctd", "Checktestdata validators are not supported"),
        ("error", "data", "data/secret/1.in", "rejected by input validator range (exit 43: 0 is outside [1, 100])"),
        ("error", "validators", "data/secret/2.in", "moody failed (exit 1: RuntimeError: unlucky thirteen)"),
        ("error", "validators", "data/secret/4.in", "moody failed (timed out)"),
        ("error", "data", "data/secret/5.in", "(exit 43: 9 is forbidden by forbidden.txt)"),  # the test's .files
        ("error", "data", "data/secret/6.in", "(exit 43: 7 is odd)"),  # the test's args
        ("error", "data", "data/sample/1.ans", "rejected by the output validator (a sample answer must pass"),
        ("error", "data", "data/secret/3.out", "rejected by the output validator (.out files must pass"),
        ("error", "data", "data/invalid_input/fine.in", "not rejected by any input validator"),
        ("error", "data", "data/invalid_output/1.out", "accepted by the output validator (invalid_output/"),
        ("error", "data", "data/invalid_output/2.in", "rejected by input validator range"),
        ("error", "data", "data/valid_output/1.out", "rejected by the output validator (valid_output/"),
    },
    "answervalidation": {  # BAPCtools' extension: answer_validators/, data/invalid_answer/
        ("error", "data", "data/secret/2.ans", "rejected by answer validator single (exit 43: not one integer"),
        ("error", "data", "data/invalid_answer/2.ans", "not rejected by any answer validator (accepted by single)"),
    },
    "validationlegacy": {
        ("warning", "validators", "input_format_validators", "deprecated folder name"),
        ("error", "data", "data/secret/2.in", "rejected by input validator range (exit 43: 11 is outside [1, 10])"),
    },
}


@functools.cache
def check(package: str, *options: str) -> tuple[int, dict[str, Any], str]:
    """(exit code, JSON document, stderr) of ``judge problem check PACKAGE OPTIONS --format json``."""
    command = [sys.executable, "-m", "judge", "--config", str(ROOT / "judge.yaml"), "problem", "check",
               str(HERE / package), *options, "--format", "json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    try:
        doc = json.loads(done.stdout)
    except json.JSONDecodeError:
        doc = {}
    return done.returncode, doc, done.stderr


def _matched(doc: dict[str, Any], expected: set[tuple[str, str, str, str]]) -> tuple[list[dict], set]:
    """(findings no expectation matches, expectations no finding matches)."""
    findings = doc.get("findings", [])
    unmatched = set(expected)
    extra = []
    for f in findings:
        hit = next(
            (e for e in unmatched if (f["severity"], f["part"], f["path"]) == e[:3] and e[3] in f["message"]), None
        )
        if hit is None:
            extra.append(f)
        else:
            unmatched.discard(hit)
    return extra, unmatched


@pytest.mark.parametrize("package", sorted(DATA_FINDINGS))
def test_data_findings(package):
    code, doc, stderr = check(package, "--only", "data")
    assert doc, stderr.strip()[-2000:]
    extra, missing = _matched(doc, DATA_FINDINGS[package])
    assert not extra and not missing, f"unexpected {extra}; missing {missing}"
    errors = any(severity == "error" for severity, *_ in DATA_FINDINGS[package])
    assert (code, doc["ok"]) == ((1, False) if errors else (0, True)), stderr.strip()[-2000:]
    assert "Traceback" not in stderr


def test_validators_only_builds():
    code, doc, stderr = check("validationbad", "--only", "validators")
    assert code == 1, stderr
    assert {(f["severity"], f["path"]) for f in doc["findings"]} == {
        ("error", "input_validators/broken.cpp"),
        ("warning", "input_validators/format.ctd"),
    }


def test_warnings_are_errors():
    assert check("validationlegacy", "--only", "validators")[0] == 0
    code, doc, _ = check("validationlegacy", "--only", "validators", "-e")
    assert (code, doc["errors"], doc["findings"][0]["severity"]) == (1, 1, "warning")


def test_full_check_reports_every_part_next_to_the_rows():
    """No --only: the rows of the submissions, the findings of every part (here data's), each part's time; exit 1.
    brute_force/multi/ (two files) is one submission (2025-09 "Example submissions")."""
    code, doc, stderr = check("answervalidation")
    assert code == 1 and not doc["ok"], stderr.strip()[-2000:]
    rows = [(row["submission"], row["verdict"], row["ok"]) for row in doc["submissions"]]
    assert rows == [("accepted/sum.py", "AC", True), ("brute_force/multi", "RTE", True)]  # a folder: one program
    assert {(f["part"], f["path"]) for f in doc["findings"]} == {
        ("data", "data/secret/2.ans"),
        ("data", "data/invalid_answer/2.ans"),
    }
    assert set(doc["times"]) == {"lint", "data", "submissions"} and doc["margins"]["computed_limit"] == 1
