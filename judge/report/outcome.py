"""The exit code of every judge command: one rule over what a command found, like black's ``Report.return_code``.

0  everything accepted, or the total score reached ``--min-score``
1  graded, but something was not accepted (or not the verdict its package folder expects); ``--exit-zero`` makes it 0
2  bad input or usage: raised as ``JudgeInputError`` or a click usage error, never counted here
3  the judge failed: a JE verdict, a failed doctor check, an unreachable engine (``JudgeFailure``)
130  interrupted (Ctrl-C, 128 + SIGINT as shells report it): containers removed, nothing judged (judge.cli.interrupt)

These are the codes pytest, ruff and black users expect (0 success, 1 findings, 2 usage), plus 3 for the judge itself.
No Docker here: the rule is pure and unit-tested.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from judge.judging.results import SubmissionResult, Verdict


class ExitCode(IntEnum):
    OK = 0
    NOT_ACCEPTED = 1
    BAD_INPUT = 2  # the same number as JudgeInputError.exit_code
    JUDGE_ERROR = 3  # the same number as JudgeFailure.exit_code
    INTERRUPTED = 130  # Ctrl-C


@dataclass(frozen=True)
class CommandOutcome:
    """What a command found, counted, and the options that bend the rule (only ``judge submit`` has them)."""

    rejected: int = 0  # graded but not accepted, or not the expected verdict
    judge_errors: int = 0  # JE verdicts or failed checks of the judge itself
    score: float = 0.0  # total score, compared with min_score
    min_score: float | None = None  # when set, the score decides between 0 and 1 instead of ``rejected``
    exit_zero: bool = False  # 1 becomes 0; a judge error still exits 3

    @classmethod
    def of_results(
        cls, results: Iterable[SubmissionResult], *, min_score: float | None = None, exit_zero: bool = False
    ) -> "CommandOutcome":
        """Graded submissions: anything but AC is rejected, JE is a judge error."""
        results = list(results)
        return cls(
            rejected=sum(r.verdict != Verdict.AC for r in results),
            judge_errors=sum(r.verdict == Verdict.JE for r in results),
            score=sum(r.score for r in results),
            min_score=min_score,
            exit_zero=exit_zero,
        )

    @property
    def failed(self) -> bool:
        """Graded but short of the goal: not all accepted, or under ``min_score`` when one is given."""
        if self.min_score is not None:
            return self.score < self.min_score
        return self.rejected > 0

    @property
    def return_code(self) -> ExitCode:
        if self.judge_errors:
            return ExitCode.JUDGE_ERROR
        if self.failed and not self.exit_zero:
            return ExitCode.NOT_ACCEPTED
        return ExitCode.OK
