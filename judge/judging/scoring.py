"""Scoring: test groups' scores and verdicts, the problem's score and verdict, and which tests need not run.

Pure logic over a problem's group settings and the test results. A passing test scores its group's
``accept_score`` (or what the validator said in score.txt / testlib points), a failing one
``reject_score``. A group aggregates its tests and direct subgroups: ``sum``, ``min``, ``avg``, ``max`` or
``pass-fail`` (everything or nothing); with ``max_score`` the result is scaled so that a full pass scores
exactly it; ``range`` clamps it and ``require_pass`` zeroes it unless the named groups were accepted.

Newer formats: a group's verdict is its first failing test's, and a scoring problem's score is that of
``secret``. A legacy scoring package is graded as problemtools' default grader does
(support/default_grader/default_grader; spec legacy.md, "Graders"): each group hands its children's
(verdict, score), tests and subgroups in order, to the grader with its ``grader_flags``; the root ``data/``
group grades ``sample`` and ``secret`` the same way, and its verdict is the problem's. A score that comes
with a rejection is ignored ("for non-Accepted results on scoring problems, the score provided by the
grader will always be ignored"), so the problem then scores 0.
"""

from typing import NamedTuple

from judge.inputs.problem import Problem
from judge.inputs.testdata import ROOT, GraderFlags, GroupConfig, TestCase
from judge.judging.results import GroupResult, TestResult, Verdict

# problemtools' worst_error order is JE, IF, RTE, MLE, TLE, OLE, WA, PE, AC. We never produce IF (input
# validation failure) or PE (presentation errors are wrong answers here); CE never reaches a test.
WORST_FIRST = (Verdict.JE, Verdict.RTE, Verdict.MLE, Verdict.TLE, Verdict.OLE, Verdict.WA, Verdict.AC)

Graded = tuple[Verdict, float]  # one line of the grader's input or output: a verdict and a score


def grade_verdict(flags: GraderFlags, verdicts: list[Verdict]) -> Verdict:
    """The default grader's verdict for ``verdicts`` (the children's, in order)."""
    if flags.accept_if_any_accepted and Verdict.AC in verdicts:
        return Verdict.AC
    if flags.verdict_mode == "always_accept":
        return Verdict.AC
    if flags.verdict_mode == "first_error":
        return next((v for v in verdicts if v != Verdict.AC), Verdict.AC)
    return min([*verdicts, Verdict.AC], key=lambda v: WORST_FIRST.index(v) if v in WORST_FIRST else 0)


def aggregate_scores(mode: str, scores: list[float]) -> float:
    """``sum``, ``avg``, ``min`` or ``max`` of ``scores``; 0 for none (problemtools grades no results as 0)."""
    if not scores:
        return 0.0
    if mode == "avg":
        return sum(scores) / len(scores)
    if mode == "min":
        return min(scores)
    if mode == "max":
        return max(scores)
    return float(sum(scores))


def default_grader(flags: GraderFlags, children: list[Graded], *, root: bool = False) -> Graded:
    """problemtools' default grader over one group's children: a judge error anywhere is the group's (as
    problemtools decides before the grader runs); ``ignore_sample`` (the root only) keeps the last child."""
    if root and flags.ignore_sample:
        children = children[-1:]
    if any(verdict == Verdict.JE for verdict, _ in children):
        return Verdict.JE, 0.0
    verdict = grade_verdict(flags, [v for v, _ in children])
    return verdict, aggregate_scores(flags.score_mode or "sum", [s for _, s in children])


def _parent(name: str) -> str:
    return name.rpartition("/")[0]


def _within(group: str, name: str) -> bool:
    return name == ROOT or group == name or group.startswith(name + "/")


def _ancestors(group: str) -> list[str]:
    parts = group.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _legacy(problem: Problem) -> GraderFlags | None:
    """The root's grader flags when the problem is a legacy scoring problem (graded by grader_flags)."""
    root = problem.groups.get(ROOT)
    return root.grader if problem.scoring and root is not None else None


def _children(problem: Problem, name: str) -> list[TestCase | str]:
    """Group ``name``'s tests and subgroups (by name) in the package's order."""
    found: list[TestCase | str] = []
    depth = 0 if name == ROOT else name.count("/") + 1
    for test in problem.tests:
        if test.group == name:
            found.append(test)
        elif _within(test.group, name):
            child = "/".join(test.group.split("/")[: depth + 1])
            if child not in found:
                found.append(child)
    return found


