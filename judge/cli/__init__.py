"""Command line: ``judge submit``, ``judge runners list|build``, ``judge problems list``.

Exit codes: 0 accepted, 1 graded but not accepted, 2 bad input or usage, 3 judge or engine failure.
Data goes to stdout, human messages to stderr; bad input is one line naming the file, never a traceback.
"""

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from judge.batch import standings
from judge.batch.dask import DaskExecutor, require_dask, worker_command
from judge.batch.packagecheck import check_package, row_summary
from judge.batch.rescore import LocalExecutor, plan, spec_of
from judge.batch.rescore import rescore as run_rescore
from judge.batch.standings import scoreboard
from judge.batch.store import Store
from judge.errors import JudgeFailure, JudgeInputError
from judge.grading.grader import grade
from judge.grading.timelimit import ensure_time_limit
from judge.inputs.assignments import assign
from judge.inputs.languages import language_for, load_languages
from judge.inputs.problem import Problem, list_problems, load_problem
from judge.inputs.settings import MIB, Settings, load_settings
from judge.inputs.submissions import from_contest, from_folder
from judge.judging.results import SubmissionResult, TestResult, Verdict, batch_exit_code, icpc_verdicts
from judge.report import ci as ci_reports
from judge.report.text import json_report, render_plain, render_rich, total_line
from judge.sandbox import engine, images
from judge.sandbox.container import reap_orphans
from judge.sandbox.doctor import run_doctor


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


def _derive_limits(plan: list, settings: Settings, client: Any) -> list:
    """The plan with legacy packages' time limits derived (once per problem) from their accepted submissions."""
    languages = load_languages(settings)
    derived: dict[Path, Problem] = {}
    out = []
    for assignment, language, problem in plan:
        if problem.path not in derived:
            say = functools.partial(click.echo, err=True)
            derived[problem.path] = ensure_time_limit(problem, settings, client, languages, say)
        out.append((assignment, language, derived[problem.path]))
    return out


def _grade_all(
    plan: list, settings: Settings, lazy: bool = False, transcripts: Path | None = None
) -> list[SubmissionResult]:
    client = engine.connect()
    reap_orphans(client)
    plan = _derive_limits(plan, settings, client)
    err = _stderr()
    results = []
    for index, (assignment, language, problem) in enumerate(plan, start=1):
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
            folder = transcripts / assignment.file.name if transcripts and len(plan) > 1 else transcripts
            result = grade(
                assignment.file, problem, language, settings, client, on_test=on_test, lazy=lazy, transcripts=folder
            )
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
    lazy: bool,
    verdicts: str,
    transcripts: Path | None,
) -> None:
    """Grade FILES and print the verdict of every test.

    Each file's problem comes from --problem, --problem-from-name, or judge.yaml's assignments table.
    Exit 0 when all are accepted (or --min-score is reached), 1 otherwise, 2 on bad input, 3 on a judge error.
    """
    settings = _settings(ctx)
    extra = _parse_reports(reports)
    languages = load_languages(settings)
    # Check every file, language and problem before grading anything.
    plan = [
        (a, language_for(a.file, languages, lang), load_problem(a.problem, settings))
        for a in assign(list(files), settings, problem_ref, problem_from_name)
    ]
    results = _grade_all(plan, settings, lazy, transcripts)
    if verdicts == "icpc":
        results = [icpc_verdicts(r) for r in results]

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


