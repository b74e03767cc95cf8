"""``judge serve``'s app over real HTTP (uvicorn on 127.0.0.1 in a thread) with a stand-in executor, for what needs
no engine: the per-token rate limit under 1,000 requests, a slow client holding a connection, Judge0's callbacks
(PUT to a local receiver, retried), DELETE and the list with X-Auth-User, /authenticate, /authorize, /system_info."""

import base64
import concurrent.futures
import http.server
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn

from judge.grading.execute import ExecuteRequest, ExecuteResult
from judge.inputs.languages import Language
from judge.judging.results import Verdict
from judge.service.app import Service, ServiceConfig, create_app
from judge.service.http import timely_h11
from judge.service.runs import Workers, result_json
from judge.service.safety import Rate
from judge.service.store import QueueStore
from tests.unit.service.test_service_rules import LANGUAGES, VERSIONS, process

TOKENS = ("alpha", "beta")
USER = "admin-1"


class Running:
    """A server on a free loopback port; ``hold`` keeps each run waiting until it is set."""

    def __init__(self, tmp: Path, rate: Rate, store: str = "q.db", timeout: float = 600.0) -> None:
        self.hold = threading.Event()
        self.hold.set()
        self.executed: list[str] = []

        def fake(language: Language, request: ExecuteRequest) -> tuple[ExecuteResult, Callable[[], None]]:
            self.hold.wait(30)
            self.executed.append(request.stdin.decode())
            return ExecuteResult(Verdict.AC, "", compile=process(), run=process(request.stdin[::-1])), lambda: None

        self.workers = Workers(QueueStore(tmp / store), LANGUAGES, fake, 2)
        config = ServiceConfig(tokens=TOKENS, max_body=64 * 1024, rate=rate, user_tokens=(USER,), body_timeout=timeout)
        self.service = Service(config, self.workers, LANGUAGES, VERSIONS)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as judge serve's listen() does
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(self.service), log_level="warning", access_log=False, http=timely_h11(timeout))
        )
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "Running":
        self.workers.start()
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.hold.set()
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.workers.stop()
        self.sock.close()


def auth(token: str = "alpha", **extra: str) -> dict[str, str]:
    return {"X-Auth-Token": token, **extra}


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with Running(tmp_path, Rate(0, 60.0)) as server:
        yield server


# -- hostile: 1,000 requests from one token, a slow client -------------------------------------------------------


def test_a_thousand_requests_from_one_token_are_429_and_another_token_is_still_served(tmp_path: Path) -> None:
    with Running(tmp_path, Rate(100, 3600.0)) as server, requests.Session() as alpha:
        answers = [alpha.get(f"{server.url}/statuses", headers=auth("alpha"), timeout=10) for _ in range(1000)]
        codes = [answer.status_code for answer in answers]
        assert set(codes) == {200, 429}
        assert 100 <= codes.count(200) <= 102  # the bucket (100), and what refilled while the requests were sent
        assert codes[:100] == [200] * 100
        limited = [answer for answer in answers if answer.status_code == 429]
        assert all(a.json() == {"error": "too many requests"} for a in limited)
        assert all(1 <= int(a.headers["Retry-After"]) <= 36 for a in limited)  # 3600 s / 100
        piston = alpha.get(f"{server.url}/api/v2/runtimes", headers={"Authorization": "alpha"}, timeout=10)
        assert piston.status_code == 429 and "message" in piston.json() and "Retry-After" in piston.headers
        for _ in range(20):
            assert requests.get(f"{server.url}/statuses", headers=auth("beta"), timeout=10).status_code == 200
        assert requests.get(f"{server.url}/health", timeout=10).status_code == 200  # never limited
        metrics = requests.get(f"{server.url}/metrics", headers=auth("beta"), timeout=10).text
        assert f"judge_serve_rate_limited_total {codes.count(429) + 1}\n" in metrics


def test_a_slow_client_holding_connections_does_not_stop_others_20x(running: Running) -> None:
    port = int(running.url.rsplit(":", 1)[1])
    holders = []
    for _ in range(8):  # half-sent headers, and a body promised but never sent
        half = socket.create_connection(("127.0.0.1", port))
        half.sendall(b"GET /statuses HTTP/1.1\r\nHost: x\r\nX-Auth-To")
        body = socket.create_connection(("127.0.0.1", port))
        body.sendall(
            b'POST /submissions HTTP/1.1\r\nHost: x\r\nX-Auth-Token: alpha\r\nContent-Length: 5000\r\n\r\n{"sou'
        )
        holders += [half, body]
    try:
        for _ in range(20):
            started = time.monotonic()
            answer = requests.post(
                f"{running.url}/submissions?wait=true",
                json={"source_code": "x", "language_id": 71, "stdin": "abc"},
                headers=auth("beta"),
                timeout=10,
            )
            assert answer.status_code == 201 and answer.json()["stdout"] == "cba"
            assert time.monotonic() - started < 5
    finally:
        for held in holders:
            held.close()


