"""`judge problem check` stops a submission at its first failing test only where that test decides its check
(judge.batch.packagecheck.stops_at_first_failure): expected rejections of pass-fail problems without a
submissions.yaml rule; accepted and partially accepted ones, scoring problems and ruled submissions run every test."""

from pathlib import Path

import pytest

from judge.batch.packagecheck import Expectation, stops_at_first_failure
from judge.inputs.problem import load_problem
from judge.inputs.settings import load_settings
from judge.inputs.submissions import Submission

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = load_settings(ROOT / "judge.yaml")
PASS_FAIL = load_problem(str(ROOT / "problems/1"), SETTINGS)
SCORING = load_problem(str(ROOT / "tests/fixtures/packages/scoring"), SETTINGS)
RULES = {"wrong_answer/*_pypy.py": Expectation(permitted={"AC", "WA"}, required={"WA"}), "rejected": Expectation()}


def sub(ident: str) -> Submission:
    return Submission(ident, Path(ident), "1")


@pytest.mark.parametrize(
    ("ident", "stops"),
    [
        ("time_limit_exceeded/busy.py", True),
        ("wrong_answer/minus.py", True),
        ("run_time_error/divide.py", True),
        ("compile_error/syntax.py", True),
        ("memory_limit_exceeded/hog.c", True),
        ("accepted/sum.py", False),  # every test: its slowest sets the time margin
        ("partially_accepted/half.py", False),
        ("wrong_answer/minus_pypy.py", False),  # a submissions.yaml rule looks at every test's verdict
        ("rejected/folder/main.py", False),  # a rule on a parent folder
    ],
)
def test_which_submissions_stop_at_their_first_failure(ident, stops):
    assert stops_at_first_failure(sub(ident), PASS_FAIL, RULES) is stops


def test_a_scoring_problem_runs_every_test():
    assert SCORING.scoring and not stops_at_first_failure(sub("wrong_answer/x.py"), SCORING, {})
