"""The requirements on a package's own submissions (spec 2025-09 "Example submissions"), table-driven; no Docker."""

from pathlib import Path

import pytest

from judge.inputs.submissionsyaml import default_rules, parse_submissions_yaml
from judge.judging.expectations import (
    Graded,
    GradedTest,
    TimeUse,
    conflicts,
    expectation_for,
    graded_from_result,
    static_findings,
    time_bounds,
    time_limit_use,
    unmet,
)

PATH = Path("submissions/submissions.yaml")
TESTS = ("sample/1", "secret/group1/01", "secret/group1/02", "secret/group2/01-easy", "secret/group2/02-hard")
NEW, LEGACY = default_rules(legacy=False), default_rules(legacy=True)


def spec(data: dict | None = None):
    return parse_submissions_yaml(PATH, data or {})


def graded(*verdicts: str, final: str | None = None, times: tuple[float, ...] = (), messages: tuple[str, ...] = ()):
    """Tests of TESTS with these verdicts, in order (fewer: the rest did not run)."""
    tests = tuple(
        GradedTest(name, verdict, times[i] if i < len(times) else 0.1, messages[i] if i < len(messages) else "")
        for i, (name, verdict) in enumerate(zip(TESTS, verdicts, strict=False))
    )
    worst = next((v for v in verdicts if v != "AC"), "AC")
    return Graded(final or worst, tests, not_run=len(TESTS) - len(tests))


def check(sub: str, result: Graded, data: dict | None = None, *, legacy: bool = False, tag=None) -> list[str]:
    expectation = expectation_for(sub, spec(data), LEGACY if legacy else NEW, tag)
    return unmet(expectation, result, TESTS)


@pytest.mark.parametrize(
    ("sub", "verdicts", "ok"),
    [
        ("accepted/a.py", "AC AC AC AC AC", True),
        ("accepted/a.py", "AC AC WA AC AC", False),
        ("wrong_answer/a.py", "AC WA AC AC AC", True),
        ("wrong_answer/a.py", "AC WA TLE AC AC", False),  # permitted AC, WA
        ("wrong_answer/a.py", "AC AC AC AC AC", False),  # required WA
        ("time_limit_exceeded/a.py", "AC TLE TLE AC AC", True),
        ("time_limit_exceeded/a.py", "AC WA TLE AC AC", False),  # 2025-09: no WA
        ("run_time_error/a.py", "AC RTE AC AC AC", True),
        ("run_time_error/a.py", "AC MLE AC AC AC", True),  # a memory limit is a crash
        ("run_time_error/a.py", "AC OLE AC AC AC", True),
        ("rejected/a.py", "AC AC AC TLE WA", True),
        ("rejected/a.py", "AC AC AC AC AC", False),
        ("brute_force/a.py", "AC AC AC TLE RTE", True),
        ("brute_force/a.py", "AC AC AC TLE WA", False),  # must never WA
        ("brute_force/a.py", "AC AC AC AC AC", False),
        ("memory_limit_exceeded/a.py", "AC MLE AC AC AC", True),  # the judge's own folder
        ("memory_limit_exceeded/a.py", "AC RTE AC AC AC", False),
        ("accepted/a.py", "AC JE AC AC AC", False),  # a judge error is never permitted
    ],
)
def test_default_folders(sub, verdicts, ok):
    assert (not check(sub, graded(*verdicts.split()))) is ok


@pytest.mark.parametrize(
    ("sub", "result", "ok"),
    [
        ("accepted/a.py", graded("AC", "AC", "AC", "AC", "AC"), True),
        ("wrong_answer/a.py", graded("AC", "WA", "RTE", "AC", "AC", final="WA"), True),  # a first_error grader's WA
        ("wrong_answer/a.py", graded("AC", "WA", "RTE", "AC", "AC", final="RTE"), False),  # worst_error: RTE
        ("time_limit_exceeded/a.py", graded("AC", "TLE"), True),
        ("run_time_error/a.py", graded("AC", "MLE"), True),  # a memory limit is a crash
        ("memory_limit_exceeded/a.py", graded("AC", "RTE"), False),  # the judge's own folder: MLE itself
        ("rejected/a.py", Graded("CE", ()), True),  # the judge's rejected/: anything but AC
        ("rejected/a.py", graded("AC", "AC", "AC", "AC", "AC"), False),
    ],
)
def test_legacy_folders_name_the_verdict(sub, result, ok):
    """Legacy packages as problemtools checks them: the submission's verdict is its folder's."""
    assert (not check(sub, result, legacy=True)) is ok


