"""The results routes of judge serve over ASGI, on a store made with the store's own API (no engine): the published
scoreboard as `judge results show` gives it, the result sets, a pending set's diff with its per-test changes (a
borderline TLE -> AC marked timing), apply and discard (never open: 403 without --token, 401 without the right one,
409 twice), an unknown or hostile set number 404, a missing store an empty board that says so."""

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2 for its test client; httpx is what is installed
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from judge.batch.store import SetItem, Store
from judge.service.app import Service, ServiceConfig, create_app
from judge.service.results import changed_tests
from judge.service.runs import Workers
from judge.service.store import QueueStore

TOKEN = "results-token"
PARTS = ("submission", "problem", "language", "source_hash", "problem_version", "image", "limits")
# (team, problem, minute) -> (verdict in the first set, in the second); each test: (name, verdict, borderline)
ONE = ("1", "AC", False)
CONTEST: dict[tuple[str, str, int], tuple[Any, Any]] = {
    ("alice", "A", 30): (("TLE", [ONE, ("2", "TLE", True)]), ("AC", [ONE, ("2", "AC", True)])),
    ("bob", "A", 20): (("AC", [ONE, ("2", "AC", False)]), None),  # None: the same grading
    ("carol", "A", 40): (("WA", [ONE, ("2", "WA", False)]), ("AC", [ONE, ("2", "AC", False)])),
    ("bob", "B", 50): (("AC", [ONE]), None),
}


def _grading(store: Store, key: str, submission: str, graded: tuple[str, list[tuple[str, str, bool]]]) -> None:
    verdict, tests = graded
    result = {
        "verdict": verdict,
        "score": 1.0 if verdict == "AC" else 0.0,
        "time": 0.5,
        "tests": [
            {
                "name": n,
                "verdict": v,
                "time": (1.02 if v == "TLE" else 0.97) if b else 0.1,
                "memory": 1,
                "borderline": b,
            }
            for n, v, b in tests
        ],
    }
    store.save_grading(key, {**dict.fromkeys(PARTS, "x"), "submission": submission}, result)


def contest_store(path: Path) -> tuple[int, int]:
    """A store with a published first set and a pending second one (alice TLE -> AC on a borderline test, carol
    WA -> AC): the ids of both sets."""
    store = Store(path)
    ids = []
    for n, spec in enumerate(("first", "second")):
        set_id = store.open_set({"source": spec, "jobs": spec, "count": len(CONTEST)}, force=False).id
        for (team, problem, minute), gradings in CONTEST.items():
            submission = f"{team}/{problem}.py"
            graded = gradings[n] or gradings[0]
            key = f"{submission}:{graded[0]}"
            if store.verdict(key) is None:
                _grading(store, key, submission, graded)
            store.add_item(set_id, SetItem(submission, key, team, problem, float(minute), None))
        store.finish_set(set_id)  # the first is published at once; the second waits for apply
        ids.append(set_id)
    store.close()
    return ids[0], ids[1]


