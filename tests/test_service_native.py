"""``judge serve``'s native API over real HTTP with the real engine: gradings against problems/1 answer the document
``judge submit --format json`` prints, progress arrives as one server-sent event per test, ``judge submit --server``
reports and exits as a local grading, the rate limit, /metrics, a kill -9 restart, and concurrency repeated 20x."""

import base64
import concurrent.futures
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from test_service import ROOT, Server, judge0

pytestmark = pytest.mark.docker

SUBS = ROOT / "problems" / "1" / "submissions"
AC_FILE = SUBS / "accepted" / "sum.py"
WA_FILE = SUBS / "wrong_answer" / "minus.py"
TESTS = ["sample/1", "secret/01-zero", "secret/02-negative", "secret/03-large"]
MAX_SOURCE = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = tmp_path_factory.mktemp("native") / "queue.db"
    running = Server(store, jobs=4, extra=("--max-source", str(MAX_SOURCE), "--rate", "off")).start()
    try:
        yield running
    finally:
        running.stop()


def body_for(path: Path, **extra: Any) -> dict[str, Any]:
    return {"problem": "1", "files": [{"name": path.name, "content": path.read_text()}], **extra}


def grade(server: Server, body: dict[str, Any], query: str = "") -> requests.Response:
    return requests.post(f"{server.url}/v1/submissions{query}", json=body, timeout=300)


def judge_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "judge", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def shape(value: Any) -> Any:
    """A document's keys and value types, recursively (lists: their first item's shape)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__ if value is not None else None


def test_native_grading_answers_judge_submit_json(server: Server) -> None:
    submission = str(AC_FILE.relative_to(ROOT))
    answer = grade(server, body_for(AC_FILE, submission=submission))
    assert answer.status_code == 200, answer.text
    remote = answer.json()
    local = json.loads(judge_cli("submit", submission, "-p", "1", "--format", "json").stdout)
    assert shape(remote) == shape(local)
    same = ("submission", "problem", "problem_name", "language", "verdict", "score", "max_score", "passed", "limits")
    assert {key: remote[key] for key in same} == {key: local[key] for key in same}
    assert [(t["name"], t["verdict"]) for t in remote["tests"]] == [(name, "AC") for name in TESTS]
    token = answer.headers["X-Submission-Id"]
    stored = requests.get(f"{server.url}/v1/submissions/{token}", timeout=10).json()
    assert stored == {"id": token, "state": "done", "result": remote}


def test_native_wrong_answer_names_the_first_failing_test(server: Server) -> None:
    document = grade(server, body_for(WA_FILE)).json()
    assert document["verdict"] == "WA" and document["submission"] == "minus.py"
    assert [t["verdict"] for t in document["tests"]] == ["WA", "AC", "WA", "WA"]
    assert document["message"].startswith("sample/1: token 1 differs")


def test_several_files_are_one_folder_program(server: Server) -> None:
    files = [
        {"name": "main.py", "content": "from helper import add\nprint(add(*map(int, input().split())))\n"},
        {"name": "helper.py", "content": base64.b64encode(b"def add(a, b):\n    return a + b\n").decode()},
    ]
    files[1]["encoding"] = "base64"
    document = grade(server, {"problem": "1", "files": files}).json()
    assert (document["verdict"], document["passed"], document["language"]) == ("AC", 4, "python3")


def read_events(server: Server, token: str, arrivals: list[float] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The events of grading ``token`` (each one's arrival time appended to ``arrivals``)."""
    events: list[tuple[str, dict[str, Any]]] = []
    with requests.get(f"{server.url}/v1/submissions/{token}/events", stream=True, timeout=300) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in stream.iter_lines(decode_unicode=True):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
                if arrivals is not None:
                    arrivals.append(time.monotonic())
    return events


def expected_events(verdicts: list[str]) -> list[tuple[str, int, int, str, str]]:
    return [("test", i, 4, name, verdict) for i, (name, verdict) in enumerate(zip(TESTS, verdicts, strict=True))]


def event_summary(events: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, int, int, str, str]]:
    return [(kind, d["index"], d["total"], d["name"], d["verdict"]) for kind, d in events if kind == "test"]


def test_events_arrive_one_per_test_then_the_document(server: Server) -> None:
    queued = grade(server, body_for(WA_FILE), "?wait=false")
    assert queued.status_code == 202
    events = read_events(server, queued.json()["id"])
    assert [name for name, _ in events] == ["test"] * 4 + ["done"]
    assert event_summary(events) == expected_events(["WA", "AC", "WA", "WA"])
    assert events[-1][1]["verdict"] == "WA" and len(events[-1][1]["tests"]) == 4
    late = read_events(server, queued.json()["id"])  # after the grading: the same events, replayed
    assert late == events


