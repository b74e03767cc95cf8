"""``judge doctor``: check the engine and images, and probe a live sandbox for the isolation in force."""

import sys

import click

from judge.cli.app import App, pass_app
from judge.cli.tables import check_line
from judge.report.outcome import CommandOutcome
from judge.sandbox.doctor import run_doctor


@click.command()
@pass_app
def doctor(app: App) -> None:
    """Check the engine and images, and probe a live sandbox for the isolation in force."""
    checks = run_doctor(app.settings, app.languages)  # connects on its own: an unreachable engine is a failed check
    for check in checks:
        click.echo(check_line(check))
    failed = [c for c in checks if not c.ok]
    if failed:
        click.echo(f"judge doctor: {len(failed)} problem(s): {', '.join(c.name for c in failed)}", err=True)
    sys.exit(CommandOutcome(judge_errors=len(failed)).return_code)
