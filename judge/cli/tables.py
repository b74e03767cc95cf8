"""Hand-written text tables of the commands (rescore changes, problems, runners, package checks, doctor; the results
table and scoreboard stream from the store in judge/cli/results.py).

Pure text formatting: functions return lines and print nothing. They live here rather than in judge/report/
because they show batch records (store changes, package-check rows), and report/ sits below batch.
"""

from collections.abc import Iterator

from judge.batch.packagecheck import CheckRow
from judge.batch.store import Change
from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.report.visible import visible
from judge.sandbox.doctor import Check
from judge.units import MIB


def changes_table(changes: list[Change], set_id: int, total: int) -> Iterator[str]:
    """The verdicts a result set changes against the published results, a line at a time (a first set's
    table has a line per submission)."""
    yield f"result set {set_id}: {total} submissions, {len(changes)} verdict change(s) against the published results"
    for c in changes:
        cause = f"  ({c.cause})" if c.cause else ""
        yield f"  {visible(c.submission):<40} {c.problem:<8} {c.old or '(new)':>5} -> {c.new}{cause}"


def problems_table(problems: list[Problem]) -> list[str]:
    lines = [f"{'id':<16} {'name':<28} {'time':>6} {'memory':>8} {'output':>7} {'tests':>6}  kind"]
    for p in problems:
        lim = p.limits
        lines.append(
            f"{p.id:<16} {p.name[:28]:<28} {lim.time:>5g}s {lim.memory // MIB:>5} MiB "
            f"{lim.output // MIB:>3} MiB {len(p.tests):>6}  {p.kind}"
        )
    return lines


def language_lines(language: Language, status: str, version: str | None) -> list[str]:
    """A language's line (name, extensions, image and its ``status``), then its version and commands."""
    lines = [
        f"{language.name:<10} {language.display:<22} .{', .'.join(language.extensions):<14} "
        f"{language.image:<22} {status}"
    ]
    if version:
        lines.append(f"{'':<10} version: {version}")
    if language.compile:
        lines.append(f"{'':<10} compile: {' '.join(language.compile)}")
    lines.append(f"{'':<10} run:     {' '.join(language.run)}")
    return lines


def package_header(problem: Problem) -> str:
    lim = problem.limits
    return (
        f"{problem.id} ({problem.name}): {problem.kind}, {len(problem.tests)} tests, "
        f"time limit {lim.time:g} s ({lim.time_source})"
    )


def check_row_line(row: CheckRow, *, scoring: bool) -> str:
    """``ok`` or ``FAIL``, the submission, the verdict its folder expects and the one it got."""
    r = row.result
    score = f" {r.score:g}/{r.max_score:g}" if scoring else ""
    slowest = max((t.time for t in r.tests), default=0.0)
    why = f"  {row.why}" if row.why else ""
    mark = "ok  " if row.ok else "FAIL"
    got = f"got {r.verdict!s:<4}{score} {slowest:.3f} s"
    return f"{mark} {row.submission:<48} expected {row.expected:<4} {got}{why}"


def check_line(check: Check) -> str:
    """One doctor check."""
    status = "ok  " if check.ok else "warn" if check.advisory else "FAIL"  # advisory: timing noise, not a failure
    return f"{status}  {check.name:<18} {check.detail}"
