"""``judge problem check``: the setter's verifier. The full check runs every part -- lint (the files and
submissions.yaml; judge.batch.verifier), data (the validators on the package's data), submissions (each graded
against what is asked of it; judge.batch.packagecheck), timing (the margins) -- and prints the submissions' rows,
the margins, one line per finding grouped by part, and how long each part took. ``--only PART`` runs one part:
lint runs no program, validators only builds them, timing grades the submissions that bound the time limit."""

import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import click
from rich.text import Text

from judge.batch.packagecheck import (
    CheckOptions,
    CheckRow,
    check_package,
    margin_findings,
    package_margins,
    row_findings,
    row_summary,
)
from judge.batch.packagecheck import write_limit as write_limit_to  # the --write-limit flag takes its name
from judge.batch.verifier import data_check, static_check, submission_findings, validators_check
from judge.cli.app import App, pass_app
from judge.cli.progress import BatchProgress, stderr_console
from judge.cli.tables import check_row_line, package_header
from judge.grading.validators import compile_validator
from judge.inputs.findings import PARTS, Finding
from judge.inputs.problem import Problem, load_problem, resolve
from judge.judging.expectations import bounds_time_limit
from judge.judging.margins import Margins, Timed
from judge.judging.results import Verdict
from judge.report.findings import counted_errors, finding_lines, findings_doc, findings_outcome
from judge.report.outcome import CommandOutcome
from judge.report.visible import visible

T = TypeVar("T")


@click.group("problem")
def problem() -> None:
    """One problem package."""


def _regex(_ctx: click.Context, _param: click.Parameter, value: str | None) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        return re.compile(value)
    except re.error as exc:
        raise click.BadParameter(f"{value!r} is not a valid regex: {exc}") from None