def test_slow_heads_are_closed_and_slow_bodies_are_408_while_others_are_served(tmp_path: Path) -> None:
    with Running(tmp_path, Rate(0, 60.0), timeout=1.0) as server:
        port = int(server.url.rsplit(":", 1)[1])
        heads, bodies = [], []
        for _ in range(20):
            head = socket.create_connection(("127.0.0.1", port))
            head.sendall(b"GET /statuses HTTP/1.1\r\nHost: x\r\nX-Auth-To")
            heads.append(head)
            body = socket.create_connection(("127.0.0.1", port))
            body.sendall(b"POST /submissions HTTP/1.1\r\nHost: x\r\nX-Auth-Token: alpha\r\nContent-Length: 50\r\n\r\n{")
            bodies.append(body)
        for _ in range(5):
            assert requests.get(f"{server.url}/statuses", headers=auth("beta"), timeout=5).status_code == 200
        for head in heads:
            head.settimeout(10)
            assert head.recv(100) == b""  # closed with no answer
            head.close()
        for body in bodies:
            body.settimeout(10)
            answer = b""
            while chunk := body.recv(4096):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408 ") and b'{"error":"request body not received within 1 s"}' in answer
            body.close()


def test_a_kept_alive_connection_is_not_cut_by_the_head_timer(tmp_path: Path) -> None:
    with Running(tmp_path, Rate(0, 60.0), timeout=0.5) as server, requests.Session() as session:
        for _ in range(20):
            assert session.get(f"{server.url}/statuses", headers=auth(), timeout=5).status_code == 200
            time.sleep(0.05)


# -- callbacks ---------------------------------------------------------------------------------------------------


