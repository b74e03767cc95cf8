"""Reports for CI systems: JUnit XML, GitHub Actions (log, annotations, job summary), Markdown, Gradescope.

Everything a student controls (their output, compiler messages, file names) is made visible first
(``judge.report.visible``: no control character survives), then escaped for the format it lands in; secret tests
never show their input, expected output or the program's output. Knows only result records; nothing here talks to
Docker.
"""

import html
import re
import secrets
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

from judge.excerpts import cut
from judge.judging.results import SubmissionResult, Verdict
from judge.report.text import compiler_text, render_plain
from judge.report.visible import json_text, visible
from judge.units import MIB

# Characters XML 1.0 cannot carry at all (lone surrogates, U+FFFE, ...): shown as \xNN instead.
_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_ANNOTATIONS = 10  # GitHub shows at most 10 errors and 10 warnings per step
FAILURE_TEXT = 8192  # characters of failure detail per test case


def xml_text(text: str) -> str:
    return _XML_BAD.sub(lambda m: f"\\x{ord(m.group()):02x}", visible(text, lines=True))


def _visible_detail(test: Any) -> str:
    if not test.details:
        return ""
    parts = [f"--- {key} ---\n{test.details[key]}" for key in ("input", "expected", "output")]
    return "\n".join(parts)[:FAILURE_TEXT]


# A JUnit testcase's failure: kind (failure, error, skipped), verdict, message, detail.
Failure = tuple[str, str, str, str]