def test_events_arrive_while_the_tests_run(server: Server) -> None:
    slow = "import time\ntime.sleep(0.5)\na, b = map(int, input().split())\nprint(a + b)\n"
    token = grade(server, {"problem": "1", "files": [{"name": "slow.py", "content": slow}]}, "?wait=false").json()["id"]
    arrivals: list[float] = []
    events = read_events(server, token, arrivals)
    assert [kind for kind, _ in events] == ["test"] * 4 + ["done"] and events[-1][1]["verdict"] == "AC"
    assert arrivals[-1] - arrivals[0] > 1.0  # three more tests of 0.5 s each ran after the first was told


def test_events_of_concurrent_gradings_each_once_in_order_20x(server: Server) -> None:
    paths = [AC_FILE if n % 2 == 0 else WA_FILE for n in range(20)]
    tokens = [grade(server, body_for(path), "?wait=false").json()["id"] for path in paths]
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        streams = list(pool.map(lambda token: read_events(server, token), tokens))
    for path, events in zip(paths, streams, strict=True):
        verdicts = ["AC"] * 4 if path == AC_FILE else ["WA", "AC", "WA", "WA"]
        assert [kind for kind, _ in events] == ["test"] * 4 + ["done"]
        assert event_summary(events) == expected_events(verdicts)


def plain_table(text: str) -> str:
    """A table report without its measurements (times, shares, memory, the slowest test), which differ run to run."""
    text = re.sub(r"slowest \S+", "slowest T", text)
    return re.sub(r"\b\d+(\.\d+)?\b( %)?", "N", text)


def test_judge_submit_server_reports_and_exits_like_a_local_submit(server: Server) -> None:
    for path, code in ((AC_FILE, 0), (WA_FILE, 1)):
        submission = str(path.relative_to(ROOT))
        remote = judge_cli("submit", submission, "-p", "1", env={"JUDGE_SERVER": server.url})
        assert remote.returncode == code, remote.stderr
        if code:  # one local grading to compare the table with
            local = judge_cli("submit", submission, "-p", "1")
            assert local.returncode == code
            assert plain_table(remote.stdout) == plain_table(local.stdout)
    missing = judge_cli("submit", str(AC_FILE), "-p", "9", "--server", server.url)
    assert (
        missing.returncode == 2
        and missing.stderr.strip() == f"judge: error: --server {server.url}: 404: no problem '9'"
    )


def one_file(name: str = "a.py", content: str = "x", **extra: str) -> dict[str, Any]:
    return {"problem": "1", "files": [{"name": name, "content": content, **extra}]}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({**one_file(), "problem": "9"}, 404, "no problem '9'"),
        ({**one_file(), "problem": "../1"}, 404, "no problem '../1'"),
        ({"problem": "1"}, 422, "files: a list of {name, content, encoding?} is required"),
        (one_file("../a.py"), 422, "files: file name '../a.py' is not allowed"),
        (one_file(content="%", encoding="base64"), 422, "files: 'a.py' is not valid base64"),
        ({**one_file(), "language": "cobra"}, 422, "language: unknown language 'cobra'"),
        (one_file(content="#" * (MAX_SOURCE + 1)), 413, f"files: the source is larger than {MAX_SOURCE} bytes"),
    ],
)
def test_bad_native_requests_are_json_errors(server: Server, body: dict[str, Any], status: int, message: str) -> None:
    answer = grade(server, body)
    assert answer.status_code == status and answer.json()["error"].startswith(message)


def test_problems_and_languages(server: Server) -> None:
    problems = requests.get(f"{server.url}/v1/problems", timeout=30).json()
    first = next(p for p in problems if p["id"] == "1")
    assert first["tests"] == 4 and first["limits"]["time"] == 1.0 and first["name"] == "Sum of two integers"
    assert requests.get(f"{server.url}/v1/problems/1", timeout=30).json() == first
    assert requests.get(f"{server.url}/v1/problems/nope", timeout=30).status_code == 404
    languages = {item["name"]: item for item in requests.get(f"{server.url}/v1/languages", timeout=30).json()}
    assert "py" in languages["python3"]["aliases"] and "py" in languages["python3"]["extensions"]
    assert languages["python3"]["version"].startswith("Python 3")


METRIC_LINE = re.compile(r'^([a-z_]+)(\{([a-z_]+="[^"\\]*",?)*\})? (\d+(\.\d+)?)$')


def metric_samples(server: Server) -> dict[str, float]:
    """/metrics as {name{labels}: value}, each line checked against the text format."""
    text = requests.get(f"{server.url}/metrics", timeout=10).text
    samples = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-z_]+ .+$", line), line
            continue
        found = METRIC_LINE.match(line)
        assert found, line
        samples[line.rsplit(" ", 1)[0]] = float(found.group(4))
    return samples


def test_metrics_parse_and_count_gradings(server: Server) -> None:
    grade(server, body_for(AC_FILE))
    samples = metric_samples(server)
    assert samples["judge_serve_slots"] == 4 and "judge_serve_queue_length" in samples
    assert samples['judge_serve_submissions_total{api="native",language="python3",verdict="AC"}'] >= 1
    assert samples['judge_serve_submission_seconds_count{api="native",language="python3"}'] >= 1
    assert samples["judge_serve_pool_started_total"] >= 2 and 'judge_serve_pool_warm{language="python3"}' in samples


