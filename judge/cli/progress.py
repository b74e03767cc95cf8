"""Progress on stderr: a spinner per graded submission, and the live bar (or periodic line) of a batch."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from judge.judging.results import TestResult
from judge.report.visible import visible


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def grading_status(where: str, total: int) -> Iterator[Callable[[TestResult], None] | None]:
    """On a terminal, a spinner ``grading WHERE: n/total tests``; yields the per-test callback (None elsewhere)."""
    err = stderr_console()
    if not err.is_terminal:
        yield None
        return
    where = visible(where)  # a file name: shown as text, never as markup or control characters
    status = err.status(Text(f"grading {where}: compiling ..."))
    done = 0

    def on_test(test: TestResult) -> None:
        nonlocal done
        done += 1
        status.update(Text(f"grading {where}: {done}/{total} tests"))

    status.start()
    try:
        yield on_test
    finally:
        status.stop()


class BatchProgress:
    """Live progress of a batch: a rich bar on a terminal, a plain line every few seconds elsewhere."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.cached = total, 0, 0
        self.counts: dict[str, int] = {}
        self.console = stderr_console()
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
