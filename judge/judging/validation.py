"""Checkers: decide whether a submission's output matches the answer (outside the container).

Pure logic: the default validator itself, and what a custom validator's exit code and feedback mean
(Kattis interface: 42/43, judgemessage.txt, score.txt; testlib: 0/1/2/3/7). Running validators is
``validators``' job.

The default is the ICPC/Kattis default output validator: whitespace-separated tokens, case-insensitive
unless ``case_sensitive``, whitespace-exact with ``space_change_sensitive``, and float tokens within
``float_absolute_tolerance`` or ``float_relative_tolerance`` (``float_tolerance`` sets both).
"""

import math
import re
from dataclasses import dataclass

from judge.excerpts import error_excerpt, first_line
from judge.inputs.validatorflags import ValidatorFlags

_FLOAT = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_SPACE_RUN = re.compile(rb"\s+")


@dataclass(frozen=True)
class ValidationResult:
    accepted: bool
    message: str = ""
    score: float | None = None  # a validator's score.txt, or a testlib checker's partial points (0..1)
    judge_error: bool = False  # the validator itself failed: the test is JE
    team_message: str = ""  # the validator's teammessage.txt (its first line): shown with the test


def _show(token: bytes) -> str:
    text = token[:40].decode("utf-8", errors="replace")
    return repr(text + ("…" if len(token) > 40 else ""))


def _floats_match(got: bytes, want: bytes, flags: ValidatorFlags) -> bool | None:
    """True/False when ``want`` is a float token and tolerances apply; None to compare as text."""
    if flags.float_absolute is None and flags.float_relative is None:
        return None
    if not _FLOAT.match(want):
        return None
    if not _FLOAT.match(got):
        return False
    g, w = float(got), float(want)
    if not (math.isfinite(g) and math.isfinite(w)):
        return g == w
    diff = abs(g - w)
    return (flags.float_absolute is not None and diff <= flags.float_absolute) or (
        flags.float_relative is not None and diff <= flags.float_relative * abs(w)
    )


def _tokens(data: bytes, flags: ValidatorFlags) -> list[bytes]:
    if flags.space_change_sensitive:
        # Keep the whitespace runs as tokens of their own, so changed spacing is a difference.
        parts = re.split(rb"(\s+)", data)
        return [p for p in parts if p]
    return data.split()


def default_validator(output: bytes, answer: bytes, flags: ValidatorFlags, *, reveal: bool) -> ValidationResult:
    """Compare as the ICPC default validator does. ``reveal`` allows quoting expected tokens."""
    got, want = _tokens(output, flags), _tokens(answer, flags)
    for index, (g, w) in enumerate(zip(got, want, strict=False), start=1):
        if g == w:
            continue
        if flags.space_change_sensitive and (_SPACE_RUN.fullmatch(g) or _SPACE_RUN.fullmatch(w)):
            return ValidationResult(False, f"whitespace differs at token {index}")
        close = _floats_match(g, w, flags)
        if close is None:
            close = g == w if flags.case_sensitive else g.lower() == w.lower()
        if not close:
            detail = f": expected {_show(w)}, got {_show(g)}" if reveal else f": got {_show(g)}"
            return ValidationResult(False, f"token {index} differs{detail}")
    if len(got) < len(want):
        return ValidationResult(False, f"output ends early: {len(got)} of {len(want)} tokens")
    if len(got) > len(want):
        return ValidationResult(False, f"extra output after {len(want)} tokens: {_show(got[len(want)])}")
    return ValidationResult(True)


FEEDBACK_DIR = "/tmp/feedback"
KATTIS_AC, KATTIS_WA = 42, 43
TESTLIB = {0: "ok", 1: "wrong answer", 2: "presentation error", 3: "checker failure", 7: "partial points"}


@dataclass(frozen=True)
class ValidatorRun:
    """What an output validator did, as the sandbox measured it (the facts the verdict needs)."""

    exit_code: int | None
    signal: str | None
    killed_by: str | None
    stdout: bytes = b""
    stderr: bytes = b""
    feedback: dict[str, str] | None = None


