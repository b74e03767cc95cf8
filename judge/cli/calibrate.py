"""``judge calibrate``: time the reference programs here and print the ratio to the recorded reference machine."""

import json
import sys

import click

from judge.cli.app import App, pass_app
from judge.grading.calibrate import REFERENCE, Calibration, ProgramTiming, calibrate, record_reference
from judge.report.outcome import ExitCode


def calibration_lines(calibration: Calibration) -> list[str]:
    """The table of programs and the machine's ratio, with what to set in judge.yaml."""
    lines = [f"{'language':<10} {'reference':>10} {'here':>9} {'ratio':>6}  runs (CPU s)"]
    for p in calibration.programs:
        reference = f"{p.reference:.3f} s" if p.reference else "-"
        ratio_text = f"{p.ratio:.3f}" if p.ratio is not None else "-"
        runs = " ".join(f"{t:.3f}" for t in p.times)
        lines.append(f"{p.language:<10} {reference:>10} {p.best:>7.3f} s {ratio_text:>6}  {runs}")
    ratio = calibration.ratio
    if ratio is None:
        lines.append(f"no reference figures in {REFERENCE}: record them with `judge calibrate --record`")
    else:
        speed = "slower" if ratio > 1 else "faster"
        lines.append(
            f"this machine: {ratio:.3f} x the reference's CPU time ({abs(ratio - 1) * 100:.1f} % {speed}; reference: "
            f"{calibration.reference_machine or 'unnamed'})"
        )
        lines.append(
            f"to grade as the reference machine does, set in judge.yaml: timing: {{time_multiplier: {ratio:.2f}}}"
        )
    return lines


@click.command("calibrate")
@click.option("--runs", type=click.IntRange(min=1), default=3, show_default=True, help="Runs per program.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--record", is_flag=True, help=f"Record this machine's figures as the reference ({REFERENCE.name}).")
@pass_app
def calibrate_command(app: App, runs: int, as_json: bool, record: bool) -> None:
    """Time the reference programs (C, C++, Java, Python) in the sandbox and print this machine's speed ratio."""
    calibration = calibrate(app.client, app.settings, app.languages, runs)
    if record:
        record_reference(calibration)
        click.echo(f"judge calibrate: recorded this machine's figures in {REFERENCE}", err=True)
        mine = [ProgramTiming(p.language, p.times, p.best) for p in calibration.programs]
        calibration = Calibration(mine, "this machine")
    if as_json:
        click.echo(json.dumps(calibration.to_dict(), indent=2))
    else:
        for line in calibration_lines(calibration):
            click.echo(line)
    sys.exit(ExitCode.OK)
