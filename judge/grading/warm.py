"""Warm, single-use sandboxes: containers created and started ahead of their submission, the agent waiting, so a
submission does not wait for a container's creation. The one policy `judge submit`, `judge rescore` and
`judge serve` use:

- a warm container is started for a given SandboxSpec and used for exactly one submission, then removed: one fresh
  container per submission stays the rule;
- one started before the engine went away (EngineWatch's epoch moved since) or no longer running is removed, never
  handed out: the caller's grading starts its own;
- interactive problems get none (their container mounts the pipes of its own interaction: ``warmable``);
- a pool holds no container after ``close`` (those being started, waiting and in use are removed; Ctrl-C removes
  them too, as every container of the process, judge.sandbox.container.remove_everything_now).

``WarmSandboxes`` starts containers ahead in the order asked (submit: the next file's; rescore: the next jobs');
``WarmBySpec`` keeps a few ready for each spec in use and refills in the background (serve).
"""

import dataclasses
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from judge.inputs.problem import Problem
from judge.judging.results import SubmissionResult
from judge.sandbox.container import Sandbox, SandboxSpec
from judge.sandbox.engine import Engine, EngineWatch

SpecMaker = Callable[[], SandboxSpec | None]  # the container to start ahead (None: none for this submission)


def warmable(problem: Problem) -> bool:
    """Whether a submission to ``problem`` may get a warm container: an interactive one's container mounts the
    pipes made for its own interaction."""
    return not problem.interactive


def engine_lost(result: SubmissionResult) -> SubmissionResult:
    """A JE of a grading the engine's going away ended, saying so in its one line."""
    result.message = f"the Docker engine went away: {result.message}"
    return result


class WarmSandboxes:
    """Containers started ahead on ``threads`` threads, at most ``ahead`` of them started and not yet taken.

    ``start_ahead`` starts one; ``take`` hands it out when it may be used (else removes it: None); ``done`` removes
    a taken one after its submission; ``close`` removes every one the pool started and not yet ``done``."""

    def __init__(self, client: Engine, engine: EngineWatch, *, ahead: int = 1, threads: int = 1) -> None:
        self.client, self.engine = client, engine
        self._slots = threading.Semaphore(max(1, ahead))
        self._threads = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="judge-warm")
        self._lock = threading.Lock()
        self._born: dict[Sandbox, int] = {}  # every container started and not done -> the engine's epoch before
        self._closed = False
        self.started = self.used = self.discarded = 0  # containers started; handed out; removed unused

    def start_ahead(self, make_spec: SpecMaker) -> "Future[Sandbox | None]":
        """Start a container for ``make_spec()`` on the pool's threads once fewer than ``ahead`` wait; hand the
        future to ``take`` (each one exactly once: it frees the place)."""
        return self._threads.submit(self._start, make_spec)

    def _start(self, make_spec: SpecMaker) -> Sandbox | None:
        self._slots.acquire()
        with self._lock:
            if self._closed:
                self._slots.release()  # wakes the next thread waiting for a place, which sees the pool closed
                return None
        if self.engine.down:  # the grading starts its own once the engine is back
            return None
        epoch = self.engine.epoch
        try:
            spec = make_spec()
        except Exception:  # the grading works its container out again and reports what failed
            return None
        if spec is None:
            return None
        with self._lock:
            if self._closed:
                return None
        sandbox = Sandbox(self.client, spec)
        try:
            sandbox.start()
        except Exception:  # the grading starts its own and reports what failed
            return None  # (start removed it)
        with self._lock:
            closed = self._closed
            if not closed:
                self._born[sandbox] = epoch
                self.started += 1
        if closed:  # close() does not touch one still starting: it is removed here
            sandbox.close()
            return None
        return sandbox

    def take(self, started: "Future[Sandbox | None]") -> Sandbox | None:
        """The container ``started`` ahead when it may be used now, else None (it is removed). Take it after
        ``engine.ready()``: a container started before the engine went away went with it. The caller uses it for
        one submission, then calls ``done``."""
        try:
            sandbox = None if started.cancelled() else started.result()
        finally:
            self._slots.release()
        if sandbox is None:
            return None
        with self._lock:
            usable = not self._closed and self._born.get(sandbox) == self.engine.epoch
        if usable and sandbox.alive():  # alive: gone in an engine restart between two pings
            with self._lock:
                self.used += 1
            return sandbox
        self._discarded(sandbox)
        return None

    def discard(self, started: "Future[Sandbox | None]") -> None:
        """Give up a container started ahead without waiting for it: removed once started."""

        def drop(future: "Future[Sandbox | None]") -> None:
            self._slots.release()
            sandbox = None if future.cancelled() or future.exception() is not None else future.result()
            if sandbox is not None:
                self._discarded(sandbox)

        started.add_done_callback(drop)

    def _discarded(self, sandbox: Sandbox) -> None:
        with self._lock:
            self.discarded += 1
        self.done(sandbox)

    def done(self, sandbox: Sandbox) -> None:
        """Remove a container of the pool (its submission is over, or it may not be used)."""
        sandbox.close()
        with self._lock:
            self._born.pop(sandbox, None)

    def close(self) -> None:
        """Remove every container the pool started and not ``done`` (running tests in them end at once), and stop
        its threads (one still starting is removed by its thread once started); nothing is started after. Safe to
        call again."""
        with self._lock:
            self._closed = True
        self._slots.release()  # a thread waiting for a place wakes, sees the pool closed and wakes the next
        self._close_all()
        self._threads.shutdown(wait=True, cancel_futures=True)
        self._close_all()  # those that finished starting meanwhile

    def _close_all(self) -> None:
        with self._lock:
            started = list(self._born)
        for sandbox in started:
            self.done(sandbox)

    def holding(self) -> int:
        """How many containers the pool holds (started or starting, not done)."""
        with self._lock:
            return len(self._born)


