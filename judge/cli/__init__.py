"""Command line: ``judge submit``, ``rescore``, ``results``, ``runners``, ``problems``, ``problem``, ``doctor``,
``worker``, ``calibrate``; one module per command, each given the shared App (settings, languages, Docker client).

Exit codes (judge.report.outcome): 0 accepted, 1 graded but not accepted, 2 bad input or usage, 3 judge failure.
Data goes to stdout, human messages to stderr; bad input is one line naming the file, never a traceback.
"""

from pathlib import Path
from typing import Any

import click

from judge.cli.app import App
from judge.cli.calibrate import calibrate_command
from judge.cli.doctor import doctor
from judge.cli.groups import JudgeGroup
from judge.cli.problem import problem
from judge.cli.problems import problems
from judge.cli.rescore import rescore
from judge.cli.results import results
from judge.cli.runners import runners
from judge.cli.submit import submit
from judge.cli.worker import worker

__all__ = ["cli", "main"]


@click.group(cls=JudgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="judge.yaml to use.")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Grade submissions in hardened Docker containers."""
    ctx.obj = App(config)


for command in (submit, rescore, worker, results, runners, doctor, calibrate_command, problems, problem):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="judge")