def _child_verdict(problem: Problem, name: str, by_name: dict[str, TestResult]) -> Verdict | None:
    """The verdict of a (finished) subgroup from the results so far: the grader's in a legacy scoring
    problem, else its first failing test's."""
    if _legacy(problem) is not None:
        return _legacy_group(problem, name, by_name, {}).verdict
    inner = [by_name[t.name] for t in problem.tests if _within(t.group, name) and t.name in by_name]
    return next((r.verdict for r in inner if r.verdict != Verdict.AC), Verdict.AC if inner else None)


def skip_test(problem: Problem, done: list[TestResult], index: int, *, lazy: bool) -> bool:
    """Whether test ``index`` need not run: after any failure with ``lazy``, or once a group (or a group
    above it) whose ``on_reject`` is ``break`` has a rejected child before this test: a failed test, or a
    finished subgroup whose verdict is a rejection (problemtools' TestCaseGroup.run_submission). The root
    never breaks: ``sample`` and ``secret`` both run, so the table is complete."""
    if all(t.verdict == Verdict.AC for t in done):
        return False
    if lazy:
        return True
    by_name = {t.name: t for t in done}
    test = problem.tests[index]
    for name in _ancestors(test.group):
        config = problem.groups.get(name)
        if config is None or config.on_reject != "break":
            continue
        for child in _children(problem, name):
            if isinstance(child, TestCase):
                result = by_name.get(child.name)
                if result is not None and result.verdict != Verdict.AC:
                    return True
            elif not _within(test.group, child):
                verdict = _child_verdict(problem, child, by_name)
                if verdict not in (None, Verdict.AC):
                    return True
    return False


def _test_score(config: GroupConfig, result: TestResult | None) -> tuple[float, float]:
    """(score, max) of one test case."""
    if result is None:  # not run
        return config.reject_score, config.accept_score
    if result.score is not None:
        return result.score, max(config.accept_score, result.score)
    return (config.accept_score if result.verdict == Verdict.AC else config.reject_score), config.accept_score


def _aggregate(
    config: GroupConfig, scores: list[float], maxima: list[float], *, accepted: bool, clamp_max: bool = False
) -> tuple[float, float]:
    if not maxima:
        return 0.0, 0.0
    if config.aggregation == "pass-fail":  # all or nothing
        best = sum(maxima)
        score = best if accepted else 0.0
    else:
        score, best = aggregate_scores(config.aggregation, scores), aggregate_scores(config.aggregation, maxima)
    if config.max_score is not None:
        score = config.max_score * (score / best if best else float(accepted))
        best = config.max_score
    if config.range is not None:
        low, high = config.range
        score = min(max(score, low), high)
        if clamp_max:
            best = min(max(best, low), high)
    return score, best


def _legacy_group(
    problem: Problem, name: str, by_name: dict[str, TestResult], found: dict[str, GroupResult]
) -> GroupResult:
    """A legacy scoring problem's group graded by its grader flags over the children that ran (a subgroup
    none of whose tests ran was never reached, as after on_reject: break). Its verdict is None when the
    grader accepts although some tests did not run and none was rejected (the result is incomplete)."""
    config = problem.groups[name]
    assert config.grader is not None
    ran: list[Graded] = []
    maxima: list[float] = []
    rejected = False
    for child in _children(problem, name):
        if isinstance(child, TestCase):
            result = by_name.get(child.name)
            score, best = _test_score(config, result)
            if result is not None:
                ran.append((result.verdict, score))
                rejected |= result.verdict != Verdict.AC
        else:
            sub = _legacy_group(problem, child, by_name, found)
            best = sub.max_score
            if sub.verdict is not None:
                ran.append((sub.verdict, sub.score))
                rejected |= sub.verdict != Verdict.AC
        maxima.append(best)
    inner = [t for t in problem.tests if _within(t.group, name)]
    run = [t for t in inner if t.name in by_name]
    verdict: Verdict | None = None
    if ran:
        verdict, _ = default_grader(config.grader, ran, root=name == ROOT)
        if verdict == Verdict.AC and len(run) < len(inner) and not rejected:
            verdict = None
    if name == ROOT and config.grader.ignore_sample:
        ran, maxima = ran[-1:], maxima[-1:]
    score, best = _aggregate(config, [s for _, s in ran], maxima, accepted=verdict == Verdict.AC, clamp_max=True)
    passed = sum(by_name[t.name].verdict == Verdict.AC for t in run)
    group = GroupResult(name, verdict, round(score, 6), round(best, 6), passed, len(inner))
    found[name] = group
    return group


