"""The ASGI application of ``judge serve``: the Judge0 CE 1.13.1 and Piston v2 routes over one queue of workers.

Handlers parse bodies themselves (any Content-Type, a size limit, each API's own error shape) and never let a
client's input become a 500; every route but /health wants a token when the server has some.
"""

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from judge.grading.execute import ExecuteRequest
from judge.grading.warm import WarmBySpec
from judge.inputs.languages import Language
from judge.service import connect, judge0, native, piston
from judge.service.callbacks import Callbacks
from judge.service.http import (
    BODY_TIMEOUT,
    ApiError,
    Handler,
    guarded,
    presented_token,
    presented_user,
    read_json_object,
)
from judge.service.page import routes as page_routes
from judge.service.results import Results
from judge.service.runs import NATIVE, Workers, new_token, request_json, result_from_json
from judge.service.safety import NO_LIMIT, Rate, RateLimiter, retry_after
from judge.service.statement import read_statement
from judge.service.store import Row

WAIT_LIMIT = 600.0  # seconds a waiting request (wait=true, Piston's execute) is held at most


@dataclass(frozen=True)
class ServiceConfig:
    tokens: tuple[str, ...] = ()
    max_body: int = 4 * 1024 * 1024  # bytes
    max_source: int = 1024 * 1024  # bytes of a submission's files (decoded), every API
    rate: Rate = NO_LIMIT  # requests per client (token, else address)
    user_tokens: tuple[str, ...] = ()  # Judge0's authorization tokens (X-Auth-User): DELETE and the list want one
    body_timeout: float = BODY_TIMEOUT  # seconds a client may take to send a body (then 408)
    results: Path | None = None  # the results store `judge rescore` writes (/v1/results); None: none


