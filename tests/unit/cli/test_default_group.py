"""DefaultGroup routing (``judge rescore FOLDER`` beside ``judge rescore apply SET``), on a toy group; no Docker."""

import click
import pytest
from click.testing import CliRunner

from judge.cli.groups import DefaultCommand, DefaultGroup


@click.group(cls=DefaultGroup, default="run", subcommand_metavar="[FOLDER] | apply SET")
def group() -> None:
    """Toy group."""


@group.command("run", cls=DefaultCommand)
@click.argument("folder", required=False)
@click.option("--store")
@click.option("-j", "--jobs", type=int)
@click.option("--force", is_flag=True)
def run(folder: str | None, store: str | None, jobs: int | None, force: bool) -> None:
    click.echo(f"run folder={folder} store={store} jobs={jobs} force={force}")


@group.command("apply")
@click.argument("set_id", metavar="SET", type=int)
@click.option("--store")
def apply(set_id: int, store: str | None) -> None:
    click.echo(f"apply {set_id} store={store}")


def invoke(*args: str):
    return CliRunner().invoke(group, list(args), prog_name="judge rescore")


@pytest.mark.parametrize(
    ("args", "out"),
    [
        (["subs", "--store", "s"], "run folder=subs store=s jobs=None force=False"),
        (["--store", "s", "subs"], "run folder=subs store=s jobs=None force=False"),
        (["-j", "2", "--force", "subs"], "run folder=subs store=None jobs=2 force=True"),
        ([], "run folder=None store=None jobs=None force=False"),
        (["run"], "run folder=run store=None jobs=None force=False"),  # the default is never chosen by name
        (["--", "apply"], "run folder=apply store=None jobs=None force=False"),
        (["apply", "3", "--store", "s"], "apply 3 store=s"),
        (["--store", "s", "apply", "3"], "apply 3 store=s"),  # options before the subcommand's name
        (["--store=s", "apply", "3"], "apply 3 store=s"),
    ],
)
def test_routing(args, out):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == out


@pytest.mark.parametrize("args", [["apply"], ["apply", "x"], ["apply", "1", "2"], ["a", "b"], ["--bogus"]])
def test_usage_errors_exit_2_under_the_group_name(args):
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Try 'judge rescore" in result.stderr and "Traceback" not in result.output


def test_help_shows_the_default_options_and_the_subcommands():
    text = invoke("--help").stdout
    assert text.startswith("Usage: judge rescore [OPTIONS] [FOLDER] | apply SET")
    assert "--force" in text and "apply" in text
    assert "  run " not in text  # hidden


def test_default_command_usage_names_the_group():
    assert invoke("subs", "--help").stdout.startswith("Usage: judge rescore [OPTIONS] [FOLDER]")
