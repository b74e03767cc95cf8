"""Problem packages in the ICPC/Kattis layout: problem.yaml, data/sample and data/secret with .in/.ans.

Owns finding a problem by id (a folder under problems/) or by path, reading its limits (falling back to
judge.yaml), its checker flags and its ordered test cases. Malformed packages give a one-line error
naming the file.
"""

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checkers import CheckerFlags
from .config import MIB, Settings
from .errors import JudgeInputError
from .yamlfile import load_mapping, number

GROUPS = ("sample", "secret")


@dataclass(frozen=True)
class TestCase:
    name: str  # e.g. "secret/02-big"
    group: str  # e.g. "secret" or "secret/group1"
    input: Path
    answer: Path

    @property
    def sample(self) -> bool:
        return self.group == "sample" or self.group.startswith("sample/")


@dataclass(frozen=True)
class ProblemLimits:
    time: float  # CPU seconds per test
    memory: int  # bytes
    output: int  # bytes
    code: int  # bytes
    time_source: str  # where the time limit came from, shown to the user


@dataclass(frozen=True)
class Problem:
    id: str
    name: str
    path: Path
    limits: ProblemLimits
    tests: tuple[TestCase, ...]
    checker_flags: CheckerFlags = field(default_factory=CheckerFlags)

    @property
    def max_input(self) -> int:
        return max((t.input.stat().st_size for t in self.tests), default=0)


def resolve(ref: str, settings: Settings) -> Path:
    """The folder of problem ``ref``: a path to a package, or an id under the problems folder."""
    as_path = Path(ref)
    if as_path.is_dir():
        return as_path.resolve()
    by_id = settings.problems_dir / ref
    if "/" not in ref and by_id.is_dir():
        return by_id.resolve()
    raise JudgeInputError(f"problem '{ref}': no such folder, and no problem with that id in {settings.problems_dir}")


def _limits(path: Path, folder: Path, meta: dict[str, Any], settings: Settings) -> ProblemLimits:
    yaml_file = path
    limits = meta.get("limits") or {}
    if not isinstance(limits, dict):
        raise JudgeInputError(f"{yaml_file}: 'limits' must be a mapping")

    def get(keys: tuple[str, ...], default: float, scale: float) -> tuple[float, str]:
        for key in keys:
            if limits.get(key) is not None:
                return number(yaml_file, f"limits.{key}", limits[key]) * scale, f"problem.yaml limits.{key}"
        return default, "judge.yaml"

    time, source = get(("time_limit", "time"), settings.time, 1.0)
    timelimit_file = folder / ".timelimit"
    if source == "judge.yaml" and timelimit_file.is_file():
        text = timelimit_file.read_text(errors="replace").strip()
        time, source = number(timelimit_file, ".timelimit", text), ".timelimit"
    memory, _ = get(("memory",), settings.memory, MIB)
    output, _ = get(("output",), settings.output, MIB)
    code, _ = get(("code",), settings.code, 1024)
    return ProblemLimits(time=time, memory=int(memory), output=int(output), code=int(code), time_source=source)


def _checker_flags(path: Path, meta: dict[str, Any]) -> CheckerFlags:
    words: list[str] = []
    for key in ("validator_flags", "output_validator_args", "output_validator_flags"):
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            words += shlex.split(value)
        elif isinstance(value, list):
            words += [str(v) for v in value]
        else:
            raise JudgeInputError(f"{path}: '{key}' must be a string or a list")
    try:
        return CheckerFlags.parse(words)
    except ValueError as exc:
        raise JudgeInputError(f"{path}: {exc}") from None


def _validation(path: Path, meta: dict[str, Any]) -> None:
    validation = str(meta.get("validation") or "default")
    kind = str(meta.get("type") or "pass-fail")
    if validation.split()[0] != "default" or "interactive" in kind or "scoring" in kind:
        raise JudgeInputError(
            f"{path}: validation '{validation}' / type '{kind}' is not supported yet "
            "(only the default output validator on pass-fail problems)"
        )


def _tests(folder: Path) -> tuple[TestCase, ...]:
    data = folder / "data"
    tests: list[TestCase] = []
    for group in GROUPS:
        root = data / group
        if not root.is_dir():
            continue
        for infile in sorted(root.rglob("*.in")):
            if not infile.is_file():
                continue
            answer = infile.with_suffix(".ans")
            rel = infile.relative_to(data)
            if not answer.is_file():
                raise JudgeInputError(f"{answer}: missing answer file for test {rel.with_suffix('')}")
            tests.append(
                TestCase(
                    name=str(rel.with_suffix("")),
                    group=str(rel.parent),
                    input=infile,
                    answer=answer,
                )
            )
    if not tests:
        raise JudgeInputError(f"{data}: no test cases (*.in with *.ans) in data/sample or data/secret")
    return tuple(tests)


def load_problem(ref: str, settings: Settings) -> Problem:
    folder = resolve(ref, settings)
    yaml_file = folder / "problem.yaml"
    meta = load_mapping(yaml_file, missing_ok=True)
    _validation(yaml_file, meta)
    name = meta.get("name") or folder.name
    if isinstance(name, dict):  # localised names: {en: ..., sv: ...}
        name = name.get("en") or next(iter(name.values()), folder.name)
    return Problem(
        id=folder.name,
        name=str(name),
        path=folder,
        limits=_limits(yaml_file, folder, meta, settings),
        tests=_tests(folder),
        checker_flags=_checker_flags(yaml_file, meta),
    )


def list_problems(settings: Settings) -> list[Problem | JudgeInputError]:
    """Every problem under the problems folder; a broken one is returned as its error."""
    found: list[Problem | JudgeInputError] = []
    if not settings.problems_dir.is_dir():
        return found
    for folder in sorted(p for p in settings.problems_dir.iterdir() if p.is_dir()):
        try:
            found.append(load_problem(str(folder), settings))
        except JudgeInputError as exc:
            found.append(exc)
    return found
