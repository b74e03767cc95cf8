"""Reading the project's small YAML files (judge.yaml, problem.yaml, runner.yaml) with one-line errors."""

from pathlib import Path
from typing import Any

import yaml

from judge.errors import JudgeInputError
from judge.excerpts import first_line


def load_mapping(path: Path, *, missing_ok: bool = False) -> dict[str, Any]:
    """The YAML mapping in ``path``; a one-line JudgeInputError naming the file on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise JudgeInputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise JudgeInputError(f"{path}: cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or first_line(str(exc))
        raise JudgeInputError(f"{path}: invalid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise JudgeInputError(f"{path}: expected a mapping of keys to values, got {type(data).__name__}")
    return data


def number(path: Path, key: str, value: Any, *, positive: bool = True) -> float:
    """``value`` as a float, or a one-line error naming the file and the key."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise JudgeInputError(f"{path}: '{key}' must be a number, got {value!r}")
    try:
        result = float(value)
    except ValueError:
        raise JudgeInputError(f"{path}: '{key}' must be a number, got {value!r}") from None
    if positive and not result > 0:
        raise JudgeInputError(f"{path}: '{key}' must be positive, got {value!r}")
    return result
