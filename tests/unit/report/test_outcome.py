"""The one exit-code rule of every command (judge.report.outcome), table-driven; no Docker."""

import pytest

from judge.errors import JudgeFailure, JudgeInputError
from judge.judging.results import CompileResult, SubmissionResult, Verdict
from judge.report.outcome import CommandOutcome, ExitCode


def result(verdict: Verdict, score: float | None = None) -> SubmissionResult:
    """A graded submission; ``score`` makes it a scoring problem's (out of 10)."""
    return SubmissionResult(
        submission="a.py",
        problem="p",
        problem_name="P",
        language="python3",
        verdict=verdict,
        compile=CompileResult(ok=verdict != Verdict.CE),
        problem_score=score,
        problem_max=10.0 if score is not None else None,
    )


AC, WA, TLE, CE, JE = Verdict.AC, Verdict.WA, Verdict.TLE, Verdict.CE, Verdict.JE


@pytest.mark.parametrize(
    ("verdicts", "min_score", "exit_zero", "code"),
    [
        ([AC], None, False, ExitCode.OK),
        ([AC, AC], None, False, ExitCode.OK),
        ([], None, False, ExitCode.OK),
        ([WA], None, False, ExitCode.NOT_ACCEPTED),
        ([AC, TLE], None, False, ExitCode.NOT_ACCEPTED),
        ([CE], None, False, ExitCode.NOT_ACCEPTED),
        ([AC, JE], None, False, ExitCode.JUDGE_ERROR),
        # --exit-zero turns 1 into 0, never 3 into 0
        ([WA], None, True, ExitCode.OK),
        ([AC], None, True, ExitCode.OK),
        ([WA, JE], None, True, ExitCode.JUDGE_ERROR),
        # --min-score: the total score decides instead of the verdicts (a pass-fail AC scores 1)
        ([AC, WA], 1, False, ExitCode.OK),
        ([AC, WA], 2, False, ExitCode.NOT_ACCEPTED),
        ([AC, WA], 2, True, ExitCode.OK),
        ([AC, AC], 0, False, ExitCode.OK),
        ([AC, JE], 0, False, ExitCode.JUDGE_ERROR),
    ],
)
def test_exit_code_of_graded_submissions(verdicts, min_score, exit_zero, code):
    outcome = CommandOutcome.of_results([result(v) for v in verdicts], min_score=min_score, exit_zero=exit_zero)
    assert outcome.return_code == code


@pytest.mark.parametrize(
    ("scores", "min_score", "code"),
    [
        ([4.0, 3.0], 7, ExitCode.OK),  # reached exactly
        ([4.0, 3.0], 7.5, ExitCode.NOT_ACCEPTED),
        ([10.0], None, ExitCode.OK),
    ],
)
def test_min_score_on_scoring_problems(scores, min_score, code):
    # A partially solved scoring problem is WA; --min-score lets the total decide.
    results = [result(AC if s == 10 else WA, score=s) for s in scores]
    assert CommandOutcome.of_results(results, min_score=min_score).return_code == code


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        (CommandOutcome(), ExitCode.OK),  # a rescore or a doctor run that found nothing wrong
        (CommandOutcome(rejected=3), ExitCode.NOT_ACCEPTED),  # package submissions with an unexpected verdict
        (CommandOutcome(rejected=3, judge_errors=1), ExitCode.JUDGE_ERROR),
        (CommandOutcome(judge_errors=2), ExitCode.JUDGE_ERROR),  # failed doctor checks, JE in a result set
    ],
)
def test_exit_code_of_counts(outcome, code):
    assert outcome.return_code == code


def test_error_exit_codes_agree_with_the_rule():
    assert JudgeInputError.exit_code == ExitCode.BAD_INPUT == 2
    assert JudgeFailure.exit_code == ExitCode.JUDGE_ERROR == 3
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 130]  # 130: Ctrl-C (128 + SIGINT)
