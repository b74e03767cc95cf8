"""``judge submit``: grade files one after another and report them as a table, JSON or a CI format."""

import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from judge.cli.app import App, pass_app
from judge.cli.options import distinct_outputs, engine_wait_option, prepare_output
from judge.cli.progress import grading_status
from judge.grading.grader import Graders, GradingOptions
from judge.grading.warm import SpecMaker, WarmSandboxes, engine_lost, warmable
from judge.inputs.assignments import Assignment, assign
from judge.inputs.languages import Language
from judge.inputs.problem import Problem, load_problem
from judge.inputs.program import program_for, program_language
from judge.judging.results import SubmissionResult, Verdict
from judge.judging.verdicts import icpc_verdicts
from judge.report import ci as ci_reports
from judge.report.outcome import CommandOutcome
from judge.report.text import json_report, render_plain, render_rich, total_line
from judge.report.visible import visible
from judge.sandbox.container import Sandbox
from judge.sandbox.engine import ENGINE_WAIT, EngineWatch

FORMATS: dict[str, Callable[[list[SubmissionResult]], str]] = {
    "json": json_report,
    "junit": ci_reports.junit,
    "github": ci_reports.github,
    "markdown": ci_reports.markdown,
    "gradescope": ci_reports.gradescope,
}

Plan = list[tuple[Assignment, Language, Problem]]


def parse_reports(reports: tuple[str, ...]) -> list[tuple[str, Path]]:
    """``FORMAT=FILE`` pairs of ``--report``."""
    parsed = []
    for item in reports:
        fmt, sep, path = item.partition("=")
        if not sep or not path or fmt not in {"table", *FORMATS}:
            raise click.BadParameter(
                f"{item!r}: expected FORMAT=FILE with FORMAT one of table, {', '.join(FORMATS)}", param_hint="--report"
            )
        parsed.append((fmt, Path(path)))
    return parsed


def render(fmt: str, results: list[SubmissionResult]) -> str:
    if fmt == "table":
        return "".join(render_plain(r) for r in results) + (total_line(results) + "\n" if len(results) > 1 else "")
    return FORMATS[fmt](results)


def grade_all(
    app: App,
    plan: Plan,
    *,
    lazy: bool = False,
    transcripts: Path | None = None,
    engine_wait: float = ENGINE_WAIT,
    entrypoint: str | None = None,
) -> list[SubmissionResult]:
    """Grade the plan in order, with a spinner per submission on a terminal; with several, the next container
    starts while one is graded. When the engine goes away, the grading in flight is a JE saying so, and the next
    waits for the engine up to ``engine_wait`` seconds (else JE too)."""
    plan = [(assignment, language, app.with_time_limit(problem)) for assignment, language, problem in plan]
    engine = EngineWatch(app.client, engine_wait)
    graders = Graders(app.settings, app.client)  # shared with the warm pool's thread
    warm_pool = WarmSandboxes(app.client, engine)  # the next submission's container, one at a time
    ahead: Future[Sandbox | None] | None = None
    results = []
    try:
        for index, (assignment, language, problem) in enumerate(plan):
            ready = engine.ready()  # first: it moves the engine's epoch if the engine went away meanwhile
            warm = warm_pool.take(ahead) if ahead is not None else None
            ahead = warm_pool.start_ahead(_spec_of(graders, plan, index + 1)) if index + 1 < len(plan) else None
            try:
                if not ready:
                    result = SubmissionResult.failed(
                        str(assignment.file), problem, language, Verdict.JE, engine.gave_up_message("not graded")
                    )
                    result.points = assignment.points
                    results.append(result)
                    continue
                where = f"{assignment.file.name} on {problem.id}"
                where += f" ({index + 1}/{len(plan)})" if len(plan) > 1 else ""
                folder = transcripts / assignment.file.name if transcripts and len(plan) > 1 else transcripts
                with grading_status(where, len(problem.tests)) as on_test:
                    options = GradingOptions(lazy=lazy, transcripts=folder, on_test=on_test, sandbox=warm)
                    program = program_for(assignment.file, language, entrypoint)
                    result = graders.get(problem, language).grade(program, options)
            finally:
                if warm is not None:
                    warm_pool.done(warm)  # used for this submission only
            if result.verdict == Verdict.JE and engine.gone():
                result = engine_lost(result)
            result.points = assignment.points
            results.append(result)
    finally:
        warm_pool.close()
    return results


def _spec_of(graders: Graders, plan: Plan, index: int) -> SpecMaker:
    """Submission ``index``'s container, for the warm pool (none for an interactive problem)."""
    _, language, problem = plan[index]
    return lambda: graders.get(problem, language).sandbox_spec() if warmable(problem) else None


