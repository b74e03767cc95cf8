"""``judge rescore``: regrade a folder or a contest into a result set of the store; ``apply`` / ``discard`` a set."""

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

from judge.batch.dask import CONNECT_TIMEOUT, DaskExecutor, require_dask
from judge.batch.rescore import Executor, LocalExecutor, plan
from judge.batch.session import OnDone, OnOpen, run_set
from judge.batch.store import Change, Store
from judge.cli import interrupt
from judge.cli.app import App, pass_app
from judge.cli.groups import DefaultCommand, DefaultGroup
from judge.cli.options import engine_wait_option, store_option
from judge.cli.progress import BatchProgress
from judge.cli.tables import changes_table
from judge.errors import JudgeInputError
from judge.inputs.submissions import from_contest, from_folder
from judge.report.outcome import CommandOutcome

CORES = os.cpu_count() or 1


@click.group(cls=DefaultGroup, default="grade", subcommand_metavar="[SUBMISSIONS] | apply SET | discard SET")
def rescore() -> None:
    """Regrade many submissions in parallel into the results store, and show what changed.

    \b
    judge rescore SUBMISSIONS --problem ID     a folder of files, of team folders, or of verdict folders
    judge rescore --contest contest.yaml       problems, languages and submissions of a contest
    judge rescore apply SET                    publish a result set
    judge rescore discard SET                  drop a result set
    Run the same command again after any interruption: only what is missing is graded.
    """


def write_changes_document(
    out: TextIO, changes: list[Change], set_id: int, *, resumed: bool, skipped: list[str], total: int
) -> None:
    """The changes as JSON (what ``json.dumps(doc, indent=2)`` gives), written a change at a time: a first set's
    document has one per submission."""
    head = {"version": 1, "set": set_id, "resumed": resumed, "total": total, "skipped": skipped, "changes": []}
    text = json.dumps(head, indent=2)
    if not changes:
        out.write(text + "\n")
        return
    out.write(text[: -len("[]\n}")] + "[\n")  # up to '"changes": '
    for n, c in enumerate(changes):
        item = {
            "submission": c.submission,
            "team": c.team,
            "problem": c.problem,
            "old": c.old,
            "new": c.new,
            "cause": c.cause or None,  # "timing": only borderline tests flipped; "behaviour": anything else
        }
        out.write(("" if n == 0 else ",\n") + "    " + json.dumps(item, indent=2).replace("\n", "\n    "))
    out.write("\n  ]\n}\n")


def _announced(store: Store, total: int) -> OnOpen:
    """Says which set a run fills (resumed, or complete already) and shows its progress while it grades."""

    @contextlib.contextmanager
    def opened(set_id: int, was: str | None) -> Iterator[OnDone]:
        if was == "running":
            click.echo(f"resuming result set {set_id}", err=True)
        elif was == "complete":
            errors = store.judge_errors(set_id)
            doing = f"regrading its {errors} judge error(s)" if errors else "nothing to grade"
            click.echo(f"result set {set_id} is complete already: {doing}", err=True)
        interrupt.note(f"run the same command again to resume result set {set_id}")
        progress = BatchProgress(total)
        try:
            yield progress
        finally:
            progress.stop()

    return opened


