"""A problem package's statement for the page ``judge serve`` serves, as HTML that is safe to show.

The package's ``statement/`` (legacy ``problem_statement/``) holds ``problem.<language>.<md|html|tex|pdf>``; English
is preferred, then any language. Every character of the package's text is escaped: Markdown is rendered from the
escaped text (headings, paragraphs, lists, code, emphasis), HTML keeps only a few structural tags and no attribute,
LaTeX is shown as its text, a PDF-only statement has no text.
"""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

FORMATS = ("md", "html", "tex", "pdf")  # the order one is preferred in
MAX_STATEMENT = 512 * 1024  # bytes read of a statement
KEPT_TAGS = frozenset(
    {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "code", "em", "strong", "b", "i"}
    | {"sub", "sup", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "hr"}
)
DROPPED_WITH_TEXT = frozenset({"script", "style", "head", "title", "template", "iframe", "object", "svg", "math"})
VOID_TAGS = frozenset({"br", "hr"})


@dataclass(frozen=True)
class Statement:
    format: str  # md, html, tex, pdf, or "" when the package has none
    language: str
    html: str  # safe to put in a page as it is

    def to_json(self) -> dict[str, str]:
        return {"format": self.format, "language": self.language, "html": self.html}


def find_statement(package: Path) -> Path | None:
    """The statement file to show: English first, then any language; Markdown, HTML, LaTeX, then PDF."""
    found: list[Path] = []
    for folder in ("statement", "problem_statement"):
        if (package / folder).is_dir():
            found += [p for p in (package / folder).iterdir() if p.is_file() and _format(p) in FORMATS]
    if not found:
        return None
    return min(found, key=lambda p: (_language(p) != "en", FORMATS.index(_format(p)), p.name))


def read_statement(package: Path) -> Statement:
    path = find_statement(package)
    if path is None:
        return Statement("", "", "")
    kind, language = _format(path), _language(path)
    if kind == "pdf":
        return Statement(kind, language, "<p>This problem's statement is a PDF only.</p>")
    with path.open("rb") as file:
        text = file.read(MAX_STATEMENT).decode("utf-8", errors="replace")
    rendered = {"md": markdown_html, "html": clean_html, "tex": latex_html}[kind](text)
    return Statement(kind, language, rendered)


def _format(path: Path) -> str:
    return path.suffix.lstrip(".").lower()


def _language(path: Path) -> str:
    parts = path.name.split(".")
    return parts[1] if len(parts) == 3 else ""


def latex_html(text: str) -> str:
    """A LaTeX statement's text, escaped, in a block that keeps its lines."""
    return f'<pre class="latex">{html.escape(text.strip())}</pre>'


# -- Markdown: a small, safe subset (the text is escaped first; only our own tags are added) ------------------------
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_html(text: str) -> str:
    out: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            end = next((j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j])), len(lines))
            out.append(f"<pre><code>{html.escape(chr(10).join(lines[i + 1 : end]))}</code></pre>")
            i = end + 1
        elif heading := _HEADING.match(line):
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
        elif _BULLET.match(line) or _NUMBERED.match(line):
            pattern, tag = (_BULLET, "ul") if _BULLET.match(line) else (_NUMBERED, "ol")
            items = []
            while i < len(lines) and (item := pattern.match(lines[i])):
                items.append(f"<li>{_inline(item.group(1))}</li>")
                i += 1
            out.append(f"<{tag}>{''.join(items)}</{tag}>")
        elif not line.strip():
            i += 1
        else:
            paragraph = []
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                paragraph.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return "\n".join(out)


def _starts_block(line: str) -> bool:
    return bool(_FENCE.match(line) or _HEADING.match(line) or _BULLET.match(line) or _NUMBERED.match(line))


def _inline(text: str) -> str:
    """Escaped text with `code`, **strong** and *emphasis* (nothing else becomes markup)."""
    parts = re.split(r"(`[^`]+`)", text)
    rendered = []
    for part in parts:
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            rendered.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        escaped = html.escape(part)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        escaped = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", escaped)
        rendered.append(escaped)
    return "".join(rendered)


# -- HTML: rebuilt from its parse, a few structural tags without attributes, all text escaped ----------------------
class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_TEXT:
            self.dropping += 1
        elif not self.dropping and tag in KEPT_TAGS:
            self.out.append(f"<{tag}>")
            if tag not in VOID_TAGS:
                self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropping and tag in VOID_TAGS:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_TEXT:
            self.dropping = max(self.dropping - 1, 0)
        elif not self.dropping and tag in self.open:
            while self.open:  # close what was left open inside it, so the output stays well nested
                closing = self.open.pop()
                self.out.append(f"</{closing}>")
                if closing == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data))


def clean_html(text: str) -> str:
    cleaner = _Cleaner()
    cleaner.feed(text)
    cleaner.close()
    return "".join(cleaner.out) + "".join(f"</{tag}>" for tag in reversed(cleaner.open))