def _new_group(problem: Problem, name: str, by_name: dict[str, TestResult], found: dict[str, GroupResult]) -> None:
    config = problem.groups[name]
    inner = [t for t in problem.tests if _within(t.group, name)]
    run = [by_name[t.name] for t in inner if t.name in by_name]
    verdict = next((r.verdict for r in run if r.verdict != Verdict.AC), Verdict.AC if run else None)
    if verdict == Verdict.AC and len(run) < len(inner):
        verdict = None  # some tests did not run
    parts = [_test_score(config, by_name.get(t.name)) for t in problem.tests if t.group == name]
    for sub in (g for g in problem.groups if g != ROOT and _parent(g) == name and g != name):
        _new_group(problem, sub, by_name, found)
        parts.append((found[sub].score, found[sub].max_score))
    score, best = _aggregate(config, [p[0] for p in parts], [p[1] for p in parts], accepted=verdict == Verdict.AC)
    found[name] = GroupResult(
        name, verdict, round(score, 6), round(best, 6), sum(r.verdict == Verdict.AC for r in run), len(inner)
    )


def _all_groups(problem: Problem, tests: list[TestResult]) -> dict[str, GroupResult]:
    by_name = {t.name: t for t in tests}
    found: dict[str, GroupResult] = {}
    if _legacy(problem) is not None:
        _legacy_group(problem, ROOT, by_name, found)
    else:
        for top in (g for g in problem.groups if g != ROOT and "/" not in g):
            _new_group(problem, top, by_name, found)
    for name, result in found.items():
        for required in problem.groups[name].require_pass:
            other = found.get(required) or found.get(f"secret/{required}")
            if other is None or other.verdict != Verdict.AC:
                result.score = 0.0
    return found


def group_results(problem: Problem, tests: list[TestResult]) -> list[GroupResult]:
    """Every group's verdict and score (not the root's), parents before their subgroups, in the problem's order."""
    found = _all_groups(problem, tests)
    return [found[name] for name in problem.groups if name != ROOT and name in found]


def _root(problem: Problem, groups: list[GroupResult]) -> GroupResult | None:
    """A legacy scoring problem's root: its grader over the ``sample`` and ``secret`` results."""
    flags = _legacy(problem)
    if flags is None:
        return None
    config = problem.groups[ROOT]
    tops = [g for g in groups if "/" not in g.name]
    ran = [(g.verdict, g.score) for g in tops if g.verdict is not None]
    maxima = [g.max_score for g in tops]
    if flags.ignore_sample:
        maxima = maxima[-1:]
    verdict: Verdict | None = None
    if ran and len(ran) == len(tops):  # a top group with no verdict: the result is incomplete
        verdict, _ = default_grader(flags, ran, root=True)
    if flags.ignore_sample:
        ran = ran[-1:]
    score, best = _aggregate(config, [s for _, s in ran], maxima, accepted=verdict == Verdict.AC, clamp_max=True)
    return GroupResult(ROOT, verdict, score, best, 0, len(problem.tests))


class ProblemScore(NamedTuple):
    """A scoring problem's own score and the most it could have been."""

    score: float
    maximum: float


def problem_score(problem: Problem, groups: list[GroupResult]) -> ProblemScore | None:
    """The score of a scoring problem, None for a pass-fail problem. Newer formats: its secret group's.
    A legacy package: its root's, and 0 unless the root's verdict is AC."""
    if not problem.scoring:
        return None
    root = _root(problem, groups)
    if root is not None:
        return ProblemScore(round(root.score, 6) if root.verdict == Verdict.AC else 0.0, round(root.max_score, 6))
    secret = next((g for g in groups if g.name == "secret"), None)
    return ProblemScore(secret.score, secret.max_score) if secret else ProblemScore(0.0, 0.0)


def problem_verdict(problem: Problem, groups: list[GroupResult]) -> Verdict | None:
    """The verdict the package's own grading rules give a legacy scoring problem: the root's grader over
    ``sample`` and ``secret`` (so ``accept_if_any_accepted`` makes a partial solution AC). None when those
    rules do not decide it (newer formats, pass-fail problems, an incomplete result): then the first failing
    test decides."""
    root = _root(problem, groups)
    return root.verdict if root is not None else None