class Service:
    """The routes' shared state: the workers and queue, the language tables, the settings."""

    def __init__(
        self,
        config: ServiceConfig,
        workers: Workers,
        languages: dict[str, Language],
        versions: dict[str, str],
        catalogue: native.Catalogue | None = None,
        pool: WarmBySpec | None = None,
    ) -> None:
        self.config, self.workers, self.catalogue = config, workers, catalogue
        self.pool = pool  # the warm containers (/metrics tells their numbers)
        self.judge0_languages = judge0.judge0_languages(languages, versions)
        self.runtimes = piston.runtimes(languages, versions)
        self.limiter = RateLimiter(config.rate)
        self.rate_limited = 0
        self.callbacks = Callbacks(workers, self._callback_body)
        self.results = Results(config.results)
        self._system_info: dict[str, str] | None = None
        self._statistics: tuple[float, dict[str, Any]] | None = None  # (kept until, the counts)

    def authorize(self, request: Request, error: Callable[[str], Any]) -> None:
        """The token check, then the client's rate limit (keyed by its token, else its address)."""
        token = presented_token(request)
        if self.config.tokens and not _one_of(token, self.config.tokens):
            raise ApiError(401, error("authentication failed: a valid X-Auth-Token or Authorization is required"))
        key = f"token:{token}" if self.config.tokens else f"address:{request.client.host if request.client else ''}"
        wait = self.limiter.take(key)
        if wait > 0:
            self.rate_limited += 1
            raise ApiError(429, error("too many requests"), {"Retry-After": retry_after(wait)})

    def authorize_user(self, request: Request) -> None:
        """Judge0's authorization (X-Auth-User): 403 when the server has no user tokens or the client none of them."""
        if not _one_of(presented_user(request), self.config.user_tokens):
            raise ApiError(403, judge0.error("authorization failed: a valid X-Auth-User is required"))

    def source_room(self, execution: ExecuteRequest, error: Callable[[str], Any]) -> None:
        """413 when the program's files (decoded) are over ``--max-source``."""
        if sum(len(data) for data in execution.files.values()) > self.config.max_source:
            raise ApiError(413, error(f"the source is larger than {self.config.max_source} bytes"))

    def queue_room(self, error: Callable[[str], Any]) -> None:
        if self.workers.store.waiting() >= judge0.MAX_QUEUE:
            raise ApiError(503, error("queue is full"))

    # -- Judge0 ------------------------------------------------------------------------------------------------
    async def create_submission(self, request: Request) -> Response:
        encoded = judge0.flag(request.query_params.get("base64_encoded"))
        wait = judge0.flag(request.query_params.get("wait"))
        wanted = judge0.parse_fields(request.query_params.get("fields"))
        body = await read_json_object(request, self.config.max_body, judge0.error, self.config.body_timeout)
        fields, execution = judge0.parse_submission(body, encoded, self.judge0_languages)
        self.source_room(execution, judge0.error)
        self.queue_room(judge0.error)
        token = self._queue_judge0(fields, execution)
        if not wait:
            return JSONResponse({"token": token}, status_code=201)
        row = await self.workers.wait(token, WAIT_LIMIT) or self.workers.store.get(token)
        assert row is not None
        return JSONResponse(judge0.render(self._view(row), wanted, encoded), status_code=201)

    async def create_batch(self, request: Request) -> Response:
        """Judge0's batch: each submission queued on its own; ``{"token"}`` or its 422 errors, in order."""
        encoded = judge0.flag(request.query_params.get("base64_encoded"))
        body = await read_json_object(request, self.config.max_body, judge0.error, self.config.body_timeout)
        items = body.get("submissions")
        if not isinstance(items, list) or not items:
            raise ApiError(400, judge0.error("there should be at least one submission in a batch"))
        if len(items) > judge0.MAX_BATCH:
            message = f"number of submissions in a batch should be less than or equal to {judge0.MAX_BATCH}"
            raise ApiError(400, judge0.error(message))
        answers: list[dict[str, Any]] = []
        for item in items:
            try:
                fields, execution = judge0.parse_submission(
                    item if isinstance(item, dict) else {}, encoded, self.judge0_languages
                )
            except judge0.Judge0Error as exc:
                answers.append(exc.body)
                continue
            self.source_room(execution, judge0.error)
            self.queue_room(judge0.error)
            answers.append({"token": self._queue_judge0(fields, execution)})
        created = any("token" in answer for answer in answers)
        return JSONResponse(answers, status_code=201 if created else 422)

    def _queue_judge0(self, fields: dict[str, Any], execution: ExecuteRequest) -> str:
        """Queue a Judge0 submission, and its callback when it has a ``callback_url``: its token."""
        token, url = new_token(), fields.get("callback_url")
        if url:
            self.workers.store.add_callback(token, url)
        self.workers.submit("judge0", {"execute": request_json(execution), "judge0": fields}, token)
        if url:
            self.callbacks.follow(token, url)
        return token

    def _callback_body(self, token: str) -> dict[str, Any] | None:
        """What a callback PUTs: Judge0's default fields, base64-encoded."""
        row = self.workers.store.get(token)
        return judge0.render(self._view(row), judge0.DEFAULT_FIELDS, True) if row else None

    async def get_batch(self, request: Request) -> Response:
        encoded = judge0.flag(request.query_params.get("base64_encoded"))
        wanted = judge0.parse_fields(request.query_params.get("fields"))
        tokens = [t.strip() for t in request.query_params.get("tokens", "").split(",") if t.strip()]
        if not tokens:
            raise ApiError(400, judge0.error("tokens should be given as a comma-separated list"))
        if len(tokens) > judge0.MAX_BATCH:
            message = f"number of submissions in a batch should be less than or equal to {judge0.MAX_BATCH}"
            raise ApiError(400, judge0.error(message))
        found = []
        for token in tokens:
            row = self.workers.store.get(token)
            found.append(judge0.render(self._view(row), wanted, encoded) if row and row.api == "judge0" else None)
        return JSONResponse({"submissions": found})

    async def get_submission(self, request: Request) -> Response:
        encoded = judge0.flag(request.query_params.get("base64_encoded"))
        wanted = judge0.parse_fields(request.query_params.get("fields"))
        row = self.workers.store.get(request.path_params["token"])
        if row is None or row.api != "judge0":
            raise ApiError(404, judge0.error("record not found"))
        return JSONResponse(judge0.render(self._view(row), wanted, encoded))

    async def delete_submission(self, request: Request) -> Response:
        """Judge0's DELETE: needs X-Auth-User; a queued or running submission is 400; answers what was deleted
        (``?fields``, always base64-encoded)."""
        self.authorize_user(request)
        wanted = judge0.parse_fields(request.query_params.get("fields"))
        row = self.workers.store.get(request.path_params["token"])
        if row is None or row.api != "judge0":
            raise ApiError(404, judge0.error("record not found"))
        refusal = judge0.delete_refusal(row.state)
        if refusal is None and not self.workers.store.delete(row.token):
            refusal = judge0.delete_refusal("running")  # it was claimed again meanwhile: cannot happen to a done row
        if refusal is not None:
            raise ApiError(400, judge0.error(refusal))
        return JSONResponse(judge0.render(self._view(row), wanted, True))

    async def list_submissions(self, request: Request) -> Response:
        """Judge0's index: needs X-Auth-User; ``?page`` (from 1) and ``?per_page`` (20), newest first."""
        self.authorize_user(request)
        encoded = judge0.flag(request.query_params.get("base64_encoded"))
        wanted = judge0.parse_fields(request.query_params.get("fields"))
        page = _int(request.query_params.get("page", "1"))
        per_page = _int(request.query_params.get("per_page", "20"))
        if page <= 0:
            raise ApiError(400, judge0.error(f"invalid page: {request.query_params.get('page')}"))
        if per_page < 0 or per_page > 1000:
            raise ApiError(400, judge0.error(f"invalid per_page: {request.query_params.get('per_page')}"))
        rows, total = self.workers.store.page("judge0", (page - 1) * per_page, per_page)
        pages = -(-total // per_page) if per_page else 0
        meta = {
            "current_page": page,
            "next_page": page + 1 if page < pages else None,
            "prev_page": page - 1 if page > 1 else None,
            "total_pages": pages,
            "total_count": total,
        }
        found = [judge0.render(self._view(row), wanted, encoded) for row in rows]
        return JSONResponse({"submissions": found, "meta": meta})

    async def statistics(self, request: Request) -> Response:
        """Judge0's /statistics, kept 10 minutes (``?invalidate_cache=true`` counts again)."""
        now = time.time()
        kept = self._statistics
        if kept is None or now >= kept[0] or request.query_params.get("invalidate_cache") == "true":
            kept = (now + judge0.STATISTICS_CACHE, await asyncio.to_thread(self._count, now))
            self._statistics = kept
        return JSONResponse(kept[1])

    def _count(self, now: float) -> dict[str, Any]:
        views = [self._view(row) for row in self.workers.store.rows("judge0")]
        return judge0.statistics(views, now, self.workers.store.size())

    async def system_info(self, request: Request) -> Response:
        if self._system_info is None:
            self._system_info = await asyncio.to_thread(judge0.system_info)
        return JSONResponse(self._system_info)

    async def authenticate(self, request: Request) -> Response:
        """Judge0's POST /authenticate: 200 with no body once the X-Auth-Token check (if any) has passed."""
        return Response(status_code=200)

    async def authorize_route(self, request: Request) -> Response:
        """Judge0's POST /authorize: 200 with no body for a valid X-Auth-User, else 403."""
        self.authorize_user(request)
        return Response(status_code=200)

    def _view(self, row: Row) -> judge0.View:
        fields = row.request["judge0"]
        result = result_from_json(row.result) if row.result else None
        language_id = judge0.NEWER_IDS.get(fields["language_id"], fields["language_id"])
        language = self.judge0_languages.get(language_id)
        return judge0.View(row.token, fields, row.state, result, row.created_at, row.finished_at, language)

    async def languages(self, request: Request) -> Response:
        return JSONResponse([language.brief() for language in self.judge0_languages.values()])

    async def all_languages(self, request: Request) -> Response:
        return JSONResponse([{**language.brief(), "is_archived": False} for language in self.judge0_languages.values()])

    async def language(self, request: Request) -> Response:
        found = self.judge0_languages.get(_int(request.path_params["id"]))
        if found is None:
            raise ApiError(404, judge0.error("record not found"))
        return JSONResponse(found.detail())

    async def statuses(self, request: Request) -> Response:
        return JSONResponse(judge0.statuses())

    async def about(self, request: Request) -> Response:
        return JSONResponse(judge0.about())

    async def version(self, request: Request) -> Response:
        return Response(judge0.VERSION, media_type="text/plain")

    async def isolate(self, request: Request) -> Response:
        return Response(judge0.ISOLATE, media_type="text/plain")

    async def license(self, request: Request) -> Response:
        return Response(judge0.LICENSE, media_type="text/plain")

    async def config_info(self, request: Request) -> Response:
        return JSONResponse(judge0.config_info(delete_enabled=bool(self.config.user_tokens)))

    # -- Piston ------------------------------------------------------------------------------------------------
    async def piston_runtimes(self, request: Request) -> Response:
        return JSONResponse([runtime.json() for runtime in self.runtimes])

    async def piston_execute(self, request: Request) -> Response:
        body = await read_json_object(request, self.config.max_body, piston.error, self.config.body_timeout)
        try:
            runtime, execution = piston.parse_execute(body, self.runtimes)
        except piston.PistonError as exc:
            raise ApiError(400, piston.error(str(exc))) from None
        self.source_room(execution, piston.error)
        self.queue_room(piston.error)
        token = self.workers.submit("piston", {"execute": request_json(execution)})
        row = await self.workers.wait(token, WAIT_LIMIT)
        if row is None or row.result is None:
            raise ApiError(503, piston.error("the execution did not finish in time; it is still queued"))
        return JSONResponse(piston.execute_response(runtime, result_from_json(row.result)))

    async def judge0_workers(self, request: Request) -> Response:
        """Judge0's /workers: one queue; its size is what waits, its workers the -j slots."""
        busy, slots = self.workers.busy, self.workers.slots
        queued = self.workers.store.waiting() - busy
        return JSONResponse(
            [{"queue": "1.13.1", "size": max(queued, 0), "available": slots, "idle": slots - busy,
              "working": busy, "paused": 0, "failed": 0}]
        )  # fmt: skip

    # -- native ------------------------------------------------------------------------------------------------
    def _catalogue(self) -> native.Catalogue:
        if self.catalogue is None:
            raise ApiError(404, native.error("this server grades no problems"))
        return self.catalogue

    async def native_submit(self, request: Request) -> Response:
        """Queue a grading; ``?wait=false``: 202 ``{"id", "state", "tests"}``, else the document once graded."""
        catalogue = self._catalogue()
        body = await read_json_object(request, self.config.max_body, native.error, self.config.body_timeout)
        grading = await asyncio.to_thread(native.parse_grading, body, catalogue, self.config.max_source)
        self.queue_room(native.error)
        token = self.workers.submit(NATIVE, grading.to_json())
        location = {"Location": f"/v1/submissions/{token}"}
        if not judge0.flag(request.query_params.get("wait", "true")):
            tests = len(catalogue.problem(grading.problem).tests)
            return JSONResponse({"id": token, "state": "queued", "tests": tests}, status_code=202, headers=location)
        row = await self.workers.wait(token, WAIT_LIMIT)
        if row is None or row.result is None:
            raise ApiError(503, native.error(f"the grading did not finish in time; it is still queued as {token}"))
        return JSONResponse(row.result, headers={**location, "X-Submission-Id": token})

    def _native_row(self, request: Request) -> Row:
        row = self.workers.store.get(request.path_params["id"])
        if row is None or row.api != NATIVE:
            raise ApiError(404, native.error("no such submission"))
        return row

    async def native_submission(self, request: Request) -> Response:
        row = self._native_row(request)
        return JSONResponse({"id": row.token, "state": row.state, "result": row.result})

    async def native_events(self, request: Request) -> Response:
        """Server-sent events: ``test`` once per finished test, in order, then ``done`` with the document."""
        row = self._native_row(request)
        total = len(self._catalogue().problem(row.request["problem"]).tests)
        return StreamingResponse(
            self._events(row.token, total),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def _events(self, token: str, total: int) -> AsyncIterator[str]:
        sent = 0
        deadline = asyncio.get_running_loop().time() + WAIT_LIMIT
        while asyncio.get_running_loop().time() < deadline:
            live = self.workers.progress.get(token)
            if live is None:
                row = self.workers.store.get(token)
                if row is not None and row.state == "done" and row.result is not None:
                    for test in row.result.get("tests", [])[sent:]:
                        yield _sse("test", native.test_event(test, sent, total))
                        sent += 1
                    yield _sse("done", row.result)
                    return
            else:
                for test in live[sent:]:
                    yield _sse("test", native.test_event(native.live_test(test), sent, total))
                    sent += 1
            await asyncio.sleep(0.05)
        yield _sse("timeout", {"id": token})

    async def native_problems(self, request: Request) -> Response:
        return JSONResponse(await asyncio.to_thread(self._catalogue().problems))

    async def native_problem(self, request: Request) -> Response:
        problem = await asyncio.to_thread(self._catalogue().problem, request.path_params["id"])
        return JSONResponse(native.describe_problem(problem))

    async def native_statement(self, request: Request) -> Response:
        problem = await asyncio.to_thread(self._catalogue().problem, request.path_params["id"])
        return JSONResponse((await asyncio.to_thread(read_statement, problem.path)).to_json())

    async def native_languages(self, request: Request) -> Response:
        return JSONResponse(self._catalogue().language_list())

    async def results_board(self, request: Request) -> Response:
        return JSONResponse(await asyncio.to_thread(self.results.board))

    async def results_sets(self, request: Request) -> Response:
        return JSONResponse(await asyncio.to_thread(self.results.sets))

    async def results_diff(self, request: Request) -> Response:
        return JSONResponse(await asyncio.to_thread(self.results.diff, request.path_params["id"]))

    def _writer(self) -> None:
        """A write to the results store is never open: a server without --token refuses it (403)."""
        if not self.config.tokens:
            raise ApiError(403, native.error("this server has no --token: apply and discard with `judge rescore`"))

    async def results_apply(self, request: Request) -> Response:
        """Publish a result set; ``{"partial": true}`` publishes an interrupted one (``apply --partial``)."""
        self._writer()
        body = await read_json_object(request, self.config.max_body, native.error, self.config.body_timeout)
        partial = body.get("partial", False)
        if not isinstance(partial, bool):
            raise ApiError(422, native.error("partial: must be true or false"))
        return JSONResponse(await asyncio.to_thread(self.results.apply, request.path_params["id"], partial))

    async def results_discard(self, request: Request) -> Response:
        self._writer()
        return JSONResponse(await asyncio.to_thread(self.results.discard, request.path_params["id"]))

    async def metrics(self, request: Request) -> Response:
        busy, slots = self.workers.busy, self.workers.slots
        queued = max(self.workers.store.waiting() - busy, 0)
        pool = self.pool.stats() if self.pool is not None else None
        text = self.workers.metrics.render(queued, busy, slots, self.rate_limited, pool)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "queued": self.workers.store.waiting(), "busy": self.workers.busy})


