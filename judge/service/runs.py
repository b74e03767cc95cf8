"""The service's workers: ``-j`` threads that take submissions from the queue store, run each once
(judge.grading.execute) and record the result; callers waiting for a token are woken when it is done.

Executions and their results travel through the store as JSON (bytes as base64), so a restart resumes them.
"""

import asyncio
import base64
import dataclasses
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from judge.grading.execute import ExecuteLimits, ExecuteRequest, ExecuteResult, execute_then_close
from judge.grading.warm import WarmBySpec
from judge.inputs.languages import Language
from judge.inputs.settings import Settings
from judge.judging.results import SubmissionResult, TestResult, Verdict
from judge.sandbox.container import ProcessResult
from judge.sandbox.engine import Engine, EngineWatch
from judge.service.native import failed_document
from judge.service.safety import Metrics
from judge.service.store import QueueStore, Row

# Runs one execution: its result, and what to do once the result is recorded (remove its container).
Executor = Callable[[Language, ExecuteRequest], tuple[ExecuteResult, Callable[[], None]]]
# Runs one grading (the native API's request JSON), telling each finished test: the grading's result.
GradingRunner = Callable[[dict[str, Any], Callable[[TestResult], None]], SubmissionResult]
WARM = 2  # started containers waiting per language and limits (judge serve --warm)
NATIVE = "native"  # the store's ``api`` of a grading against a problem


def request_json(request: ExecuteRequest) -> dict[str, Any]:
    return {
        "language": request.language,
        "files": [[name, _b64(data)] for name, data in request.files.items()],
        "stdin": _b64(request.stdin),
        "args": list(request.args),
        "limits": dataclasses.asdict(request.limits),
    }


def request_from_json(data: dict[str, Any]) -> ExecuteRequest:
    return ExecuteRequest(
        language=data["language"],
        files={name: base64.b64decode(content) for name, content in data["files"]},
        stdin=base64.b64decode(data["stdin"]),
        args=tuple(data["args"]),
        limits=ExecuteLimits(**data["limits"]),
    )


def result_json(result: ExecuteResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict.value,
        "message": result.message,
        "compile": _process_json(result.compile),
        "run": _process_json(result.run),
    }