def junit(results: list[SubmissionResult]) -> str:
    """JUnit XML as GitLab and Jenkins read it: a testsuite per submission, a testcase per test
    (classname = problem, name = test, time in seconds)."""
    root = ET.Element("testsuites", name="judge")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in results:
        cases: list[tuple[str, float, Failure | None, str]] = []
        if not result.compile.ok:
            failure: Failure | None = (
                "error" if result.verdict == Verdict.JE else "failure",
                result.verdict,
                result.message or "compilation failed",
                result.compile.output,
            )
            cases.append(("compile", result.compile.wall, failure, ""))
        elif result.compile.warnings:  # a passing compile case that carries them
            cases.append(
                ("compile", result.compile.wall, None, "compiler warnings:\n" + compiler_text(result.compile.warnings))
            )
        for test in result.tests:
            failure = None
            if test.verdict != Verdict.AC:
                kind = "error" if test.verdict == Verdict.JE else "failure"
                failure = (kind, test.verdict, f"{test.verdict}: {test.message}".rstrip(": "), _visible_detail(test))
            out = f"verdict {test.verdict}; CPU {test.time:.3f} s; wall {test.wall:.3f} s; memory {test.memory} B"
            cases.append((test.name, test.wall, failure, out))
        for name in result.skipped:
            cases.append((name, 0.0, ("skipped", "", "not run (after a failure)", ""), ""))
        if not cases:  # a judge error before anything ran
            cases.append(("judge", 0.0, ("error", result.verdict, result.message, ""), ""))
        suite = ET.SubElement(
            root,
            "testsuite",
            name=xml_text(f"{result.problem}: {result.submission}"),
            tests=str(len(cases)),
            failures=str(sum(1 for c in cases if c[2] and c[2][0] == "failure")),
            errors=str(sum(1 for c in cases if c[2] and c[2][0] == "error")),
            skipped=str(sum(1 for c in cases if c[2] and c[2][0] == "skipped")),
            time=f"{sum(c[1] for c in cases):.3f}",
        )
        for name, seconds, failure, out in cases:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=xml_text(result.problem),
                name=xml_text(name),
                file=xml_text(result.submission),
                time=f"{seconds:.3f}",
            )
            if failure:
                kind, verdict, message, text = failure
                if kind == "skipped":
                    ET.SubElement(case, "skipped").text = xml_text(message)
                else:
                    element = ET.SubElement(case, kind, type=str(verdict), message=xml_text(cut(message, 500)))
                    element.text = xml_text(text)
            if out:
                ET.SubElement(case, "system-out").text = xml_text(out)
        totals["tests"] += len(cases)
        totals["failures"] += int(suite.get("failures", "0"))
        totals["errors"] += int(suite.get("errors", "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _md(text: str) -> str:
    """Student text made inert in a Markdown table cell: no HTML, no markup, no line breaks, no control characters."""
    text = html.escape(cut(visible(text), 300), quote=False)
    return re.sub(r"([\\`*_\[\]|#!~])", r"\\\1", text)


def markdown(results: list[SubmissionResult]) -> str:
    """The job summary: a score line, then a verdict table per submission."""
    total, best = sum(r.score for r in results), sum(r.max_score for r in results)
    lines = [f"## judge: {total:g} / {best:g} points", ""]
    lines += ["| file | problem | verdict | tests | score |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(
            f"| {_md(r.submission)} | {_md(r.problem)} | {r.verdict} {r.verdict.long_name} | "
            f"{r.passed}/{len(r.tests)} | {r.score:g}/{r.max_score:g} |"
        )
    for r in results:
        lines += ["", f"### {_md(r.submission)} · problem {_md(r.problem)}: {r.verdict}", ""]
        if not r.compile.ok:
            lines += ["Compilation failed:", "", "```text", _fenced(r.compile.output), "```"]
            continue
        if r.compile.warnings:
            lines += ["Compiler warnings:", "", "```text", _fenced(r.compile.warnings), "```", ""]
        lines += ["| test | verdict | CPU s | memory MiB | message |", "| --- | --- | --- | --- | --- |"]
        for t in r.tests:
            lines.append(f"| {_md(t.name)} | {t.verdict} | {t.time:.3f} | {t.memory / MIB:.1f} | {_md(t.message)} |")
    return "\n".join(lines) + "\n"


def _fenced(output: str) -> str:
    """Compiler output inside a fenced code block (which it cannot close)."""
    return compiler_text(output).replace("```", "'''")


def _escape_data(text: str) -> str:
    """An annotation's message: visible, then GitHub's escapes (``%``, CR, LF)."""
    text = visible(text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(results: list[SubmissionResult], token: str | None = None) -> str:
    """What to print in a GitHub Actions log: the plain report inside a stop-commands block (so nothing
    a student printed can act as a workflow command), then one annotation per submission."""
    token = token or secrets.token_hex(16)
    out = [f"::stop-commands::{token}"]
    for result in results:
        out.append(render_plain(result).rstrip("\n"))
    out.append(f"::{token}::")
    for index, r in enumerate(results):
        if index == MAX_ANNOTATIONS - 1 and len(results) > MAX_ANNOTATIONS:
            rest = results[index:]
            bad = sum(x.verdict != Verdict.AC for x in rest)
            out.append(
                f"::warning title={_escape_property('judge')}::"
                + _escape_data(f"{len(rest)} more submissions, {bad} not accepted: see the job summary")
            )
            break
        level = "notice" if r.verdict == Verdict.AC else "error"
        title = f"judge: problem {r.problem}: {r.verdict} ({r.verdict.long_name})"
        message = f"{r.passed}/{len(r.tests)} tests passed, score {r.score:g}/{r.max_score:g}"
        if r.message:
            message += f" — {cut(r.message, 500)}"
        out.append(
            f"::{level} file={_escape_property(r.submission)},title={_escape_property(title)}::" + _escape_data(message)
        )
    return "\n".join(out) + "\n"


def _unique_names(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries with ``#2``, ``#3`` ... after a name seen before (the same file given twice)."""
    seen: Counter[str] = Counter()
    for entry in entries:
        seen[entry["name"]] += 1
        if seen[entry["name"]] > 1:
            entry["name"] = f"{entry['name']} #{seen[entry['name']]}"
    return entries


def gradescope(results: list[SubmissionResult]) -> str:
    """Gradescope's results.json: one scored entry per submission, one unscored entry per test;
    secret tests are hidden from students. Every entry's name is unique: a test's names its problem, and its
    submission too when several submissions are on that problem."""
    tests: list[dict[str, Any]] = []
    per_problem = Counter(r.problem for r in results)
    for r in results:
        prefix = r.problem if per_problem[r.problem] == 1 else f"{r.problem} ({r.submission})"
        summary = f"{r.verdict} ({r.verdict.long_name}), {r.passed}/{len(r.tests)} tests passed"
        if not r.compile.ok:
            summary += "\n\n" + compiler_text(r.compile.output)
        elif r.compile.warnings:
            summary += "\n\ncompiler warnings:\n" + compiler_text(r.compile.warnings)
        tests.append(
            {
                "name": visible(f"{r.problem}: {r.submission}"),
                "score": r.score,
                "max_score": r.max_score,
                "output": summary,
                "visibility": "visible",
            }
        )
        for t in r.tests:
            text = f"{t.verdict} ({t.verdict.long_name}) — CPU {t.time:.3f} s, memory {t.memory / MIB:.1f} MiB"
            if t.message:
                text += f"\n{visible(t.message)}"
            if t.details:
                text += "\n" + visible(_visible_detail(t), lines=True)
            tests.append(
                {
                    "name": visible(f"{prefix} {t.name}"),
                    "output": text,
                    "visibility": "visible" if t.sample else "hidden",
                    "status": "passed" if t.verdict == Verdict.AC else "failed",
                }
            )
    doc = {
        "score": sum(r.score for r in results),
        "execution_time": round(sum(r.wall for r in results), 3),
        "output": f"judge: {sum(r.score for r in results):g} / {sum(r.max_score for r in results):g} points",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": _unique_names(tests),
    }
    return json_text(doc) + "\n"
