"""``judge results show|export``: the published results of the store, and its scoreboard.

Rows are streamed from the store and written as they come; this module imports neither Docker's client nor the
graders (``judge results`` starts in a fraction of a second)."""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import click

from judge.batch import standings
from judge.batch.standings import BOARD_COLUMNS, Standing, board_of, scoreboard_of
from judge.batch.store import Store
from judge.cli.app import App, pass_app
from judge.cli.options import prepare_output, store_option
from judge.report.visible import visible

EXPORT_COLUMNS = "x.submission, x.team, x.problem, x.time, g.verdict, g.score, g.time, g.memory"


def export_csv(store: Store, out: TextIO) -> None:
    standings.write_csv(store.rows(None, EXPORT_COLUMNS), out)


def export_json(store: Store, out: TextIO) -> None:
    standings.write_json(store.rows(None, EXPORT_COLUMNS), board_of(store), out)


def export_icpc_tsv(store: Store, out: TextIO) -> None:
    standings.write_icpc_tsv(board_of(store), out)


EXPORTS: dict[str, Callable[[Store, TextIO], None]] = {
    "csv": export_csv,
    "json": export_json,
    "icpc-tsv": export_icpc_tsv,
}


def _item_lines(
    store: Store, set_id: int | None, entries: list[tuple[str, str, str, float | None, str]]
) -> Iterator[str]:
    """One line per graded submission, streamed from the store's rows; each row's scoreboard entry goes to
    ``entries`` (one query for both)."""
    yield f"{'submission':<40} {'team':<12} {'problem':<8} {'verdict':<7} {'CPU s':>7}"
    add = entries.append
    for row in store.rows(set_id, f"{BOARD_COLUMNS}, g.time"):
        add(row[:5])
        yield "%-40s %-12s %-8s %-7s %7.3f" % (row[0], row[1], row[2], row[4], row[5])  # noqa: UP031 (faster)


def _board_lines(board: list[Standing]) -> Iterator[str]:
    """Rank, team, solved, penalty and each problem's cell (``+2 @ 95`` or ``-3``)."""
    yield f"{'rank':>4} {'team':<16} {'solved':>6} {'penalty':>7}  problems"
    for s in board:
        cells = " ".join(f"{p}:{v}" for p, v in sorted(s.problems.items()))
        yield f"{s.rank:>4} {s.team:<16} {s.solved:>6} {s.penalty:>7}  {cells}"


def _echo_lines(lines: Iterator[str]) -> None:
    """The lines joined by newlines and a final newline (as one click.echo of the joined text), 2,000 at a time;
    names in them (submissions, teams) come from files: shown with their control characters visible."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == 2000:
            click.echo(visible("\n".join(chunk), lines=True) + "\n", nl=False)
            chunk = []
    click.echo(visible("\n".join(chunk), lines=True))


@click.group()
def results() -> None:
    """The published results in the store."""


@results.command("show")
@store_option
@click.option("--set", "set_id", type=int, help="Show a result set instead of the published results.")
@pass_app
def show(app: App, store_path: Path | None, set_id: int | None) -> None:
    """Verdicts per submission, then the scoreboard."""
    store = app.store(store_path, create=False)
    if set_id is not None:
        store.set_status(set_id)  # an unknown set is an input error, as for apply and discard
    store.db.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages for the one join of a big store
    entries: list[tuple[str, str, str, float | None, str]] = []
    _echo_lines(_item_lines(store, set_id, entries))
    board = scoreboard_of(entries)
    if any(s.team for s in board):
        click.echo("")
        _echo_lines(_board_lines(board))
    for set_row in store.sets():
        click.echo(f"set {set_row[0]}: {set_row[2]}, {set_row[3]} submissions, created {set_row[1]}", err=True)


@results.command("export")
@store_option
@click.option("--format", "fmt", type=click.Choice(list(EXPORTS)), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def export(app: App, store_path: Path | None, fmt: str, output: Path | None) -> None:
    """The published results as CSV, JSON (with the scoreboard) or the ICPC results.tsv."""
    store = app.store(store_path, create=False)
    if output:
        with prepare_output(output).open("w") as out:
            EXPORTS[fmt](store, out)
    else:
        EXPORTS[fmt](store, sys.stdout)
