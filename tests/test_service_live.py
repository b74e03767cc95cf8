"""Live runs over ``judge serve``'s WebSockets (Piston's /api/v2/connect, the native /v1/run): one real server with a
token, the real engine, a client of our own (the websockets library's); output before input, stdin, EOF, signals,
a compile error, Piston's close codes, and abandoned sessions leaving no container (20x)."""

import json
import time
from collections.abc import Iterator
from typing import Any

import docker
import pytest
from test_service import Server
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

pytestmark = pytest.mark.docker

TOKEN = "live-secret"
ECHO = "import sys\nprint('name?', flush=True)\nline = sys.stdin.readline()\nprint('hello', line.strip(), flush=True)\n"
# Prints the id of its own container (from its mounts), then waits for input that never comes.
OWN_CONTAINER = (
    "import re, sys\n"
    "print(re.search(r'containers/([0-9a-f]{64})/', open('/proc/self/mountinfo').read()).group(1), flush=True)\n"
    "sys.stdin.read()\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("live") / "queue.db", jobs=2, tokens=(TOKEN,)).start()
    try:
        yield running
    finally:
        running.stop()


def session(server: Server, path: str = "/api/v2/connect") -> ClientConnection:
    url = server.url.replace("http://", "ws://") + path
    return connect(url, additional_headers={"Authorization": TOKEN}, open_timeout=10)


def piston_init(source: str, language: str = "python", **extra: Any) -> str:
    return json.dumps({"type": "init", "language": language, "version": "*", "files": [{"content": source}], **extra})


def receive(ws: ClientConnection, timeout: float = 30) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=timeout))


def until_closed(ws: ClientConnection, timeout: float = 30) -> tuple[list[dict[str, Any]], int | None]:
    """Every message until the server closes, and its close code."""
    messages = []
    try:
        while True:
            messages.append(receive(ws, timeout))
    except ConnectionClosed:
        pass
    return messages, ws.close_code


def send(ws: ClientConnection, **message: Any) -> None:
    ws.send(json.dumps(message))


def test_piston_connect_output_comes_before_input_then_exit_and_4999(server: Server) -> None:
    with session(server, "/api/v2/piston/connect") as ws:
        ws.send(piston_init(ECHO))
        runtime = receive(ws)
        assert (runtime["type"], runtime["language"], runtime["version"].count(".")) == ("runtime", "python", 2)
        assert receive(ws) == {"type": "stage", "stage": "run"}  # no compile stage: Piston has none for Python
        assert receive(ws) == {"type": "data", "stream": "stdout", "data": "name?\n"}  # before any stdin was sent
        send(ws, type="data", stream="stdin", data="Ada\n")
        messages, code = until_closed(ws)
    assert messages[0] == {"type": "data", "stream": "stdout", "data": "hello Ada\n"}
    end = messages[-1]
    assert (end["type"], end["stage"], end["code"], end["signal"], end["limit"]) == ("exit", "run", 0, None, None)
    assert code == 4999


def test_native_run_takes_eof_and_says_which_limit_stopped_it(server: Server) -> None:
    source = "import sys\nprint(len(sys.stdin.readlines()), 'lines', flush=True)\nwhile True: pass\n"
    init = {"type": "init", "files": [{"name": "spin.py", "content": source}], "time": 0.5, "wall": 5}
    with session(server, "/v1/run") as ws:
        ws.send(json.dumps(init))
        send(ws, type="data", stream="stdin", data="a\nb\n")
        send(ws, type="eof")
        messages, code = until_closed(ws)
    kinds = [m["type"] for m in messages]
    assert kinds[:4] == ["runtime", "stage", "exit", "stage"]  # judge run's syntax check is the compile stage here
    assert (messages[2]["stage"], messages[2]["code"]) == ("compile", 0)
    assert {"type": "data", "stream": "stdout", "data": "2 lines\n"} in messages
    end = messages[-1]
    assert (end["type"], end["stage"], end["limit"], end["status"]) == ("exit", "run", "TLE", "TO")
    assert end["cpu_time"] >= 400 and code == 4999


