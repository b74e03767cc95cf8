"""Command line: ``judge submit``, ``judge runners list|build``, ``judge problems list``.

Exit codes: 0 accepted, 1 graded but not accepted, 2 bad input or usage, 3 judge or engine failure.
Data goes to stdout, human messages to stderr; bad input is one line naming the file, never a traceback.
"""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from . import engine, images
from .config import MIB, Settings, load_settings
from .doctor import run_doctor
from .errors import JudgeFailure, JudgeInputError
from .grader import grade
from .problem import list_problems, load_problem
from .report import render_plain, render_rich, to_json
from .results import TestResult, Verdict
from .runners import load_runners, runner_for
from .sandbox import reap_orphans

EXIT_FOR = {Verdict.AC: 0, Verdict.JE: 3}


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


class JudgeGroup(click.Group):
    """Turns the judge's own errors into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (JudgeInputError, JudgeFailure) as exc:
            kind = "error" if isinstance(exc, JudgeInputError) else "judge error"
            click.echo(f"judge: {kind}: {exc}", err=True)
            ctx.exit(exc.exit_code)


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


@click.group(cls=JudgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="judge.yaml to use.")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Grade submissions in hardened Docker containers."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = load_settings(config)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--problem", "-p", "problem_ref", required=True, help="Problem id under problems/, or a path.")
@click.option("--lang", "-l", help="Language (runner name); default: from the file extension.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.pass_context
def submit(ctx: click.Context, file: Path, problem_ref: str, lang: str | None, fmt: str, output: Path | None) -> None:
    """Grade FILE on a problem and print the verdict of every test."""
    settings = _settings(ctx)
    runner = runner_for(file, load_runners(settings), lang)
    problem = load_problem(problem_ref, settings)
    client = engine.connect()
    reap_orphans(client)
    err = _stderr()
    on_test: Callable[[TestResult], None] | None = None
    status = None
    if err.is_terminal:
        status = err.status(f"grading {file.name} on {problem.id}: compiling ...")
        status.start()
        done = [0]

        def on_test(test: TestResult) -> None:
            done[0] += 1
            status.update(f"grading {file.name} on {problem.id}: {done[0]}/{len(problem.tests)} tests")

    try:
        result = grade(file, problem, runner, settings, client, on_test=on_test)
    finally:
        if status is not None:
            status.stop()
    if fmt == "json":
        text = to_json(result) + "\n"
        if output:
            output.write_text(text)
        else:
            sys.stdout.write(text)
    elif output:
        output.write_text(render_plain(result))
    else:
        out = Console(highlight=False)
        if out.is_terminal:
            render_rich(result, out)
        else:
            sys.stdout.write(render_plain(result))
    if result.verdict == Verdict.JE:
        click.echo(f"judge: judge error: {result.message}", err=True)
    sys.exit(EXIT_FOR.get(result.verdict, 1))


@cli.group()
def runners() -> None:
    """The language runners (runners/<lang>/)."""


@runners.command("list")
@click.pass_context
def runners_list(ctx: click.Context) -> None:
    """Languages, their extensions, commands and image status."""
    settings = _settings(ctx)
    found = load_runners(settings)
    try:
        client = engine.connect()
    except JudgeFailure:
        client = None
    for runner in found.values():
        status = images.runner_status(client, runner) if client else "engine unreachable"
        click.echo(
            f"{runner.name:<10} {runner.display:<22} .{', .'.join(runner.extensions):<14} {runner.image:<22} {status}"
        )
        if runner.compile:
            click.echo(f"{'':<10} compile: {' '.join(runner.compile)}")
        click.echo(f"{'':<10} run:     {' '.join(runner.run)}")


@runners.command("build")
@click.argument("langs", nargs=-1)
@click.option("--force", is_flag=True, help="Rebuild even when the image is up to date.")
@click.option("--quiet", "-q", is_flag=True, help="Only say what is built.")
@click.pass_context
def runners_build(ctx: click.Context, langs: tuple[str, ...], force: bool, quiet: bool) -> None:
    """Build the base image (pulled, or bootstrapped offline) and the runner images."""
    settings = _settings(ctx)
    found = load_runners(settings)
    unknown = [lang for lang in langs if lang not in found]
    if unknown:
        raise JudgeInputError(
            f"{settings.runners_dir}: no runner named {', '.join(unknown)} (known: {', '.join(found)})"
        )
    client = engine.connect(timeout=1800)

    def log(line: str, detail: bool = False) -> None:
        if not (quiet and detail):
            click.echo(line, err=True)

    images.ensure_base(client, settings, log)
    for name in langs or tuple(found):
        images.build_runner(client, found[name], settings, log, force=force)


@cli.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the engine and images, and probe a live sandbox for the isolation in force."""
    settings = _settings(ctx)
    checks = run_doctor(settings, load_runners(settings))
    for check in checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.name:<18} {check.detail}")
    failed = [c for c in checks if not c.ok]
    if failed:
        click.echo(f"judge doctor: {len(failed)} problem(s): {', '.join(c.name for c in failed)}", err=True)
        sys.exit(3)


@cli.group()
def problems() -> None:
    """The problems under problems/."""


@problems.command("list")
@click.pass_context
def problems_list(ctx: click.Context) -> None:
    """Id, name, limits and number of tests of every problem."""
    settings = _settings(ctx)
    click.echo(f"{'id':<16} {'name':<28} {'time':>6} {'memory':>8} {'output':>7} {'tests':>6}")
    for item in list_problems(settings):
        if isinstance(item, JudgeInputError):
            click.echo(f"! {item}", err=True)
            continue
        lim = item.limits
        click.echo(
            f"{item.id:<16} {item.name[:28]:<28} {lim.time:>5g}s {lim.memory // MIB:>5} MiB "
            f"{lim.output // MIB:>3} MiB {len(item.tests):>6}"
        )


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="judge")