def unused(*args: Any) -> Any:
    raise AssertionError("nothing is graded here")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """A client of a server over ``results`` (the store) with ``tokens``."""
    opened: list[tuple[TestClient, Workers]] = []

    def make(results: Path | None, tokens: tuple[str, ...] = (TOKEN,)) -> TestClient:
        workers = Workers(QueueStore(tmp_path / f"q{len(opened)}.db"), {}, unused, 1)
        service = Service(ServiceConfig(tokens=tokens, results=results), workers, {}, {})
        client = TestClient(create_app(service), raise_server_exceptions=False)
        client.__enter__()
        opened.append((client, workers))
        return client

    yield make
    for client, _ in opened:
        client.__exit__(None, None, None)


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_the_board_sets_and_a_pending_sets_diff(serve: Callable[..., TestClient], tmp_path: Path) -> None:
    first, second = contest_store(tmp_path / "results.db")
    client = serve(tmp_path / "results.db")
    board = client.get("/v1/results", headers=AUTH).json()
    assert board["exists"] and board["problems"] == ["A", "B"] and board["published"] == 4
    assert [(s["rank"], s["team"], s["solved"], s["penalty"], s["problems"]) for s in board["scoreboard"]] == [
        (1, "bob", 2, 70, {"A": "+ @ 20", "B": "+ @ 50"}),
        (2, "alice", 0, 0, {"A": "-1"}),
        (2, "carol", 0, 0, {"A": "-1"}),
    ]
    sets = client.get("/v1/results/sets", headers=AUTH).json()["sets"]
    assert [(s["id"], s["state"], s["submissions"], s["pending"]) for s in sets] == [
        (first, "live", 4, False),
        (second, "complete", 4, True),
    ]
    diff = client.get(f"/v1/results/sets/{second}/diff", headers=AUTH).json()
    assert (diff["set"], diff["state"], diff["submissions"], diff["changed"]) == (second, "complete", 4, 2)
    alice, carol = diff["changes"]
    assert (alice["submission"], alice["old"], alice["new"], alice["cause"]) == ("alice/A.py", "TLE", "AC", "timing")
    assert (alice["old_score"], alice["new_score"]) == (0.0, 1.0)
    assert alice["tests"] == [
        {"name": "2", "old": "TLE", "new": "AC", "old_time": 1.02, "new_time": 0.97, "timing": True}
    ]
    assert (carol["old"], carol["new"], carol["cause"]) == ("WA", "AC", "behaviour")
    assert [(t["name"], t["timing"]) for t in carol["tests"]] == [("2", False)]
    assert client.get(f"/v1/results/sets/{first}/diff", headers=AUTH).json()["changes"] == []


def test_apply_publishes_once_and_the_board_changes(serve: Callable[..., TestClient], tmp_path: Path) -> None:
    first, second = contest_store(tmp_path / "results.db")
    client = serve(tmp_path / "results.db")
    applied = client.post(f"/v1/results/sets/{second}/apply", headers=AUTH)
    assert applied.status_code == 200 and applied.json() == {
        "set": second,
        "state": "live",
        "published": 4,
        "changed": 2,
    }
    board = client.get("/v1/results", headers=AUTH).json()["scoreboard"]
    assert [(s["team"], s["solved"], s["problems"]["A"]) for s in board] == [
        ("bob", 2, "+ @ 20"),
        ("alice", 1, "+ @ 30"),
        ("carol", 1, "+ @ 40"),
    ]
    again = client.post(f"/v1/results/sets/{second}/apply", headers=AUTH)
    assert again.status_code == 409 and again.json() == {"error": f"result set {second} is live already"}
    live = client.post(f"/v1/results/sets/{second}/discard", headers=AUTH)
    assert live.status_code == 409 and f"result set {second} is live" in live.json()["error"]
    assert client.post(f"/v1/results/sets/{first}/discard", headers=AUTH).json() == {"set": first, "state": "discarded"}
    twice = client.post(f"/v1/results/sets/{first}/discard", headers=AUTH)
    assert twice.status_code == 409 and "discarded already" in twice.json()["error"]
    gone = client.post(f"/v1/results/sets/{first}/apply", headers=AUTH)
    assert gone.status_code == 409 and gone.json() == {"error": f"result set {first} was discarded"}


def test_an_interrupted_set_is_applied_only_when_partial(serve: Callable[..., TestClient], tmp_path: Path) -> None:
    contest_store(tmp_path / "results.db")
    store = Store(tmp_path / "results.db")
    third = store.open_set({"source": "third", "jobs": "x", "count": 9}, force=False).id
    store.add_item(third, SetItem("alice/A.py", "alice/A.py:AC", "alice", "A", 30.0, None))
    store.close()
    client = serve(tmp_path / "results.db")
    refused = client.post(f"/v1/results/sets/{third}/apply", headers=AUTH)
    assert refused.status_code == 409 and "is incomplete (1/9 submissions graded" in refused.json()["error"]
    states = {s["id"]: s["state"] for s in client.get("/v1/results/sets", headers=AUTH).json()["sets"]}
    assert states[third] == "interrupted (1 of 9 graded)"  # the server (alive) does not hold the store after a write
    assert client.post(f"/v1/results/sets/{third}/apply", headers=AUTH, json={"partial": "yes"}).status_code == 422
    partial = client.post(f"/v1/results/sets/{third}/apply", headers=AUTH, json={"partial": True})
    assert partial.status_code == 200 and partial.json()["published"] == 1