def test_a_signal_stops_the_program(server: Server) -> None:
    with session(server) as ws:
        ws.send(piston_init("import time\nprint('up', flush=True)\ntime.sleep(60)\n"))
        while receive(ws)["type"] != "data":
            pass
        send(ws, type="signal", signal="SIGKILL")
        messages, code = until_closed(ws)
    assert (messages[-1]["type"], messages[-1]["signal"], messages[-1]["code"], code) == ("exit", "SIGKILL", None, 4999)


def test_c_compile_error_is_the_compile_stage_exit(server: Server) -> None:
    with session(server) as ws:
        ws.send(piston_init("int main(void) { return x; }\n", language="c"))
        messages, code = until_closed(ws)
    assert [m["type"] for m in messages[:2]] == ["runtime", "stage"] and messages[1]["stage"] == "compile"
    assert not any(m.get("stage") == "run" for m in messages)
    compiler = [m for m in messages if m["type"] == "data"]
    assert compiler and compiler[0]["stream"] == "stderr" and "x" in compiler[0]["data"]
    end = messages[-1]
    assert (end["type"], end["stage"], end["status"]) == ("exit", "compile", "RE") and end["code"] not in (0, None)
    assert code == 4999


@pytest.mark.parametrize(
    ("messages", "code", "error"),
    [
        ([], 4001, None),
        (['{"type": "data", "stream": "stdin", "data": "x"}'], 4003, None),
        (['{"type": "signal", "signal": "SIGKILL"}'], 4003, None),
        (["{not json"], 4002, "not JSON"),
        ([piston_init("print(1)", language="cobol-9")], 4002, "cobol-9-* runtime is unknown"),
        ([piston_init(ECHO), piston_init(ECHO)], 4000, None),
        ([piston_init(ECHO), '{"type": "data", "stream": "stdout", "data": "x"}'], 4004, None),
        ([piston_init(ECHO), '{"type": "signal", "signal": "SIGFOO"}'], 4005, None),
    ],
)
def test_bad_messages_close_with_pistons_codes(server: Server, messages: list[str], code: int, error: str) -> None:
    with session(server) as ws:
        for message in messages:
            ws.send(message)
        received, closed_with = until_closed(ws, timeout=10)
    assert closed_with == code
    errors = [m["message"] for m in received if m["type"] == "error"]
    assert (error is None and not errors) or (error is not None and error in errors[0])


def test_a_session_without_the_token_is_refused(server: Server) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(server.url.replace("http://", "ws://") + "/api/v2/connect", open_timeout=10)
    assert refused.value.response.status_code == 401


def test_sessions_hold_the_slots_and_another_waits_for_one(server: Server) -> None:
    """Native sessions with a long wall limit (Piston's run timeout, 3 s at most, could end the first two under
    load before the third is looked at)."""
    init = json.dumps({"type": "init", "files": [{"name": "echo.py", "content": ECHO}], "wall": 60})
    with session(server, "/v1/run") as first, session(server, "/v1/run") as second:  # the server has -j 2
        for ws in (first, second):  # each within the 1 s a connection has for its init
            ws.send(init)
        for ws in (first, second):
            while receive(ws)["type"] != "data":
                pass
        with session(server, "/v1/run") as third:
            third.send(init)
            with pytest.raises(TimeoutError):
                third.recv(timeout=1.0)  # both slots are held: it waits, as Piston's connect waits for a job slot
            send(first, type="data", stream="stdin", data="x\n")  # the first ends and frees its slot
            assert receive(third)["type"] == "runtime"


def test_an_abandoned_session_leaves_no_container_within_a_second_20x(server: Server) -> None:
    assert server.process is not None
    engine = docker.from_env()
    owned = {"label": [f"judge.pid={server.process.pid}"]}
    for _ in range(20):
        with session(server) as ws:
            ws.send(piston_init(OWN_CONTAINER))
            while (message := receive(ws))["type"] != "data":
                pass
            container = message["data"].strip()
            assert container in listed(engine, owned)
        closed = time.monotonic()  # the client closed the socket mid-run
        while container in listed(engine, owned):
            assert time.monotonic() - closed < 1.0, "the abandoned session's container is still there after 1 s"
            time.sleep(0.05)


def listed(engine: docker.DockerClient, filters: dict[str, Any]) -> set[str]:
    return {c["Id"] for c in engine.api.containers(all=True, filters=filters)}
