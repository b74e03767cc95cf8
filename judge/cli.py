"""Command line: ``judge submit``, ``judge runners list|build``, ``judge problems list``.

Exit codes: 0 accepted, 1 graded but not accepted, 2 bad input or usage, 3 judge or engine failure.
Data goes to stdout, human messages to stderr; bad input is one line naming the file, never a traceback.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from . import ci_reports, engine, images
from .assign import assign
from .config import MIB, Settings, load_settings
from .doctor import run_doctor
from .errors import JudgeFailure, JudgeInputError
from .grader import grade
from .problem import list_problems, load_problem
from .report import json_report, render_plain, render_rich, total_line
from .results import SubmissionResult, TestResult, Verdict, batch_exit_code
from .runners import load_runners, runner_for
from .sandbox import reap_orphans


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


FORMATS: dict[str, Callable[[list[SubmissionResult]], str]] = {
    "json": json_report,
    "junit": ci_reports.junit,
    "github": ci_reports.github,
    "markdown": ci_reports.markdown,
    "gradescope": ci_reports.gradescope,
}


def _parse_reports(reports: tuple[str, ...]) -> list[tuple[str, Path]]:
    parsed = []
    for item in reports:
        fmt, sep, path = item.partition("=")
        if not sep or not path or fmt not in {"table", *FORMATS}:
            raise click.BadParameter(
                f"{item!r}: expected FORMAT=FILE with FORMAT one of table, {', '.join(FORMATS)}", param_hint="--report"
            )
        parsed.append((fmt, Path(path)))
    return parsed


def _render(fmt: str, results: list[SubmissionResult]) -> str:
    if fmt == "table":
        return "".join(render_plain(r) for r in results) + (total_line(results) + "\n" if len(results) > 1 else "")
    return FORMATS[fmt](results)


def _grade_all(plan: list, settings: Settings) -> list[SubmissionResult]:
    client = engine.connect()
    reap_orphans(client)
    err = _stderr()
    results = []
    for index, (assignment, runner, problem) in enumerate(plan, start=1):
        where = f"{assignment.file.name} on {problem.id}" + (f" ({index}/{len(plan)})" if len(plan) > 1 else "")
        status = err.status(f"grading {where}: compiling ...") if err.is_terminal else None
        on_test: Callable[[TestResult], None] | None = None
        if status is not None:
            status.start()
            done = [0]

            def on_test(
                test: TestResult,
                where: str = where,
                status: Any = status,
                done: list = done,
                total: int = len(problem.tests),
            ) -> None:
                done[0] += 1
                status.update(f"grading {where}: {done[0]}/{total} tests")

        try:
            result = grade(assignment.file, problem, runner, settings, client, on_test=on_test)
        finally:
            if status is not None:
                status.stop()
        result.points = assignment.points
        results.append(result)
    return results


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--problem", "-p", "problem_ref", help="Problem id under problems/, or a path (for every FILE).")
@click.option("--problem-from-name", is_flag=True, help="Take each file's problem from its name (1.py, p1_sum.c).")
@click.option("--lang", "-l", help="Language (runner name); default: from the file extension.")
@click.option("--format", "fmt", type=click.Choice(["table", *FORMATS]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--report", "reports", multiple=True, metavar="FORMAT=FILE", help="Also write FORMAT to FILE (repeatable)."
)
@click.option("--min-score", type=float, help="Exit 0 when the total score reaches this, even if not all AC.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 whatever the verdicts (judge errors still exit 3).")
@click.pass_context
def submit(
    ctx: click.Context,
    files: tuple[Path, ...],
    problem_ref: str | None,
    problem_from_name: bool,
    lang: str | None,
    fmt: str,
    output: Path | None,
    reports: tuple[str, ...],
    min_score: float | None,
    exit_zero: bool,
) -> None:
    """Grade FILES and print the verdict of every test.

    Each file's problem comes from --problem, --problem-from-name, or judge.yaml's assignments table.
    Exit 0 when all are accepted (or --min-score is reached), 1 otherwise, 2 on bad input, 3 on a judge error.
    """
    settings = _settings(ctx)
    extra = _parse_reports(reports)
    found_runners = load_runners(settings)
    # Check every file, language and problem before grading anything.
    plan = [
        (a, runner_for(a.file, found_runners, lang), load_problem(a.problem, settings))
        for a in assign(list(files), settings, problem_ref, problem_from_name)
    ]
    results = _grade_all(plan, settings)

    if output is not None:
        output.write_text(_render(fmt, results), encoding="utf-8")
    elif fmt == "table" and Console().is_terminal:
        console = Console(highlight=False)
        for result in results:
            render_rich(result, console)
        if len(results) > 1:
            console.print(total_line(results), style="bold")
    else:
        sys.stdout.write(_render(fmt, results))
    for extra_fmt, path in extra:
        path.write_text(_render(extra_fmt, results), encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and "github" in {fmt, *(f for f, _ in extra)}:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(ci_reports.markdown(results))
    for result in results:
        if result.verdict == Verdict.JE:
            click.echo(f"judge: judge error: {result.submission}: {result.message}", err=True)
    code = batch_exit_code(results, min_score)
    sys.exit(0 if exit_zero and code == 1 else code)


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
