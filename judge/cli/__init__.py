"""Command line: ``judge submit``, ``run``, ``rescore``, ``results``, ``runners``, ``problems``, ``problem``,
``doctor``, ``worker``, ``calibrate``, ``serve``; one module per command, each given the shared App (settings,
languages, Docker client).

Exit codes (judge.report.outcome): 0 accepted, 1 graded but not accepted, 2 bad input or usage, 3 judge failure.
Data goes to stdout, human messages to stderr; bad input is one line naming the file, never a traceback.
"""

import importlib
from pathlib import Path
from typing import Any

import click

from judge import __version__
from judge.cli.app import App
from judge.cli.groups import JudgeGroup
from judge.cli.options import CONFIG_HELP, add_config_option

__all__ = ["cli", "main"]

# Each command's module, imported when the command runs (or help lists it): `judge results show` does not
# import Docker's client, the graders or Dask.
COMMANDS = {
    "submit": ("judge.cli.submit", "submit"),
    "run": ("judge.cli.run", "run"),
    "rescore": ("judge.cli.rescore", "rescore"),
    "worker": ("judge.cli.worker", "worker"),
    "results": ("judge.cli.results", "results"),
    "runners": ("judge.cli.runners", "runners"),
    "doctor": ("judge.cli.doctor", "doctor"),
    "calibrate": ("judge.cli.calibrate", "calibrate_command"),
    "problems": ("judge.cli.problems", "problems"),
    "problem": ("judge.cli.problem", "problem"),
    "serve": ("judge.cli.serve", "serve"),
}


class LazyJudgeGroup(JudgeGroup):
    """The root group, loading a command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attr)
            add_config_option(command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyJudgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help=CONFIG_HELP)
@click.version_option(__version__, "--version", prog_name="judge", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Grade submissions in hardened Docker containers."""
    ctx.obj = App(config)


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="judge")
