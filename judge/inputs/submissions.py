"""Finding the submissions of a batch: a folder of files, a folder of folders (one per team), a problem's
``submissions/<verdict>/`` folders, or a contest (``contest.yaml`` with a folder or a CSV/JSON index).

contest.yaml::

    problems: {A: problems/1, B: problems/2}   # label: id under problems/ or a path
    languages: [python3, c, cpp, java]          # optional: others are skipped with a warning
    submissions: teams/                         # a folder: teams/<team>/<label>/<file> or teams/<team>/<label>.<ext>
    # or an index: submissions: index.csv (or .json) with id, team, problem, language, time, file
    # time: minutes from the contest start (for the scoreboard's penalty)
"""

import csv
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.assignments import problem_from_name
from judge.inputs.languages import Language, Languages, canonical_name
from judge.inputs.yamlfile import load_mapping, number

VERDICT_FOLDERS = {
    "accepted": "AC",
    "wrong_answer": "WA",
    "time_limit_exceeded": "TLE",
    "run_time_error": "RTE",
    "memory_limit_exceeded": "MLE",
    "output_limit_exceeded": "OLE",
    "compile_error": "CE",
    "partially_accepted": "PA",  # a scoring problem: more than 0, less than the maximum; else not AC
    "rejected": "REJ",  # any verdict but AC
}


@dataclass(frozen=True, slots=True)
class Submission:
    id: str  # unique within the batch: the path under the root, or the index's id
    path: Path
    problem: str  # a problem label (contest) or an id / path
    language: str | None = None  # a runner name, or None for "by extension"
    team: str = ""
    time: float | None = None  # minutes from the contest start
    expected: str | None = None  # the verdict its folder names (problem packages' submissions/)
    entrypoint: str | None = None  # submissions.yaml's entrypoint (spec 2025-09 "Example Submissions")


@dataclass(frozen=True)
class Batch:
    submissions: list[Submission]
    problems: dict[str, str]  # label -> id or path
    skipped: list[str]  # one line per file left out, and why


