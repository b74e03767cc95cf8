"""Reports of a SubmissionResult: a rich table on a terminal, plain text elsewhere, and JSON.

Every text a program, a compiler, a validator or a package supplied goes through ``visible`` (control characters
shown as escapes) before it is shown; JSON keeps the text exact, in JSON escapes. Knows only the result records;
nothing here talks to Docker.
"""

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from judge.judging.results import SubmissionResult, TestResult, Verdict
from judge.report.visible import json_text, visible
from judge.units import MIB

STYLE = {
    Verdict.AC: "bold green",
    Verdict.WA: "bold red",
    Verdict.TLE: "bold yellow",
    Verdict.MLE: "bold magenta",
    Verdict.RTE: "bold red",
    Verdict.OLE: "bold magenta",
    Verdict.CE: "bold blue",
    Verdict.JE: "bold white on red",
}
COMPILE_SHOWN = 4000  # characters of compiler output in the human report


def to_json(result: SubmissionResult) -> str:
    return json_text(result.to_dict())


def json_report(results: list[SubmissionResult]) -> str:
    """One submission: its document. Several: totals and a ``submissions`` list of those documents."""
    if len(results) == 1:
        return to_json(results[0]) + "\n"
    doc = {
        "version": 1,
        "score": sum(r.score for r in results),
        "max_score": sum(r.max_score for r in results),
        "accepted": sum(r.verdict == Verdict.AC for r in results),
        "total": len(results),
        "submissions": [r.to_dict() for r in results],
    }
    return json_text(doc) + "\n"


def total_line(results: list[SubmissionResult]) -> str:
    accepted = sum(r.verdict == Verdict.AC for r in results)
    return (
        f"total: {sum(r.score for r in results):g} / {sum(r.max_score for r in results):g} points, "
        f"{accepted}/{len(results)} submissions accepted"
    )


def _memory(value: int) -> str:
    return f"{value / MIB:.1f} MiB" if value else "-"


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _share(result: SubmissionResult, test: TestResult) -> str:
    """A test's CPU time as a share of the limit ("47 %"), "-" without a limit."""
    share = result.share(test)
    if share is None:
        return "-"
    return f"{share * 100:.1f} %" if share < 0.1 else f"{share * 100:.0f} %"


def _summary(result: SubmissionResult) -> str:
    lim = result.limits
    parts = [
        f"{result.verdict} ({result.verdict.long_name})",
        f"{result.passed}/{len(result.tests) + len(result.skipped)} tests passed",
        f"score {result.score:g}/{result.max_score:g}",
        f"CPU {result.time:.3f} s",
    ]
    slowest = result.slowest
    if slowest is not None and result.share(slowest) is not None:  # the margin the submission leaves
        parts.append(f"slowest {visible(slowest.name)} {slowest.time:.3f} s = {_share(result, slowest)} of the limit")
    parts.append(f"graded in {result.wall:.2f} s")
    limits = (
        f"limits: time {lim.get('time', 0):g} s ({lim.get('time_source', '?')}), wall cap {lim.get('wall', 0):g} s, "
        f"memory {lim.get('memory', 0) / MIB:g} MiB, output {lim.get('output', 0) / MIB:g} MiB"
    )
    return " · ".join(parts) + "\n" + limits


def _show_groups(result: SubmissionResult) -> bool:
    """Group rows are worth showing for a scoring problem or when there are groups below sample/secret."""
    return result.problem_max is not None or any("/" in g.name for g in result.groups)


def _message(test: TestResult) -> str:
    """The test's message, then what the validator told the team, the test's hint and a multi-pass test's passes."""
    parts = [test.message] if test.message else []
    if test.team_message and test.team_message != test.message:
        parts.append(f"team: {test.team_message}")
    if test.hint:
        parts.append(f"hint: {test.hint}")
    if test.passes > 1:
        parts.append(f"{test.passes} passes")
    if test.borderline:  # near the limit: run again, the verdict from the fastest run
        parts.append(f"borderline, runs {' '.join(f'{t:.3f}' for t in test.times)} s")
    return "; ".join(parts)


def _rows(result: SubmissionResult) -> list[tuple[list[str], Verdict | None]]:
    """The table's rows (tests, tests not run, then groups) with the verdict that colours each; every cell visible."""
    rows: list[tuple[list[str], Verdict | None]] = [
        (
            [
                visible(t.name),
                str(t.verdict),
                _seconds(t.time),
                _share(result, t),
                _seconds(t.wall),
                _memory(t.memory),
                visible(_message(t)),
            ],
            t.verdict,
        )
        for t in result.tests
    ]
    rows += [([visible(name), "-", "", "", "", "", "not run (after a failure)"], None) for name in result.skipped]
    if _show_groups(result):
        for g in result.groups:
            text = f"score {g.score:g}/{g.max_score:g}, {g.passed}/{g.total} tests passed"
            rows.append(([f"group {visible(g.name)}", str(g.verdict or "-"), "", "", "", "", text], g.verdict))
    return rows


HEADERS = ["test", "verdict", "CPU s", "of limit", "wall s", "memory", "message"]


def _header_lines(result: SubmissionResult) -> list[str]:
    """The file and problem, then the compiler's output of a failed compile or the warnings of one that worked."""
    head = f"{result.submission} · problem {result.problem} ({result.problem_name}) · {result.language}"
    lines = [visible(head)]
    compiled = result.compile
    if compiled.output and (not compiled.ok or result.verdict == Verdict.CE):
        lines += ["compiler output:", compiler_text(compiled.output)]
    elif compiled.warnings:
        lines += ["compiler warnings:", compiler_text(compiled.warnings)]
    return lines


def compiler_text(output: str) -> str:
    """A compiler's output as the reports show it: its first ``COMPILE_SHOWN`` characters, lines kept, visible."""
    return visible(output[:COMPILE_SHOWN].rstrip(), lines=True)


def judge_error_line(result: SubmissionResult) -> str:
    return f"judge error: {visible(result.message)}"


def render_plain(result: SubmissionResult) -> str:
    """The report as plain aligned text (for pipes, files and CI logs)."""
    lines = _header_lines(result)
    rows = [row for row, _ in _rows(result)]
    if rows:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS[:-1])]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
        lines.append(fmt.format(*HEADERS).rstrip())
        lines += [fmt.format(*row).rstrip() for row in rows]
    if result.message and result.verdict == Verdict.JE:
        lines.append(judge_error_line(result))
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def render_rich(result: SubmissionResult, console: Console) -> None:
    for line in _header_lines(result):
        console.print(Text(line))
    if result.tests:
        table = Table(show_edge=False, header_style="bold")
        for name in HEADERS:
            table.add_column(name, justify="right" if name in ("CPU s", "of limit", "wall s", "memory") else "left")
        for row, verdict in _rows(result):
            cells: list[Any] = [Text(c) for c in row]
            cells[1] = Text(row[1], style=STYLE[verdict] if verdict else "dim")
            table.add_row(*cells)
        console.print(table)
    if result.message and result.verdict == Verdict.JE:
        console.print(Text(judge_error_line(result), style="red"))
    verdict_line, limits_line = _summary(result).split("\n")
    console.print(Text(verdict_line, style=STYLE[result.verdict]))
    console.print(Text(limits_line, style="dim"))
