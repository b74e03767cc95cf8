"""What a package's own submission must do (spec 2025-09 "Example submissions"), as pure rules.

``expectation_for`` gathers the rules that apply to one submission: its folder's default (judge.inputs.submissionsyaml
``default_rules``; a bare folder key of submissions.yaml changes it), every submissions.yaml entry whose glob matches
it, and, in a folder without a default, DOMjudge's ``@EXPECTED_RESULTS@`` tag. ``unmet`` checks them against the
graded tests: every test a rule is about has a verdict in ``permitted``; one has a verdict in ``required``; the score
(the submission's, or the group's a test-group key names) lies in ``score``; ``message`` is a substring of some test's
judgemessage; a tag's verdicts include the submission's. ``use_for_time_limit: lower`` adds ``permitted [AC, WA, RTE]``
and ``upper`` adds ``required [TLE]`` (spec "Timelimit inference"). ``conflicts`` finds rules that can never hold
together ("two disjoint permitted sets are never applied to a single (submission, testcase) pair"), and
``time_limit_use`` which tests bound the time limit from below and from above.

Tests not run (a submission stopped at its first failure) are left out: a requirement is checked on those that ran.
A submission that got no test results (CE, or JE before its tests) counts as that verdict on every test.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from judge.inputs.findings import Finding
from judge.inputs.submissionsyaml import Rule, SubmissionsYaml, with_defaults
from judge.judging.margins import counted_seconds, language_factor, limit_from
from judge.judging.results import SubmissionResult, TestResult

# The judge's finer verdicts as the spec's four: memory and output limits are crashes.
AS_SPEC = {"MLE": "RTE", "OLE": "RTE"}
LOWER = frozenset({"AC", "WA", "RTE"})  # use_for_time_limit: lower
UPPER = frozenset({"TLE"})  # use_for_time_limit: upper
EPSILON = 1e-6
PART = "submissions"  # the findings' part (judge.inputs.findings)
NO_TESTS = "(every test)"  # what a submission without test results is named by when no test names are given


def allows(verdicts: frozenset[str], verdict: str) -> bool:
    """Whether a verdict set (spec names, or the judge's own in its folders) holds ``verdict``."""
    return verdict in verdicts or AS_SPEC.get(verdict, verdict) in verdicts


@dataclass(frozen=True)
class Expectation:
    """Everything the package asks of one submission."""

    submission: str  # its path under submissions/
    rules: tuple[Rule, ...]
    language: str | None = None
    entrypoint: str | None = None
    authors: tuple[str, ...] = ()
    model_solution: bool = False
    notes: tuple[str, ...] = ()  # entries that disagree on its language or entry point

    @property
    def covered(self) -> bool:
        """Whether anything is asked of it (a file in a folder without default, tag or matching glob is not)."""
        return bool(self.rules)


def expectation_for(
    submission: str, spec: SubmissionsYaml, defaults: dict[str, Rule], tag: frozenset[str] | None = None
) -> Expectation:
    """The rules for ``submission`` (its path under submissions/), from its folder's default, every matching entry
    of ``spec`` and, in a folder without a default, its ``@EXPECTED_RESULTS@`` ``tag``."""
    folder = submission.split("/")[0]
    default = defaults.get(folder)
    rules: list[Rule] = []
    language: str | None = None
    entrypoint: str | None = None
    authors: tuple[str, ...] = ()
    model, notes = False, []
    for entry in spec.entries:
        if not entry.glob.matches(submission):
            continue
        own, *groups = entry.rules
        if default is not None and entry.glob.text.rstrip("/") == folder:
            default = with_defaults(default, own)  # spec "Default directories": the bare folder key changes it
        elif own.given():
            rules.append(own)
        rules.extend(groups)
        metadata = (("language", entry.language, language), ("entrypoint", entry.entrypoint, entrypoint))
        notes += _disagreements(entry.glob.text, metadata)
        language = entry.language or language
        entrypoint = entry.entrypoint or entrypoint
        authors = entry.authors or authors
        model = model or entry.model_solution
    if default is not None:
        rules.insert(0, default)
    elif tag is not None:
        rules.insert(0, Rule(f"@EXPECTED_RESULTS@ in {submission}", final=tag))
    return Expectation(submission, tuple(rules), language, entrypoint, authors, model, tuple(notes))


def _disagreements(glob: str, pairs: tuple[tuple[str, str | None, str | None], ...]) -> list[str]:
    """A note for each (key, this entry's value, an earlier entry's) that differ: the later entry wins."""
    return [
        f"{glob!r} gives {key} {value!r}, an earlier entry {kept!r}: {value!r} is used"
        for key, value, kept in pairs
        if value is not None and kept is not None and value != kept
    ]


@dataclass(frozen=True)
class GradedTest:
    """One graded test, as the expectation rules see it."""

    name: str  # relative to data/, without .in: "secret/group1/03"
    verdict: str
    time: float = 0.0  # seconds as timing counts them (judge.judging.margins ``counted_seconds``)
    message: str = ""  # the output validator's judgemessage
    stopped: bool = False  # stopped at its hard limit: the real time is at least ``time``


@dataclass(frozen=True)
class Graded:
    """What grading told of one submission."""

    verdict: str  # the submission's verdict
    tests: tuple[GradedTest, ...]  # the tests that ran
    score: float | None = None  # a scoring problem's score
    max_score: float | None = None
    group_scores: tuple[tuple[str, float], ...] = ()  # (group name, its aggregated score)
    not_run: int = 0  # tests left out (stopped at the first failure)


def constraints(rule: Rule) -> list[Rule]:
    """``rule`` and the requirements its ``use_for_time_limit`` adds (spec "Timelimit inference": lower is a
    ``permitted: [AC, WA, RTE]`` constraint, upper a ``required: [TLE]`` one)."""
    found = [rule]
    if rule.use_for_time_limit == "lower":
        found.append(Rule(f"{rule.source} use_for_time_limit: lower", tests=rule.tests, permitted=LOWER))
    elif rule.use_for_time_limit == "upper":
        found.append(Rule(f"{rule.source} use_for_time_limit: upper", tests=rule.tests, required=UPPER))
    return found


def _scope(rule: Rule, tests: Sequence[GradedTest]) -> list[GradedTest]:
    return [t for t in tests if rule.tests is None or rule.tests.matches(t.name)]


def _about(rule: Rule) -> str:
    return f" in {rule.tests.text}" if rule.tests is not None else ""


def _tests_of(graded: Graded, names: Sequence[str]) -> tuple[GradedTest, ...]:
    """The graded tests; a submission with none (CE, JE) counts as its verdict on every test in ``names``."""
    if graded.tests or graded.verdict not in ("CE", "JE"):
        return graded.tests
    return tuple(GradedTest(name, graded.verdict) for name in names or [NO_TESTS])


def _score_unmet(rule: Rule, graded: Graded) -> str | None:
    assert rule.score is not None
    low, high = rule.score
    if rule.tests is None:
        scores = [("the score", graded.score)]
    else:
        scores = [(f"group {name}'s score", s) for name, s in graded.group_scores if rule.tests.names(name)]
        if not scores:
            return f"no group named {rule.tests.text!r} has a score ({rule.source})"
    for what, score in scores:
        if score is None:
            return f"no score to compare with {low:g}..{high:g} ({rule.source})"
        if not low - EPSILON * max(1.0, abs(low)) <= score <= high + EPSILON * max(1.0, abs(high)):
            wanted = f"{low:g}" if low == high else f"{low:g}..{high:g}"
            return f"{what} {score:g} is not {wanted} ({rule.source})"
    return None


def _rule_unmet(rule: Rule, graded: Graded, tests: Sequence[GradedTest]) -> list[str]:
    scope = _scope(rule, tests)
    problems = []
    if rule.permitted is not None:
        bad = [t for t in scope if not allows(rule.permitted, t.verdict)]
        if bad:
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            problems.append(
                f"{bad[0].name} got {bad[0].verdict}{more}, permitted {', '.join(sorted(rule.permitted))} "
                f"({rule.source})"
            )
    if rule.required is not None and not any(allows(rule.required, t.verdict) for t in scope):
        ran = f" of the {len(scope)} that ran" if graded.not_run else ""
        problems.append(
            f"no test{_about(rule)}{ran} got {' or '.join(sorted(rule.required))} (required by {rule.source})"
        )
    if rule.score is not None:
        unmet = _score_unmet(rule, graded)
        if unmet:
            problems.append(unmet)
    if rule.message is not None and not any(rule.message in t.message for t in scope):
        problems.append(f"no judgemessage{_about(rule)} contains {rule.message!r} ({rule.source})")
    if rule.final is not None and not allows(rule.final, graded.verdict):
        problems.append(f"got {graded.verdict}, expected {' or '.join(sorted(rule.final))} ({rule.source})")
    if rule.partial:
        problems.extend(_partial_unmet(graded))
    return problems


def _partial_unmet(graded: Graded) -> list[str]:
    """Legacy ``partially_accepted``: a score above 0 and under the maximum (a pass-fail problem: not accepted)."""
    if graded.score is None or graded.max_score is None:
        return ["accepted, expected a rejection"] if graded.verdict == "AC" else []
    if not 0 < graded.score < graded.max_score:
        return [f"score {graded.score:g}/{graded.max_score:g} is not partial"]
    return []


def unmet(expectation: Expectation, graded: Graded, test_names: Sequence[str] = ()) -> list[str]:
    """Each requirement of ``expectation`` that ``graded`` misses, one line each (empty: the submission is fine).
    ``test_names``: every test of the package, for a submission that got no test results."""
    tests = _tests_of(graded, test_names)
    return [
        line for rule in expectation.rules for part in constraints(rule) for line in _rule_unmet(part, graded, tests)
    ]


def conflicts(expectation: Expectation, test_names: Sequence[str], *, scoring: bool) -> list[str]:
    """Rules of ``expectation`` that can never hold on the package's tests ``test_names``: a test no verdict is
    permitted on, a required set no permitted test can give, a glob over tests that matches none, a score on a
    pass-fail problem, a rule used for both bounds of the time limit."""
    found: list[str] = []
    parts = [part for rule in expectation.rules for part in constraints(rule)]
    allowed: dict[str, frozenset[str]] = {}
    for name in test_names:
        verdicts = frozenset({"AC", "WA", "TLE", "RTE", "MLE", "OLE", "CE"})
        for part in parts:
            if part.permitted is not None and (part.tests is None or part.tests.matches(name)):
                verdicts = frozenset(v for v in verdicts if allows(part.permitted, v))
        allowed[name] = verdicts
    empty = [name for name, verdicts in allowed.items() if not verdicts]
    if empty:
        found.append(f"no verdict is permitted on {empty[0]}: its permitted sets have none in common")
    for rule in expectation.rules:
        scope = [n for n in test_names if rule.tests is None or rule.tests.matches(n)]
        if rule.tests is not None and not scope:
            found.append(f"{rule.tests.text!r} matches no test case ({rule.source})")
            continue
        for part in constraints(rule):
            if (
                part.required is not None
                and scope
                and not any(allows(part.required, v) for n in scope for v in allowed[n])
            ):
                found.append(f"required {', '.join(sorted(part.required))} is never permitted ({part.source})")
        if rule.score is not None and not scoring:
            found.append(f"'score' on a pass-fail problem ({rule.source})")
        lower, upper = _bounds(rule)
        if lower and upper:
            found.append(f"used for both the lower and the upper bound of the time limit ({rule.source})")
    return found


def _bounds(rule: Rule) -> tuple[bool, bool]:
    """Whether ``rule`` bounds the time limit from below and from above (spec "Timelimit inference"): below when it
    permits no TLE (or says lower), above when it requires exactly TLE (or says upper); false opts out. A rule on
    the submission's verdict (legacy folders, DOMjudge tags) bounds it when that is AC (below) or TLE (above)."""
    use = rule.use_for_time_limit
    if use is False:
        return False, False
    lower = use == "lower" or (rule.permitted is not None and "TLE" not in rule.permitted) or rule.final == {"AC"}
    upper = use == "upper" or rule.required == UPPER or rule.final == UPPER
    return lower, upper


def bounds_time_limit(expectation: Expectation) -> bool:
    """Whether some rule of the submission bounds the time limit, on any test."""
    return any(any(_bounds(rule)) for rule in expectation.rules)


@dataclass(frozen=True)
class TimeUse:
    """The tests of one submission that bound the time limit: T x ac_to_time_limit <= limit for the slowest of
    ``lower`` and limit x time_limit_to_tle <= T for the slowest of ``upper``."""

    lower: tuple[str, ...] = ()
    upper: tuple[str, ...] = ()


def time_limit_use(expectation: Expectation, test_names: Sequence[str]) -> TimeUse:
    """Which tests of the submission bound the time limit, by each rule that applies to them."""
    lower: set[str] = set()
    upper: set[str] = set()
    for rule in expectation.rules:
        low, high = _bounds(rule)
        scope = {n for n in test_names if rule.tests is None or rule.tests.matches(n)}
        if low:
            lower |= scope
        if high:
            upper |= scope
    order = {name: index for index, name in enumerate(test_names)}
    return TimeUse(tuple(sorted(lower, key=order.__getitem__)), tuple(sorted(upper, key=order.__getitem__)))


@dataclass(frozen=True)
class TimeBounds:
    """The slowest run times that bound the time limit (spec "Timelimit inference"): ``t_low`` x ac_to_time_limit <=
    limit (``low_by`` ran it), limit x time_limit_to_tle <= ``t_high`` (``high_by``; None: no upper bound)."""

    t_low: float | None = None
    low_by: str = ""
    t_high: float | None = None
    high_by: str = ""
    high_stopped: bool = False  # t_high's test was stopped at its hard limit: T_tle is at least t_high

    def limit(self, ac_to_time_limit: float, time_limit_to_tle: float, resolution: float) -> float | None:
        """The smallest multiple of ``resolution`` both bounds allow (None: none does), as judge.judging.margins
        computes it from the folders."""
        return limit_from(self.t_low, self.t_high, ac_to_time_limit, time_limit_to_tle, resolution)


def time_bounds(used: Sequence[tuple[str, TimeUse, Graded]]) -> TimeBounds:
    """The bounds from each submission's ``TimeUse`` and graded tests: T is the slowest run time over the tests a
    rule applies to; the largest such T bounds from below, the smallest from above."""
    bounds = TimeBounds()
    for submission, use, graded in used:
        times = {t.name: (t.time, t.stopped) for t in graded.tests}
        slow_low = max((times[n][0] for n in use.lower if n in times), default=None)
        if slow_low is not None and (bounds.t_low is None or slow_low > bounds.t_low):
            bounds = replace(bounds, t_low=slow_low, low_by=submission)
        slow_high = max((times[n] for n in use.upper if n in times), default=None)
        if slow_high is not None and (bounds.t_high is None or slow_high[0] < bounds.t_high):
            bounds = replace(bounds, t_high=slow_high[0], high_by=submission, high_stopped=slow_high[1])
    return bounds


def static_findings(
    spec: SubmissionsYaml,
    submissions: Sequence[str],
    test_names: Sequence[str],
    defaults: dict[str, Rule],
    tags: dict[str, frozenset[str]],
    *,
    scoring: bool,
) -> list[Finding]:
    """What submissions.yaml and the folders ask that can be told without running anything: rules that can never hold
    together, submissions nothing is asked of, entries that match no submission, disagreeing metadata, and no
    submission bounding the time limit from below (spec "Timelimit inference": at least one must)."""
    where = "submissions/submissions.yaml"
    found: list[Finding] = []
    lower = False
    for sub in submissions:
        expectation = expectation_for(sub, spec, defaults, tags.get(sub))
        path = f"submissions/{sub}"
        if not expectation.covered:
            found.append(Finding.warning(PART, path, "no folder default, submissions.yaml entry or tag: not checked"))
        found += [Finding.error(PART, path, line) for line in conflicts(expectation, test_names, scoring=scoring)]
        found += [Finding.warning(PART, path, note) for note in expectation.notes]
        lower = lower or bool(time_limit_use(expectation, test_names).lower)
    for entry in spec.entries:
        if not any(entry.glob.matches(sub) for sub in submissions):
            found.append(Finding.warning(PART, where, f"{entry.glob.text!r} matches no submission"))
    if submissions and not lower:
        found.append(Finding.error(PART, "submissions", "no submission bounds the time limit from below"))
    return found


def graded_from_result(result: SubmissionResult, problem_limit: float = 0.0) -> Graded:
    """A grading as the expectation rules read it (for judge.batch.packagecheck): each test's verdict, time (as
    timing counts it, in terms of ``problem_limit``: the language's time multiplier divided out) and message (the
    validator's judgemessage as the result keeps it: its first line), the scores of a scoring problem and its
    groups, and how many tests were not run."""
    scoring = result.problem_max is not None
    factor = language_factor(result, problem_limit)

    def graded(test: TestResult) -> GradedTest:
        seconds, stopped = counted_seconds(result, test)
        return GradedTest(test.name, str(test.verdict), seconds * factor, test.message, stopped)

    return Graded(
        str(result.verdict),
        tuple(graded(t) for t in result.tests),
        score=result.score if scoring else None,
        max_score=result.max_score if scoring else None,
        group_scores=tuple((g.name, g.score) for g in result.groups) if scoring else (),
        not_run=len(result.skipped),
    )