def result_from_json(data: dict[str, Any]) -> ExecuteResult:
    return ExecuteResult(
        Verdict(data["verdict"]), data["message"], _process_from_json(data["compile"]), _process_from_json(data["run"])
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


PROCESS_FIELDS = ("exit_code", "signal", "cpu", "wall", "memory", "killed_by", "oom", "output_exceeded")


def _process_json(r: ProcessResult | None) -> dict[str, Any] | None:
    if r is None:
        return None
    data = {name: getattr(r, name) for name in PROCESS_FIELDS}
    data.update(stdout=_b64(r.stdout), stderr=_b64(r.stderr), spawn_error=r.spawn_error)
    return data


def _process_from_json(data: dict[str, Any] | None) -> ProcessResult | None:
    if data is None:
        return None
    return ProcessResult(
        **{name: data[name] for name in PROCESS_FIELDS},
        oom_counter=True,
        stdout=base64.b64decode(data["stdout"]),
        stderr=base64.b64decode(data["stderr"]),
        spawn_error=data["spawn_error"],
    )


def new_token() -> str:
    return str(uuid.uuid4())


class Workers:
    """``slots`` threads running queued submissions; ``wait`` lets a request handler await one token."""

    def __init__(
        self,
        store: QueueStore,
        languages: dict[str, Language],
        executor: Executor,
        slots: int,
        grading: GradingRunner | None = None,
    ) -> None:
        self.store, self.languages, self.executor, self.slots = store, languages, executor, slots
        self.grading = grading
        self.metrics = Metrics()
        self.progress: dict[str, list[TestResult]] = {}  # a running grading's finished tests, in order
        self._wake = threading.Condition()
        self._waiters: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]] = {}
        self._waiters_lock = threading.Lock()
        self._stop = False
        self._threads: list[threading.Thread] = []
        self.busy = 0
        self.live = 0  # slots held by live sessions (judge.service.connect): the workers leave them free

    def start(self) -> None:
        self.store.requeue_unfinished()
        for index in range(self.slots):
            thread = threading.Thread(target=self._loop, name=f"judge-serve-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify_all()

    def submit(self, api: str, request: dict[str, Any], token: str | None = None) -> str:
        """Queue a submission (``request`` holds its ``execute`` JSON and what its API keeps); its token."""
        token = token or new_token()
        self.store.add(token, api, request)
        with self._wake:
            self._wake.notify()
        return token

    def hold_slot(self, give_up: threading.Event) -> bool:
        """Take one of the ``slots`` for a live session, waiting while all are busy (False: ``give_up`` was set
        meanwhile). ``release_slot`` gives it back."""
        with self._wake:
            while self.busy + self.live >= self.slots:
                if give_up.is_set() or self._stop:
                    return False
                self._wake.wait(timeout=0.05)
            self.live += 1
            return True

    def release_slot(self) -> None:
        with self._wake:
            self.live -= 1
            self._wake.notify_all()

    async def wait(self, token: str, timeout: float) -> Row | None:
        """The row once it is done (None: it was not done within ``timeout`` seconds)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._waiters_lock:
            self._waiters.setdefault(token, []).append((loop, future))
        try:
            row = self.store.get(token)
            if row is not None and row.state == "done":
                return row
            try:
                await asyncio.wait_for(future, timeout)
            except TimeoutError:
                return None
            return self.store.get(token)
        finally:
            with self._waiters_lock:
                waiting = self._waiters.get(token, [])
                if (loop, future) in waiting:
                    waiting.remove((loop, future))
                if not waiting:
                    self._waiters.pop(token, None)

    def _loop(self) -> None:
        while True:
            with self._wake:
                if self._stop:
                    return
                row = self.store.claim() if self.busy + self.live < self.slots else None
                if row is None:
                    self._wake.wait(timeout=1.0)
                    continue
                self.busy += 1
            try:
                self._run(row)
            except Exception as exc:  # the store failed: the row stays running and is run again after a restart
                print(f"judge serve: could not record {row.token}: {type(exc).__name__}: {exc}", file=sys.stderr)
            finally:
                with self._wake:
                    self.busy -= 1

    def _run(self, row: Row) -> None:
        started = time.monotonic()
        if row.api == NATIVE:
            self._grade(row, started)
            return
        cleanup: Callable[[], None] = _nothing
        try:
            request = request_from_json(row.request["execute"])
            language = self.languages[request.language]
            result, cleanup = self.executor(language, request)
        except Exception as exc:  # a judge failure of any kind is this submission's internal error, not the worker's
            result = ExecuteResult(Verdict.JE, f"{type(exc).__name__}: {exc}")
        try:
            self.store.finish(row.token, result_json(result))
            self.metrics.record(row.api, row.request["execute"]["language"], str(result.verdict), _since(started))
            self._notify(row.token)
        finally:
            cleanup()

    def _grade(self, row: Row, started: float) -> None:
        """A grading against a problem: its document (judge submit's JSON) is the result; each finished test is
        appended to ``progress`` for the server-sent events."""
        finished: list[TestResult] = []
        self.progress[row.token] = finished
        try:
            if self.grading is None:
                raise RuntimeError("this server grades no problems")
            document = self.grading(row.request, finished.append).to_dict()
        except Exception as exc:  # a judge failure of any kind is this grading's JE, not the worker's
            document = failed_document(row.request, f"{type(exc).__name__}: {exc}")
        try:
            self.store.finish(row.token, document)
            self.metrics.record(row.api, row.request["language"], document["verdict"], _since(started))
            self._notify(row.token)
        finally:
            self.progress.pop(row.token, None)

    def _notify(self, token: str) -> None:
        with self._waiters_lock:
            waiting = list(self._waiters.get(token, []))
        for loop, future in waiting:
            loop.call_soon_threadsafe(_resolve, future)


def _nothing() -> None:
    pass


def _since(started: float) -> float:
    return time.monotonic() - started


def _resolve(future: "asyncio.Future[None]") -> None:
    if not future.done():
        future.set_result(None)


class EngineExecutor:
    """Runs each submission in a fresh container of the real engine, taken from a warm pool (``warm`` started
    containers per language and limits, judge.grading.warm) when one is ready; ``close`` removes the pool's."""

    def __init__(self, client: Engine, settings: Settings, warm: int = WARM) -> None:
        self.client, self.settings = client, settings
        self.engine = EngineWatch(client)
        self.pool = WarmBySpec(client, self.engine, size=warm)

    def __call__(self, language: Language, request: ExecuteRequest) -> tuple[ExecuteResult, Callable[[], None]]:
        if self.engine.down:  # found gone after a judge error: wait for it (the pool starts none meanwhile)
            self.engine.ready()
        result, box = execute_then_close(self.client, self.settings, language, request, self.pool.take)
        if result.verdict == Verdict.JE:
            self.engine.gone()  # the engine went away: the pool's containers started before are not used
        return result, lambda: self.pool.done(box)

    def close(self) -> None:
        self.pool.close()


def engine_executor(client: Engine, settings: Settings, warm: int = WARM) -> EngineExecutor:
    """The executor that runs each submission in a fresh container of the real engine, started ahead."""
    return EngineExecutor(client, settings, warm)
