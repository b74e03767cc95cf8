"""Which problem each submitted file is for, and what it is worth.

Three ways, in this order: ``--problem`` (every file, 1 point), ``--problem-from-name`` (the rule in
``problem_from_name``), or the ``assignments:`` table of judge.yaml (file globs to problem ids and points).
"""

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from judge.errors import JudgeInputError
from judge.inputs.settings import Settings

_PREFIX = re.compile(r"(?:problem|prob|p)[_\-. ]?(.+)")


@dataclass(frozen=True)
class Assignment:
    file: Path
    problem: str  # an id under problems/ or a path
    points: float | None = None  # None: the problem's own (1 for pass-fail, its max score for scoring)


def problem_from_name(stem: str, ids: list[str]) -> str | None:
    """The problem id a file's stem names: the stem itself, or its start followed by a non-alphanumeric
    character, optionally after a ``p``/``prob``/``problem`` prefix; the longest id wins.

    ``1.py`` → 1, ``p1_sum.py`` → 1, ``problem-10.cpp`` → 10, ``sum_fast.c`` → sum; ``1a.py`` → none.
    """
    text = stem.lower()
    candidates = [text]
    prefixed = _PREFIX.fullmatch(text)
    if prefixed:
        candidates.append(prefixed.group(1))
    for candidate in candidates:
        for pid in sorted(ids, key=len, reverse=True):
            key = pid.lower()
            if candidate == key or (candidate.startswith(key) and not candidate[len(key)].isalnum()):
                return pid
    return None


def assign(files: list[Path], settings: Settings, problem: str | None, *, from_name: bool) -> list[Assignment]:
    if problem and from_name:
        raise JudgeInputError("--problem and --problem-from-name exclude each other")
    if problem:
        return [Assignment(f, problem) for f in files]
    if from_name:
        ids = (
            sorted(p.name for p in settings.problems_dir.iterdir() if p.is_dir())
            if settings.problems_dir.is_dir()
            else []
        )
        found = []
        for f in files:
            pid = problem_from_name(f.stem, ids)
            if pid is None:
                raise JudgeInputError(f"{f}: no problem id in the file name (known ids: {', '.join(ids) or 'none'})")
            found.append(Assignment(f, pid))
        return found
    rows = settings.assignments  # checked when judge.yaml was read
    if not rows:
        raise JudgeInputError(
            "which problem? give --problem ID, use --problem-from-name, or add an 'assignments:' table to judge.yaml"
        )
    found = []
    for f in files:
        text = f.as_posix()
        for row in rows:
            pattern = str(row["files"])
            if fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(f.name, pattern):
                points = row.get("points")
                found.append(Assignment(f, str(row["problem"]), None if points is None else float(points)))
                break
        else:
            raise JudgeInputError(f"{f}: no entry of 'assignments' in {settings.path} matches this file")
    return found
