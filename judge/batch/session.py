"""One rescoring run of a result set, start to finish: open the set (resume an interrupted one, or regrade a
complete one's judge errors, or start a new one), fill it, diff it against the published results, finish it.
`judge rescore` and `bench/store.py` both run it; the store stays locked for the whole run."""

import contextlib
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from judge.batch.rescore import Executor, Job, rescore, spec_of
from judge.batch.store import Change, Store

OnDone = Callable[[Job, str, bool], None]  # each submission as it is done: its job, verdict, from the store
# Told the set's id and its status before the run (None: a new set) once it is open; the context it returns
# is entered for the grading and gives the OnDone callback (a progress display started and stopped around it).
OnOpen = Callable[[int, str | None], AbstractContextManager[OnDone]]


@dataclass(frozen=True)
class SetRun:
    """What one run of a result set did."""

    set_id: int
    was: str | None  # the set's status before the run: None (a new set), "running" or "complete"
    changes: list[Change]  # verdicts that differ from the published results
    status: str  # the set's status after the run
    judge_errors: int  # submissions of the set that ended in a judge error
    seconds: dict[str, float] = field(default_factory=dict)  # "rescore" (open and fill), "diff", "judge_errors"

    @property
    def resumed(self) -> bool:
        return self.was is not None


def _ignore(job: Job, verdict: str, cached: bool) -> None:
    return None


def _quiet(set_id: int, was: str | None) -> AbstractContextManager[OnDone]:
    return contextlib.nullcontext(_ignore)


def run_set(
    store: Store, source: str, work: list[Job], executor: Executor, *, force: bool = False, on_open: OnOpen = _quiet
) -> SetRun:
    """Grade ``work`` (the plan of batch ``source``) into a result set of ``store``. ``work`` is emptied once
    graded: the plan is done with, and the diff (one row per submission for a first set) takes its place."""
    seconds: dict[str, float] = {}
    with store.locked():
        start = time.perf_counter()
        opened = store.open_set(spec_of(source, work), force=force)
        set_id = opened.id
        with on_open(set_id, opened.was) as on_done:
            rescore(work, store, set_id, executor, force=force, on_done=on_done)
        work.clear()
        seconds["rescore"] = time.perf_counter() - start
        start = time.perf_counter()
        changes = store.diff(set_id)
        seconds["diff"] = time.perf_counter() - start
        store.finish_set(set_id)
        status = store.set_status(set_id)
        start = time.perf_counter()
        errors = store.judge_errors(set_id)
        seconds["judge_errors"] = time.perf_counter() - start
    return SetRun(set_id, opened.was, changes, status, errors, seconds)
