"""Untrusted text made visible: what a submission, a compiler or a validator printed, before any report shows it.

The one rule every report format uses (docs/security.md, "Reports"): every control character is written as an
escape a reader can see, so nothing printed by a program can move the cursor, retitle a window, write the clipboard
(OSC 52), recolour a row or hide text in a terminal, a CI log or a browser.

- C0 controls (U+0000-U+001F) but tab, DEL (U+007F) and C1 controls (U+0080-U+009F) become ``\\xNN``; an ESC that
  starts a CSI or OSC sequence is one of them, so the whole sequence shows as text (``\\x1b[31m``).
- Newlines stay where the format keeps lines (``lines=True``: a compiler's output), else become ``\\n``; CR LF is
  a newline, a lone CR is ``\\x0d``.
- Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder what a reader sees, become
  ``\\uNNNN``.
- The backslash itself is kept: the text stays recognisable (``\\x1b`` in a report means the program printed ESC).

Rich markup needs no escaping here: reports give rich ``Text`` objects, which never parse markup.
"""

import json
import re
from typing import Any

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # what json.dumps(ensure_ascii=False) leaves raw


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character shown as an escape (see the module's rule); ``lines`` keeps
    newlines."""
    if lines:
        return _CONTROL_KEEP_LINES.sub(_escape, text.replace("\r\n", "\n"))
    return _CONTROL.sub(_escape, text.replace("\r\n", "\n"))


def json_text(document: Any) -> str:
    """``document`` as indented JSON that keeps its text exact (JSON escapes) and holds no raw control character:
    ``json.dumps`` escapes C0 itself; DEL, C1 and the bidirectional controls are written as ``\\u00NN`` too."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
