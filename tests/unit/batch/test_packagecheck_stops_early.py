"""`judge problem check` stops a submission at its first failing test only where that test decides its check
(judge.batch.packagecheck.stops_at_first_failure): on a pass-fail problem, a submission whose every rule is its
folder's default (or its DOMjudge tag) asking for a rejection; accepted and partially accepted ones, scoring problems,
submissions a submissions.yaml entry matches and rules about scores, messages or test groups run every test."""

from pathlib import Path

import pytest

from judge.batch.packagecheck import stops_at_first_failure
from judge.inputs.problem import load_problem
from judge.inputs.settings import load_settings
from judge.inputs.submissionsyaml import Rule, default_rules, parse_submissions_yaml
from judge.judging.expectations import Expectation, expectation_for

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = load_settings(ROOT / "judge.yaml")
PASS_FAIL = load_problem(str(ROOT / "problems/1"), SETTINGS)
SCORING = load_problem(str(ROOT / "tests/fixtures/packages/scoring"), SETTINGS)
SPEC = parse_submissions_yaml(
    Path("submissions.yaml"),
    {"wrong_answer/*_pypy.py": {"permitted": ["AC", "WA"], "required": ["WA"]}, "rejected": {}},
)


def stops(ident: str, *, legacy: bool, tag: frozenset[str] | None = None) -> bool:
    expectation = expectation_for(ident, SPEC, default_rules(legacy=legacy), tag)
    ruled = any(entry.glob.matches(ident) for entry in SPEC.entries)
    return stops_at_first_failure(PASS_FAIL, expectation, ruled=ruled)


@pytest.mark.parametrize("legacy", [True, False])
@pytest.mark.parametrize(
    ("ident", "expected"),
    [
        ("time_limit_exceeded/busy.py", True),
        ("wrong_answer/minus.py", True),
        ("run_time_error/divide.py", True),
        ("compile_error/syntax.py", True),
        ("memory_limit_exceeded/hog.c", True),
        ("accepted/sum.py", False),  # every test: its slowest sets the time margin
        ("partially_accepted/half.py", False),
        ("wrong_answer/minus_pypy.py", False),  # a submissions.yaml rule looks at every test's verdict
        ("rejected/folder/main.py", False),  # a bare folder key changes the folder's rule
        ("somewhere/else.py", False),  # nothing is asked of it
    ],
)
def test_which_submissions_stop_at_their_first_failure(ident, expected, legacy):
    assert stops(ident, legacy=legacy) is expected


def test_brute_force_stops_and_a_tag_decides():
    assert stops("brute_force/slow.py", legacy=False)  # required RTE or TLE: the first failure decides
    assert stops("custom/slow.py", legacy=False, tag=frozenset({"TLE", "WA"}))
    assert not stops("custom/right.py", legacy=False, tag=frozenset({"AC"}))


def test_a_rule_on_groups_or_scores_runs_every_test():
    group = Expectation("x", (Rule("r", tests=SPEC.entries[0].glob, required=frozenset({"WA"})),))
    assert not stops_at_first_failure(PASS_FAIL, group, ruled=False)
    score = Expectation("x", (Rule("r", required=frozenset({"WA"}), score=(0, 0)),))
    assert not stops_at_first_failure(PASS_FAIL, score, ruled=False)


def test_a_scoring_problem_runs_every_test():
    expectation = expectation_for("wrong_answer/x.py", SPEC, default_rules(legacy=False))
    assert SCORING.scoring and not stops_at_first_failure(SCORING, expectation, ruled=False)
