"""Checking a problem package with its own submissions (the problemtools ``verifyproblem`` idea).

Grades every submission (each file or folder in a folder of ``submissions/``; in parallel, like a rescore) and
reports which misses what the package asks of it: its folder's default, every matching ``submissions.yaml`` entry,
a DOMjudge tag (judge.batch.verifier ``submission_rules``, judge.judging.expectations ``unmet``). Then the time
margins (judge.judging.margins): the slowest accepted and fastest TLE submission against the limit and the
multipliers the spec asks for, the limit the spec's rule computes from both, and ``write_limit`` to keep it
(problem.yaml ``limits.time_limit`` for 2023-07 and later packages; ``.timelimit``, as DOMjudge keeps it, for legacy
ones, whose problem.yaml has no such key).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import yaml

from judge.batch.rescore import LocalExecutor, plan
from judge.batch.verifier import submission_rules, wanted
from judge.errors import JudgeInputError
from judge.grading.timelimit import package_submissions
from judge.inputs.findings import Finding
from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.settings import Settings
from judge.inputs.submissions import Batch, Submission
from judge.inputs.submissionsyaml import Rule
from judge.judging.expectations import Expectation, graded_from_result, time_bounds, time_limit_use, unmet
from judge.judging.margins import Margins, Timed, margins
from judge.judging.results import SubmissionResult
from judge.sandbox.engine import Engine


@dataclass
class CheckRow:
    submission: str
    expected: str
    result: SubmissionResult
    ok: bool
    why: str = ""
    expectation: Expectation | None = None  # what was asked of it (its rules bound the time limit or not)


def with_metadata(sub: Submission, expectation: Expectation) -> Submission:
    """``sub`` with the language and entry point submissions.yaml gives it (the last matching entry wins)."""
    if expectation.language:
        sub = replace(sub, language=expectation.language)
    if expectation.entrypoint:
        sub = replace(sub, entrypoint=expectation.entrypoint)
    return sub


def _expected(sub: Submission, expectation: Expectation) -> str:
    """What the row says is expected: the folder's verdict, else the first rule's verdicts (``RTE|TLE``)."""
    if sub.expected:
        return sub.expected
    first = expectation.rules[0]
    wanted = first.final or first.required or first.permitted or frozenset()
    return "|".join(sorted(wanted)) or "?"


def judge_row(sub: Submission, result: SubmissionResult, expectation: Expectation, tests: Sequence[str]) -> CheckRow:
    """The submission's row: every requirement of its expectation it misses (judge.judging.expectations ``unmet``)."""
    problems = unmet(expectation, graded_from_result(result), tests)
    return CheckRow(sub.id, _expected(sub, expectation), result, not problems, "; ".join(problems), expectation)


def _decided_by_a_failure(rule: Rule) -> bool:
    """Whether the rule holds or fails with the submission's first failing test: it asks for a rejection (a required
    or final verdict set without AC) and nothing of scores, messages or particular tests."""
    if rule.tests is not None or rule.score is not None or rule.message is not None or rule.partial:
        return False
    wanted = rule.final if rule.final is not None else rule.required
    return wanted is not None and "AC" not in wanted


def stops_at_first_failure(problem: Problem, expectation: Expectation, *, ruled: bool) -> bool:
    """Whether the submission's first failing test decides its check, so that the tests after it need not run (as
    BAPCtools stops a submission at its first failure unless asked for all): on a pass-fail problem, every rule is
    its folder's (or its tag's; ``ruled``: a submissions.yaml entry matches it) and asks for a rejection. The
    ``permitted`` verdicts of the tests after the failure are then not checked (judge.judging.expectations checks
    the tests that ran). Accepted submissions run every test (their slowest test sets the time margin), and so does
    every submission of a scoring problem (its score and verdict come from every test)."""
    if problem.scoring or ruled or not expectation.rules:
        return False
    return all(_decided_by_a_failure(rule) for rule in expectation.rules)


