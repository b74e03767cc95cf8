"""Time limits of legacy packages that name none: derived as the spec says, and cached.

The slowest accepted submission's CPU time (per test, graded under judge.yaml's ``derive_cap``) x the
package's multiplier, rounded up to its time resolution; cached (judge.cache) by the package's tests,
accepted submissions, runners, multiplier and cap, so it is derived once, also by processes asking at once.
Derivation never blocks grading: an accepted submission that cannot be graded is left out with a warning.
"""

import hashlib
import json
import sys
from collections.abc import Callable
from typing import Any

from judge.cache import Cache
from judge.errors import JudgeInputError
from judge.excerpts import first_line
from judge.grading.grader import Grader
from judge.inputs.languages import Language
from judge.inputs.problem import Problem, derived_time_limit, problem_version
from judge.inputs.program import program_digest, program_for, program_language
from judge.inputs.settings import Settings
from judge.inputs.submissions import Submission, from_folder
from judge.judging.results import Verdict
from judge.sandbox.engine import Engine


def package_submissions(problem: Problem, languages: dict[str, Language]) -> tuple[list[Submission], list[str]]:
    """The package's submissions (spec 2025-09 "Example submissions": each file directly in a folder of
    submissions/, every folder too, brute_force/ and the package's own; a program folder in a verdict folder),
    and one line for each file no runner takes."""
    folder = problem.path / "submissions"
    if not folder.is_dir():
        return [], []
    batch = from_folder(folder, str(problem.path), languages, package=True)
    return [s for s in batch.submissions if len(s.id.split("/")) == 2], batch.skipped


LIMIT_FILE = "limit.json"


Gradable = list[tuple[Submission, Language, str]]  # a submission, its language, a hash of its files


def gradable_accepted(problem: Problem, languages: dict[str, Language]) -> tuple[Gradable, list[str]]:
    """The package's accepted submissions judge can grade, and one line for each it cannot (no runner, say)."""
    listed, skipped = package_submissions(problem, languages)
    gradable, left_out = [], [line for line in skipped if line.startswith("accepted/")]
    for sub in listed:
        if sub.expected != "AC":
            continue
        try:  # a file by its extension, a folder by its files
            language = program_language(sub.path, languages, sub.language, sub.entrypoint)
            gradable.append((sub, language, program_digest(sub.path, sub.entrypoint)))
        except JudgeInputError as exc:
            left_out.append(str(exc))
    return gradable, left_out


def _derivation_key(problem: Problem, accepted: Gradable, settings: Settings) -> str:
    parts = (problem_version(problem), problem.limits.derive_multiplier, settings.derive_cap)
    h = hashlib.sha256(repr(parts).encode())
    for sub, language, digest in accepted:
        h.update(f"{sub.id}\0{digest}\0{language.name}\0{language.definition_hash()}\0".encode())
    return h.hexdigest()[:32]


def ensure_time_limit(
    problem: Problem,
    settings: Settings,
    client: Engine,
    languages: dict[str, Language],
    say: Callable[[str], None] | None = None,
) -> Problem:
    """``problem`` with its time limit derived from its accepted submissions when the package names none.

    Derived once: a process that asks while another derives waits for it and uses its result. Accepted
    submissions that cannot be graded are left out with a one-line warning (``say``, else stderr); when
    none is left, judge.yaml's limit stands.
    """
    if problem.limits.derive_multiplier is None:
        return problem
    accepted, unsupported = gradable_accepted(problem, languages)
    if not accepted and not unsupported:
        return problem.with_time_limit(
            problem.limits.time, "judge.yaml (the package names no time limit and has no accepted submissions)"
        )
    tell = say or _to_stderr
    cache = Cache(settings.cache_dir / "timelimits")
    key = _derivation_key(problem, accepted, settings)
    known = _known(cache, key)
    if known is None:
        waiting = f"{problem.id}: waiting for another process deriving its time limit ..."
        with cache.lock(key, on_wait=lambda: tell(waiting)):
            known = _known(cache, key)  # derived by the process this one waited for
            if known is None:
                known, keep = _derive(problem, accepted, unsupported, settings, client, tell)
                if keep:
                    text = json.dumps(known)
                    cache.put(key, lambda out: (out / LIMIT_FILE).write_text(text))
    time = problem.limits.time if known["time"] is None else float(known["time"])
    return problem.with_time_limit(time, str(known["source"]))


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _known(cache: Cache, key: str) -> dict[str, Any] | None:
    folder = cache.get(key)
    if folder is None:
        return None
    try:
        known = json.loads((folder / LIMIT_FILE).read_text())
        return {"time": None if known["time"] is None else float(known["time"]), "source": str(known["source"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _derive(
    problem: Problem,
    accepted: Gradable,
    unsupported: list[str],
    settings: Settings,
    client: Engine,
    tell: Callable[[str], None],
) -> tuple[dict[str, Any], bool]:
    """({"time": limit or None for judge.yaml's, "source": how}, whether to cache it: not after a judge error)."""
    tell(f"{problem.id}: no time limit in the package: deriving it from {len(accepted)} accepted submission(s)")
    left_out = f"left out of {problem.id}'s time-limit derivation"
    for line in unsupported:
        tell(f"warning: {line}: {left_out}".replace("\n", " "))
    trial = problem.with_time_limit(settings.derive_cap, "derivation cap")
    slowest, slowest_name, keep = 0.0, "", True
    for sub, language, _digest in accepted:
        try:
            result = Grader(trial, language, settings, client).grade(program_for(sub.path, language, sub.entrypoint))
        except JudgeInputError as exc:  # judge cannot grade it (too long, say): the package's problem, not the user's
            tell(f"warning: {left_out}: {exc}".replace("\n", " "))
            continue
        if result.verdict != Verdict.AC:
            keep = keep and result.verdict != Verdict.JE  # a judge error may pass: derive again next time
            why = first_line(result.message, 160)
            tell(
                f"warning: {sub.path}: {left_out}: it got {result.verdict}"
                f"{f' ({why})' if why else ''} with {settings.derive_cap:g} s per test"
            )
            continue
        speed = language.time_multiplier * settings.timing.time_multiplier  # as run_limits scaled the limit
        own = max((t.time for t in result.tests), default=0.0) / speed
        if own >= slowest:
            slowest, slowest_name = own, sub.id
    if not slowest_name:
        count = len(accepted) + len(unsupported)
        return {
            "time": None,
            "source": f"judge.yaml (the package names no time limit and none of its {count} accepted "
            "submission(s) could be graded)",
        }, keep
    limit = derived_time_limit(slowest, problem.limits)
    source = (
        f"derived: slowest accepted {slowest:.3f} s ({slowest_name}) x {problem.limits.derive_multiplier:g}, "
        f"rounded up to {limit:g} s"
    )
    return {"time": limit, "source": source}, keep
