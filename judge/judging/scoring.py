"""Scoring: test groups' scores and verdicts, the problem's score, and which tests need not run.

Pure logic over a problem's group settings and the test results. A passing test scores its group's
``accept_score`` (or what the validator said in score.txt / testlib points), a failing one
``reject_score``. A group aggregates its tests and direct subgroups: ``sum``, ``min``, or ``pass-fail``
(everything or nothing); with ``max_score`` the result is scaled so that a full pass scores exactly it;
``range`` clamps it and ``require_pass`` zeroes it unless the named groups were accepted. The score of a
scoring problem is that of ``secret``.
"""

from judge.inputs.problem import Problem
from judge.inputs.testdata import GroupConfig
from judge.judging.results import GroupResult, TestResult, Verdict


def _parent(name: str) -> str:
    return name.rpartition("/")[0]


def skip_test(problem: Problem, done: list[TestResult], index: int, lazy: bool) -> bool:
    """Whether test ``index`` need not run: after any failure with ``lazy``, or after a failure in a group
    (or a group above it) whose ``on_reject`` is ``break``."""
    failed = [t for t in done if t.verdict != Verdict.AC]
    if not failed:
        return False
    if lazy:
        return True
    group = problem.tests[index].group
    for name in _ancestors(group):
        config = problem.groups.get(name)
        if config and config.on_reject == "break" and any(_within(t.group, name) for t in failed):
            return True
    return False


def _ancestors(group: str) -> list[str]:
    parts = group.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _within(group: str, name: str) -> bool:
    return group == name or group.startswith(name + "/")


def _test_score(config: GroupConfig, result: TestResult | None) -> tuple[float, float]:
    """(score, max) of one test case."""
    if result is None:  # not run
        return config.reject_score, config.accept_score
    if result.score is not None:
        return result.score, max(config.accept_score, result.score)
    return (config.accept_score if result.verdict == Verdict.AC else config.reject_score), config.accept_score


def _aggregate(config: GroupConfig, parts: list[tuple[float, float]], accepted: bool) -> tuple[float, float]:
    if not parts:
        return 0.0, 0.0
    scores, maxima = [p[0] for p in parts], [p[1] for p in parts]
    if config.aggregation == "sum":
        score, best = sum(scores), sum(maxima)
    elif config.aggregation == "min":
        score, best = min(scores), min(maxima)
    else:  # pass-fail: all or nothing
        best = sum(maxima)
        score = best if accepted else 0.0
    if config.max_score is not None:
        score = config.max_score * (score / best if best else float(accepted))
        best = config.max_score
    if config.range is not None:
        low, high = config.range
        score = min(max(score, low), high)
    return score, best


def group_results(problem: Problem, tests: list[TestResult]) -> list[GroupResult]:
    """Every group's verdict and score, parents before their subgroups, in the problem's order."""
    by_name = {t.name: t for t in tests}
    found: dict[str, GroupResult] = {}

    def visit(name: str) -> GroupResult:
        config = problem.groups[name]
        mine = [t for t in problem.tests if t.group == name]
        subgroups = [g for g in problem.groups if _parent(g) == name and g != name]
        inner = [t for t in problem.tests if _within(t.group, name)]
        run = [by_name[t.name] for t in inner if t.name in by_name]
        verdict = next((r.verdict for r in run if r.verdict != Verdict.AC), Verdict.AC if run else None)
        if verdict == Verdict.AC and len(run) < len(inner):
            verdict = None  # some tests did not run
        parts = [_test_score(config, by_name.get(t.name)) for t in mine]
        sub_results = [visit(g) for g in subgroups]
        parts += [(g.score, g.max_score) for g in sub_results]
        score, best = _aggregate(config, parts, verdict == Verdict.AC)
        result = GroupResult(
            name, verdict, round(score, 6), round(best, 6), sum(r.verdict == Verdict.AC for r in run), len(inner)
        )
        found[name] = result
        return result

    for top in (g for g in problem.groups if "/" not in g):
        visit(top)
    for name, result in found.items():
        for required in problem.groups[name].require_pass:
            other = found.get(required) or found.get(f"secret/{required}")
            if other is None or other.verdict != Verdict.AC:
                result.score = 0.0
    return [found[name] for name in problem.groups if name in found]


def problem_score(problem: Problem, groups: list[GroupResult]) -> tuple[float, float] | None:
    """(score, max) of a scoring problem: its secret group's; None for a pass-fail problem."""
    if not problem.scoring:
        return None
    secret = next((g for g in groups if g.name == "secret"), None)
    return (secret.score, secret.max_score) if secret else (0.0, 0.0)