def _suffix(name: str) -> str:
    """A file name's extension with its dot, as ``Path.suffix``: ``''`` for ``.bashrc`` or ``a.``."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _scan(root: Path) -> Iterator[tuple[str, Path, "os.DirEntry[str]"]]:
    """Every file under ``root`` as (its path under root, its path, its directory entry), in the order of
    ``sorted(Path)``; hidden and ``__pycache__`` files and folders are left out, folder links are not followed.
    One ``scandir`` per folder, no ``stat`` (the caller asks the entry for one when it needs it)."""
    return _visit(root, "")


def _visit(folder: Path, prefix: str) -> Iterator[tuple[str, Path, "os.DirEntry[str]"]]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except (PermissionError, FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name == "__pycache__":
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _visit(folder / name, f"{prefix}{name}/")
        elif entry.is_file():
            yield prefix + name, folder / name, entry


def _files(root: Path) -> list[Path]:
    return [path for _, path, _ in _scan(root)]


def _program_folder(rel: Path, *, package: bool = False) -> Path | None:
    """The folder submission ``rel`` (a file's path under the root) belongs to, if any: spec 2025-09 "Example
    Submissions" -- every file *or directory* directly in a verdict folder is one submission; in a package's
    submissions/ (``package``), directly in any folder (brute_force/, the package's own)."""
    if package:
        return Path(*rel.parts[:2]) if len(rel.parts) > 2 else None
    for index, part in enumerate(rel.parts[:-2]):
        if part in VERDICT_FOLDERS:
            return Path(*rel.parts[: index + 2])
    return None


def from_folder(root: Path, problem: str, languages: dict[str, Language], *, package: bool = False) -> Batch:
    """Every source file under ``root`` for one problem, and every folder directly in a verdict folder (a
    problem package's ``submissions/accepted/<name>/``) as one submission; the first folder level names the team.
    ``package``: ``root`` is a package's submissions/, whose every folder directly in a folder is one submission
    and whose first level is the folder a default expectation goes with, never a team."""
    if not root.is_dir():
        raise JudgeInputError(f"{root}: not a folder of submissions")
    label = Path(problem).name if Path(problem).is_dir() else problem
    registry = Languages.of(languages)
    subs, skipped = [], []
    folders: dict[Path, list[Path]] = {}
    for path in _files(root):
        rel = path.relative_to(root)
        if rel.as_posix() == "submissions.yaml":  # a package's metadata about its submissions
            continue
        folder = _program_folder(rel, package=package)
        if folder is not None:
            folders.setdefault(folder, []).append(path)
            continue
        if not registry.by_extension(path.name):
            skipped.append(f"{rel}: no runner for '{path.suffix or '(no extension)'}'")
            continue
        team = rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] not in VERDICT_FOLDERS and not package else ""
        expected = VERDICT_FOLDERS.get(rel.parts[-2]) if len(rel.parts) > 1 else None
        subs.append(Submission(id=rel.as_posix(), path=path, problem=label, team=team, expected=expected))
    for rel, inside in folders.items():
        if not any(registry.by_extension(path.name) for path in inside):
            skipped.append(f"{rel.as_posix()}/: no source file of a known language")
            continue
        team = rel.parts[0] if len(rel.parts) > 2 and not package else ""
        expected = VERDICT_FOLDERS.get(rel.parts[-2])
        subs.append(Submission(id=rel.as_posix(), path=root / rel, problem=label, team=team, expected=expected))
    subs.sort(key=lambda sub: sub.id)
    return Batch(subs, {label: problem}, skipped)


def _index(path: Path) -> list[dict[str, Any]]:
    try:
        if path.suffix.lower() == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(rows, dict):
                rows = rows.get("submissions", [])
        else:
            with path.open(newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
    except (OSError, ValueError, csv.Error) as exc:
        raise JudgeInputError(f"{path}: cannot read the submission index: {exc}") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise JudgeInputError(f"{path}: expected a list of submissions")
    return rows


def from_contest(contest_file: Path, languages: dict[str, Language]) -> Batch:
    meta = load_mapping(contest_file)
    base = contest_file.parent
    problems = meta.get("problems")
    if not isinstance(problems, dict) or not problems:
        raise JudgeInputError(f"{contest_file}: 'problems' must map labels to problem ids or paths")
    labels = {str(k): str(v) for k, v in problems.items()}
    registry = Languages.of(languages)
    labels_key = {label: label for label in labels}  # each label's one string, shared by its submissions
    for label, ref in labels.items():
        if (base / ref).is_dir():
            labels[label] = str((base / ref).resolve())
    offered = meta.get("languages")
    # Names or aliases (python, c++, ...): each as its language's own name.
    allowed = {canonical_name(str(x), languages, contest_file) for x in offered} if isinstance(offered, list) else None
    source = meta.get("submissions")
    if not source:
        raise JudgeInputError(f"{contest_file}: 'submissions' must name a folder or an index file")
    where = base / str(source)
    subs, skipped = [], []
    if where.is_dir():
        ids = list(labels)
        teams: dict[str, str] = {}  # one string per team, shared by its submissions
        found_at: list[tuple[str, Path, str, str, float]] = []
        for rel, path, entry in _scan(where):
            parts = rel.split("/")
            suffix = _suffix(parts[-1])
            stem = parts[-1][: -len(suffix)] if suffix else parts[-1]
            found = parts[1] if len(parts) > 2 else problem_from_name(stem, ids)
            if found is None or found not in labels:
                skipped.append(f"{rel}: no problem label in its folder or name")
                continue
            if not registry.by_extension(parts[-1]):
                skipped.append(f"{rel}: no runner for '{suffix or '(no extension)'}'")
                continue
            team = teams.setdefault(parts[0], sys.intern(parts[0])) if len(parts) > 1 else ""
            found_at.append((rel, path, labels_key[found], team, entry.stat().st_mtime))
        if found_at:  # file times become minutes after the first submission
            first = min(when for *_, when in found_at)
            subs = [
                Submission(rel, path, label, None, team, round((when - first) / 60, 2))
                for rel, path, label, team, when in found_at
            ]
        del found_at
    elif where.is_file():
        for n, row in enumerate(_index(where), start=1):
            missing = [k for k in ("file", "problem") if not row.get(k)]
            if missing:
                raise JudgeInputError(f"{where}: entry {n} has no {', '.join(missing)}")
            label = str(row["problem"])
            if label not in labels:
                raise JudgeInputError(f"{where}: entry {n}: unknown problem '{label}' (known: {', '.join(labels)})")
            path = (where.parent / str(row["file"])).resolve()
            if not path.is_file():
                skipped.append(f"{row.get('id', n)}: {path}: file not found")
                continue
            when = row.get("time")
            subs.append(
                Submission(
                    id=str(row.get("id") or n),
                    path=path,
                    problem=label,
                    language=row.get("language") or None,
                    team=str(row.get("team") or ""),
                    time=number(where, f"entry {n} time", when, positive=False) if when not in (None, "") else None,
                )
            )
    else:
        raise JudgeInputError(f"{where}: no such folder or index file (from {contest_file})")
    if allowed is not None:
        kept = []
        for sub in subs:
            lang: str | None
            try:
                lang = registry.for_file(sub.path, sub.language).name
            except JudgeInputError:
                lang = sub.language
            if lang not in allowed:
                skipped.append(f"{sub.id}: language {lang} is not allowed in this contest")
            else:
                kept.append(sub)
        subs = kept
    ids = [s.id for s in subs]
    if len(set(ids)) != len(ids):
        raise JudgeInputError(f"{where}: submission ids must be unique")
    return Batch(subs, labels, skipped)