@problem.command("check")
@click.argument("path")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
    help="Submissions graded at once (validators run at once).",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--write-limit",
    is_flag=True,
    help="Write the time limit the spec's rule computes (problem.yaml limits.time_limit; .timelimit if legacy).",
)
@click.option(
    "--all",
    "-a",
    "every_test",
    is_flag=True,
    help="Run every test of every submission (by default one expected to be rejected stops at its first failure).",
)
@click.option(
    "--only",
    type=click.Choice(PARTS),
    help="One part of the verifier: lint (the files and submissions.yaml; no Docker), data (the input validators on "
    "every input, the output validator on answers and validation data), validators (build them only), submissions "
    "(grade them against what is asked of them), timing (grade those that bound the time limit; the margins).",
)
@click.option(
    "-s", "--submission-filter", "submission_filter", metavar="REGEX", callback=_regex,
    help="Grade only the submissions whose path under submissions/ contains a match (accepted/sum.py).",
)  # fmt: skip
@click.option(
    "-d", "--data-filter", "data_filter", metavar="REGEX", callback=_regex,
    help="Use only the test files whose name (relative to data/, no extension: secret/03) contains a match.",
)  # fmt: skip
@click.option("-e", "--warnings-are-errors", "strict", is_flag=True, help="Findings that are warnings fail too.")
@pass_app
def check(
    app: App,
    path: str,
    jobs: int,
    fmt: str,
    write_limit: bool,
    every_test: bool,
    only: str | None,
    submission_filter: re.Pattern[str] | None,
    data_filter: re.Pattern[str] | None,
    strict: bool,
) -> None:
    """Check the package in PATH as its setter would: its files, its validators on its data, its submissions
    against what their folder's default, submissions.yaml or @EXPECTED_RESULTS@ tag asks, and the time margins.
    One line per finding naming the file, grouped by part; exit 1 on an error (-e: on a warning too).

    PATH is a package folder or an id under problems/. A package without a time limit gets it derived
    from its accepted submissions first (shown with how). A submission expected to be rejected (of a pass-fail
    problem, no submissions.yaml entry matching it) stops at its first failing test; --all runs every test.

    --only lint checks the package's files and submissions.yaml as the spec asks; --only data runs the input
    validators on every input and the output validator on the answers and validation test data; --only validators
    builds every validator; --only submissions grades the submissions; --only timing grades those that bound the
    time limit and checks the margins. -s and -d keep the submissions and test files a regex finds in their names
    (as verifyproblem's -s and -d).
    """
    if write_limit and (submission_filter or data_filter or only not in (None, "timing")):
        raise click.UsageError("--write-limit needs every submission that bounds the time limit on every test")
    if only in ("lint", "data", "validators"):
        findings_only(app, path, fmt, strict, only, jobs, data_filter)
    parts = PARTS if only is None else (only,)
    timer = PartTimer()
    folder = resolve(path, app.settings)
    findings: list[Finding] = []
    if "lint" in parts:
        findings += timer.run("lint", lambda: static_check(folder, output_limit=app.settings.output))
    elif "submissions" in parts:  # what submissions.yaml asks that can never hold, before grading
        findings += submission_findings(folder)
    if "data" in parts:
        problem = load_problem(str(folder), app.settings)
        if problem.validator is not None:  # an output validator that does not build is a package error (exit 2)
            compile_validator(problem, app.settings, app.client)
        say = None if fmt == "json" else lambda line: click.echo(line, err=True)
        findings += timer.run(
            "data", lambda: data_check(folder, app.settings, app.client, jobs=jobs, say=say, data_filter=data_filter)
        )
    options = CheckOptions(
        jobs=jobs,
        every_test=every_test,
        submission_filter=submission_filter,
        test_filter=data_filter,
        select=None if "submissions" in parts else bounds_time_limit,
    )
    package, rows, skipped = timer.run("submissions", lambda: _grade(app, folder, options))
    margins = package_margins(package, rows)
    if "submissions" in parts:
        findings += row_findings(rows)
    if "timing" in parts:
        findings += margin_findings(margins)
    if submission_filter or data_filter:
        margins.notes.append("-s/-d: the margins are of the submissions and tests graded")
    written = ""
    if write_limit and margins.computed is not None:
        written = write_limit_to(package, margins.computed)
    findings = list(dict.fromkeys(findings))  # lint and data both name the input validators found
    outcome = CommandOutcome(
        rejected=counted_errors(findings, warnings_are_errors=strict),
        judge_errors=sum(row.result.verdict == Verdict.JE for row in rows),
    )
    if fmt == "json":
        doc = {
            "version": 1,
            "problem": package.id,
            "time_limit": package.limits.time,
            "time_source": package.limits.time_source,
            "submissions": [row_summary(row) for row in rows],
            "margins": margins_doc(margins, written) if "timing" in parts else None,
            "skipped": skipped,
            **findings_doc(findings, warnings_are_errors=strict),
            "times": {part: round(seconds, 3) for part, seconds in timer.seconds.items()},
        }
        doc["ok"] = not outcome.rejected and not outcome.judge_errors
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(package_header(package))
        for row in rows:
            click.echo(check_row_line(row, scoring=package.scoring))
        for line in skipped:
            click.echo(f"skipped: {line}", err=True)
        got = sum(row.ok for row in rows)
        click.echo(f"{got}/{len(rows)} submissions got the verdict of their folder")
        for line in margin_lines(margins) if "timing" in parts else []:
            click.echo(line)
        if written:
            click.echo(f"time limit {margins.computed:g} s written to {written}")
        for line in finding_lines(findings, warnings_are_errors=strict):
            click.echo(line)
        click.echo(timer.line())
    if write_limit and margins.computed is None:
        click.echo("judge problem check: no time limit meets both margins: nothing written", err=True)
    sys.exit(outcome.return_code)


