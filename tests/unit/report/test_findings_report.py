"""The verifier's findings as text, JSON and an exit code (judge.report.findings); no Docker."""

import json

import pytest

from judge.inputs.findings import Finding
from judge.report.findings import counted_errors, finding_lines, findings_doc, findings_outcome
from judge.report.outcome import ExitCode

MISSING = Finding.error("lint", "data/secret/1.in", "no 1.ans for this input")
NO_SAMPLE = Finding.warning("lint", "data/sample", "no data/sample/: the problem has no samples")
SLOW = Finding.error("submissions", "submissions/accepted/slow.py", "secret/3 got TLE, permitted AC")
WHOLE = Finding.warning("lint", "", "no input_validators/")


def test_lines_grouped_by_part_in_order_errors_first():
    assert finding_lines([SLOW, NO_SAMPLE, WHOLE, MISSING]) == [
        "lint: 1 error, 2 warnings",
        "  error    data/secret/1.in: no 1.ans for this input",
        "  warning  (package): no input_validators/",
        "  warning  data/sample: no data/sample/: the problem has no samples",
        "submissions: 1 error, 0 warnings",
        "  error    submissions/accepted/slow.py: secret/3 got TLE, permitted AC",
        "2 errors, 2 warnings",
    ]


def test_no_findings():
    assert finding_lines([]) == ["no findings"]


def test_untrusted_names_are_made_visible():
    (_, line, _) = finding_lines([Finding.warning("lint", "data/secret/\x1b[31mx.in", "bad\nname")])
    assert line == "  warning  data/secret/\\x1b[31mx.in: bad\\nname"


@pytest.mark.parametrize(
    ("findings", "strict", "code"),
    [
        ([], False, ExitCode.OK),
        ([NO_SAMPLE], False, ExitCode.OK),  # a warning alone passes
        ([NO_SAMPLE], True, ExitCode.NOT_ACCEPTED),  # -e: warnings are errors
        ([MISSING], False, ExitCode.NOT_ACCEPTED),
        ([MISSING, NO_SAMPLE], True, ExitCode.NOT_ACCEPTED),
    ],
)
def test_exit_code(findings, strict, code):
    assert findings_outcome(findings, warnings_are_errors=strict).return_code == code
    assert findings_doc(findings, warnings_are_errors=strict)["ok"] is (code == ExitCode.OK)


def test_warnings_are_errors_changes_counts_not_lines():
    lines = finding_lines([NO_SAMPLE], warnings_are_errors=True)
    assert lines == [
        "lint: 1 error, 0 warnings (warnings are errors)",
        "  warning  data/sample: no data/sample/: the problem has no samples",
        "1 error, 0 warnings (warnings are errors)",
    ]
    assert (
        counted_errors([NO_SAMPLE, MISSING]) == 1
        and counted_errors([NO_SAMPLE, MISSING], warnings_are_errors=True) == 2
    )


def test_json_document():
    doc = json.loads(json.dumps(findings_doc([SLOW, MISSING, NO_SAMPLE])))
    assert doc == {
        "version": 1,
        "findings": [
            {"severity": "error", "part": "lint", "path": "data/secret/1.in", "message": "no 1.ans for this input"},
            {"severity": "warning", "part": "lint", "path": "data/sample", "message": NO_SAMPLE.message},
            {"severity": "error", "part": "submissions", "path": SLOW.path, "message": SLOW.message},
        ],
        "errors": 2,
        "warnings": 1,
        "warnings_are_errors": False,
        "ok": False,
    }
