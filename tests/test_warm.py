"""The warm-sandbox policy (judge.grading.warm) on the real engine: a container started before the engine's epoch
moved, or killed while it waited, is removed and never handed out; closing a pool, even while it starts
containers, leaves none with the project's label; the per-spec pool of `judge serve` hands out a started one."""

import os
import time

import pytest
import requests
from conftest import FIXTURES

from judge.grading.limits import sandbox_spec
from judge.grading.warm import WarmBySpec, WarmSandboxes, spec_key, warmable
from judge.inputs.languages import load_languages
from judge.inputs.problem import load_problem
from judge.judging.limits import run_limits
from judge.sandbox.container import SandboxSpec
from judge.sandbox.engine import EngineWatch


def ours(client) -> list[str]:
    """The ids of this process's containers (the project label and our pid)."""
    found = client.api.containers(all=True, filters={"label": ["judge=1", f"judge.pid={os.getpid()}"]})
    return [c["Id"] for c in found]


@pytest.fixture
def spec(settings) -> SandboxSpec:
    problem = load_problem("1", settings)
    language = load_languages(settings)["python3"]
    return sandbox_spec(problem, language, settings, run_limits(problem, language, settings))


def test_the_spec_key_is_the_compared_fields(spec):
    copy = SandboxSpec(**{**spec.__dict__, "labels": dict(reversed(list(spec.labels.items())))})
    assert spec_key(copy) == spec_key(spec)
    assert spec_key(SandboxSpec(**{**spec.__dict__, "memory": spec.memory + 1})) != spec_key(spec)


def test_interactive_problems_get_no_warm_container(settings):
    assert not warmable(load_problem(str(FIXTURES / "packages" / "guess"), settings))
    assert warmable(load_problem("1", settings))


@pytest.mark.docker
def test_a_container_from_an_earlier_engine_epoch_is_removed_not_used(client, spec, no_leftovers):
    engine = EngineWatch(client)
    pool = WarmSandboxes(client, engine)
    try:
        started = pool.start_ahead(lambda: spec)
        sandbox = started.result()
        assert sandbox is not None and sandbox.alive() and ours(client) == [sandbox.container_id]
        engine.epoch += 1  # what EngineWatch does when it finds the engine gone
        assert pool.take(started) is None
        assert ours(client) == [] and pool.holding() == 0
    finally:
        pool.close()


@pytest.mark.docker
def test_a_killed_container_is_removed_not_used_and_the_next_one_is(client, spec, no_leftovers):
    pool = WarmSandboxes(client, EngineWatch(client), ahead=2, threads=2)
    try:
        first, second = pool.start_ahead(lambda: spec), pool.start_ahead(lambda: spec)
        killed = first.result()
        assert killed is not None and second.result() is not None
        client.containers.get(killed.container_id).kill()
        assert pool.take(first) is None
        assert killed.container_id not in ours(client)
        taken = pool.take(second)
        assert taken is not None and taken is not killed and taken.alive()
        assert ours(client) == [taken.container_id]
        pool.done(taken)
        assert ours(client) == [] and pool.holding() == 0
    finally:
        pool.close()


@pytest.mark.docker
def test_closing_a_pool_while_it_starts_containers_leaves_none_20x(client, spec, no_leftovers):
    """Closed at once, or while its containers are being created, or once they wait: none is left, every time."""
    outcomes = set()
    for attempt in range(20):
        pool = WarmSandboxes(client, EngineWatch(client), ahead=2, threads=2)
        futures = [pool.start_ahead(lambda: spec) for _ in range(3)]  # the third waits for a place
        time.sleep((attempt % 4) * 0.15)
        pool.close()
        done = all(f.done() for f in futures)  # started, or cancelled (never started)
        outcomes.add((done, pool.holding(), len(ours(client)), pool.take(futures[-1])))
    assert outcomes == {(True, 0, 0, None)}


@pytest.mark.docker
def test_the_service_pool_hands_out_a_started_container_once_and_refills(client, spec, no_leftovers):
    pool = WarmBySpec(client, EngineWatch(client), size=2)
    try:
        assert pool.take(spec) is None  # the first request starts its own; the spec's containers start meanwhile
        taken = pool.take(spec)
        assert taken is not None and taken.alive()
        again = pool.take(spec)
        assert again is not None and again is not taken
        pool.done(taken)
        pool.done(again)
        assert taken.container_id is None and again.container_id is None
        deadline = time.monotonic() + 60
        while len(ours(client)) < 2 and time.monotonic() < deadline:  # refilled in the background
            time.sleep(0.1)
        assert len(ours(client)) == 2
    finally:
        pool.close()
    assert ours(client) == [] and pool.holding() == 0


@pytest.mark.docker
def test_a_stopped_server_leaves_no_warm_container(client, tmp_path):
    """`judge serve` keeps started containers waiting; once it stops (SIGTERM), none of its containers is left."""
    from test_service import Server

    server = Server(tmp_path / "queue.db", jobs=1).start()
    try:
        for _ in range(2):  # the second takes a warm container; their replacements start
            body = {"source_code": "print(6 * 7)", "language_id": 71, "expected_output": "42"}
            answer = requests.post(f"{server.url}/submissions?wait=true", json=body, timeout=120).json()
            assert answer["status"]["id"] == 3, answer
        assert server.process is not None
        mine = {"label": ["judge=1", f"judge.pid={server.process.pid}"]}
        deadline = time.monotonic() + 60
        while len(client.api.containers(all=True, filters=mine)) != 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # the last request's container is removed after its answer; the refill starts
        assert len(client.api.containers(all=True, filters=mine)) == 2  # the pool's, waiting
    finally:
        server.stop()
    assert client.api.containers(all=True, filters=mine) == []
