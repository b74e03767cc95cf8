"""Checkers: decide whether a submission's output matches the answer (outside the container).

The default is the ICPC/Kattis default output validator: whitespace-separated tokens, case-insensitive
unless ``case_sensitive``, whitespace-exact with ``space_change_sensitive``, and float tokens within
``float_absolute_tolerance`` or ``float_relative_tolerance`` (``float_tolerance`` sets both).
"""

import math
import re
from dataclasses import dataclass

_FLOAT = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_SPACE_RUN = re.compile(rb"\s+")


@dataclass(frozen=True)
class CheckerFlags:
    case_sensitive: bool = False
    space_change_sensitive: bool = False
    float_absolute: float | None = None
    float_relative: float | None = None

    @classmethod
    def parse(cls, words: list[str]) -> "CheckerFlags":
        """Flags from validator arguments such as ``['float_tolerance', '1e-6']``; raises ValueError."""
        values: dict[str, object] = {}
        i = 0
        while i < len(words):
            word = words[i]
            if word in ("case_sensitive", "space_change_sensitive"):
                values[word] = True
            elif word in ("float_tolerance", "float_absolute_tolerance", "float_relative_tolerance"):
                if i + 1 >= len(words):
                    raise ValueError(f"'{word}' needs a value")
                tol = float(words[i + 1])
                if word != "float_relative_tolerance":
                    values["float_absolute"] = tol
                if word != "float_absolute_tolerance":
                    values["float_relative"] = tol
                i += 1
            else:
                raise ValueError(f"unknown validator flag '{word}'")
            i += 1
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CheckResult:
    accepted: bool
    message: str = ""


def _show(token: bytes) -> str:
    text = token[:40].decode("utf-8", errors="replace")
    return repr(text + ("…" if len(token) > 40 else ""))


def _floats_match(got: bytes, want: bytes, flags: CheckerFlags) -> bool | None:
    """True/False when ``want`` is a float token and tolerances apply; None to compare as text."""
    if flags.float_absolute is None and flags.float_relative is None:
        return None
    if not _FLOAT.match(want):
        return None
    if not _FLOAT.match(got):
        return False
    g, w = float(got), float(want)
    if not (math.isfinite(g) and math.isfinite(w)):
        return g == w
    diff = abs(g - w)
    return (flags.float_absolute is not None and diff <= flags.float_absolute) or (
        flags.float_relative is not None and diff <= flags.float_relative * abs(w)
    )


def _tokens(data: bytes, flags: CheckerFlags) -> list[bytes]:
    if flags.space_change_sensitive:
        # Keep the whitespace runs as tokens of their own, so changed spacing is a difference.
        parts = re.split(rb"(\s+)", data)
        return [p for p in parts if p]
    return data.split()


def default_checker(output: bytes, answer: bytes, flags: CheckerFlags, *, reveal: bool) -> CheckResult:
    """Compare as the ICPC default validator does. ``reveal`` allows quoting expected tokens."""
    got, want = _tokens(output, flags), _tokens(answer, flags)
    for index, (g, w) in enumerate(zip(got, want, strict=False), start=1):
        if g == w:
            continue
        if flags.space_change_sensitive and (_SPACE_RUN.fullmatch(g) or _SPACE_RUN.fullmatch(w)):
            return CheckResult(False, f"whitespace differs at token {index}")
        close = _floats_match(g, w, flags)
        if close is None:
            close = g == w if flags.case_sensitive else g.lower() == w.lower()
        if not close:
            detail = f": expected {_show(w)}, got {_show(g)}" if reveal else f": got {_show(g)}"
            return CheckResult(False, f"token {index} differs{detail}")
    if len(got) < len(want):
        return CheckResult(False, f"output ends early: {len(got)} of {len(want)} tokens")
    if len(got) > len(want):
        return CheckResult(False, f"extra output after {len(want)} tokens: {_show(got[len(want)])}")
    return CheckResult(True)
