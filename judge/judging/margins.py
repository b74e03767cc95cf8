"""Time-limit margins of a package's own submissions (spec 2025-09 "Problem timing"), as pure rules.

T_ac bounds the limit from below, T_tle from above: by default the slowest accepted submission's time (its slowest
test) and the fastest time_limit_exceeded submission's time (its slowest TLE test); judge.batch.packagecheck gives
them from the rules that use submissions for the time limit instead (spec "Timelimit inference"). A test's time is
its CPU time, or its wall time for a TLE test the wall cap stopped, divided by its language's time multiplier.
The spec asks ``T_ac x ac_to_time_limit <= time_limit`` and ``time_limit x time_limit_to_tle <= T_tle`` (T_tle
infinite without a TLE submission); a limit left unset is the smallest multiple of ``time_resolution`` meeting both.
A TLE test stopped at its hard limit only says T_tle is at least that: it is never flagged, it is named as a lower
bound.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from judge.judging.results import SubmissionResult, TestResult, Verdict

STOPPED = 0.995  # a TLE test whose time reached this share of its hard limit was stopped there


@dataclass(frozen=True)
class Timed:
    submission: str
    seconds: float
    stopped: bool = False  # stopped at the hard limit: the real time is at least ``seconds``


@dataclass
class FolderTimes:
    """One submissions/<folder>: its slowest accepted and its fastest TLE submission."""

    folder: str
    count: int = 0
    slowest_ac: Timed | None = None
    fastest_tle: Timed | None = None


@dataclass
class Margins:
    limit: float
    ac_to_time_limit: float
    time_limit_to_tle: float
    resolution: float
    folders: list[FolderTimes] = field(default_factory=list)
    t_ac: Timed | None = None  # from accepted/
    t_tle: Timed | None = None  # from time_limit_exceeded/
    problems: list[str] = field(default_factory=list)  # margins the spec asks for that the package misses
    notes: list[str] = field(default_factory=list)
    computed: float | None = None  # the limit the spec's rule gives (None: no multiple of the resolution fits)


def language_factor(result: SubmissionResult, limit: float) -> float:
    """What turns a submission's time into the problem's terms: a language with a ``time_multiplier`` ran
    under ``limit`` x that multiplier (DOMjudge's per-language time factor), so its times count divided by it."""
    own = float(result.limits.get("time") or 0)
    return limit / own if own > 0 and limit > 0 else 1.0


def counted_seconds(result: SubmissionResult, test: TestResult) -> tuple[float, bool]:
    """(seconds, stopped): a test's time as timing counts it -- CPU time, or wall time for a TLE test the wall cap
    stopped under its CPU limit -- and whether it was stopped at the result's ``hard_time`` limit (the overshoot;
    else its ``time`` limit), so that its real time is at least that. In the submission's own terms: multiply by
    ``language_factor`` for the problem's."""
    if test.verdict != Verdict.TLE:
        return test.time, False
    limit = float(result.limits.get("time") or 0)
    hard_limit = float(result.limits.get("hard_time") or limit)
    seconds = test.time if test.time >= limit else max(test.time, test.wall)  # under the CPU limit: the wall cap
    return seconds, hard_limit > 0 and seconds >= hard_limit * STOPPED


def accepted_time(result: SubmissionResult) -> float:
    """An accepted submission's time: its slowest test's CPU time."""
    return max((t.time for t in result.tests), default=0.0)


def tle_time(result: SubmissionResult) -> Timed:
    """A TLE submission's time: its slowest TLE test (``counted_seconds``)."""
    best = Timed(result.submission, 0.0)
    for test in result.tests:
        if test.verdict != Verdict.TLE:
            continue
        seconds, stopped = counted_seconds(result, test)
        if seconds > best.seconds:
            best = Timed(result.submission, seconds, stopped)
    return best


def limit_from(t_ac: float | None, t_tle: float | None, ac: float, tle: float, resolution: float) -> float | None:
    """The smallest multiple of ``resolution`` with t_ac x ac <= it and it x tle <= t_tle (None if there is none)."""
    low = (t_ac or 0.0) * ac
    steps = max(1, math.ceil(round(low / resolution, 9)))
    limit = round(steps * resolution, 9)
    if t_tle is not None and limit * tle > t_tle + 1e-9:
        return None
    return limit


def margins(
    graded: list[tuple[str, SubmissionResult]],
    limit: float,
    ac: float,
    tle: float,
    resolution: float,
    bounds: tuple[Timed | None, Timed | None] | None = None,
) -> Margins:
    """The margins of ``graded`` (each submission's folder and result) against ``limit``. T_ac and T_tle are
    ``bounds`` when given (judge.judging.expectations ``time_bounds``: the submissions and tests the package's
    rules use for the time limit), else the slowest of accepted/ and the fastest of time_limit_exceeded/."""
    found = Margins(limit, ac, tle, resolution)
    folders: dict[str, FolderTimes] = {}
    for folder, result in graded:
        times = folders.setdefault(folder, FolderTimes(folder))
        times.count += 1
        factor = language_factor(result, limit)
        if result.verdict == Verdict.AC:
            seconds = Timed(result.submission, accepted_time(result) * factor)
            if times.slowest_ac is None or seconds.seconds > times.slowest_ac.seconds:
                times.slowest_ac = seconds
        elif result.verdict == Verdict.TLE:
            raw = tle_time(result)
            seconds = Timed(raw.submission, raw.seconds * factor, raw.stopped)
            if times.fastest_tle is None or seconds.seconds < times.fastest_tle.seconds:
                times.fastest_tle = seconds
    found.folders = [folders[name] for name in sorted(folders)]
    if bounds is not None:
        found.t_ac, found.t_tle = bounds
    else:
        found.t_ac = folders["accepted"].slowest_ac if "accepted" in folders else None
        found.t_tle = folders["time_limit_exceeded"].fastest_tle if "time_limit_exceeded" in folders else None
    if found.t_ac is not None and found.t_ac.seconds * ac > limit + 1e-9:
        found.problems.append(
            f"{found.t_ac.submission} takes {found.t_ac.seconds:.3f} s: x {ac:g} (ac_to_time_limit) = "
            f"{found.t_ac.seconds * ac:.3f} s, over the limit of {limit:g} s"
        )
    if found.t_tle is not None and limit * tle > found.t_tle.seconds + 1e-9:
        if found.t_tle.stopped:
            found.notes.append(
                f"{found.t_tle.submission} was stopped at {found.t_tle.seconds:.3f} s, under limit x {tle:g} "
                f"(time_limit_to_tle) = {limit * tle:.3f} s: raise judge.yaml timing.overshoot_factor to measure it"
            )
        else:
            found.problems.append(
                f"{found.t_tle.submission} takes only {found.t_tle.seconds:.3f} s: under limit {limit:g} s x {tle:g} "
                f"(time_limit_to_tle) = {limit * tle:.3f} s"
            )
    t_tle = found.t_tle.seconds if found.t_tle is not None and not found.t_tle.stopped else None  # a lower bound
    found.computed = limit_from(found.t_ac.seconds if found.t_ac else None, t_tle, ac, tle, resolution)
    return found


TIMING_VERDICTS = {"AC", "TLE"}


def timing_only(old_tests: list[dict[str, Any]], new_tests: list[dict[str, Any]]) -> bool:
    """Whether two gradings of one submission differ only on borderline tests between AC and TLE (a "timing"
    change, not a "behaviour" one): every test whose verdict changed was borderline in either grading."""
    old = {t["name"]: t for t in old_tests}
    changed = [(old.get(t["name"]), t) for t in new_tests if (old.get(t["name"]) or {}).get("verdict") != t["verdict"]]
    if not changed or len(old) != len(new_tests):
        return False
    for before, after in changed:
        if before is None or {before["verdict"], after["verdict"]} - TIMING_VERDICTS:
            return False
        if not (before.get("borderline") or after.get("borderline")):
            return False
    return True
