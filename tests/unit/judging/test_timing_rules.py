"""Overshoot (the sandbox stops a TLE at the hard limit, the wall cap leaves it room) and "timing" changes."""

from judge.grading.limits import run_spec, with_overshoot
from judge.judging.limits import RunLimits
from judge.judging.margins import timing_only


def test_a_test_runs_to_the_hard_limit_with_the_same_wall_room():
    limits = with_overshoot(RunLimits(time=2.0, wall=5.0, memory=1, output=1), hard_time=3.0)
    assert limits.time == 2.0 and limits.wall == 6.0  # 3 s of CPU keeps the 3 s of room 2 s had
    spec = run_spec(limits, {}, hard_time=3.0)
    assert (spec.time, spec.wall) == (3.0, 6.0)
    assert run_spec(limits, {}).time == 2.0


def test_without_overshoot_nothing_changes():
    limits = RunLimits(time=1.0, wall=10.0, memory=1, output=1)
    assert with_overshoot(limits, 1.0) == limits


def t(name, verdict, borderline=False):
    return {"name": name, "verdict": verdict, "borderline": borderline}


def test_a_flip_on_borderline_tests_is_timing():
    old = [t("a", "AC"), t("b", "AC", borderline=True)]
    assert timing_only(old, [t("a", "AC"), t("b", "TLE")])
    assert timing_only([t("a", "AC"), t("b", "TLE")], [t("a", "AC"), t("b", "AC", borderline=True)])


def test_anything_else_is_behaviour():
    old = [t("a", "AC"), t("b", "AC")]
    assert not timing_only(old, [t("a", "AC"), t("b", "TLE")])  # not borderline: a real slowdown
    assert not timing_only([t("a", "AC"), t("b", "AC", True)], [t("a", "AC"), t("b", "WA", True)])  # WA
    assert not timing_only([t("a", "AC"), t("b", "AC", True)], [t("a", "TLE"), t("b", "TLE", True)])  # a too
    assert not timing_only(old, old)
