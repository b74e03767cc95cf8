"""``judge problem check``: grade a package's own submissions and compare with the verdicts of their folders;
``--only lint|data|validators`` runs one part of the setter's verifier (judge.batch.verifier) instead: lint runs no
program, data runs the validators on the package's data, validators only builds them."""

import json
import os
import sys

import click
from rich.text import Text

from judge.batch.packagecheck import CheckOptions, CheckRow, check_package, package_margins, row_summary
from judge.batch.packagecheck import write_limit as write_limit_to  # the --write-limit flag takes its name
from judge.batch.verifier import data_check, static_check, submission_findings, validators_check
from judge.cli.app import App, pass_app
from judge.cli.progress import BatchProgress, stderr_console
from judge.cli.tables import check_row_line, package_header
from judge.inputs.problem import load_problem, resolve
from judge.judging.margins import Margins, Timed
from judge.judging.results import Verdict
from judge.report.findings import counted_errors, finding_lines, findings_doc, findings_outcome
from judge.report.outcome import CommandOutcome
from judge.report.visible import visible


@click.group("problem")
def problem() -> None:
    """One problem package."""


@problem.command("check")
@click.argument("path")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
    help="Submissions graded at once.",
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
    type=click.Choice(["lint", "data", "validators"]),
    help="One part of the verifier: lint (the files and submissions.yaml; no Docker), data (the input validators on "
    "every input, the output validator on answers and validation data), validators (build them only).",
)
@click.option("-e", "--warnings-are-errors", "strict", is_flag=True, help="Findings that are warnings fail too.")
@pass_app
def check(
    app: App, path: str, jobs: int, fmt: str, write_limit: bool, every_test: bool, only: str | None, strict: bool
) -> None:
    """Grade every submission in PATH's submissions/ folders; exit 1 if any misses what its folder's default,
    submissions.yaml or its @EXPECTED_RESULTS@ tag asks.

    PATH is a package folder or an id under problems/. A package without a time limit gets it derived
    from its accepted submissions first (shown with how). A submission expected to be rejected (of a pass-fail
    problem, no submissions.yaml entry matching it) stops at its first failing test; --all runs every test.

    --only lint checks the package's files and submissions.yaml as the spec asks; --only data runs the input
    validators on every input and the output validator on the answers and validation test data; --only validators
    builds every validator. One line per finding naming the file; exit 1 on an error (-e: on a warning too).
    """
    if only is not None:
        findings_only(app, path, fmt, strict, only, jobs)
    package = app.with_time_limit(load_problem(path, app.settings))
    static = submission_findings(package.path)  # what submissions.yaml asks that can never hold, before grading
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
        options = CheckOptions(jobs=jobs, every_test=every_test, on_total=on_total, on_row=on_row)
        rows, skipped = check_package(package, app.settings, app.client, app.languages, options)
    finally:
        if progress is not None:
            progress.stop()
    margins = package_margins(package, rows)
    written = ""
    if write_limit and margins.computed is not None:
        written = write_limit_to(package, margins.computed)
    outcome = CommandOutcome(
        rejected=sum(not row.ok for row in rows)
        + len(margins.problems)
        + counted_errors(static, warnings_are_errors=strict),
        judge_errors=sum(row.result.verdict == Verdict.JE for row in rows),
    )
    if fmt == "json":
        doc = {
            "version": 1,
            "problem": package.id,
            "time_limit": package.limits.time,
            "time_source": package.limits.time_source,
            "submissions": [row_summary(row) for row in rows],
            "margins": margins_doc(margins, written),
            "skipped": skipped,
            "findings": findings_doc(static, warnings_are_errors=strict)["findings"],
            "ok": not outcome.rejected,
        }
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(package_header(package))
        for row in rows:
            click.echo(check_row_line(row, scoring=package.scoring))
        for line in skipped:
            click.echo(f"skipped: {line}", err=True)
        got = sum(row.ok for row in rows)
        click.echo(f"{got}/{len(rows)} submissions got the verdict of their folder")
        if static:
            for line in finding_lines(static, warnings_are_errors=strict):
                click.echo(line)
        for line in margin_lines(margins):
            click.echo(line)
        if written:
            click.echo(f"time limit {margins.computed:g} s written to {written}")
    if write_limit and margins.computed is None:
        click.echo("judge problem check: no time limit meets both margins: nothing written", err=True)
    sys.exit(outcome.return_code)


def findings_only(app: App, path: str, fmt: str, strict: bool, only: str, jobs: int) -> None:
    """``--only PART``: the findings of that part of judge.batch.verifier, as lines or JSON; exits."""
    folder = resolve(path, app.settings)
    if only == "lint":
        findings = static_check(folder, output_limit=app.settings.output)
    elif only == "data":
        findings = data_check(folder, app.settings, app.client, jobs=jobs, say=lambda line: click.echo(line, err=True))
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
