"""What several commands share: ``--config`` (accepted before or after the subcommand), ``--store``,
``--engine-wait``, and output files, made ready (their folder created) before any grading starts."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from judge.errors import JudgeInputError

CONFIG_HELP = "judge.yaml to use."


def _use_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        from judge.cli.app import App

        app = ctx.find_object(App)
        if app is not None:
            app.use_config(value)


def config_option() -> click.Option:
    """``--config FILE`` for a subcommand: the same as ``judge --config FILE`` before it."""
    return click.Option(
        ["--config"],
        type=click.Path(dir_okay=False, path_type=Path),
        help=CONFIG_HELP,
        expose_value=False,
        callback=_use_config,
    )


def add_config_option(command: click.Command) -> None:
    """Give ``command`` (and, for a group, every command under it) a ``--config`` option, once."""
    if not any(isinstance(p, click.Option) and "--config" in p.opts for p in command.params):
        command.params.append(config_option())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_config_option(sub)


store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results store (default .judge/results.db).",
)


F = TypeVar("F", bound=Callable[..., object])


def engine_wait_option(command: F) -> F:
    """``--engine-wait SECONDS`` (or JUDGE_ENGINE_WAIT) for a command that grades on the engine."""
    from judge.sandbox.engine import ENGINE_WAIT  # here: the commands that grade nothing do not load docker-py

    return click.option(
        "--engine-wait",
        type=click.FloatRange(min=0),
        default=ENGINE_WAIT,
        show_default=True,
        envvar="JUDGE_ENGINE_WAIT",
        show_envvar=True,
        metavar="SECONDS",
        help="When the Docker engine goes away mid-run, wait this long for it before giving up (exit 3).",
    )(command)


def prepare_output(path: Path, what: str = "output") -> Path:
    """``path`` ready to be written: its folder created if missing. A folder in its place, or a folder that cannot
    be created or written, is an input error naming it (found before anything is graded)."""
    if path.is_dir():
        raise JudgeInputError(f"{path}: the {what} file is a folder")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise JudgeInputError(f"{path}: cannot create the {what} file's folder: a file is in the way") from None
    except OSError as exc:
        raise JudgeInputError(f"{path}: cannot create the {what} file's folder: {exc.strerror or exc}") from None
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise JudgeInputError(f"{path}: the {what} file cannot be written (permission denied)")
    return path


def distinct_outputs(named: list[tuple[str, Path]]) -> None:
    """Every output file once: two reports into one file would overwrite each other."""
    seen: dict[Path, str] = {}
    for name, path in named:
        key = path.resolve()
        if key in seen:
            raise JudgeInputError(f"{path}: both {seen[key]} and {name} would write this file; give each its own")
        seen[key] = name