def _validator_failed(run: ValidatorRun, what: str) -> ValidationResult | None:
    if run.killed_by:
        return ValidationResult(False, f"the {what} exceeded its {run.killed_by} limit", judge_error=True)
    if run.signal:
        detail = error_excerpt(run.stderr)
        return ValidationResult(
            False, f"the {what} was killed by {run.signal}{': ' + detail if detail else ''}", None, True
        )
    return None


def kattis_outcome(run: ValidatorRun) -> ValidationResult:
    """Kattis interface: exit 42 accepts, 43 rejects (judgemessage.txt says why), anything else is a judge error."""
    failed = _validator_failed(run, "output validator")
    if failed:
        return failed
    feedback = run.feedback or {}
    message = first_line(feedback.get("judgemessage.txt", "")) or first_line(feedback.get("teammessage.txt", ""))
    score = None
    if feedback.get("score.txt", "").strip():
        try:
            score = float(feedback["score.txt"].split()[0])
        except ValueError:
            return ValidationResult(
                False, f"score.txt is not a number: {feedback['score.txt'][:40]!r}", judge_error=True
            )
    team = first_line(feedback.get("teammessage.txt", ""))
    if run.exit_code == KATTIS_AC:
        return ValidationResult(True, message, score, team_message=team)
    if run.exit_code == KATTIS_WA:
        return ValidationResult(False, message or "rejected by the output validator", score, team_message=team)
    detail = first_line(feedback.get("judgeerror.txt", "")) or error_excerpt(run.stderr)
    return ValidationResult(
        False, f"output validator exited with code {run.exit_code}{': ' + detail if detail else ''}", judge_error=True
    )


def testlib_outcome(run: ValidatorRun) -> ValidationResult:
    """testlib interface: 0 ok, 1 wrong answer, 2 presentation error (a wrong answer), 3 failure, 7 points."""
    failed = _validator_failed(run, "checker")
    if failed:
        return failed
    message = first_line(run.stderr) or first_line(run.stdout)
    code = run.exit_code
    if code == 0:
        return ValidationResult(True, message)
    if code in (1, 2):
        prefix = "presentation error: " if code == 2 and not message.startswith("wrong output format") else ""
        return ValidationResult(False, prefix + (message or TESTLIB[code]))
    if code == 7:
        points = re.search(rb"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", run.stdout) or re.search(
            rb"[-+]?(?:\d+\.?\d*|\.\d+)", run.stderr
        )
        if points is None:
            return ValidationResult(False, "checker gave partial points without a number", judge_error=True)
        value = float(points.group(0))
        return ValidationResult(False, f"partial points {value:g}" + (f": {message}" if message else ""), value)
    what = TESTLIB.get(code or 0, f"exit code {code}")
    detail = error_excerpt(run.stderr) or first_line(run.stdout)
    return ValidationResult(False, f"checker failed ({what}){': ' + detail if detail else ''}", judge_error=True)


def next_pass(
    check: ValidationResult, nextpass_size: int | None, passes: int, limit: int, cap: int
) -> ValidationResult | None:
    """Spec 2025-09 "Multi-pass validation", after pass number ``passes``: None when the submission runs again
    (the validator exited 42 and wrote nextpass.in), else the test's validation result. nextpass.in with any
    other exit code is a judge error, and so is asking for more than ``limit`` passes (limits.validation_passes)
    or a nextpass.in over ``cap`` bytes (more than the submission's box holds)."""
    if nextpass_size is None or check.judge_error:
        return check
    if not check.accepted:
        return ValidationResult(False, "the output validator wrote nextpass.in but did not exit 42", judge_error=True)
    if passes >= limit:
        return ValidationResult(
            False,
            f"the output validator asked for pass {passes + 1}, over limits.validation_passes ({limit})",
            judge_error=True,
        )
    if nextpass_size > cap:
        return ValidationResult(
            False, f"nextpass.in is {nextpass_size} bytes, more than the {cap} a pass's input may be", judge_error=True
        )
    return None