@dataclass(frozen=True)
class CheckOptions:
    """How to check a package, beyond the package and the judge's settings."""

    jobs: int = 1  # submissions graded at once
    every_test: bool = False  # a submission expected to be rejected runs every test, not up to its first failure
    on_total: Callable[[int], None] | None = None  # told how many submissions will be graded
    on_row: Callable[[CheckRow], None] | None = None  # told each row as it is judged
    submission_filter: re.Pattern[str] | None = None  # -s: the submissions whose path under submissions/ it matches
    test_filter: re.Pattern[str] | None = None  # -d: the tests whose name (relative to data/) it matches
    select: Callable[[Expectation], bool] | None = None  # only the submissions this keeps (--only timing)


def filtered_tests(problem: Problem, test_filter: re.Pattern[str] | None) -> Problem:
    """``problem`` with the tests ``-d`` keeps (a JudgeInputError when it keeps none)."""
    if test_filter is None:
        return problem
    tests = tuple(test for test in problem.tests if wanted(test.name, test_filter))
    if not tests:
        raise JudgeInputError(f"-d {test_filter.pattern!r}: no test of {problem.path / 'data'} matches")
    return replace(problem, tests=tests)


def check_package(
    problem: Problem,
    settings: Settings,
    client: Engine,
    languages: dict[str, Language],
    options: CheckOptions = CheckOptions(),
) -> tuple[list[CheckRow], list[str]]:
    """Grade every submission of the package; (rows in submission order, files skipped and why). A submission
    expected to be rejected stops at its first failing test (``stops_at_first_failure``) unless
    ``options.every_test``."""
    on_row, on_total = options.on_row, options.on_total
    subs, skipped = package_submissions(problem, languages)
    if not subs:
        raise JudgeInputError(f"{problem.path / 'submissions'}: no submissions in verdict folders to check")
    rules = submission_rules(problem.path, [sub.id for sub in subs])
    expectations = {sub.id: rules.expectation(sub.id) for sub in subs}
    for sub in subs:
        if not expectations[sub.id].covered:
            skipped.append(f"{sub.id}: nothing is asked of it (no folder default, submissions.yaml entry or tag)")
    subs = [with_metadata(sub, expectations[sub.id]) for sub in subs if expectations[sub.id].covered]
    if not subs:
        raise JudgeInputError(f"{problem.path / 'submissions'}: no submission has anything asked of it")
    subs = [sub for sub in subs if wanted(sub.id, options.submission_filter)]
    if options.select is not None:
        subs = [sub for sub in subs if options.select(expectations[sub.id])]
    if not subs:
        raise JudgeInputError(f"{problem.path / 'submissions'}: no submission to grade passes the filters")
    problem = filtered_tests(problem, options.test_filter)
    tests = [test.name for test in problem.tests]
    work, left_out = plan(Batch(subs, {subs[0].problem: str(problem.path)}, []), settings, languages, client)
    if options.test_filter is not None:  # plan loads the package again: its jobs grade the tests -d keeps
        work = [replace(job, problem=replace(job.problem, tests=problem.tests)) for job in work]
    rows: list[CheckRow] = []
    if on_total:
        on_total(len(work))

    def done(job: Any, result: SubmissionResult) -> None:
        row = judge_row(job.sub, result, expectations[job.sub.id], tests)
        rows.append(row)
        if on_row:
            on_row(row)

    # a TLE submission runs on past the limit far enough to tell whether it keeps the spec's margin
    timing = settings.timing
    overshoot = max(timing.overshoot_factor, problem.limits.time_limit_to_tle - 1 + 0.1)
    measuring = replace(settings, timing=replace(timing, overshoot_factor=overshoot))

    def lazy(job: Any) -> bool:
        return stops_at_first_failure(problem, expectations[job.sub.id], ruled=rules.ruled(job.sub.id))

    LocalExecutor(measuring, client, options.jobs, lazy=None if options.every_test else lazy).run(work, done)
    return sorted(rows, key=lambda row: row.submission), skipped + left_out


