"""Time margins (spec 2025-09 "Problem timing"), the limit computed from both bounds, and writing it."""

import pytest

from judge.batch.packagecheck import CheckRow, _with_time_limit, package_margins
from judge.errors import JudgeInputError
from judge.inputs.problem import ProblemLimits
from judge.inputs.submissionsyaml import Rule
from judge.judging.expectations import Expectation
from judge.judging.margins import limit_from, margins, tle_time
from judge.judging.results import CompileResult, SubmissionResult, Verdict
from judge.judging.results import TestResult as Test


def result(name, verdict, times, limit=1.0, hard=None, walls=None, test_verdicts=None):
    tests = [
        Test(f"t{i}", "secret", (test_verdicts or [verdict] * len(times))[i], time=t, wall=(walls or times)[i])
        for i, t in enumerate(times)
    ]
    limits = {"time": limit, **({"hard_time": hard} if hard else {})}
    return SubmissionResult(name, "p", "P", "c", verdict, CompileResult(ok=True), tests, limits)


def test_the_limit_is_the_smallest_multiple_of_the_resolution_inside_both_bounds():
    assert limit_from(0.3, None, 2.0, 1.5, 1.0) == 1.0
    assert limit_from(0.6, None, 2.0, 1.5, 1.0) == 2.0
    assert limit_from(0.6, 3.0, 2.0, 1.5, 0.1) == pytest.approx(1.2)
    assert limit_from(0.6, 1.7, 2.0, 1.5, 0.1) is None  # 1.2 x 1.5 = 1.8 > 1.7
    assert limit_from(None, None, 2.0, 1.5, 0.5) == 0.5


def test_tight_accepted_and_fast_tle_submissions_are_named_with_their_times():
    graded = [
        ("accepted", result("accepted/slow.c", Verdict.AC, [0.2, 0.6])),
        ("accepted", result("accepted/fast.c", Verdict.AC, [0.01])),
        ("time_limit_exceeded", result("time_limit_exceeded/near.c", Verdict.TLE, [0.5, 1.2], hard=2.0)),
        ("time_limit_exceeded", result("time_limit_exceeded/spin.c", Verdict.TLE, [2.0], hard=2.0)),
        ("wrong_answer", result("wrong_answer/x.c", Verdict.WA, [0.1])),
    ]
    found = margins(graded, 1.0, 2.0, 1.5, 1.0)
    assert found.t_ac.submission == "accepted/slow.c" and found.t_ac.seconds == 0.6
    assert found.t_tle.submission == "time_limit_exceeded/near.c" and found.t_tle.seconds == 1.2
    assert len(found.problems) == 2
    assert "accepted/slow.c takes 0.600 s" in found.problems[0]
    assert "time_limit_exceeded/near.c takes only 1.200 s" in found.problems[1]
    assert found.computed is None  # 0.6 x 2 = 1.2 s, but 1.2 x 1.5 > 1.2
    assert [f.folder for f in found.folders] == ["accepted", "time_limit_exceeded", "wrong_answer"]


def test_a_package_with_room_on_both_sides_passes():
    graded = [
        ("accepted", result("accepted/a.c", Verdict.AC, [0.3])),
        ("time_limit_exceeded", result("time_limit_exceeded/b.c", Verdict.TLE, [2.0], hard=3.0)),
    ]
    found = margins(graded, 1.0, 2.0, 1.5, 1.0)
    assert not found.problems and found.computed == 1.0


def test_a_tle_stopped_at_its_hard_limit_is_a_lower_bound_never_a_finding():
    stopped = tle_time(result("time_limit_exceeded/s.c", Verdict.TLE, [1.001]))  # no hard_time: stopped at the limit
    assert stopped.stopped and stopped.seconds == 1.001
    found = margins([("time_limit_exceeded", result("time_limit_exceeded/s.c", Verdict.TLE, [1.001]))], 1, 2, 1.5, 1)
    assert not found.problems and found.notes and found.computed == 1.0


def test_a_sleeper_stopped_by_the_wall_cap_counts_its_wall_time():
    sleeper = result("time_limit_exceeded/sleep.c", Verdict.TLE, [0.01], hard=2.0, walls=[3.0])
    assert tle_time(sleeper).seconds == 3.0


def test_problem_yaml_gets_its_time_limit_without_losing_the_rest():
    text = "# a comment\nname: X\nlimits:\n    memory: 256 # MiB\n    time_limit: 3\nkeywords: [a]\n"
    assert _with_time_limit(text, "2") == text.replace("time_limit: 3", "time_limit: 2")
    added = _with_time_limit("name: X\nlimits:\n  memory: 256\n", "1.5")
    assert added == "name: X\nlimits:\n  time_limit: 1.5\n  memory: 256\n"
    assert _with_time_limit("name: X", "2") == "name: X\nlimits:\n  time_limit: 2\n"
    assert "time_limit: 2" in _with_time_limit("name: X\nlimits: {memory: 256}\n", "2")


