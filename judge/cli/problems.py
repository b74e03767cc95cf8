"""``judge problems list``: the problems under problems/."""

import click

from judge.cli.app import App, pass_app
from judge.cli.tables import problems_table
from judge.errors import JudgeInputError
from judge.inputs.problem import Problem, list_problems


@click.group()
def problems() -> None:
    """The problems under problems/."""


@problems.command("list")
@pass_app
def list_all(app: App) -> None:
    """Id, name, limits and number of tests of every problem."""
    found: list[Problem] = []
    for item in list_problems(app.settings):
        if isinstance(item, JudgeInputError):
            click.echo(f"! {item}", err=True)
        else:
            found.append(item)
    click.echo("\n".join(problems_table(found)))