class BatchProgress:
    """Live progress of a batch: a rich bar on a terminal, a plain line every few seconds elsewhere."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.cached = total, 0, 0
        self.counts: dict[str, int] = {}
        self.console = _stderr()
        self.started = time.monotonic()
        self.last_line = 0.0
        self.bar: Progress | None = None
        if self.console.is_terminal:
            self.bar = Progress(
                TextColumn("rescore"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[counts]}"),
                console=self.console,
            )
            self.task = self.bar.add_task("rescore", total=total, rate="", counts="")
            self.bar.start()

    def counts_text(self) -> str:
        return " ".join(f"{v} {n}" for v, n in sorted(self.counts.items()))

    def __call__(self, job: Any, verdict: str, cached: bool) -> None:
        self.done += 1
        self.cached += cached
        self.counts[verdict] = self.counts.get(verdict, 0) + 1
        elapsed = max(time.monotonic() - self.started, 1e-6)
        graded = self.done - self.cached
        rate = f"{graded / elapsed * 60:.0f}/min" if graded else ""
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, rate=rate, counts=self.counts_text())
        elif time.monotonic() - self.last_line >= 5 or self.done == self.total:
            self.last_line = time.monotonic()
            click.echo(
                f"rescore: {self.done}/{self.total} done ({self.cached} from the store) {rate} {self.counts_text()}",
                err=True,
            )

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _store(settings: Settings, path: Path | None) -> Store:
    return Store(path or Path(".judge/results.db"))


def _print_changes(changes: list, fmt: str, set_id: int, resumed: bool, skipped: list[str], total: int) -> None:
    if fmt == "json":
        doc = {
            "version": 1,
            "set": set_id,
            "resumed": resumed,
            "total": total,
            "skipped": skipped,
            "changes": [
                {"submission": c.submission, "team": c.team, "problem": c.problem, "old": c.old, "new": c.new}
                for c in changes
            ],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    click.echo(
        f"result set {set_id}: {total} submissions, {len(changes)} verdict change(s) against the published results"
    )
    for c in changes:
        click.echo(f"  {c.submission:<40} {c.problem:<8} {c.old or '(new)':>5} -> {c.new}")
    for line in skipped:
        click.echo(f"judge: skipped {line}", err=True)


@cli.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1)
@click.option("--problem", "-p", "problem_ref", help="Problem id or path (for a folder of submissions).")
@click.option("--contest", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A contest.yaml.")
@click.option("--lang", "-l", help="Language for every file (default: by extension).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Submissions graded at once.",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results store (default .judge/results.db).",
)
@click.option(
    "--force", is_flag=True, help="Regrade even what the store has for the same source, problem, image, limits."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--cluster", metavar="tcp://HOST:PORT", help="Grade on the judge workers of this Dask scheduler.")
@click.pass_context
def rescore(
    ctx: click.Context,
    args: tuple[str, ...],
    problem_ref: str | None,
    contest: Path | None,
    lang: str | None,
    jobs: int,
    store_path: Path | None,
    force: bool,
    fmt: str,
    cluster: str | None,
) -> None:
    """Regrade many submissions in parallel into the results store, and show what changed.

    \b
    judge rescore SUBMISSIONS --problem ID     a folder of files, of team folders, or of verdict folders
    judge rescore --contest contest.yaml       problems, languages and submissions of a contest
    judge rescore apply SET                    publish a result set
    judge rescore discard SET                  drop a result set
    Run the same command again after any interruption: only what is missing is graded.
    """
    settings = _settings(ctx)
    if args and args[0] in ("apply", "discard"):
        if len(args) != 2 or not args[1].isdigit():
            raise click.UsageError(f"usage: judge rescore {args[0]} SET (a result set number)")
        store = _store(settings, store_path)
        with store.locked():
            if args[0] == "apply":
                changes = store.diff(int(args[1]))
                count = store.apply(int(args[1]))
                click.echo(
                    f"result set {args[1]} applied: {count} submissions published, {len(changes)} verdicts changed"
                )
            else:
                store.discard(int(args[1]))
                click.echo(f"result set {args[1]} discarded")
        return
    found = load_languages(settings)
    if contest is not None:
        if args or problem_ref:
            raise click.UsageError("--contest takes no SUBMISSIONS or --problem")
        batch, source = from_contest(contest, found), f"contest:{contest.resolve()}"
    else:
        if len(args) != 1 or not problem_ref:
            raise click.UsageError("give SUBMISSIONS (a folder) and --problem, or --contest contest.yaml")
        batch = from_folder(Path(args[0]), problem_ref, found)
        source = f"folder:{Path(args[0]).resolve()}:{problem_ref}"
    language: LocalExecutor | DaskExecutor
    if cluster:  # the workers have the engines; the keys name runner definitions instead of image ids
        require_dask()
        work, skipped = plan(batch, settings, found, None, lang)
        language = DaskExecutor(cluster, settings, settings.runners_dir)
    else:
        client = engine.connect()
        reap_orphans(client)
        work, skipped = plan(batch, settings, found, client, lang)
        language = LocalExecutor(settings, client, jobs)
    if jobs > (os.cpu_count() or 1) and not cluster:
        click.echo(
            f"judge: warning: {jobs} jobs on {os.cpu_count()} cores: tests share cores, so CPU times and "
            f"verdicts near the limit may vary; use -j {os.cpu_count()} or fewer for stable timing",
            err=True,
        )
    store = _store(settings, store_path)
    with store.locked():
        set_id, resumed = store.open_set(spec_of(source, work), force)
        if resumed:
            click.echo(f"resuming result set {set_id}", err=True)
        progress = BatchProgress(len(work))
        try:
            run_rescore(work, store, set_id, language, force, progress)
        finally:
            progress.stop()
        changes = store.diff(set_id)
        store.finish_set(set_id)
        status = store.set_status(set_id)
    _print_changes(changes, fmt, set_id, resumed, skipped, len(work))
    if status != "applied" and fmt == "table":
        click.echo(f"publish with `judge rescore apply {set_id}`, or drop with `judge rescore discard {set_id}`")
    failed = [i for i in store.items(set_id) if i.verdict == "JE"]
    if failed:
        click.echo(
            f"judge: {len(failed)} submission(s) ended in a judge error; run the same command again "
            "to regrade just those",
            err=True,
        )
        sys.exit(3)


@cli.command()
@click.option("--scheduler", required=True, metavar="tcp://HOST:PORT", help="The Dask scheduler to join.")
@click.option(
    "--slots",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Containers this worker runs at once (its SANDBOX resource).",
)
@click.option("--name", help="Worker name shown by the scheduler.")
@click.pass_context
def worker(ctx: click.Context, scheduler: str, slots: int, name: str | None) -> None:
    """Join a Dask cluster as a grading worker: check the engine, build missing images, run `dask worker`."""
    settings = _settings(ctx)
    require_dask()
    client = engine.connect()
    reap_orphans(client)
    images.ensure_base(client, settings, lambda line, detail=False: None if detail else click.echo(line, err=True))
    for language_def in load_languages(settings).values():
        images.build_image(
            client, language_def, settings, lambda line, detail=False: None if detail else click.echo(line, err=True)
        )
    cmd = worker_command(scheduler, slots, name)
    click.echo(f"judge worker: {' '.join(cmd[2:])}", err=True)
    os.execv(cmd[0], cmd)


@cli.group()
def results() -> None:
    """The published results in the store."""


@results.command("show")
@click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "set_id", type=int, help="Show a result set instead of the published results.")
@click.pass_context
def results_show(ctx: click.Context, store_path: Path | None, set_id: int | None) -> None:
    """Verdicts per submission, then the scoreboard."""
    store = _store(_settings(ctx), store_path)
    items = store.items(set_id) if set_id is not None else store.published_items()
    click.echo(f"{'submission':<40} {'team':<12} {'problem':<8} {'verdict':<7} {'CPU s':>7}")
    for i in items:
        click.echo(f"{i.submission:<40} {i.team:<12} {i.problem:<8} {i.verdict:<7} {i.cpu:>7.3f}")
    board = scoreboard(items)
    if any(s.team for s in board):
        click.echo(f"\n{'rank':>4} {'team':<16} {'solved':>6} {'penalty':>7}  problems")
        for s in board:
            click.echo(
                f"{s.rank:>4} {s.team:<16} {s.solved:>6} {s.penalty:>7}  "
                + " ".join(f"{p}:{v}" for p, v in sorted(s.problems.items()))
            )
    for set_row in store.sets():
        click.echo(f"set {set_row[0]}: {set_row[2]}, {set_row[3]} submissions, created {set_row[1]}", err=True)


@results.command("export")
@click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "icpc-tsv"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def results_export(ctx: click.Context, store_path: Path | None, fmt: str, output: Path | None) -> None:
    """The published results as CSV, JSON (with the scoreboard) or the ICPC results.tsv."""
    items = _store(_settings(ctx), store_path).published_items()
    text = {"csv": standings.to_csv, "json": standings.to_json, "icpc-tsv": standings.to_icpc_tsv}[fmt](items)
    if output:
        output.write_text(text)
    else:
        sys.stdout.write(text)


@cli.group()
def runners() -> None:
    """The language runners (runners/<lang>/)."""


@runners.command("list")
@click.pass_context
def runners_list(ctx: click.Context) -> None:
    """Languages, their extensions, commands and image status."""
    settings = _settings(ctx)
    found = load_languages(settings)
    try:
        client = engine.connect()
    except JudgeFailure:
        client = None
    for language in found.values():
        status = images.image_status(client, language) if client else "engine unreachable"
        click.echo(
            f"{language.name:<10} {language.display:<22} .{', .'.join(language.extensions):<14} "
            f"{language.image:<22} {status}"
        )
        version = (images.image_labels(client, language.image) or {}).get("judge.version") if client else None
        if version:
            click.echo(f"{'':<10} version: {version}")
        if language.compile:
            click.echo(f"{'':<10} compile: {' '.join(language.compile)}")
        click.echo(f"{'':<10} run:     {' '.join(language.run)}")


@runners.command("build")
@click.argument("langs", nargs=-1)
@click.option("--force", is_flag=True, help="Rebuild even when the image is up to date.")
@click.option("--quiet", "-q", is_flag=True, help="Only say what is built.")
@click.pass_context
def runners_build(ctx: click.Context, langs: tuple[str, ...], force: bool, quiet: bool) -> None:
    """Build the base image (pulled, or bootstrapped offline) and the runner images."""
    settings = _settings(ctx)
    found = load_languages(settings)
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
        images.build_image(client, found[name], settings, log, force=force)


@cli.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the engine and images, and probe a live sandbox for the isolation in force."""
    settings = _settings(ctx)
    checks = run_doctor(settings, load_languages(settings))
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
    click.echo(f"{'id':<16} {'name':<28} {'time':>6} {'memory':>8} {'output':>7} {'tests':>6}  kind")
    for item in list_problems(settings):
        if isinstance(item, JudgeInputError):
            click.echo(f"! {item}", err=True)
            continue
        lim = item.limits
        click.echo(
            f"{item.id:<16} {item.name[:28]:<28} {lim.time:>5g}s {lim.memory // MIB:>5} MiB "
            f"{lim.output // MIB:>3} MiB {len(item.tests):>6}  {item.kind}"
        )