@pytest.mark.parametrize("action", ["apply", "discard"])
def test_a_write_is_never_open(serve: Callable[..., TestClient], tmp_path: Path, action: str) -> None:
    _, second = contest_store(tmp_path / "results.db")
    open_server = serve(tmp_path / "results.db", tokens=())
    refused = open_server.post(f"/v1/results/sets/{second}/{action}")
    assert refused.status_code == 403 and "no --token" in refused.json()["error"]
    assert open_server.get("/v1/results").status_code == 200  # reading needs no token where nothing does
    guarded = serve(tmp_path / "results.db")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-Auth-Token": ""}):
        answer = guarded.post(f"/v1/results/sets/{second}/{action}", headers=headers)
        assert answer.status_code == 401 and "error" in answer.json()
    assert guarded.get("/v1/results").status_code == 401
    store = Store(tmp_path / "results.db", create=False)
    assert store.set_status(second) == "complete"  # nothing was written
    store.close()


@pytest.mark.parametrize(
    "number", ["99", "0", "-1", "abc", "1.5", "99999999999999999999999", "%2e%2e", "1%20", "%00", "1e3"]
)
def test_a_bad_set_number_is_404(serve: Callable[..., TestClient], tmp_path: Path, number: str) -> None:
    contest_store(tmp_path / "results.db")
    client = serve(tmp_path / "results.db")
    for method, action in (("GET", "diff"), ("POST", "apply"), ("POST", "discard")):
        answer = client.request(method, f"/v1/results/sets/{number}/{action}", headers=AUTH)
        assert answer.status_code == 404 and "error" in answer.json(), (method, action, answer.text)


@pytest.mark.parametrize("body", [b"{", b"[]", b'"x"', b"\xff", b'{"partial": null}'])
def test_a_hostile_apply_body_is_a_4xx(serve: Callable[..., TestClient], tmp_path: Path, body: bytes) -> None:
    _, second = contest_store(tmp_path / "results.db")
    answer = serve(tmp_path / "results.db").post(f"/v1/results/sets/{second}/apply", headers=AUTH, content=body)
    assert 400 <= answer.status_code < 500 and "error" in answer.json()


def test_a_missing_store_is_an_empty_board_that_says_so(serve: Callable[..., TestClient], tmp_path: Path) -> None:
    client = serve(tmp_path / "none.db")
    board = client.get("/v1/results", headers=AUTH).json()
    assert board["exists"] is False and board["scoreboard"] == [] and "no results store at" in board["message"]
    assert client.get("/v1/results/sets", headers=AUTH).json()["sets"] == []
    assert client.get("/v1/results/sets/1/diff", headers=AUTH).status_code == 404
    assert client.post("/v1/results/sets/1/apply", headers=AUTH).status_code == 404
    assert not (tmp_path / "none.db").exists()  # reading creates nothing
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    junk = serve(tmp_path / "junk.db").get("/v1/results", headers=AUTH)
    assert junk.status_code == 503 and "junk.db" in junk.json()["error"]
    assert serve(None).get("/v1/results", headers=AUTH).json()["message"].startswith("this server has no results")


def test_changed_tests_lists_each_side_and_marks_only_borderline_ac_tle_as_timing() -> None:
    before: list[dict[str, Any]] = [
        {"name": "1", "verdict": "AC"},
        {"name": "2", "verdict": "TLE", "borderline": True},
        {"name": "3", "verdict": "WA"},
    ]
    after: list[dict[str, Any]] = [
        {"name": "1", "verdict": "AC"},
        {"name": "2", "verdict": "AC"},
        {"name": "4", "verdict": "TLE", "borderline": True},
    ]
    found = [(t["name"], t["old"], t["new"], t["timing"]) for t in changed_tests(before, after)]
    assert found == [("2", "TLE", "AC", True), ("4", None, "TLE", False), ("3", "WA", None, False)]
