"""``judge problem check``: grade a package's own submissions and compare with the verdicts of their folders."""

import json
import os
import sys

import click

from judge.batch.packagecheck import CheckRow, check_package, row_summary
from judge.cli.app import App, pass_app
from judge.cli.progress import stderr_console
from judge.cli.tables import check_row_line, package_header
from judge.inputs.problem import load_problem
from judge.judging.results import Verdict
from judge.report.outcome import CommandOutcome


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
@pass_app
def check(app: App, path: str, jobs: int, fmt: str) -> None:
    """Grade every submission in PATH's submissions/<verdict>/ folders; exit 1 if any gets another verdict.

    PATH is a package folder or an id under problems/. A package without a time limit gets it derived
    from its accepted submissions first (shown with how).
    """
    package = app.with_time_limit(load_problem(path, app.settings))
    err = stderr_console()
    graded = 0

    def on_row(row: CheckRow) -> None:
        nonlocal graded
        graded += 1
        if err.is_terminal:
            err.print(f"[{graded}] {row.submission}: {row.result.verdict}", highlight=False)

    rows, skipped = check_package(package, app.settings, app.client, app.languages, jobs, on_row)
    outcome = CommandOutcome(
        rejected=sum(not row.ok for row in rows),
        judge_errors=sum(row.result.verdict == Verdict.JE for row in rows),
    )
    if fmt == "json":
        doc = {
            "version": 1,
            "problem": package.id,
            "time_limit": package.limits.time,
            "time_source": package.limits.time_source,
            "submissions": [row_summary(row) for row in rows],
            "skipped": skipped,
            "ok": not outcome.rejected,
        }
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(package_header(package))
        for row in rows:
            click.echo(check_row_line(row, package.scoring))
        for line in skipped:
            click.echo(f"skipped: {line}", err=True)
        click.echo(f"{len(rows) - outcome.rejected}/{len(rows)} submissions got the verdict of their folder")
    sys.exit(outcome.return_code)