@dataclass(frozen=True)
class WarmStats:
    """What a WarmBySpec holds and has done (``/metrics``): counts since it was made."""

    waiting: dict[str, int]  # language (the spec's judge.language label) -> started containers not yet taken
    started: int  # containers started ahead
    used: int  # submissions that ran in one started ahead
    missed: int  # submissions that found none ready (or one that may not be used) and started their own
    discarded: int  # started ahead and removed unused (the engine went away, it stopped, its spec fell out of use)


def spec_key(spec: SandboxSpec) -> Hashable:
    """What makes two specs the same container (the fields compared, labels as sorted pairs)."""
    values = []
    for item in dataclasses.fields(spec):
        if item.compare:
            value = getattr(spec, item.name)
            values.append(tuple(sorted(value.items())) if isinstance(value, dict) else value)
    return tuple(values)


class WarmBySpec:
    """``size`` started containers for each of the ``specs`` last used specs, refilled in the background after each
    take (`judge serve`: one spec per language and limits). The first request of a spec starts its own and the
    spec's containers start meanwhile; a spec not used for ``specs`` others is dropped (its containers removed)."""

    def __init__(self, client: Engine, engine: EngineWatch, *, size: int = 2, specs: int = 4) -> None:
        self.size, self.specs = max(0, size), max(1, specs)
        self.pool = WarmSandboxes(client, engine, ahead=max(1, self.size * self.specs), threads=2)
        self._lock = threading.Lock()
        self._ready: OrderedDict[Hashable, deque[Future[Sandbox | None]]] = OrderedDict()
        self._languages: dict[Hashable, str] = {}  # a spec in use -> its language (for ``stats``)
        self.missed = 0

    def take(self, spec: SandboxSpec) -> Sandbox | None:
        """A started container for ``spec`` (the caller runs one submission in it, then calls ``done``), or None:
        the caller starts its own. Its replacement starts in the background."""
        if self.size == 0:
            return None
        key = spec_key(spec)
        dropped: list[Future[Sandbox | None]] = []
        with self._lock:
            waiting = self._ready.get(key)
            if waiting is None:
                waiting = self._ready[key] = deque()
                self._languages[key] = spec.labels.get("judge.language", "")
                while len(self._ready) > self.specs:
                    old_key, old = self._ready.popitem(last=False)
                    dropped.extend(old)
                    self._languages.pop(old_key, None)
            self._ready.move_to_end(key)
            started = waiting.popleft() if waiting else None
            while len(waiting) < self.size:
                waiting.append(self.pool.start_ahead(lambda: spec))
        for future in dropped:
            self.pool.discard(future)
        taken = self.pool.take(started) if started is not None else None
        if taken is None:
            with self._lock:
                self.missed += 1
        return taken

    def done(self, sandbox: Sandbox) -> None:
        self.pool.done(sandbox)

    def holding(self) -> int:
        return self.pool.holding()

    def stats(self) -> WarmStats:
        waiting: dict[str, int] = {}
        with self._lock:
            for key, futures in self._ready.items():
                ready = sum(f.done() and not f.cancelled() and f.exception() is None and f.result() is not None
                            for f in futures)  # fmt: skip
                language = self._languages.get(key, "")
                waiting[language] = waiting.get(language, 0) + ready
            missed = self.missed
        pool = self.pool
        return WarmStats(waiting, pool.started, pool.used, missed, pool.discarded)

    def close(self) -> None:
        with self._lock:
            self._ready.clear()
            self._languages.clear()
        self.pool.close()