@dataclass
class PartTimer:
    """How long each part of the check took (setters ask where a check spends its time)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, part: str, work: Callable[[], T]) -> T:
        start = time.monotonic()
        try:
            return work()
        finally:
            self.seconds[part] = time.monotonic() - start

    def line(self) -> str:
        spent = ", ".join(f"{part} {seconds:.1f} s" for part, seconds in self.seconds.items())
        return f"time: {spent}, total {sum(self.seconds.values()):.1f} s"


def _grade(app: App, folder: Path, options: CheckOptions) -> tuple[Problem, list[CheckRow], list[str]]:
    """The package (its time limit derived if it has none) and its submissions graded."""
    package = app.with_time_limit(load_problem(str(folder), app.settings))
    err = stderr_console()
    graded = 0
    progress: BatchProgress | None = None  # piped: a plain line every few seconds

    def on_total(total: int) -> None:
        nonlocal progress
        if not err.is_terminal:
            progress = BatchProgress(total, "problem check", store=False)

    def on_row(row: CheckRow) -> None:
        nonlocal graded
        graded += 1
        if err.is_terminal:
            err.print(Text(f"[{graded}] {visible(row.submission)}: {row.result.verdict}"), highlight=False)
        elif progress is not None:
            progress(row, str(row.result.verdict), False)

    try:
        options = replace(options, on_total=on_total, on_row=on_row)
        rows, skipped = check_package(package, app.settings, app.client, app.languages, options)
    finally:
        if progress is not None:
            progress.stop()
    return package, rows, skipped


def findings_only(
    app: App, path: str, fmt: str, strict: bool, only: str, jobs: int, data_filter: re.Pattern[str] | None = None
) -> None:
    """``--only lint|data|validators``: the findings of that part of judge.batch.verifier, as lines or JSON; exits."""
    folder = resolve(path, app.settings)
    if only == "lint":
        findings = static_check(folder, output_limit=app.settings.output)
    elif only == "data":
        say = lambda line: click.echo(line, err=True)  # noqa: E731
        findings = data_check(folder, app.settings, app.client, jobs=jobs, say=say, data_filter=data_filter)
    else:
        findings = validators_check(folder, app.settings, app.client)
    if fmt == "json":
        click.echo(json.dumps({"problem": folder.name, **findings_doc(findings, warnings_are_errors=strict)}, indent=2))
    else:
        for line in finding_lines(findings, warnings_are_errors=strict):
            click.echo(line)
    sys.exit(findings_outcome(findings, warnings_are_errors=strict).return_code)


def _timed(timed: Timed | None, limit: float) -> str:
    if timed is None:
        return "-"
    at_least = ">= " if timed.stopped else ""
    return f"{at_least}{timed.seconds:.3f} s ({timed.seconds / limit * 100:.0f} % of the limit, {timed.submission})"


def margin_lines(margins: Margins) -> list[str]:
    """Per folder: the slowest accepted and the fastest TLE submission against the limit; then what the spec asks."""
    lines = [
        f"time margins (limit {margins.limit:g} s; ac_to_time_limit {margins.ac_to_time_limit:g}, "
        f"time_limit_to_tle {margins.time_limit_to_tle:g}):"
    ]
    for folder in margins.folders:
        parts = []
        if folder.slowest_ac is not None:
            parts.append(f"slowest accepted {_timed(folder.slowest_ac, margins.limit)}")
        if folder.fastest_tle is not None:
            parts.append(f"fastest TLE {_timed(folder.fastest_tle, margins.limit)}")
        lines.append(f"  {folder.folder + '/':<24} {'; '.join(parts) or '-'}")
    lines += [f"  margin: {problem}" for problem in margins.problems]
    lines += [f"  note: {note}" for note in margins.notes]
    if margins.computed is None:
        lines.append("  the spec's rule gives no limit: no multiple of time_resolution meets both margins")
    else:
        lines.append(
            f"  the spec's rule gives a limit of {margins.computed:g} s (time_resolution {margins.resolution:g} s)"
        )
    return lines


def margins_doc(margins: Margins, written: str) -> dict:
    def timed(t: Timed | None) -> dict | None:
        return None if t is None else {"submission": t.submission, "time": round(t.seconds, 4), "stopped": t.stopped}

    return {
        "limit": margins.limit,
        "ac_to_time_limit": margins.ac_to_time_limit,
        "time_limit_to_tle": margins.time_limit_to_tle,
        "time_resolution": margins.resolution,
        "folders": [
            {
                "folder": f.folder,
                "count": f.count,
                "slowest_ac": timed(f.slowest_ac),
                "fastest_tle": timed(f.fastest_tle),
            }
            for f in margins.folders
        ],
        "problems": margins.problems,
        "notes": margins.notes,
        "computed_limit": margins.computed,
        "written": written or None,
    }