def _one_of(token: str | None, tokens: Sequence[str]) -> bool:
    return token is not None and any(secrets.compare_digest(token.encode(), t.encode()) for t in tokens)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return -1


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _native_errors(handler: Handler) -> Handler:
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except native.NativeError as exc:
            raise ApiError(exc.status, native.error(str(exc))) from None

    return run


def _judge0_errors(handler: Handler) -> Handler:
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except judge0.Judge0Error as exc:
            raise ApiError(exc.status, exc.body) from None

    return run


def create_app(service: Service) -> Starlette:
    def judge0_route(path: str, handler: Handler, methods: list[str]) -> Route:
        return Route(
            path, guarded(_authorized(service, _judge0_errors(handler), judge0.error), judge0.error), methods=methods
        )

    def piston_routes(name: str, handler: Handler, methods: list[str]) -> list[Route]:
        endpoint = guarded(_authorized(service, handler, piston.error), piston.error)
        return [
            Route(f"/api/v2/{name}", endpoint, methods=methods),
            Route(f"/api/v2/piston/{name}", endpoint, methods=methods),
        ]

    def native_route(path: str, handler: Handler, methods: list[str]) -> Route:
        return Route(
            path, guarded(_authorized(service, _native_errors(handler), native.error), native.error), methods=methods
        )

    routes = [
        *page_routes(),  # the web page: / and /static/{name}, no token
        native_route("/v1/submissions", service.native_submit, ["POST"]),
        native_route("/v1/submissions/{id}", service.native_submission, ["GET"]),
        native_route("/v1/submissions/{id}/events", service.native_events, ["GET"]),
        native_route("/v1/problems", service.native_problems, ["GET"]),
        native_route("/v1/problems/{id}", service.native_problem, ["GET"]),
        native_route("/v1/problems/{id}/statement", service.native_statement, ["GET"]),
        native_route("/v1/languages", service.native_languages, ["GET"]),
        native_route("/v1/results", service.results_board, ["GET"]),
        native_route("/v1/results/sets", service.results_sets, ["GET"]),
        native_route("/v1/results/sets/{id}/diff", service.results_diff, ["GET"]),
        native_route("/v1/results/sets/{id}/apply", service.results_apply, ["POST"]),
        native_route("/v1/results/sets/{id}/discard", service.results_discard, ["POST"]),
        Route("/metrics", guarded(_authorized(service, service.metrics, judge0.error), judge0.error), methods=["GET"]),
        judge0_route("/submissions", service.create_submission, ["POST"]),
        judge0_route("/submissions", service.list_submissions, ["GET"]),
        judge0_route("/submissions/batch", service.create_batch, ["POST"]),
        judge0_route("/submissions/batch", service.get_batch, ["GET"]),
        judge0_route("/submissions/{token}", service.get_submission, ["GET"]),
        judge0_route("/submissions/{token}", service.delete_submission, ["DELETE"]),
        judge0_route("/languages", service.languages, ["GET"]),
        judge0_route("/languages/all", service.all_languages, ["GET"]),
        judge0_route("/languages/{id}", service.language, ["GET"]),
        judge0_route("/statuses", service.statuses, ["GET"]),
        judge0_route("/about", service.about, ["GET"]),
        judge0_route("/version", service.version, ["GET"]),
        judge0_route("/isolate", service.isolate, ["GET"]),
        judge0_route("/license", service.license, ["GET"]),
        judge0_route("/config_info", service.config_info, ["GET"]),
        judge0_route("/workers", service.judge0_workers, ["GET"]),
        judge0_route("/system_info", service.system_info, ["GET"]),
        judge0_route("/statistics", service.statistics, ["GET"]),
        judge0_route("/authenticate", service.authenticate, ["POST"]),
        judge0_route("/authorize", service.authorize_route, ["POST"]),
        *piston_routes("runtimes", service.piston_runtimes, ["GET"]),
        *piston_routes("execute", service.piston_execute, ["POST"]),
        Route("/health", guarded(service.health, judge0.error), methods=["GET"]),
        *connect.routes(service),  # WebSocket: Piston's /connect, the native /v1/run
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = "not found" if status == 404 else "method not allowed" if status == 405 else "bad request"
        body = piston.error(message) if request.url.path.startswith("/api/") else judge0.error(message)
        return JSONResponse(body, status_code=status)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.callbacks.resume()
        yield

    return Starlette(routes=routes, exception_handlers={404: http_error, 405: http_error}, lifespan=lifespan)


def _authorized(service: Service, handler: Handler, error: Callable[[str], Any]) -> Handler:
    async def run(request: Request) -> Response:
        service.authorize(request, error)
        return await handler(request)

    return run
