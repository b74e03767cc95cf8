"""Checking a problem package with its own submissions (the problemtools ``verifyproblem`` idea).

Grades every ``submissions/<verdict>/`` file (in parallel, like a rescore) and reports which got a verdict
other than its folder's; ``submissions.yaml`` may permit or require verdicts and scores instead. Then the time
margins (judge.judging.margins): the slowest accepted and fastest TLE submission against the limit and the
multipliers the spec asks for, the limit the spec's rule computes from both, and ``write_limit`` to keep it
(problem.yaml ``limits.time_limit`` for 2023-07 and later packages; ``.timelimit``, as DOMjudge keeps it, for legacy
ones, whose problem.yaml has no such key).
"""

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import yaml

from judge.batch.rescore import LocalExecutor, plan
from judge.errors import JudgeInputError
from judge.grading.timelimit import package_submissions
from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.settings import Settings
from judge.inputs.submissions import VERDICT_FOLDERS, Batch, Submission
from judge.inputs.yamlfile import load_mapping
from judge.judging.margins import Margins, margins
from judge.judging.results import SubmissionResult
from judge.sandbox.engine import Engine


@dataclass
class Expectation:
    permitted: set[str] | None = None  # verdicts allowed (None: only the folder's)
    required: set[str] | None = None  # at least one test must have one of these
    score: tuple[float, float] | None = None
    language: str | None = None  # the submission's language, overriding its files' extensions
    entrypoint: str | None = None  # its entry point (spec 2025-09 "Example Submissions")


@dataclass
class CheckRow:
    submission: str
    expected: str
    result: SubmissionResult
    ok: bool
    why: str = ""


def _expectations(problem: Problem) -> dict[str, Expectation]:
    path = problem.path / "submissions" / "submissions.yaml"
    data = load_mapping(path, missing_ok=True)
    found: dict[str, Expectation] = {}
    for pattern, spec in data.items():
        if not isinstance(spec, dict):
            raise JudgeInputError(f"{path}: '{pattern}' must map to permitted/required/score")
        unknown = set(spec) - {"permitted", "required", "score", "message", "language", "entrypoint", "author"}
        if unknown:
            raise JudgeInputError(f"{path}: unknown key {sorted(unknown)[0]!r} under '{pattern}'")
        score = spec.get("score")
        bounds = None
        if score is not None:
            bounds = tuple(float(x) for x in (score if isinstance(score, list) else [score, score]))
        found[str(pattern)] = Expectation(
            permitted=set(spec["permitted"]) if spec.get("permitted") else None,
            required=set(spec["required"]) if spec.get("required") else None,
            score=bounds,  # type: ignore[arg-type]
            language=str(spec["language"]) if spec.get("language") else None,
            entrypoint=str(spec["entrypoint"]) if spec.get("entrypoint") else None,
        )
    return found


def _matches(submission: str, pattern: str) -> bool:
    """Spec 2025-09 "Glob patterns": a submission matches if it or a parent folder does."""
    parts = submission.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:n]), pattern) for n in range(1, len(parts) + 1))


def _with_metadata(sub: Submission, rules: dict[str, Expectation]) -> Submission:
    """``sub`` with the language and entry point submissions.yaml gives it (the last matching pattern wins)."""
    for pattern, rule in rules.items():
        if _matches(sub.id, pattern):
            if rule.language:
                sub = replace(sub, language=rule.language)
            if rule.entrypoint:
                sub = replace(sub, entrypoint=rule.entrypoint)
    return sub


def _judge_row(sub: Submission, result: SubmissionResult, rules: dict[str, Expectation]) -> CheckRow:
    folder = sub.id.split("/")[0]
    expected = VERDICT_FOLDERS[folder]
    got = str(result.verdict)
    verdicts = {str(t.verdict) for t in result.tests} | {got}
    problems: list[str] = []
    if expected == "PA":
        if result.problem_max is not None:
            if not 0 < result.score < result.max_score:
                problems.append(f"score {result.score:g}/{result.max_score:g} is not partial")
        elif got == "AC":
            problems.append("accepted, expected a rejection")
    elif expected == "REJ":
        if got == "AC":
            problems.append("accepted, expected a rejection")
    elif got != expected:
        problems.append(f"got {got}, expected {expected}")
    for pattern, rule in rules.items():
        if not fnmatch.fnmatch(sub.id, pattern):
            continue
        problems = []  # submissions.yaml overrides the folder
        if rule.permitted and not verdicts <= rule.permitted:
            problems.append(f"verdicts {sorted(verdicts)} not all in permitted {sorted(rule.permitted)}")
        if rule.required and not verdicts & rule.required:
            problems.append(f"none of the required verdicts {sorted(rule.required)}")
        if rule.score and not rule.score[0] <= result.score <= rule.score[1]:
            problems.append(f"score {result.score:g} outside {rule.score[0]:g}..{rule.score[1]:g}")
    return CheckRow(sub.id, expected, result, not problems, "; ".join(problems))


def stops_at_first_failure(sub: Submission, problem: Problem, rules: dict[str, Expectation]) -> bool:
    """Whether the submission's first failing test decides its check, so that the tests after it need not run (as
    BAPCtools stops a submission at its first failure unless asked for all): a submission expected to be rejected
    (a verdict folder other than accepted and partially_accepted) of a pass-fail problem, whose verdict is its first
    failing test's, with no submissions.yaml rule (permitted and required verdicts look at every test). Accepted
    submissions run every test (their slowest test sets the time margin), and so does every submission of a scoring
    problem (its score and verdict come from every test)."""
    if problem.scoring or VERDICT_FOLDERS[sub.id.split("/")[0]] in ("AC", "PA"):
        return False
    return not any(_matches(sub.id, pattern) or fnmatch.fnmatch(sub.id, pattern) for pattern in rules)


@dataclass(frozen=True)
class CheckOptions:
    """How to check a package, beyond the package and the judge's settings."""

    jobs: int = 1  # submissions graded at once
    every_test: bool = False  # a submission expected to be rejected runs every test, not up to its first failure
    on_total: Callable[[int], None] | None = None  # told how many submissions will be graded
    on_row: Callable[[CheckRow], None] | None = None  # told each row as it is judged


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
    rules = _expectations(problem)
    subs = [_with_metadata(sub, rules) for sub in subs]
    work, left_out = plan(Batch(subs, {subs[0].problem: str(problem.path)}, []), settings, languages, client)
    rows: list[CheckRow] = []
    if on_total:
        on_total(len(work))

    def done(job: Any, result: SubmissionResult) -> None:
        row = _judge_row(job.sub, result, rules)
        rows.append(row)
        if on_row:
            on_row(row)

    # a TLE submission runs on past the limit far enough to tell whether it keeps the spec's margin
    timing = settings.timing
    overshoot = max(timing.overshoot_factor, problem.limits.time_limit_to_tle - 1 + 0.1)
    measuring = replace(settings, timing=replace(timing, overshoot_factor=overshoot))
    lazy = None if options.every_test else lambda job: stops_at_first_failure(job.sub, problem, rules)
    LocalExecutor(measuring, client, options.jobs, lazy=lazy).run(work, done)
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


def package_margins(problem: Problem, rows: list[CheckRow]) -> Margins:
    """The time margins of the package's submissions against its limit (spec 2025-09 "Problem timing")."""
    limits = problem.limits
    graded = [(row.submission.split("/")[0], replace(row.result, submission=row.submission)) for row in rows]
    return margins(graded, limits.time, limits.ac_to_time_limit, limits.time_limit_to_tle, limits.time_resolution)


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
