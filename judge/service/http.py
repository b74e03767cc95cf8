"""What every route of the service shares: reading a body under a size limit, parsing JSON without trusting the
Content-Type, auth tokens, and errors as JSON (a handler raises ApiError; nothing a client sends becomes a 500)."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_TIMEOUT = 10.0  # seconds a connection may take to send a request's line and headers
BODY_TIMEOUT = 30.0  # seconds a client may take to send a request's body

Handler = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    """A client error: ``status`` and the JSON body the API in question uses for it."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, body)
        self.status, self.body, self.headers = status, body, headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


@dataclass(frozen=True)
class Limits:
    max_body: int  # bytes of a request body


async def read_body(request: Request, limit: int, error: Callable[[str], Any], timeout: float = BODY_TIMEOUT) -> bytes:
    """The body, or a 413 (``error`` makes the API's body from a message) as soon as it is over ``limit`` bytes, or
    a 408 when it has not all come within ``timeout`` seconds (a slow client holds no handler for long)."""
    too_big = ApiError(413, error(f"request body is larger than {limit} bytes"))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big

    async def whole() -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(whole(), timeout)
    except TimeoutError:
        raise ApiError(408, error(f"request body not received within {timeout:g} s"), {"Connection": "close"}) from None


async def read_json_object(
    request: Request, limit: int, error: Callable[[str], Any], timeout: float = BODY_TIMEOUT
) -> dict[str, Any]:
    """The body as a JSON object, whatever the Content-Type says (clients that send none are accepted); an empty
    body is ``{}``."""
    body = await read_body(request, limit, error, timeout)
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, error("request body is not valid JSON")) from None
    if not isinstance(data, dict):
        raise ApiError(400, error("request body must be a JSON object"))
    return data


def presented_token(request: Request) -> str | None:
    """The token a client presents: ``X-Auth-Token`` (Judge0's header, or its query parameter as Judge0 accepts),
    or ``Authorization`` raw or ``Bearer`` (Piston's)."""
    token = request.headers.get("x-auth-token") or request.query_params.get("X-Auth-Token")
    if token:
        return token
    authorization = request.headers.get("authorization", "").strip()
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return authorization or None


def presented_user(request: Request) -> str | None:
    """Judge0's authorization token: ``X-Auth-User``, the header or the query parameter."""
    return request.headers.get("x-auth-user") or request.query_params.get("X-Auth-User") or None


def guarded(handler: Handler, error: Callable[[str], Any]) -> Handler:
    """``handler`` with ApiError turned into its JSON response and any other failure into a JSON 500 (a judge bug,
    never the client's input: the message names no internals)."""

    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return exc.response()
        except Exception:
            return JSONResponse(error("internal error"), status_code=500)

    return run


def timely_h11(head_timeout: float = HEAD_TIMEOUT) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head (line and headers) has not come within
    ``head_timeout`` seconds of the connection or of its last answer: uvicorn itself waits for a first request's
    head for ever, so slow clients could hold every connection the server can have."""

    class TimelyH11(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._await_head()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._await_head()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            super().connection_lost(exc)

        def handle_websocket_upgrade(self, event: Any) -> None:
            if self._head_timer is not None:  # the WebSocket's protocol owns the connection from now on
                self._head_timer.cancel()
            super().handle_websocket_upgrade(event)

        def _await_head(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            self._head_timer = self.loop.call_later(head_timeout, self._head_late, self.cycle)

        def _head_late(self, cycle_then: object) -> None:
            if self.cycle is cycle_then and not self.transport.is_closing():
                self.transport.close()  # no request began since the timer was set

    return TimelyH11