def test_legacy_brute_force_is_no_folder():
    assert not expectation_for("brute_force/a.py", spec(), LEGACY).covered


def test_compile_error_counts_on_every_test():
    failed = Graded("CE", ())
    assert check("accepted/a.py", failed) and check("wrong_answer/a.py", failed)
    assert not check("compile_error/a.py", failed)


def test_a_matching_glob_adds_to_the_folder_default():
    """Spec: the glob ``time_limit_exceeded/*`` imposes an additional requirement instead of replacing the default."""
    data = {"time_limit_exceeded/*": {"permitted": ["AC", "WA", "TLE"]}}
    assert check("time_limit_exceeded/a.py", graded("AC", "WA", "TLE", "AC", "AC"), data)  # the default still holds


def test_a_bare_folder_key_overrides_its_default_keys():
    """Spec "Default directories": keys not given are inherited from the default."""
    data = {"time_limit_exceeded": {"permitted": ["AC", "WA", "TLE"]}}
    assert not check("time_limit_exceeded/a.py", graded("AC", "WA", "TLE", "AC", "AC"), data)
    problems = check("time_limit_exceeded/a.py", graded("AC", "WA", "AC", "AC", "AC"), data)
    assert problems and "required by default for time_limit_exceeded/" in problems[0]  # required [TLE] inherited


def test_every_matching_entry_applies():
    data = {"accepted/*.py": {"required": ["AC"]}, "accepted/{slow,fast}.py": {"message": "ok"}}
    expectation = expectation_for("accepted/slow.py", spec(data), NEW)
    assert [r.source for r in expectation.rules] == [
        "default for accepted/",
        "submissions.yaml 'accepted/*.py'",
        "submissions.yaml 'accepted/{slow,fast}.py'",
    ]
    assert len(expectation_for("accepted/other.py", spec(data), NEW).rules) == 2


def test_per_group_permitted_and_required():
    """Spec "Test data groups": solves group1, times out on some test of group2."""
    data = {
        "time_limit_exceeded/solves_1.py": {
            "sample": {"permitted": ["AC"]},
            "secret/group1": {"permitted": ["AC"]},
            "secret/group2": {"permitted": ["AC", "TLE"], "required": ["TLE"]},
        }
    }
    sub = "time_limit_exceeded/solves_1.py"
    assert not check(sub, graded("AC", "AC", "AC", "AC", "TLE"), data)
    (problem,) = check(sub, graded("AC", "TLE", "AC", "AC", "TLE"), data)
    assert problem.startswith("secret/group1/01 got TLE, permitted AC (submissions.yaml 'time_limit_exceeded/solves_1")
    assert not check(sub, graded("AC", "AC", "AC", "TLE", "AC"), data)  # any test of group2 may be the TLE
    folder, group2 = check(sub, graded("AC", "AC", "AC", "AC", "AC"), data)
    assert folder.startswith("no test got TLE (required by default for time_limit_exceeded/)")
    assert group2.startswith("no test in secret/group2 got TLE (required by submissions.yaml")


def test_per_test_globs():
    """Spec "Glob patterns": globs over test cases when groups are not used."""
    data = {
        "time_limit_exceeded/e.py": {"secret/*/*-easy": {"permitted": ["AC"]}, "secret/*/*-hard": {"required": ["TLE"]}}
    }
    assert not check("time_limit_exceeded/e.py", graded("AC", "AC", "AC", "AC", "TLE"), data)
    problems = check("time_limit_exceeded/e.py", graded("AC", "AC", "AC", "TLE", "AC"), data)
    assert any(p.startswith("secret/group2/01-easy got TLE") for p in problems)
    assert any("no test in secret/*/*-hard got TLE" in p for p in problems)


def test_score_of_the_submission_and_of_a_group():
    data = {"accepted/a.py": {"score": [50, 60], "secret/group1": {"score": 30}}}
    ok = Graded("AC", (), score=55, max_score=100, group_scores=(("secret/group1", 30.0), ("secret/group2", 25.0)))
    expectation = expectation_for("accepted/a.py", spec(data), NEW)
    assert not unmet(expectation, ok, TESTS)
    low = Graded("AC", (), score=45, max_score=100, group_scores=(("secret/group1", 29.0),))
    problems = unmet(expectation, low, TESTS)
    assert problems == [
        "the score 45 is not 50..60 (submissions.yaml 'accepted/a.py')",
        "group secret/group1's score 29 is not 30 (submissions.yaml 'accepted/a.py secret/group1')",
    ]


