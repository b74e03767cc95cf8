"""Progress on stderr: a spinner per graded submission, and the live bar (or periodic line) of a batch."""

import threading
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
    """Live progress of a batch: a rich bar on a terminal; elsewhere (piped, in CI) a plain line every ``interval``
    seconds whether or not a submission finished meanwhile, and one at the end."""

    def __init__(self, total: int, label: str = "rescore", interval: float = 5.0, *, store: bool = True) -> None:
        self.total, self.done, self.cached = total, 0, 0
        self.label, self.interval, self.store = label, interval, store
        self.counts: dict[str, int] = {}
        self.console = stderr_console()
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker: threading.Thread | None = None
        self.bar: Progress | None = None
        if self.console.is_terminal:
            self.bar = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[counts]}"),
                console=self.console,
            )
            self.task = self.bar.add_task(label, total=total, rate="", counts="")
            self.bar.start()
        elif total:
            self.ticker = threading.Thread(target=self._tick, name="judge-progress", daemon=True)
            self.ticker.start()

    def counts_text(self) -> str:
        return " ".join(f"{v} {n}" for v, n in sorted(self.counts.items()))

    def rate(self) -> str:
        graded = self.done - self.cached
        return f"{graded / max(time.monotonic() - self.started, 1e-6) * 60:.0f}/min" if graded else ""

    def line(self) -> str:
        with self.lock:
            cached = f" ({self.cached} from the store)" if self.store else ","
            return f"{self.label}: {self.done}/{self.total} done{cached} {self.rate()} {self.counts_text()}".rstrip()

    def _tick(self) -> None:
        while not self.stopped.wait(self.interval):
            click.echo(self.line(), err=True)

    def __call__(self, job: Any, verdict: str, cached: bool) -> None:
        with self.lock:
            self.done += 1
            self.cached += cached
            self.counts[verdict] = self.counts.get(verdict, 0) + 1
            done = self.done
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rate=self.rate(), counts=self.counts_text())
        elif done == self.total:
            self.stopped.set()
            click.echo(self.line(), err=True)

    def stop(self) -> None:
        self.stopped.set()
        if self.bar is not None:
            self.bar.stop()
