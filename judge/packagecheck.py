"""Checking a problem package with its own submissions (the problemtools ``verifyproblem`` idea).

Owns deriving a legacy package's time limit (the slowest accepted submission x the multiplier, rounded
up; cached by the package's content) and grading every ``submissions/<verdict>/`` file to report which got
a verdict other than its folder's (``submissions.yaml`` may permit or require verdicts and scores).
"""

import fnmatch
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import docker

from .config import Settings
from .errors import JudgeInputError
from .grader import grade
from .problem import Problem, derived_time_limit
from .results import SubmissionResult, Verdict
from .runners import Runner
from .submissions import VERDICT_FOLDERS, Submission, from_folder
from .yamlfile import load_mapping


def package_submissions(problem: Problem, runners: dict[str, Runner]) -> tuple[list[Submission], list[str]]:
    folder = problem.path / "submissions"
    if not folder.is_dir():
        return [], []
    batch = from_folder(folder, str(problem.path), runners)
    return [s for s in batch.submissions if s.id.split("/")[0] in VERDICT_FOLDERS], batch.skipped


def _runner(sub: Submission, runners: dict[str, Runner]) -> Runner:
    ext = sub.path.suffix.lstrip(".").lower()
    return next(r for r in runners.values() if ext in r.extensions)


def _derivation_key(problem: Problem, accepted: list[Submission], runners: dict[str, Runner]) -> str:
    h = hashlib.sha256(repr((problem.limits.derive_multiplier, problem.limits.time_resolution)).encode())
    for test in problem.tests:
        h.update(test.name.encode() + test.input.read_bytes() + test.answer.read_bytes())
    for sub in accepted:
        h.update(sub.id.encode() + sub.path.read_bytes() + _runner(sub, runners).definition_hash().encode())
    return h.hexdigest()[:32]


def ensure_time_limit(
    problem: Problem,
    settings: Settings,
    client: docker.DockerClient,
    runners: dict[str, Runner],
    say: Callable[[str], None] | None = None,
) -> Problem:
    """``problem`` with its time limit derived from its accepted submissions when the package names none."""
    if problem.limits.derive_multiplier is None:
        return problem
    accepted = [s for s in package_submissions(problem, runners)[0] if s.expected == "AC"]
    if not accepted:
        return problem.with_time_limit(
            problem.limits.time, "judge.yaml (the package names no time limit and has no accepted submissions)"
        )
    cache = settings.cache_dir / "timelimits" / f"{_derivation_key(problem, accepted, runners)}.json"
    try:
        known = json.loads(cache.read_text())
        return problem.with_time_limit(float(known["time"]), str(known["source"]))
    except (OSError, ValueError, KeyError):
        pass
    if say:
        say(f"{problem.id}: no time limit in the package: deriving it from {len(accepted)} accepted submission(s)")
    trial = problem.with_time_limit(settings.derive_cap, "derivation cap")
    slowest, slowest_name = 0.0, ""
    for sub in accepted:
        runner = _runner(sub, runners)
        result = grade(sub.path, trial, runner, settings, client)
        if result.verdict != Verdict.AC:
            raise JudgeInputError(
                f"{sub.path}: cannot derive {problem.id}'s time limit: this accepted submission got "
                f"{result.verdict} ({result.message}) with {settings.derive_cap:g} s per test"
            )
        own = max((t.time for t in result.tests), default=0.0) / runner.time_multiplier
        if own >= slowest:
            slowest, slowest_name = own, sub.id
    limit = derived_time_limit(slowest, problem.limits)
    source = (
        f"derived: slowest accepted {slowest:.3f} s ({slowest_name}) x {problem.limits.derive_multiplier:g}, "
        f"rounded up to {limit:g} s"
    )
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"time": limit, "source": source}))
    return problem.with_time_limit(limit, source)


@dataclass
class Expectation:
    permitted: set[str] | None = None  # verdicts allowed (None: only the folder's)
    required: set[str] | None = None  # at least one test must have one of these
    score: tuple[float, float] | None = None


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
        )
    return found


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


def check_package(
    problem: Problem,
    settings: Settings,
    client: docker.DockerClient,
    runners: dict[str, Runner],
    on_row: Callable[[CheckRow], None] | None = None,
) -> tuple[list[CheckRow], list[str]]:
    """Grade every submission of the package; (rows, files skipped for want of a runner)."""
    subs, skipped = package_submissions(problem, runners)
    if not subs:
        raise JudgeInputError(f"{problem.path / 'submissions'}: no submissions in verdict folders to check")
    rules = _expectations(problem)
    rows = []
    for sub in subs:
        result = grade(sub.path, problem, _runner(sub, runners), settings, client)
        row = _judge_row(sub, result, rules)
        rows.append(row)
        if on_row:
            on_row(row)
    return rows, skipped


def row_summary(row: CheckRow) -> dict[str, Any]:
    r = row.result
    return {
        "submission": row.submission,
        "expected": row.expected,
        "verdict": str(r.verdict),
        "score": r.score,
        "max_score": r.max_score,
        "time": round(max((t.time for t in r.tests), default=0.0), 3),
        "ok": row.ok,
        "why": row.why,
    }