@cli.group("problem")
def problem_group() -> None:
    """One problem package."""


@problem_group.command("check")
@click.argument("path")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
    help="Submissions graded at once.",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def problem_check(ctx: click.Context, path: str, jobs: int, fmt: str) -> None:
    """Grade every submission in PATH's submissions/<verdict>/ folders; exit 1 if any gets another verdict.

    PATH is a package folder or an id under problems/. A package without a time limit gets it derived
    from its accepted submissions first (shown with how).
    """
    settings = _settings(ctx)
    problem = load_problem(path, settings)
    languages = load_languages(settings)
    client = engine.connect()
    reap_orphans(client)
    problem = ensure_time_limit(problem, settings, client, languages, functools.partial(click.echo, err=True))
    lim = problem.limits
    err = _stderr()
    progress = [0]

    def graded(row: Any) -> None:
        progress[0] += 1
        if err.is_terminal:
            err.print(f"[{progress[0]}] {row.submission}: {row.result.verdict}", highlight=False)

    rows, skipped = check_package(problem, settings, client, languages, jobs, graded)
    bad = [row for row in rows if not row.ok]
    if fmt == "json":
        doc = {
            "version": 1,
            "problem": problem.id,
            "time_limit": lim.time,
            "time_source": lim.time_source,
            "submissions": [row_summary(row) for row in rows],
            "skipped": skipped,
            "ok": not bad,
        }
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(
            f"{problem.id} ({problem.name}): {problem.kind}, {len(problem.tests)} tests, "
            f"time limit {lim.time:g} s ({lim.time_source})"
        )
        for row in rows:
            r = row.result
            score = f" {r.score:g}/{r.max_score:g}" if problem.scoring else ""
            slowest = max((t.time for t in r.tests), default=0.0)
            why = f"  {row.why}" if row.why else ""
            mark = "ok  " if row.ok else "FAIL"
            got = f"got {r.verdict!s:<4}{score} {slowest:.3f} s"
            click.echo(f"{mark} {row.submission:<48} expected {row.expected:<4} {got}{why}")
        for line in skipped:
            click.echo(f"skipped: {line}", err=True)
        click.echo(f"{len(rows) - len(bad)}/{len(rows)} submissions got the verdict of their folder")
    if any(row.result.verdict == Verdict.JE for row in rows):
        sys.exit(3)
    sys.exit(1 if bad else 0)


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="judge")
