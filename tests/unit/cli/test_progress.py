"""Batch progress when stderr is no terminal (piped, CI): a plain line every interval even while nothing finishes,
and one at the end (judge.cli.progress.BatchProgress)."""

import re
import time

from judge.cli.progress import BatchProgress


def test_piped_progress_says_something_every_interval_while_nothing_finishes(capsys):
    progress = BatchProgress(3, "problem check", interval=0.2, store=False)
    time.sleep(0.75)  # a slow first grading: three intervals, no result yet
    waiting = capsys.readouterr().err.splitlines()
    assert len(waiting) >= 2 and all(line == "problem check: 0/3 done," for line in waiting), waiting
    for verdict in ("AC", "WA", "AC"):
        progress(None, verdict, False)
    progress.stop()
    time.sleep(0.3)  # no line after the last
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].startswith("problem check: 3/3 done, ") and lines[-1].endswith("AC 2 WA 1"), lines
    assert all(not line.startswith("problem check: 3/3") for line in lines[:-1])


def test_the_rescore_line_counts_what_came_from_the_store(capsys):
    progress = BatchProgress(2, interval=60)
    progress(None, "AC", True)
    progress(None, "TLE", False)
    progress.stop()
    (line,) = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"rescore: 2/2 done \(1 from the store\) \d+/min AC 1 TLE 1", line), line
