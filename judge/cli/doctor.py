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
    """Check the engine and images, probe a live sandbox for the isolation in force, and list what on the engine's
    machine makes CPU times vary (warn lines, each with what to change; nothing is changed)."""
    checks = run_doctor(app.settings, app.languages)  # connects on its own: an unreachable engine is a failed check
    for check in checks:
        click.echo(check_line(check))
    failed = [c for c in checks if not c.ok and not c.advisory]
    noisy = [c for c in checks if not c.ok and c.advisory]
    if noisy:
        click.echo(
            f"judge doctor: {len(noisy)} source(s) of timing noise: {', '.join(c.name for c in noisy)}", err=True
        )
    if failed:
        click.echo(f"judge doctor: {len(failed)} problem(s): {', '.join(c.name for c in failed)}", err=True)
    sys.exit(CommandOutcome(judge_errors=len(failed)).return_code)
