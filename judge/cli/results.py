"""``judge results show|export``: the published results of the store, and its scoreboard."""

import sys
from pathlib import Path

import click

from judge.batch import standings
from judge.batch.standings import scoreboard
from judge.cli.app import App, pass_app
from judge.cli.tables import items_table, scoreboard_table

store_option = click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path))
EXPORTS = {"csv": standings.to_csv, "json": standings.to_json, "icpc-tsv": standings.to_icpc_tsv}


@click.group()
def results() -> None:
    """The published results in the store."""


@results.command("show")
@store_option
@click.option("--set", "set_id", type=int, help="Show a result set instead of the published results.")
@pass_app
def show(app: App, store_path: Path | None, set_id: int | None) -> None:
    """Verdicts per submission, then the scoreboard."""
    store = app.store(store_path)
    items = store.items(set_id) if set_id is not None else store.published_items()
    click.echo("\n".join(items_table(items)))
    board = scoreboard(items)
    if any(s.team for s in board):
        click.echo("\n" + "\n".join(scoreboard_table(board)))
    for set_row in store.sets():
        click.echo(f"set {set_row[0]}: {set_row[2]}, {set_row[3]} submissions, created {set_row[1]}", err=True)


@results.command("export")
@store_option
@click.option("--format", "fmt", type=click.Choice(list(EXPORTS)), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def export(app: App, store_path: Path | None, fmt: str, output: Path | None) -> None:
    """The published results as CSV, JSON (with the scoreboard) or the ICPC results.tsv."""
    text = EXPORTS[fmt](app.store(store_path).published_items())
    if output:
        output.write_text(text)
    else:
        sys.stdout.write(text)
