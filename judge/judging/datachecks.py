"""What the validators' runs on the package's own data mean (pure rules): an input validator's exit, the runs of one
input, and the output validator's judgement of a file given as output (judge.inputs.outputchecks).

Spec 2025-09 "Input validators", "Exit codes": 42 is a valid input; any other exit means the input could not be
confirmed valid. As BAPCtools does, 43 is a rejection and anything else (another code, a signal, a timeout) is a
validator failure, told apart from a rejection and reported with what the validator printed.

An input of sample/, secret/, invalid_output/ or valid_output/ must be accepted by every validator (2025-09 "Input
validators": "Validation fails if any validator fails"; "Invalid output", "Valid output": ``tc.in`` "must contain
valid input"); an input of invalid_input/ must be rejected by at least one ("Invalid input"). A failed validator
never counts as a rejection.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from judge.excerpts import error_excerpt
from judge.inputs.findings import Finding
from judge.inputs.outputchecks import OutputCheck

VALID_EXIT, INVALID_EXIT = 42, 43


class InputVerdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    FAILED = "failed"


def input_verdict(exit_code: int | None, *, timed_out: bool = False) -> InputVerdict:
    """An input validator's exit as a verdict; ``exit_code`` None: killed by a signal."""
    if timed_out or exit_code is None:
        return InputVerdict.FAILED
    if exit_code == VALID_EXIT:
        return InputVerdict.VALID
    return InputVerdict.INVALID if exit_code == INVALID_EXIT else InputVerdict.FAILED


@dataclass(frozen=True)
class ValidatorRun:
    """One input validator run on one input."""

    validator: str  # its name
    input: str  # the .in, relative to the package
    verdict: InputVerdict
    exit_code: int | None = None
    timed_out: bool = False
    output: str = ""  # what it printed (stdout and stderr)

    def why(self) -> str:
        said = error_excerpt(self.output)
        how = "timed out" if self.timed_out else "was killed" if self.exit_code is None else f"exit {self.exit_code}"
        return f"{how}{': ' + said if said else ''}"


def input_findings(
    runs: Sequence[ValidatorRun], *, must_be_invalid: bool, what: str = "input validator", rejected_elsewhere: str = ""
) -> list[Finding]:
    """Findings of one input's runs (every validator's; ``what`` names them: answer validators judge answers the
    same way): a rejection of an input that must be valid (part ``data``), an invalid input no validator rejects
    (``data``; ``rejected_elsewhere`` names another program whose rejection counts), a validator that failed
    (``validators``)."""
    found = [
        Finding.error("validators", run.input, f"{what} {run.validator} failed ({run.why()})")
        for run in runs
        if run.verdict == InputVerdict.FAILED
    ]
    if must_be_invalid:
        if runs and not rejected_elsewhere and not any(run.verdict == InputVerdict.INVALID for run in runs):
            accepted = [run.validator for run in runs if run.verdict == InputVerdict.VALID]
            found.append(
                Finding.error(
                    "data",
                    runs[0].input,
                    f"not rejected by any {what} (accepted by {', '.join(accepted) or 'none'})",
                )
            )
        return found
    found += [
        Finding.error("data", run.input, f"rejected by {what} {run.validator} ({run.why()})")
        for run in runs
        if run.verdict == InputVerdict.INVALID
    ]
    return found


def check_findings(check: OutputCheck, package: Path, *, accepted: bool | None, message: str = "") -> list[Finding]:
    """What the validator's judgement of ``check`` means: ``accepted`` None is a validator failure (part
    validators), a judgement against the rule an error (part data) naming the output file."""
    path = check.output.relative_to(package).as_posix()
    said = f": {message}" if message else ""
    if accepted is None:
        return [Finding.error("validators", path, f"the output validator failed{said}")]
    if accepted != check.must_pass:
        judged = "accepted" if accepted else "rejected"
        return [Finding.error("data", path, f"{judged} by the output validator ({check.why}){said}")]
    return []