@pytest.mark.parametrize(
    "limits, key",
    [
        ("time_multipliers: {ac_to_time_limit: 0}", "ac_to_time_limit"),
        ("time_multipliers: {time_limit_to_tle: -2}", "time_limit_to_tle"),
        ("time_multipliers: {time_limit_to_tle: lots}", "time_limit_to_tle"),
        ("time_resolution: 0", "time_resolution"),
    ],
)
def test_bad_multipliers_name_problem_yaml(tmp_path, limits, key):
    from judge.inputs.problem import load_problem
    from judge.inputs.settings import load_settings

    package = tmp_path / "p"
    (package / "data/secret").mkdir(parents=True)
    (package / "data/secret/1.in").write_text("1\n")
    (package / "data/secret/1.ans").write_text("1\n")
    (package / "problem.yaml").write_text(f"problem_format_version: 2023-07-draft\nname: P\nlimits: {{{limits}}}\n")
    with pytest.raises(JudgeInputError) as err:
        load_problem(str(package), load_settings())
    assert str(err.value).startswith(str(package / "problem.yaml")) and key in str(err.value)


def test_legacy_multipliers_are_time_multiplier_and_time_safety_margin(tmp_path):
    from judge.inputs.problem import load_problem
    from judge.inputs.settings import load_settings

    package = tmp_path / "p"
    (package / "data/secret").mkdir(parents=True)
    (package / "data/secret/1.in").write_text("1\n")
    (package / "data/secret/1.ans").write_text("1\n")
    (package / "problem.yaml").write_text("name: P\nlimits: {time_multiplier: 3, time_safety_margin: 1.2}\n")
    limits = load_problem(str(package), load_settings()).limits
    assert (limits.ac_to_time_limit, limits.time_limit_to_tle, limits.legacy) == (3.0, 1.2, True)


def test_a_language_with_a_time_multiplier_counts_in_the_problems_terms():
    # A runtime that ran under 2 x the limit (runner.yaml time_multiplier: 2) and took 0.34 s counts as 0.17 s.
    graded = [("accepted", result("accepted/sum.exs", Verdict.AC, [0.34], limit=2.0))]
    found = margins(graded, 1.0, 5.0, 1.5, 1.0)
    assert found.t_ac.seconds == pytest.approx(0.17) and not found.problems
    unscaled = margins([("accepted", result("accepted/sum.exs", Verdict.AC, [0.34], limit=1.0))], 1.0, 5.0, 1.5, 1.0)
    assert unscaled.problems  # the same time under the plain limit misses ac_to_time_limit


def _row(submission, verdict, times, rule, *, own_limit=1.0, walls=None, hard=None):
    graded = result(submission, verdict, times, limit=own_limit, hard=hard, walls=walls)
    return CheckRow(submission, str(verdict), graded, True, "", Expectation(submission, (rule,)))


def test_margins_come_from_the_rules_that_use_submissions_for_the_time_limit(tmp_path):
    """Spec 2025-09 "Timelimit inference": a wrong_answer/ submission (permitted AC, WA) bounds the limit from below
    too; ``use_for_time_limit: false`` opts out; a Java-like language's multiplier (own limit 2 s of a 1 s problem) is
    divided out; a TLE the wall cap stopped under its CPU limit counts its wall time."""
    accepted = Rule("accepted/", permitted=frozenset({"AC"}))
    wrong = Rule("wrong_answer/", permitted=frozenset({"AC", "WA"}), required=frozenset({"WA"}))
    tle = Rule("time_limit_exceeded/", permitted=frozenset({"AC", "TLE"}), required=frozenset({"TLE"}))
    rows = [
        _row("accepted/a.java", Verdict.AC, [0.2, 0.8], accepted, own_limit=2.0),  # 0.4 s in the problem's terms
        _row("wrong_answer/w.py", Verdict.WA, [0.45], wrong),
        _row("wrong_answer/o.py", Verdict.WA, [0.9], Rule("x", permitted=frozenset({"WA"}), use_for_time_limit=False)),
        _row("time_limit_exceeded/s.py", Verdict.TLE, [0.3], tle, walls=[2.5], hard=3.0),  # sleeps: wall 2.5 s
    ]
    problem = type("P", (), {})()
    problem.limits = ProblemLimits(1.0, 0, 0, 0, "problem.yaml", time_resolution=0.1)
    problem.tests = [type("T", (), {"name": "t0"})(), type("T", (), {"name": "t1"})()]
    found = package_margins(problem, rows)
    assert (found.t_ac.submission, found.t_ac.seconds) == ("wrong_answer/w.py", 0.45)
    assert (found.t_tle.submission, found.t_tle.seconds) == ("time_limit_exceeded/s.py", 2.5)
    assert not found.t_tle.stopped
    assert found.problems == [] and found.computed == pytest.approx(0.9)
