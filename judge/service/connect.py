"""Live runs over the service, WebSocket: Piston's interactive protocol (``/api/v2/connect``, also under
``/api/v2/piston/``: its api/v2.js) and the native ``/v1/run`` (``judge run``'s shape). One protocol for both:

- the client sends ``{"type": "init", ...}`` within 1 s of connecting (else close 4001), then any number of
  ``{"type": "data", "stream": "stdin", "data": "..."}``, ``{"type": "signal", "signal": "SIGKILL"}`` (a name of
  Piston's table, or its number) and ``{"type": "eof"}`` (judge's: stdin ends; Piston has none, and ignores types
  it does not know, as judge does);
- the server sends ``runtime`` once the session holds a slot, ``stage`` (``compile`` only when something compiles,
  then ``run``), ``data`` (stdout/stderr as written; a compile step's output as one stderr chunk), ``exit`` per
  stage (``code``, ``signal``, and judge's ``status``, ``message``, ``limit``, ``cpu_time``, ``wall_time``,
  ``memory``), or ``error`` then close 4002; it closes with 4999 when the run is over.
- Bad messages close the socket as Piston does: 4000 a second init, 4003 data or a signal before init, 4004 data on
  another stream than stdin, 4005 an unknown signal, 4002 after an ``error`` (a bad init, bad JSON).

A session runs one program once (judge.grading.live) in a container of the warm pool when it has one for the spec,
and holds one of the ``-j`` slots while it runs (it waits for one like a queued submission). A client that goes away
stops its program (SIGKILL) and the container is removed.
"""

import asyncio
import codecs
import contextlib
import json
import queue
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from starlette.requests import Request
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from judge.grading.execute import ExecuteLimits, ExecuteResult, _sources, compiles
from judge.grading.live import LiveExecution, Stage
from judge.inputs.languages import Language
from judge.inputs.program import Program
from judge.inputs.settings import Settings
from judge.judging.results import Verdict
from judge.sandbox.container import LiveOutput, ProcessResult
from judge.sandbox.cores import claimed_core
from judge.service import native, piston
from judge.service.http import ApiError
from judge.service.runs import EngineExecutor
from judge.units import MIB

if TYPE_CHECKING:
    from judge.service.app import Service

INIT_TIMEOUT = 1.0  # seconds from connecting to the init message (Piston's)
CLOSE_GRACE = 5.0  # seconds a client has to answer the server's close before the connection is dropped
MAX_TIME = 15.0  # CPU seconds a native live run may ask for
MAX_WALL = 600.0  # wall-clock seconds a native live run may ask for (typing at a prompt takes a while)
LIMITS = {Verdict.TLE, Verdict.MLE, Verdict.OLE}
STDIN_BACKLOG = 8 * MIB  # bytes of stdin a session keeps that the program has not taken (more: error, 4002)

# Piston's close codes and reasons (api/v2.js).
ALREADY_INITIALIZED = (4000, "Already Initialized")
INIT_TIMEOUT_CLOSE = (4001, "Initialization Timeout")
NOTIFIED_ERROR = (4002, "Notified Error")
NOT_INITIALIZED = (4003, "Not yet initialized")
STDIN_ONLY = (4004, "Can only write to stdin")
INVALID_SIGNAL = (4005, "Invalid signal")
JOB_COMPLETED = (4999, "Job Completed")

# Piston's signal table (globals.js): the names a client may send, by number.
_LOW = (
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
)
SIGNALS: dict[int, str] = {
    **{n: name for n, name in enumerate(_LOW, start=1)},
    34: "SIGRTMIN",
    **{34 + k: f"SIGRTMIN+{k}" for k in range(1, 16)},
    **{64 - k: f"SIGRTMAX-{k}" for k in range(1, 15)},
    64: "SIGRTMAX",
}
_NUMBERS = {name: number for number, name in SIGNALS.items()}


