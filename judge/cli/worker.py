"""``judge worker``: join a Dask cluster as a grading worker of this host's engine."""

import os

import click

from judge.batch.dask import SPEED_ENV, require_dask, wait_for_scheduler, worker_command
from judge.cli.app import App, pass_app
from judge.errors import JudgeFailure
from judge.grading.calibrate import calibrate
from judge.sandbox import images


def _say(line: str, detail: bool = False) -> None:
    if not detail:
        click.echo(line, err=True)


@click.command()
@click.option("--scheduler", required=True, metavar="tcp://HOST:PORT", help="The Dask scheduler to join.")
@click.option(
    "--slots",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Containers this worker runs at once (its SANDBOX resource).",
)
@click.option("--name", help="Worker name shown by the scheduler.")
@click.option(
    "--scheduler-timeout",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to try reaching the scheduler before anything else (exit 3 if nobody answers).",
)
@click.option(
    "--calibrate/--no-calibrate",
    "measure",
    default=True,
    show_default=True,
    help="Time the reference programs first (judge calibrate) and report the ratio to the coordinator.",
)
@pass_app
def worker(app: App, scheduler: str, slots: int, name: str | None, scheduler_timeout: float, measure: bool) -> None:
    """Join a Dask cluster as a grading worker: reach the scheduler, check the engine, build missing images, measure
    this machine's speed, run `dask worker`."""
    require_dask()
    wait_for_scheduler(scheduler, scheduler_timeout)
    images.ensure_base(app.client, app.settings, _say)
    for language in app.languages.values():
        images.build_image(app.client, language, app.settings, _say)
    if measure:
        try:
            ratio = calibrate(app.client, app.settings, app.languages).ratio
        except JudgeFailure as exc:  # a worker that cannot measure still grades; it reports no speed
            click.echo(f"judge worker: warning: calibration failed, no speed reported: {exc}", err=True)
            ratio = None
        if ratio is not None:
            os.environ[SPEED_ENV] = f"{ratio:.4f}"  # the coordinator reads it (judge.batch.dask.worker_speed)
            click.echo(f"judge worker: this machine is {ratio:.3f} x the reference's CPU time", err=True)
    cmd = worker_command(scheduler, slots, name)
    click.echo(f"judge worker: {' '.join(cmd[2:])}", err=True)
    os.execv(cmd[0], cmd)