class Receiver:
    """A local HTTP server that records each PUT; the first ``drop`` connections are closed without an answer."""

    def __init__(self, drop: int = 0, status: int = 200) -> None:
        self.puts: list[tuple[str, dict[str, str], bytes]] = []
        self.attempts = 0
        self.arrived = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.attempts += 1
                if receiver.attempts <= drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                receiver.puts.append((self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/judge0/done?x=1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_result_is_put_to_the_callback_url_in_base64_with_the_default_fields(running: Running) -> None:
    receiver = Receiver()
    try:
        created = requests.post(
            f"{running.url}/submissions",
            json={"source_code": "x", "language_id": 71, "stdin": "hello", "callback_url": receiver.url},
            headers=auth(),
            timeout=10,
        )
        assert created.status_code == 201
        assert receiver.arrived.wait(20)
        ((path, headers, body),) = receiver.puts
        assert path == "/judge0/done?x=1" and headers["Content-Type"] == "application/json"
        sent = json.loads(body)
        assert set(sent) == {"token", "time", "memory", "stdout", "stderr", "compile_output", "message", "status"}
        assert sent["token"] == created.json()["token"] and sent["status"] == {"id": 3, "description": "Accepted"}
        assert base64.b64decode(sent["stdout"]) == b"olleh"
        time.sleep(0.3)
        assert len(receiver.puts) == 1 and running.workers.store.pending_callbacks() == []
    finally:
        receiver.close()


def test_a_callback_is_tried_three_times_when_nobody_answers(running: Running) -> None:
    receiver = Receiver(drop=2)
    try:
        body = {"source_code": "x", "language_id": 71, "stdin": "ab", "callback_url": receiver.url}
        assert requests.post(f"{running.url}/submissions", json=body, headers=auth(), timeout=10).ok
        assert receiver.arrived.wait(30)
        assert receiver.attempts == 3 and len(receiver.puts) == 1
    finally:
        receiver.close()


def test_a_callback_answered_with_an_error_status_is_not_retried(running: Running) -> None:
    receiver = Receiver(status=500)
    try:
        body = {"source_code": "x", "language_id": 71, "stdin": "ab", "callback_url": receiver.url}
        assert requests.post(f"{running.url}/submissions", json=body, headers=auth(), timeout=10).ok
        assert receiver.arrived.wait(20)
        time.sleep(0.5)
        assert receiver.attempts == 1
    finally:
        receiver.close()


def test_a_callback_not_made_before_a_restart_is_made_after_it(tmp_path: Path) -> None:
    receiver = Receiver()
    store = QueueStore(tmp_path / "q.db")  # a server died after the run, before its callback was made
    fields = {"language_id": 71, "stdin": "later", "callback_url": receiver.url}
    store.add_callback("t-1", receiver.url)
    store.add("t-1", "judge0", {"execute": {"language": "python3"}, "judge0": fields})
    assert store.claim() is not None
    result = ExecuteResult(Verdict.AC, "", compile=process(), run=process(b"retal"))
    assert store.finish("t-1", result_json(result))
    store.close()
    try:
        with Running(tmp_path, Rate(0, 60.0)) as server:
            assert receiver.arrived.wait(20)
            time.sleep(0.2)
            assert server.workers.store.pending_callbacks() == []
        ((_, _, sent),) = receiver.puts
        data = json.loads(sent)
        assert data["token"] == "t-1" and base64.b64decode(data["stdout"]) == b"retal"
    finally:
        receiver.close()


# -- DELETE, the list, authenticate, authorize, system_info -------------------------------------------------------


def test_delete_wants_x_auth_user_refuses_a_running_submission_and_answers_in_base64(running: Running) -> None:
    url = running.url
    running.hold.clear()
    token = requests.post(
        f"{url}/submissions", json={"source_code": "x", "language_id": 71, "stdin": "ab"}, headers=auth(), timeout=10
    ).json()["token"]
    assert requests.delete(f"{url}/submissions/{token}", headers=auth(), timeout=10).status_code == 403
    wrong = requests.delete(f"{url}/submissions/{token}", headers=auth(**{"X-Auth-User": "nope"}), timeout=10)
    assert wrong.status_code == 403 and "error" in wrong.json()
    deadline = time.monotonic() + 10
    while running.workers.store.get(token).state != "running":  # type: ignore[union-attr]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    busy = requests.delete(f"{url}/submissions/{token}", headers=auth(**{"X-Auth-User": USER}), timeout=10)
    assert (busy.status_code, busy.json()) == (
        400,
        {"error": "submission cannot be deleted because its status is 2 (Processing)"},
    )
    running.hold.set()
    while running.workers.store.get(token).state != "done":  # type: ignore[union-attr]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    gone = requests.delete(
        f"{url}/submissions/{token}?fields=token,stdout,status_id&X-Auth-User={USER}", headers=auth(), timeout=10
    )
    assert gone.status_code == 200 and gone.json() == {"token": token, "stdout": "YmE=", "status_id": 3}
    assert requests.get(f"{url}/submissions/{token}", headers=auth(), timeout=10).status_code == 404
    again = requests.delete(f"{url}/submissions/{token}", headers=auth(**{"X-Auth-User": USER}), timeout=10)
    assert again.status_code == 404


def test_the_submission_list_pages_newest_first_and_wants_x_auth_user(running: Running) -> None:
    url = running.url
    tokens = [
        requests.post(
            f"{url}/submissions?wait=true", json={"source_code": "x", "language_id": 71, "stdin": str(n)},
            headers=auth(), timeout=10,
        ).json()["token"]
        for n in range(3)
    ]  # fmt: skip
    assert requests.get(f"{url}/submissions", headers=auth(), timeout=10).status_code == 403
    user = auth(**{"X-Auth-User": USER})
    listed = requests.get(f"{url}/submissions?per_page=2&fields=token", headers=user, timeout=10).json()
    assert listed["submissions"] == [{"token": tokens[2]}, {"token": tokens[1]}]
    assert listed["meta"] == {"current_page": 1, "next_page": 2, "prev_page": None, "total_pages": 2, "total_count": 3}
    last = requests.get(f"{url}/submissions?per_page=2&page=2&fields=token", headers=user, timeout=10).json()
    assert last["submissions"] == [{"token": tokens[0]}] and last["meta"]["prev_page"] == 1
    bad = requests.get(f"{url}/submissions?page=0", headers=user, timeout=10)
    assert (bad.status_code, bad.json()) == (400, {"error": "invalid page: 0"})


def test_authenticate_and_authorize_as_judge0(running: Running) -> None:
    url = running.url
    assert requests.post(f"{url}/authenticate", timeout=10).status_code == 401
    assert requests.post(f"{url}/authenticate", headers=auth("nope"), timeout=10).status_code == 401
    ok = requests.post(f"{url}/authenticate", headers=auth("beta"), timeout=10)
    assert ok.status_code == 200 and ok.content == b""
    assert requests.post(f"{url}/authenticate?X-Auth-Token=alpha", timeout=10).status_code == 200
    assert requests.post(f"{url}/authorize", headers=auth(), timeout=10).status_code == 403
    assert requests.post(f"{url}/authorize", headers=auth(**{"X-Auth-User": "x"}), timeout=10).status_code == 403
    allowed = requests.post(f"{url}/authorize", headers=auth(**{"X-Auth-User": USER}), timeout=10)
    assert allowed.status_code == 200 and allowed.content == b""
    assert requests.post(f"{url}/authorize", headers={"X-Auth-User": USER}, timeout=10).status_code == 401
    info = requests.get(f"{url}/config_info", headers=auth(), timeout=10).json()
    assert info["enable_submission_delete"] is True and info["enable_callbacks"] is True
    assert info["enable_additional_files"] is True


def test_system_info_has_lscpu_keys_and_memory(running: Running) -> None:
    info = requests.get(f"{running.url}/system_info", headers=auth(), timeout=10).json()
    assert "CPU(s)" in info and info["Mem"][-2:] in ("Ki", "Mi", "Gi", "Ti") and "Swap" in info
    assert all(isinstance(value, str) for value in info.values())


def test_statistics_count_by_language_and_status_and_are_kept_ten_minutes(running: Running) -> None:
    def submit(stdin: str, expected: str) -> None:
        body = {"source_code": "x", "language_id": 71, "stdin": stdin, "expected_output": expected}
        assert requests.post(f"{running.url}/submissions?wait=true", json=body, headers=auth(), timeout=10).ok

    submit("ab", "ba")
    submit("ab", "ab")
    submit("cd", "dc")
    stats = requests.get(f"{running.url}/statistics", headers=auth(), timeout=10).json()
    assert stats["submissions"]["total"] == 3 and stats["submissions"]["today"] == 3
    assert len(stats["submissions"]["last_30_days"]) == 30 and set(stats["submissions"]["last_30_days"].values()) == {0}
    assert stats["languages"] == [{"language": {"id": 71, "name": "Python (3.13.5)"}, "count": 3}]
    assert stats["statuses"] == [
        {"status": {"id": 3, "name": "Accepted"}, "count": 2},
        {"status": {"id": 4, "name": "Wrong Answer"}, "count": 1},
    ]
    assert stats["database"]["size_in_bytes"] > 0 and stats["database"]["size_pretty"].endswith(("bytes", "kB"))
    assert stats["created_at"].endswith("+00:00") and stats["cached_until"] > stats["created_at"]
    submit("x", "x")
    assert requests.get(f"{running.url}/statistics", headers=auth(), timeout=10).json() == stats  # kept
    fresh = requests.get(f"{running.url}/statistics?invalidate_cache=true", headers=auth(), timeout=10).json()
    assert fresh["submissions"]["total"] == 4


def test_twenty_concurrent_callbacks_each_arrive_once_with_their_own_result(running: Running) -> None:
    receiver = Receiver()
    try:
        bodies = [
            {"source_code": "x", "language_id": 71, "stdin": f"n{i}", "callback_url": receiver.url} for i in range(20)
        ]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(
                    lambda b: requests.post(f"{running.url}/submissions", json=b, headers=auth(), timeout=10), bodies
                )
            )
        tokens = {answer.json()["token"]: f"n{i}"[::-1] for i, answer in enumerate(answers)}
        deadline = time.monotonic() + 30
        while len(receiver.puts) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        got = {
            json.loads(body)["token"]: base64.b64decode(json.loads(body)["stdout"]).decode()
            for _, _, body in receiver.puts
        }
        assert len(receiver.puts) == 20 and got == tokens
        assert running.workers.store.pending_callbacks() == []
    finally:
        receiver.close()


def test_delete_racing_the_run_is_refused_or_done_once_20x(running: Running) -> None:
    user = auth(**{"X-Auth-User": USER})
    for attempt in range(20):
        body = {"source_code": "x", "language_id": 71, "stdin": f"r{attempt}"}
        token = requests.post(f"{running.url}/submissions", json=body, headers=auth(), timeout=10).json()["token"]
        codes = []
        while not codes or codes[-1] != 200:
            answer = requests.delete(f"{running.url}/submissions/{token}", headers=user, timeout=10)
            codes.append(answer.status_code)
            assert answer.status_code in (200, 400), answer.text
            assert len(codes) < 500
        assert codes.count(200) == 1
        assert requests.delete(f"{running.url}/submissions/{token}", headers=user, timeout=10).status_code == 404