@rescore.command("grade", cls=DefaultCommand)
@click.argument("submissions", required=False, type=click.Path(path_type=Path))
@click.option("--problem", "-p", "problem_ref", help="Problem id or path (for a folder of submissions).")
@click.option("--contest", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A contest.yaml.")
@click.option("--lang", "-l", help="Language for every file (default: by extension).")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=CORES, show_default=True, help="Submissions graded at once."
)
@store_option
@click.option(
    "--force", is_flag=True, help="Regrade even what the store has for the same source, problem, image, limits."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--cluster", metavar="tcp://HOST:PORT", help="Grade on the judge workers of this Dask scheduler.")
@click.option(
    "--cluster-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=CONNECT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long to try reaching the --cluster scheduler.",
)
@engine_wait_option
@pass_app
def grade_batch(
    app: App,
    submissions: Path | None,
    problem_ref: str | None,
    contest: Path | None,
    lang: str | None,
    jobs: int,
    store_path: Path | None,
    force: bool,
    fmt: str,
    cluster: str | None,
    cluster_timeout: float,
    engine_wait: float,
) -> None:
    """Regrade SUBMISSIONS (a folder, with --problem) or a --contest into a new result set."""
    if contest is not None:
        if submissions is not None or problem_ref:
            raise click.UsageError("--contest takes no SUBMISSIONS or --problem")
        batch, source = from_contest(contest, app.languages), f"contest:{contest.resolve()}"
    else:
        if submissions is None or not problem_ref:
            raise click.UsageError("give SUBMISSIONS (a folder) and --problem, or --contest contest.yaml")
        batch = from_folder(submissions, problem_ref, app.languages)
        source = f"folder:{submissions.resolve()}:{problem_ref}"
    if not batch.submissions:  # nothing to grade is a mistake in the command, not an empty result set
        where = contest if contest is not None else submissions
        left_out = f" ({len(batch.skipped)} file(s) left out, first: {batch.skipped[0]})" if batch.skipped else ""
        raise JudgeInputError(f"{where}: no submissions to grade{left_out}")
    executor: Executor
    if cluster:  # the workers have the engines; the keys name runner definitions instead of image ids
        require_dask()
        work, skipped = plan(batch, app.settings, app.languages, None, lang)
        executor = DaskExecutor(cluster, app.settings, app.settings.runners_dir, cluster_timeout)
    else:
        work, skipped = plan(batch, app.settings, app.languages, app.client, lang)
        executor = LocalExecutor(app.settings, app.client, jobs, engine_wait)
        if jobs > CORES:
            click.echo(  # tests never share a core (judge.sandbox.cores): the timing stays what -j CORES gives
                f"judge: note: -j {jobs} on {CORES} cores: at most {CORES} submissions run tests at once, each on a "
                "core of its own; the other jobs compile meanwhile (on the same cores) and wait for a core",
                err=True,
            )
    del batch  # the plan holds what grading needs; run_set empties it before the diff
    total = len(work)

    store = app.store(store_path)
    run = run_set(store, source, work, executor, force=force, on_open=_announced(store, total))
    if fmt == "json":
        write_changes_document(sys.stdout, run.changes, run.set_id, resumed=run.resumed, skipped=skipped, total=total)
    else:
        for line in changes_table(run.changes, run.set_id, total):
            click.echo(line)
        for line in skipped:
            click.echo(f"judge: skipped {line}", err=True)
        if run.status != "applied":
            click.echo(
                f"publish with `judge rescore apply {run.set_id}`, or drop with `judge rescore discard {run.set_id}`"
            )
    # Rescoring reports verdicts rather than judging them: only judge errors change the exit code.
    outcome = CommandOutcome(judge_errors=run.judge_errors)
    if outcome.judge_errors:
        click.echo(
            f"judge: {outcome.judge_errors} submission(s) ended in a judge error; run the same command again "
            "to regrade just those",
            err=True,
        )
    sys.exit(outcome.return_code)


@rescore.command("apply")
@click.argument("set_id", metavar="SET", type=int)
@click.option("--partial", is_flag=True, help="Publish a set whose run was interrupted (what it has graded).")
@store_option
@pass_app
def apply(app: App, set_id: int, partial: bool, store_path: Path | None) -> None:
    """Publish result set SET: it becomes the live one. An interrupted set only with --partial."""
    store = app.store(store_path, create=False)
    with store.locked():
        have, planned = store.progress(set_id)
        incomplete = store.set_status(set_id) == "running"
        changes = store.diff(set_id)
        count = store.apply(set_id, partial=partial)
    click.echo(f"result set {set_id} applied: {count} submissions published, {len(changes)} verdicts changed")
    if incomplete:
        of = f"{have} of {planned}" if planned is not None else str(have)
        click.echo(f"judge: warning: result set {set_id} is incomplete: only {of} submissions published", err=True)


@rescore.command("discard")
@click.argument("set_id", metavar="SET", type=int)
@store_option
@pass_app
def discard(app: App, set_id: int, store_path: Path | None) -> None:
    """Drop result set SET."""
    store = app.store(store_path, create=False)
    with store.locked():
        store.discard(set_id)
    click.echo(f"result set {set_id} discarded")
