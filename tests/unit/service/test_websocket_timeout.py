"""A WebSocket (the web page's live run) outlives the head timeout of judge serve's HTTP/1.1 protocol: the timer
that closes a connection whose request head is late is cancelled when the connection is upgraded (it used to
close every WebSocket 10 s after it opened, so a person typing at a prompt lost the run)."""

import asyncio
import socket
import threading
import time

import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from judge.service.http import timely_h11

HEAD_TIMEOUT = 0.3  # seconds


async def echo(ws: WebSocket) -> None:
    await ws.accept()
    while True:
        await ws.send_text(await ws.receive_text())


def test_a_websocket_outlives_the_head_timeout() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    app = Starlette(routes=[WebSocketRoute("/echo", echo)])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", http=timely_h11(HEAD_TIMEOUT)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)

    async def talk() -> list[str]:
        async with websockets.connect(f"ws://127.0.0.1:{sock.getsockname()[1]}/echo") as ws:
            await ws.send("before")
            answers = [str(await asyncio.wait_for(ws.recv(), 5))]
            await asyncio.sleep(HEAD_TIMEOUT * 3)
            await ws.send("after")
            return [*answers, str(await asyncio.wait_for(ws.recv(), 5))]

    try:
        assert asyncio.run(talk()) == ["before", "after"]
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