def row_summary(row: CheckRow) -> dict[str, Any]:
    r = row.result
    return {
        "submission": row.submission,
        "expected": row.expected,
        "verdict": str(r.verdict),
        "score": r.score,
        "max_score": r.max_score,
        "time": round(max((t.time for t in r.tests), default=0.0), 3),
        "not_run": len(r.skipped),  # tests after a decisive failure
        "ok": row.ok,
        "why": row.why,
    }


def row_findings(rows: Sequence[CheckRow]) -> list[Finding]:
    """Each submission that misses what is asked of it, as an error of part submissions naming its file."""
    return [Finding.error("submissions", f"submissions/{row.submission}", row.why) for row in rows if not row.ok]


def margin_findings(found: Margins) -> list[Finding]:
    """The margins the spec asks for that the package misses, as errors of part timing."""
    return [Finding.error("timing", "submissions", problem) for problem in found.problems]


def package_margins(problem: Problem, rows: list[CheckRow]) -> Margins:
    """The time margins of the package's submissions against its limit (spec 2025-09 "Problem timing"): T_ac and
    T_tle from the submissions and tests the rules use for the time limit (spec "Timelimit inference";
    judge.judging.expectations ``time_limit_use``), each test's time in the problem's terms. A submission stopped at
    its first failure bounds the limit with the tests that ran (--all runs them all)."""
    limits = problem.limits
    names = [test.name for test in problem.tests]
    used = [
        (row.submission, time_limit_use(row.expectation, names), graded_from_result(row.result, limits.time))
        for row in rows
        if row.expectation is not None
    ]
    found = time_bounds(used)
    t_ac = None if found.t_low is None else Timed(found.low_by, found.t_low)
    t_tle = None if found.t_high is None else Timed(found.high_by, found.t_high, found.high_stopped)
    graded = [(row.submission.split("/")[0], replace(row.result, submission=row.submission)) for row in rows]
    return margins(
        graded, limits.time, limits.ac_to_time_limit, limits.time_limit_to_tle, limits.time_resolution, (t_ac, t_tle)
    )


def write_limit(problem: Problem, seconds: float) -> str:
    """Keep ``seconds`` as the package's time limit; returns where it was written."""
    text = f"{seconds:g}"
    if problem.limits.legacy:  # the legacy format has no time limit key: DOMjudge's .timelimit
        path = problem.path / ".timelimit"
        path.write_text(text + "\n", encoding="utf-8")
        return str(path)
    path = problem.path / "problem.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(_with_time_limit(original, text), encoding="utf-8")
    return f"{path} limits.time_limit"


def _with_time_limit(yaml_text: str, value: str) -> str:
    """problem.yaml's text with ``limits.time_limit`` set to ``value``, the rest (comments, order) untouched."""
    lines = yaml_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"limits\s*:\s*(#.*)?$", line.rstrip("\n"))), None)
    if start is None and any(re.match(r"limits\s*:", line) for line in lines):  # a flow mapping: rewrite it all
        data = yaml.safe_load(yaml_text) or {}
        data.setdefault("limits", {})["time_limit"] = float(value) if "." in value else int(value)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if start is None:
        tail = "" if not yaml_text or yaml_text.endswith("\n") else "\n"
        return f"{yaml_text}{tail}limits:\n  time_limit: {value}\n"
    indent = "  "
    for line in lines[start + 1 :]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            break
        indent = line[: len(line) - len(line.lstrip())]
        match = re.match(r"(\s+)time_limit\s*:", line)
        if match and match.group(1) == indent:
            index = lines.index(line, start + 1)
            lines[index] = f"{indent}time_limit: {value}\n"
            return "".join(lines)
    lines.insert(start + 1, f"{indent}time_limit: {value}\n")
    return "".join(lines)
