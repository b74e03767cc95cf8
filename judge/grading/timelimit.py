"""Time limits of legacy packages that name none: derived as the spec says, and cached.

The slowest accepted submission's CPU time (per test, graded under judge.yaml's ``derive_cap``) x the
package's multiplier, rounded up to its time resolution; cached by the package's tests, accepted
submissions, runners and multiplier, so it is derived once.
"""

import hashlib
import json
from collections.abc import Callable

import docker

from judge.errors import JudgeInputError
from judge.grading.grader import grade
from judge.inputs.languages import Language, language_for
from judge.inputs.problem import Problem, derived_time_limit, problem_version
from judge.inputs.settings import Settings
from judge.inputs.submissions import VERDICT_FOLDERS, Submission, from_folder
from judge.judging.results import Verdict


def package_submissions(problem: Problem, languages: dict[str, Language]) -> tuple[list[Submission], list[str]]:
    folder = problem.path / "submissions"
    if not folder.is_dir():
        return [], []
    batch = from_folder(folder, str(problem.path), languages)
    return [s for s in batch.submissions if s.id.split("/")[0] in VERDICT_FOLDERS], batch.skipped


def _derivation_key(problem: Problem, accepted: list[Submission], languages: dict[str, Language]) -> str:
    h = hashlib.sha256(repr((problem_version(problem), problem.limits.derive_multiplier)).encode())
    for sub in accepted:
        h.update(sub.id.encode() + sub.path.read_bytes() + language_for(sub.path, languages).definition_hash().encode())
    return h.hexdigest()[:32]


def ensure_time_limit(
    problem: Problem,
    settings: Settings,
    client: docker.DockerClient,
    languages: dict[str, Language],
    say: Callable[[str], None] | None = None,
) -> Problem:
    """``problem`` with its time limit derived from its accepted submissions when the package names none."""
    if problem.limits.derive_multiplier is None:
        return problem
    accepted = [s for s in package_submissions(problem, languages)[0] if s.expected == "AC"]
    if not accepted:
        return problem.with_time_limit(
            problem.limits.time, "judge.yaml (the package names no time limit and has no accepted submissions)"
        )
    cache = settings.cache_dir / "timelimits" / f"{_derivation_key(problem, accepted, languages)}.json"
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
        language = language_for(sub.path, languages)
        result = grade(sub.path, trial, language, settings, client)
        if result.verdict != Verdict.AC:
            raise JudgeInputError(
                f"{sub.path}: cannot derive {problem.id}'s time limit: this accepted submission got "
                f"{result.verdict} ({result.message}) with {settings.derive_cap:g} s per test"
            )
        own = max((t.time for t in result.tests), default=0.0) / language.time_multiplier
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