def test_message_is_a_substring_of_some_judgemessage():
    data = {"wrong_answer/a.py": {"message": "too short"}}
    good = graded("AC", "WA", messages=("", "answer too short at line 2"))
    assert not check("wrong_answer/a.py", good, data)
    (problem,) = check("wrong_answer/a.py", graded("AC", "WA", messages=("", "Too Short")), data)  # case-sensitive
    assert "no judgemessage contains 'too short'" in problem


def test_required_counts_only_tests_that_ran():
    data = {"wrong_answer/a.py": {"secret/group2": {"required": ["WA"]}}}
    (problem,) = check("wrong_answer/a.py", graded("AC", "WA"), data)  # stopped at its first failure
    assert "no test in secret/group2 of the 0 that ran got WA" in problem


def test_domjudge_tag_outside_the_default_folders():
    """@EXPECTED_RESULTS@ names the submission's verdict; in a folder with a default it is ignored."""
    tag = frozenset({"WA", "TLE"})
    assert not check("mixed/a.c", graded("AC", "TLE"), tag=tag)
    (problem,) = check("mixed/a.c", graded("AC", "RTE"), tag=tag)
    assert problem == "got RTE, expected TLE or WA (@EXPECTED_RESULTS@ in mixed/a.c)"
    assert not check("accepted/a.c", graded("AC", "AC", "AC", "AC", "AC"), tag=tag)
    assert not expectation_for("mixed/b.c", spec(), NEW).covered  # no default, no glob, no tag


def test_legacy_partially_accepted():
    expectation = expectation_for("partially_accepted/a.py", spec(), LEGACY)
    assert not unmet(expectation, Graded("AC", (), score=40, max_score=100))
    assert unmet(expectation, Graded("AC", (), score=100, max_score=100)) == ["score 100/100 is not partial"]


def test_use_for_time_limit_adds_a_constraint():
    data = {"mixed/a.py": {"use_for_time_limit": "upper"}, "mixed/b.py": {"use_for_time_limit": "lower"}}
    assert check("mixed/a.py", graded("AC", "WA", "AC", "AC", "AC"), data)  # upper: required TLE
    assert check("mixed/b.py", graded("AC", "TLE", "AC", "AC", "AC"), data)  # lower: permitted AC, WA, RTE
    assert not check("mixed/b.py", graded("AC", "WA", "RTE", "AC", "AC"), data)


def test_language_and_entrypoint_last_matching_entry_wins_with_a_note():
    data = {"accepted": {"language": "python3"}, "accepted/a.py": {"language": "pypy3", "entrypoint": "a.py"}}
    expectation = expectation_for("accepted/a.py", spec(data), NEW)
    assert expectation.language == "pypy3" and expectation.entrypoint == "a.py"
    assert expectation.notes == ("'accepted/a.py' gives language 'pypy3', an earlier entry 'python3': 'pypy3' is used",)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"accepted/a.py": {"permitted": ["WA"]}}, "no verdict is permitted on sample/1"),  # AC and WA: disjoint
        ({"wrong_answer/a.py": {"permitted": ["AC", "TLE"]}}, "required WA is never permitted"),
        ({"accepted/a.py": {"secret/group9": {"permitted": ["AC"]}}}, "'secret/group9' matches no test case"),
        ({"accepted/a.py": {"score": 1}}, "'score' on a pass-fail problem"),
        ({"mixed/a.py": {"permitted": ["AC", "WA"], "use_for_time_limit": "upper"}}, "used for both the lower and"),
        ({"accepted/a.py": {"use_for_time_limit": "upper"}}, "required TLE is never permitted"),
    ],
)
def test_conflicts(data, says):
    sub = next(iter(data))
    found = conflicts(expectation_for(sub, spec(data), NEW), TESTS, scoring=False)
    assert any(says in line for line in found), found


def test_no_conflicts_in_the_defaults():
    for folder in NEW:
        assert conflicts(expectation_for(f"{folder}/a.py", spec(), NEW), TESTS, scoring=False) == [], folder


