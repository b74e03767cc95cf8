"""One-line excerpts for messages, the one place every layer cuts text: ``cut`` to a length, the ``first_line`` of
a message or an exception, and the ``error_excerpt`` at the end of what a crashed program, validator, compiler or
tool printed. Pure text rules (a base module: the sandbox uses them too).

Nothing here removes control characters: a message keeps what the program printed, and every report makes it
visible (``judge.report.visible``).

The error excerpt (docs/verdicts.md, "Messages"): the last ``ERROR_LINES`` lines of stderr that say what went
wrong, joined with `` | `` and cut to ``ERROR_CHARS`` characters. Blank lines, indented lines (stack frames and
quoted source in Python, Node, Java, ...), caret lines (``^``, ``~~^~~``) and runtime banners (Python's
``Traceback (most recent call last):``, Node's ``Node.js v20.19.2``) are left out; when nothing else is left, the
last non-blank lines are quoted as they are.
"""

import re

ERROR_LINES = 3  # lines of the end of stderr quoted in a message
ERROR_CHARS = 300  # characters at most of that quote
FIRST_LINE_CHARS = 300  # characters at most of a first line
SEPARATOR = " | "
CUT = "…"
_BANNER = re.compile(r"Traceback \(most recent call last\):|Node\.js v\d[\w.+-]*|[\^~]+")


def cut(text: str, limit: int) -> str:
    """``text`` kept to ``limit`` characters, its end replaced by ``…`` when it was longer."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + CUT


def _text(data: bytes | str) -> str:
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def first_line(data: bytes | str, limit: int = FIRST_LINE_CHARS) -> str:
    """The first non-blank line, stripped and cut to ``limit`` characters ("" when there is none)."""
    for line in _text(data).splitlines():
        if line.strip():
            return cut(line.strip(), limit)
    return ""


def _says_what_went_wrong(line: str) -> bool:
    return bool(line.strip()) and not line[0].isspace() and not _BANNER.fullmatch(line.strip())


def error_excerpt(data: bytes | str, lines: int = ERROR_LINES, limit: int = ERROR_CHARS) -> str:
    """What a program said last before it died: see the module's rule. Lines are dropped from the front to stay
    within ``limit``; a last line longer than ``limit`` is cut at its end."""
    all_lines = _text(data).splitlines()
    chosen = [line.strip() for line in all_lines if _says_what_went_wrong(line)]
    if not chosen:
        chosen = [line.strip() for line in all_lines if line.strip()]
    chosen = chosen[-lines:] if lines > 0 else []
    if not chosen:
        return ""
    kept = [cut(chosen[-1], limit)]
    for line in reversed(chosen[:-1]):
        if len(SEPARATOR.join([line, *kept])) > limit:
            break
        kept.insert(0, line)
    return SEPARATOR.join(kept)
