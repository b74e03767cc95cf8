"""The setter's verifier's findings (judge.inputs.findings) as a report: text lines, a JSON document, the exit code.

Text: one line per finding, grouped by part (lint, data, validators, submissions, timing, in that order), each naming
its file relative to the package, then one summary line::

    lint: 1 error, 1 warning
      error    data/secret/1.in: no 1.ans for this input
      warning  data/sample: no data/sample/: the problem has no samples
    1 error, 1 warning

``-e`` (warnings are errors, as problemtools' ``verifyproblem -e``) counts every warning as an error: the lines keep
their own severity, the counts and the exit code change. Exit code: the one rule of judge.report.outcome -- 1 when
an error is counted, else 0.
"""

from collections.abc import Sequence
from typing import Any

from judge.inputs.findings import PARTS, Finding, Severity
from judge.report.outcome import CommandOutcome
from judge.report.visible import visible

PACKAGE = "(package)"  # how a finding about the package as a whole names its file


def counted_errors(findings: Sequence[Finding], *, warnings_are_errors: bool = False) -> int:
    """The findings that fail the check: errors, and warnings too with ``-e``."""
    return sum(f.severity == Severity.ERROR or warnings_are_errors for f in findings)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _counts(findings: Sequence[Finding], warnings_are_errors: bool) -> str:
    errors = counted_errors(findings, warnings_are_errors=warnings_are_errors)
    warnings = len(findings) - errors
    text = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    return f"{text} (warnings are errors)" if warnings_are_errors and findings else text


def _ordered_parts(findings: Sequence[Finding]) -> list[str]:
    known = [part for part in PARTS if any(f.part == part for f in findings)]
    return known + sorted({f.part for f in findings} - set(PARTS))


def finding_line(finding: Finding) -> str:
    """``  error    data/secret/1.in: no 1.ans for this input`` (file and message made visible)."""
    return f"  {finding.severity:<8} {visible(finding.path or PACKAGE)}: {visible(finding.message)}"


def finding_lines(findings: Sequence[Finding], *, warnings_are_errors: bool = False) -> list[str]:
    """Every finding, grouped by part (errors before warnings, then by file), and a summary line."""
    lines = []
    for part in _ordered_parts(findings):
        mine = [f for f in findings if f.part == part]
        lines.append(f"{part}: {_counts(mine, warnings_are_errors)}")
        mine.sort(key=lambda f: (f.severity != Severity.ERROR, f.path, f.message))
        lines.extend(finding_line(f) for f in mine)
    lines.append(_counts(findings, warnings_are_errors) if findings else "no findings")
    return lines


def findings_doc(findings: Sequence[Finding], *, warnings_are_errors: bool = False) -> dict[str, Any]:
    """The JSON form: every finding in the order of ``finding_lines``, the counts, and whether the check passed."""
    ordered = [
        f
        for part in _ordered_parts(findings)
        for f in sorted(
            (f for f in findings if f.part == part), key=lambda f: (f.severity != Severity.ERROR, f.path, f.message)
        )
    ]
    errors = counted_errors(findings, warnings_are_errors=warnings_are_errors)
    return {
        "version": 1,
        "findings": [
            {"severity": str(f.severity), "part": f.part, "path": f.path, "message": f.message} for f in ordered
        ],
        "errors": errors,
        "warnings": len(findings) - errors,
        "warnings_are_errors": warnings_are_errors,
        "ok": errors == 0,
    }


def findings_outcome(findings: Sequence[Finding], *, warnings_are_errors: bool = False) -> CommandOutcome:
    """The findings as the one exit-code rule sees them: each counted error is a rejection (exit 1)."""
    return CommandOutcome(rejected=counted_errors(findings, warnings_are_errors=warnings_are_errors))