def signal_number(value: Any) -> int | None:
    """The signal a client names (Piston's name, or its number), None when Piston's table has no such signal."""
    if isinstance(value, str):
        return _NUMBERS.get(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in SIGNALS:
        return value
    return None


class InitError(Exception):
    """A bad init: sent as ``error``, then close 4002."""


@dataclass(frozen=True)
class LiveRequest:
    """What an init asks for: the program, its limits and arguments, stdin to send first, and how to run it."""

    language: Language
    program: Program
    limits: ExecuteLimits
    args: tuple[str, ...]
    stdin: bytes
    runtime: piston.Runtime
    check_syntax: bool  # run a compile step that only checks the syntax (judge run does; Piston has none)


def piston_request(body: dict[str, Any], runtimes: list[piston.Runtime], max_source: int) -> LiveRequest:
    """Piston's init: the body of its execute (``stdin``, which Piston's connect ignores, is sent first)."""
    try:
        runtime, execution = piston.parse_execute(body, runtimes)
    except piston.PistonError as exc:
        raise InitError(str(exc)) from None
    if sum(len(data) for data in execution.files.values()) > max_source:
        raise InitError(f"the source is larger than {max_source} bytes")
    language = runtime.runner
    main = next(iter(execution.files))
    program = Program(Path(main), language.name, execution.files, main, _sources(language, execution))
    return LiveRequest(
        language, program, execution.limits, execution.args, execution.stdin, runtime, check_syntax=False
    )


def native_request(
    body: dict[str, Any], runtimes: list[piston.Runtime], settings: Settings, max_source: int
) -> LiveRequest:
    """The native init: ``files`` (``[{name, content, encoding?}]``, read as judge submit reads them), ``language``
    (a runner name; default: from the file names), ``entrypoint``, ``args``, ``time`` (CPU s), ``wall`` (s) and
    ``memory`` (MiB), the defaults judge.yaml's (as ``judge run``'s)."""
    languages = {runtime.runner.name: runtime.runner for runtime in runtimes}
    try:
        files = native._files(body.get("files"), max_source)
        language = native._optional_text(body, "language")
        entrypoint = native._optional_text(body, "entrypoint")
        if language and language not in languages:
            raise InitError(f"language: unknown language {language!r}")
        submission = next(iter(files)) if len(files) == 1 else "submission"
        with tempfile.TemporaryDirectory(prefix="judge-serve-") as folder:
            program = native._program(Path(folder), files, submission, languages, language, entrypoint)
    except native.NativeError as exc:
        raise InitError(str(exc)) from None
    time = _number(body, "time", settings.time, MAX_TIME)
    limits = ExecuteLimits(
        time=time,
        wall=_number(body, "wall", settings.wall_limit(time), MAX_WALL),
        memory=int(_number(body, "memory", settings.memory / MIB, piston.MEMORY_MAX / MIB) * MIB),
        output=settings.output,
        compile_wall=settings.compile_time,
    )
    try:
        args = tuple(piston._strings(body, "args"))
    except piston.PistonError as exc:
        raise InitError(str(exc)) from None
    runtime = next(r for r in runtimes if r.runner.name == program.language)
    return LiveRequest(languages[program.language], program, limits, args, b"", runtime, check_syntax=True)


def _number(body: dict[str, Any], key: str, default: float, maximum: float) -> float:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= maximum:
        raise InitError(f"{key} must be a number above 0 and at most {maximum:g}")
    return float(value)


DONE = object()  # the session's thread is over: its container is removed
STOP = object()  # the stdin feeder ends without an EOF


class Session:
    """One live run on the server's side, in threads: ``run`` holds a slot, takes a warm container, runs the
    program and posts each event; ``send``/``eof``/``signal``/``abandon`` may come from the event loop meanwhile."""

    def __init__(self, executor: EngineExecutor, workers: Any, request: LiveRequest, post: Callable[[Any], None]):
        self.executor, self.workers, self.request, self.post = executor, workers, request, post
        self.give_up = threading.Event()
        self.execution: LiveExecution | None = None
        self._lock = threading.Lock()
        self._stdin: queue.Queue[Any] = queue.Queue()
        self._backlog = 0  # bytes queued for the program's stdin and not yet taken
        self.send(request.stdin)

    def send(self, data: bytes) -> bool:
        """Queue ``data`` for the program's stdin; False when more than STDIN_BACKLOG would wait."""
        with self._lock:
            if self._backlog + len(data) > STDIN_BACKLOG:
                return False
            self._backlog += len(data)
        if data:
            self._stdin.put(data)
        return True

    def eof(self) -> None:
        self._stdin.put(None)

    def signal(self, number: int) -> None:
        with self._lock:
            execution = self.execution
        if execution is not None:
            threading.Thread(target=execution.signal, args=(number,), daemon=True).start()

    def abandon(self) -> None:
        """The client went away: stop the program (or never start it)."""
        self.give_up.set()
        self._stdin.put(STOP)
        with self._lock:
            execution = self.execution
        if execution is not None:
            threading.Thread(target=execution.stop, daemon=True).start()

    def run(self) -> None:
        try:
            if self.workers.hold_slot(self.give_up):
                try:
                    self._run()
                finally:
                    self.workers.release_slot()
        except Exception as exc:  # a judge failure of any kind is this session's error, not the server's
            self.post(ExecuteResult(Verdict.JE, f"{type(exc).__name__}: {exc}"))
        finally:
            self.post(DONE)

    def _run(self) -> None:
        request, executor = self.request, self.executor
        if executor.engine.down:
            executor.engine.ready()
        with contextlib.ExitStack() as stack:
            # As execute_then_close: with nothing to compile the container is created on the run's core.
            cpuset = None if compiles(request.language) else stack.enter_context(claimed_core(executor.settings))
            execution = LiveExecution(
                executor.client,
                executor.settings,
                request.language,
                request.program,
                request.limits,
                request.args,
                check_syntax=request.check_syntax,
                cpuset=cpuset,
            )
            box = executor.pool.take(execution.spec())
            execution.sandbox = box
            if box is not None:
                stack.callback(executor.pool.done, box)
            with self._lock:
                self.execution = execution
            if self.give_up.is_set():
                execution.stop()
            threading.Thread(target=self._feed, args=(execution,), name="judge-live-stdin", daemon=True).start()
            self.post(request.runtime)
            with contextlib.closing(execution.events()) as events:
                for event in events:
                    self.post(event)

    def _feed(self, execution: LiveExecution) -> None:
        while True:
            item = self._stdin.get()
            if item is STOP:
                return
            if item is None:
                execution.close_stdin()
                return
            sent = execution.send_stdin(item)
            with self._lock:
                self._backlog -= len(item)
            if not sent:
                return


class Messages:
    """The events of one session as the protocol's messages (output decoded as UTF-8 across chunk boundaries)."""

    def __init__(self) -> None:
        self._decoders = {s: codecs.getincrementaldecoder("utf-8")(errors="replace") for s in ("stdout", "stderr")}
        self.close = JOB_COMPLETED

    def of(self, event: Any, execution: LiveExecution | None) -> list[dict[str, Any]]:
        if isinstance(event, piston.Runtime):
            return [{"type": "runtime", "language": event.language, "version": event.version}]
        if isinstance(event, LiveOutput):
            text = self._decoders[event.stream].decode(event.data)
            return [{"type": "data", "stream": event.stream, "data": text}] if text else []
        if isinstance(event, Stage):
            compiled = execution.result.compile if execution is not None else None
            before = self._compile_end(compiled, None) if event.name == "run" and compiled is not None else []
            return [*before, {"type": "stage", "stage": event.name}]
        assert isinstance(event, ExecuteResult)
        return self._result(event)

    def _result(self, result: ExecuteResult) -> list[dict[str, Any]]:
        if result.verdict == Verdict.CE and result.compile is not None:
            return self._compile_end(result.compile, result)
        if result.verdict == Verdict.JE or result.run is None:
            self.close = NOTIFIED_ERROR
            return [{"type": "error", "message": result.message or "the run failed"}]
        tail = [
            {"type": "data", "stream": stream, "data": text}
            for stream, decoder in self._decoders.items()
            if (text := decoder.decode(b"", final=True))
        ]
        status, message = piston._run_status(result, result.run)
        limit = result.verdict.value if result.verdict in LIMITS else None
        return [*tail, _exit("run", result.run, status, message, limit)]

    @staticmethod
    def _compile_end(compiled: ProcessResult, failed: ExecuteResult | None) -> list[dict[str, Any]]:
        """The compiler's output (one stderr chunk) and the compile stage's exit."""
        messages: list[dict[str, Any]] = []
        if compiled.stdout:
            messages.append({"type": "data", "stream": "stderr", "data": compiled.stdout.decode("utf-8", "replace")})
        status = None
        if failed is not None:
            status = "TO" if compiled.killed_by else "SG" if compiled.signal is not None else "RE"
        messages.append(_exit("compile", compiled, status, failed.message if failed else None, None))
        return messages


def _exit(stage: str, r: ProcessResult, status: str | None, message: str | None, limit: str | None) -> dict[str, Any]:
    measured = piston._stage(r, status, message, "", "")
    return {
        "type": "exit",
        "stage": stage,
        "code": measured["code"],
        "signal": measured["signal"],
        "status": status,
        "message": message,
        "limit": limit,
        "cpu_time": measured["cpu_time"],
        "wall_time": measured["wall_time"],
        "memory": measured["memory"],
    }


Parse = Callable[[dict[str, Any]], LiveRequest]


class Connection:
    """One WebSocket: the client's messages in, the session's events out, Piston's close codes."""

    def __init__(self, ws: WebSocket, executor: EngineExecutor, workers: Any, parse: Parse) -> None:
        self.ws, self.executor, self.workers, self.parse = ws, executor, workers, parse
        self.session: Session | None = None
        self.job: asyncio.Task[None] | None = None
        self.closed = False
        self._events: asyncio.Queue[Any] = asyncio.Queue()
        self._closing: asyncio.Future[None] | None = None
        self._reader: asyncio.Future[None] | None = None

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        timer = loop.call_later(INIT_TIMEOUT, self._init_late)
        self._reader = asyncio.ensure_future(self._read())
        try:
            await asyncio.wait({self._reader})  # the client closed, or left us waiting after our close
        finally:
            self._reader.cancel()
            timer.cancel()
            if self.session is not None:
                self.session.abandon()  # nothing when the run is over
            if self.job is not None:
                await self.job

    def _init_late(self) -> None:
        if self.session is None and not self.closed:
            self._closing = asyncio.ensure_future(self.close(INIT_TIMEOUT_CLOSE))

    async def _read(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if self.closed:
                continue
            raw = message.get("text")
            if raw is None:
                raw = message.get("bytes") or b""
            try:
                data = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                await self.fail(f"the message is not JSON: {exc}")
                continue
            if not isinstance(data, dict):
                await self.fail("a message must be a JSON object")
                continue
            await self._handle(data)

    async def _handle(self, message: dict[str, Any]) -> None:
        kind, session = message.get("type"), self.session
        if kind == "init":
            if session is not None:
                await self.close(ALREADY_INITIALIZED)
            else:
                await self._start(message)
        elif kind in ("data", "signal", "eof") and session is None:
            await self.close(NOT_INITIALIZED)
        elif session is None:
            return  # a type Piston does not know: ignored
        elif kind == "data":
            if message.get("stream") != "stdin":
                await self.close(STDIN_ONLY)
            elif not isinstance(message.get("data"), str):
                await self.fail("data must be a string")
            elif not session.send(message["data"].encode("utf-8", "surrogatepass")):
                await self.fail(f"more than {STDIN_BACKLOG} bytes of stdin wait for the program")
        elif kind == "signal":
            number = signal_number(message.get("signal"))
            if number is None:
                await self.close(INVALID_SIGNAL)
            else:
                session.signal(number)
        elif kind == "eof":
            session.eof()

    async def _start(self, message: dict[str, Any]) -> None:
        try:
            request = await asyncio.to_thread(self.parse, message)
        except InitError as exc:
            await self.fail(str(exc))
            return
        loop = asyncio.get_running_loop()

        def post(item: Any) -> None:  # from the session's threads
            loop.call_soon_threadsafe(self._events.put_nowait, item)

        session = Session(self.executor, self.workers, request, post)
        self.session = session
        self.job = asyncio.create_task(self._relay(session))
        threading.Thread(target=session.run, name="judge-live", daemon=True).start()

    async def _relay(self, session: Session) -> None:
        """The session's events to the client until its thread is over, then the close."""
        messages = Messages()
        while (event := await self._events.get()) is not DONE:
            for message in messages.of(event, session.execution):
                await self.send(message)
        await self.close(messages.close)

    async def send(self, message: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            await self.ws.send_text(json.dumps(message))
        except Exception:  # the client is gone: the reader sees it and abandons the session
            self.closed = True

    async def fail(self, message: str) -> None:
        """Piston's notified error: ``error``, then close 4002."""
        await self.send({"type": "error", "message": message})
        await self.close(NOTIFIED_ERROR)

    async def close(self, how: tuple[int, str]) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            await self.ws.close(code=how[0], reason=how[1])
        if self._reader is not None:  # a client that never answers our close is not waited for
            asyncio.get_running_loop().call_later(CLOSE_GRACE, self._reader.cancel)


def routes(service: "Service") -> list[WebSocketRoute]:
    """The live routes, when the service runs on the real engine (its executor has the warm pool)."""
    executor = service.workers.executor
    if not isinstance(executor, EngineExecutor):
        return []
    max_source = service.config.max_source

    def endpoint(parse: Parse, error: Callable[[str], Any]) -> Callable[[WebSocket], Any]:
        async def run(ws: WebSocket) -> None:
            try:
                service.authorize(cast(Request, ws), error)
            except ApiError as exc:
                await _deny(ws, exc)
                return
            await ws.accept()
            await Connection(ws, executor, service.workers, parse).serve()

        return run

    connect = endpoint(lambda body: piston_request(body, service.runtimes, max_source), piston.error)
    run = endpoint(lambda body: native_request(body, service.runtimes, executor.settings, max_source), native.error)
    return [
        WebSocketRoute("/api/v2/connect", connect),
        WebSocketRoute("/api/v2/piston/connect", connect),
        WebSocketRoute("/v1/run", run),
    ]


async def _deny(ws: WebSocket, exc: ApiError) -> None:
    """Refuse the upgrade with the API's HTTP answer (401, 429), or a plain 403 when the server cannot send one."""
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(exc.response())
    else:
        await ws.close(code=1008)