def write_reports(
    results: list[SubmissionResult], fmt: str, output: Path | None, extra: list[tuple[str, Path]]
) -> None:
    """The main report (``output`` or stdout, rich on a terminal), the ``--report`` files, the GitHub step summary."""
    if output is not None:
        output.write_text(render(fmt, results), encoding="utf-8")
    elif fmt == "table" and Console().is_terminal:
        console = Console(highlight=False)
        for result in results:
            render_rich(result, console)
        if len(results) > 1:
            console.print(total_line(results), style="bold")
    else:
        sys.stdout.write(render(fmt, results))
    for extra_fmt, path in extra:
        path.write_text(render(extra_fmt, results), encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and "github" in {fmt, *(f for f, _ in extra)}:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(ci_reports.markdown(results))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--problem", "-p", "problem_ref", help="Problem id under problems/, or a path (for every FILE).")
@click.option("--problem-from-name", is_flag=True, help="Take each file's problem from its name (1.py, p1_sum.c).")
@click.option("--lang", "-l", help="Language (runner name); default: from the file extension.")
@click.option("--format", "fmt", type=click.Choice(["table", *FORMATS]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--report", "reports", multiple=True, metavar="FORMAT=FILE", help="Also write FORMAT to FILE (repeatable)."
)
@click.option(
    "--min-score",
    type=click.FloatRange(min=0),
    help="Exit 0 when the total score reaches this (>= 0), even if not all AC.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 whatever the verdicts (judge errors still exit 3).")
@click.option("--lazy", is_flag=True, help="Stop at the first failing test (the others are reported as not run).")
@click.option(
    "--verdicts",
    type=click.Choice(["judge", "icpc"]),
    default="judge",
    show_default=True,
    help="icpc: report MLE and OLE as RTE (the ICPC names AC WA TLE RTE CE JE).",
)
@click.option(
    "--transcript",
    "transcripts",
    type=click.Path(file_okay=False, path_type=Path),
    help="Interactive problems: keep every test's interaction in this folder (<test>.interaction).",
)
@click.option(
    "--entrypoint",
    help="A folder's entry point when its language's rule finds none (as submissions.yaml entrypoint): "
    "the entry file, or what the language names (a Java class).",
)
@click.option(
    "--server",
    envvar="JUDGE_SERVER",
    metavar="URL",
    help="Grade through a running `judge serve` at URL (its token from $JUDGE_SERVER_TOKEN); default $JUDGE_SERVER.",
)
@engine_wait_option
@pass_app
def submit(
    app: App,
    files: tuple[Path, ...],
    problem_ref: str | None,
    problem_from_name: bool,
    lang: str | None,
    fmt: str,
    output: Path | None,
    reports: tuple[str, ...],
    min_score: float | None,
    exit_zero: bool,
    lazy: bool,
    verdicts: str,
    transcripts: Path | None,
    entrypoint: str | None,
    server: str | None,
    engine_wait: float,
) -> None:
    """Grade FILES (each a source file, or a folder of files that is one program) and print every test's verdict.

    Each file's problem comes from --problem, --problem-from-name, or judge.yaml's assignments table.
    Exit 0 when all are accepted (or --min-score is reached), 1 otherwise, 2 on bad input, 3 on a judge error.
    """
    extra = parse_reports(reports)
    outputs = [("-o", output)] if output is not None else []
    distinct_outputs(outputs + [(f"--report {fmt}", path) for fmt, path in extra])
    for _, path in outputs + extra:
        prepare_output(path, "report")
    reporting = Reporting(fmt, output, extra, verdicts, min_score, exit_zero)
    if server:  # the server checks and grades; the reports and exit codes below are the same
        from judge.cli.remote import grade_remotely

        if transcripts is not None:
            raise click.UsageError("--transcript cannot be used with --server")
        assignments = assign(list(files), app.settings, problem_ref, from_name=problem_from_name)
        token = os.environ.get("JUDGE_SERVER_TOKEN")
        finish(grade_remotely(server, assignments, lang, entrypoint, lazy=lazy, token=token), reporting)
    # Check every file, language and problem, and ready every output file, before grading anything.
    plan = [
        (a, program_language(a.file, app.languages, lang, entrypoint), load_problem(a.problem, app.settings))
        for a in assign(list(files), app.settings, problem_ref, from_name=problem_from_name)
    ]
    if transcripts is not None and not any(problem.interactive for _, _, problem in plan):
        click.echo("judge: warning: --transcript: no problem graded here is interactive; nothing is written", err=True)
    results = grade_all(app, plan, lazy=lazy, transcripts=transcripts, engine_wait=engine_wait, entrypoint=entrypoint)
    finish(results, reporting)


@dataclass(frozen=True)
class Reporting:
    """What ``judge submit`` does with its results: the reports it writes, the verdict names, the exit code's
    options."""

    fmt: str  # the format on stdout or in ``output``
    output: Path | None
    extra: list[tuple[str, Path]]  # each --report FORMAT=PATH
    verdicts: str  # "judge", or "icpc": MLE and OLE named RTE
    min_score: float | None
    exit_zero: bool


def finish(results: list[SubmissionResult], reporting: Reporting) -> None:
    """Write the reports, name the judge errors, and exit with the results' code."""
    if reporting.verdicts == "icpc":
        results = [icpc_verdicts(r) for r in results]
    write_reports(results, reporting.fmt, reporting.output, reporting.extra)
    for result in results:
        if result.verdict == Verdict.JE:
            click.echo(visible(f"judge: judge error: {result.submission}: {result.message}"), err=True)
    sys.exit(
        CommandOutcome.of_results(results, min_score=reporting.min_score, exit_zero=reporting.exit_zero).return_code
    )