def running_containers(client: Any, server: Server) -> set[str]:
    """The ids of the server's started containers for problem 1 in Python."""
    assert server.process is not None
    labels = ["judge=1", f"judge.pid={server.process.pid}", "judge.problem=1", "judge.language=python3"]
    return {c["Id"] for c in client.api.containers(filters={"label": labels})}


def waiting_containers(client: Any, server: Server, count: int) -> set[str]:
    """``running_containers`` once exactly ``count`` of them run (the pool's, waiting: a grading's own container is
    removed once it is answered, in the background)."""
    deadline = time.monotonic() + 60
    while len(found := running_containers(client, server)) != count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_native_gradings_each_take_a_container_started_ahead_and_used_once(server: Server, client: Any) -> None:
    """After a first grading of problem 1 in Python, the pool keeps --warm (2) containers of that spec started;
    each next grading takes one of those (it is gone once answered: removed, never handed to another grading), and
    /metrics counts it as used, not missed."""
    assert grade(server, body_for(AC_FILE)).json()["verdict"] == "AC"
    warm = 'judge_serve_pool_warm{language="python3"}'
    for _ in range(3):
        deadline = time.monotonic() + 60
        while (before := metric_samples(server))[warm] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # their agents are ready
        assert before[warm] == 2
        ahead = waiting_containers(client, server, 2)
        assert len(ahead) == 2
        assert grade(server, body_for(AC_FILE)).json()["verdict"] == "AC"
        deadline = time.monotonic() + 30
        while len(ahead - (after := running_containers(client, server))) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(ahead - after) == 1  # the grading's: started before its request, removed after its answer
        counted = metric_samples(server)
        for name, more in (("used", 1), ("missed", 0), ("discarded", 0)):
            key = f"judge_serve_pool_{name}_total"
            assert counted[key] - before[key] == more, name


def test_concurrent_native_gradings_each_get_their_verdict_20x(server: Server) -> None:
    paths = [AC_FILE if n % 2 == 0 else WA_FILE for n in range(20)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        documents = list(pool.map(lambda path: grade(server, body_for(path)).json(), paths))
    assert [(d["submission"], d["verdict"], d["passed"]) for d in documents] == [
        ("sum.py", "AC", 4) if path == AC_FILE else ("minus.py", "WA", 1) for path in paths
    ]


def test_the_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    limited = Server(tmp_path / "q.db", jobs=1, extra=("--rate", "3/min")).start()
    try:
        statuses = [requests.get(f"{limited.url}/v1/languages", timeout=10) for _ in range(4)]
        assert [s.status_code for s in statuses] == [200, 200, 200, 429]
        assert statuses[-1].json() == {"error": "too many requests"}
        assert 1 <= int(statuses[-1].headers["Retry-After"]) <= 20
        assert requests.get(f"{limited.url}/health", timeout=10).status_code == 200  # never limited
    finally:
        limited.stop()


def test_kill_9_with_a_queued_grading_then_restart_completes_it_once(tmp_path: Path) -> None:
    store = tmp_path / "q.db"
    first = Server(store, jobs=1).start()
    try:
        blocker = judge0(first, {"source_code": "import time; time.sleep(4)", "language_id": 71}, "wait=false")
        token = grade(first, body_for(AC_FILE), "?wait=false").json()["id"]
        time.sleep(1.0)
        assert requests.get(f"{first.url}/v1/submissions/{token}", timeout=10).json()["state"] == "queued"
    finally:
        first.kill()
    second = Server(store, jobs=1).start()
    try:
        deadline, found = time.monotonic() + 120, {}
        while time.monotonic() < deadline:
            found = requests.get(f"{second.url}/v1/submissions/{token}", timeout=10).json()
            if found["state"] == "done":
                break
            time.sleep(0.2)
        assert found["result"]["verdict"] == "AC" and found["result"]["passed"] == 4
    finally:
        second.stop()
    with sqlite3.connect(store) as db:
        rows = dict(db.execute("SELECT token, completions || '/' || claims FROM submissions").fetchall())
    assert rows == {blocker.json()["token"]: "1/2", token: "1/1"}


def test_the_source_limit_holds_for_judge0_and_piston_too(server: Server) -> None:
    source = "#" * (MAX_SOURCE + 1)
    judge0_answer = judge0(server, {"source_code": source, "language_id": 71})
    assert judge0_answer.status_code == 413
    assert judge0_answer.json() == {"error": f"the source is larger than {MAX_SOURCE} bytes"}
    body = {"language": "python", "version": "*", "files": [{"content": source}]}
    piston_answer = requests.post(f"{server.url}/api/v2/execute", json=body, timeout=60)
    assert piston_answer.status_code == 413
    assert piston_answer.json() == {"message": f"the source is larger than {MAX_SOURCE} bytes"}