@pytest.mark.parametrize(
    ("sub", "data", "lower", "upper"),
    [
        ("legacy:accepted/a.py", {}, TESTS, ()),
        ("legacy:time_limit_exceeded/a.py", {}, (), TESTS),
        ("legacy:wrong_answer/a.py", {}, (), ()),
        ("accepted/a.py", {}, TESTS, ()),
        ("wrong_answer/a.py", {}, TESTS, ()),
        ("run_time_error/a.py", {}, TESTS, ()),
        ("time_limit_exceeded/a.py", {}, (), TESTS),
        ("brute_force/a.py", {}, (), ()),  # by default not used for the time limit
        ("rejected/a.py", {}, (), ()),
        ("accepted/a.py", {"accepted/a.py": {"use_for_time_limit": False}}, TESTS, ()),  # the default rule still counts
        ("accepted/a.py", {"accepted": {"use_for_time_limit": False}}, (), ()),  # opts the folder rule out
        ("time_limit_exceeded/a.py", {"time_limit_exceeded": {"secret/group2": {"required": ["TLE"]}}}, (), TESTS),
        ("mixed/a.py", {"mixed/a.py": {"secret/group2": {"use_for_time_limit": "upper"}}}, (), TESTS[3:]),
    ],
)
def test_time_limit_use(sub, data, lower, upper):
    """Spec "Timelimit inference": lower bound when no TLE is permitted, upper when exactly TLE is required; legacy
    folders (problemtools): accepted below, time_limit_exceeded above."""
    defaults = LEGACY if sub.startswith("legacy:") else NEW
    expectation = expectation_for(sub.removeprefix("legacy:"), spec(data), defaults)
    assert time_limit_use(expectation, TESTS) == TimeUse(tuple(lower), tuple(upper))


def test_time_bounds_slowest_test_of_each_rule():
    ac_times, tle_times = (0.1, 0.4, 0.2, 0.1, 0.1), (0.1, 0.1, 0.1, 0.1, 3.0)
    ac = ("accepted/a.py", TimeUse(TESTS, ()), graded("AC", "AC", "AC", "AC", "AC", times=ac_times))
    tle = ("time_limit_exceeded/t.py", TimeUse((), TESTS), graded("AC", "AC", "AC", "AC", "TLE", times=tle_times))
    bounds = time_bounds([ac, tle])
    assert (bounds.t_low, bounds.low_by, bounds.t_high, bounds.high_by) == (0.4, "accepted/a.py", 3.0, tle[0])
    assert bounds.limit(2.0, 1.5, 1.0) == 1.0  # 0.4 x 2 <= 1 and 1 x 1.5 <= 3
    assert bounds.limit(2.0, 1.5, 0.25) == 1.0
    assert bounds.limit(8.0, 1.5, 1.0) is None  # 0.4 x 8 = 3.2 needs 4, and 4 x 1.5 > 3
    assert time_bounds([ac]).t_high is None and time_bounds([ac]).limit(2.0, 1.5, 0.5) == 1.0


def test_static_findings():
    """Without running: conflicts, uncovered submissions, entries matching nothing, no lower bound."""
    data = {"accepted/a.py": {"permitted": ["WA"]}, "accepted/zzz*.py": {"language": "python3"}}
    subs = ["accepted/a.py", "mixed/b.py", "mixed/c.py"]
    found = static_findings(spec(data), subs, TESTS, NEW, {"mixed/c.py": frozenset({"WA"})}, scoring=False)
    assert sorted((f.severity, f.path, f.message) for f in found) == [
        (
            "error",
            "submissions/accepted/a.py",
            "no verdict is permitted on sample/1: its permitted sets have none in common",
        ),
        ("warning", "submissions/mixed/b.py", "no folder default, submissions.yaml entry or tag: not checked"),
        ("warning", "submissions/submissions.yaml", "'accepted/zzz*.py' matches no submission"),
    ]
    only_tle = static_findings(spec(), ["time_limit_exceeded/t.py"], TESTS, NEW, {}, scoring=False)
    assert [(f.path, f.message) for f in only_tle] == [
        ("submissions", "no submission bounds the time limit from below")
    ]


def test_graded_from_a_submission_result():
    from judge.judging.results import CompileResult, GroupResult, SubmissionResult, TestResult, Verdict

    result = SubmissionResult(
        "wrong_answer/a.py",
        "p",
        "P",
        "python3",
        Verdict.WA,
        CompileResult(ok=True),
        tests=[
            TestResult("sample/1", "sample", Verdict.AC, time=0.2),
            TestResult("secret/group1/01", "secret/group1", Verdict.WA, time=0.3, message="expected 3, got 4"),
        ],
        groups=[GroupResult("secret/group1", Verdict.WA, 0.0, 50.0, 0, 1)],
        skipped=["secret/group1/02"],
        problem_score=0.0,
        problem_max=100.0,
    )
    found = graded_from_result(result)
    assert found == Graded(
        "WA",
        (GradedTest("sample/1", "AC", 0.2), GradedTest("secret/group1/01", "WA", 0.3, "expected 3, got 4")),
        score=0.0,
        max_score=100.0,
        group_scores=(("secret/group1", 0.0),),
        not_run=1,
    )
    data = {"wrong_answer/a.py": {"message": "got 4", "secret/group1": {"score": 0}}}
    assert check("wrong_answer/a.py", found, data) == []
