"""The runtime choice (judge.sandbox.runtime), on fake ``docker info`` answers: crun when offered, the default else,
JUDGE_RUNTIME over both, a crun that failed to start dropped, and one info call per engine."""

from types import SimpleNamespace

import pytest

from judge.errors import JudgeInputError
from judge.sandbox import runtime
from judge.sandbox.runtime import choose_runtime, engine_runtime, runtime_failed, runtime_for

WITH_CRUN = {"Runtimes": {"runc": {"path": "runc"}, "crun": {"path": "/usr/bin/crun"}}, "DefaultRuntime": "runc"}
WITHOUT = {"Runtimes": {"runc": {"path": "runc"}}, "DefaultRuntime": "runc"}


def test_crun_is_picked_when_the_engine_offers_it():
    choice = choose_runtime(WITH_CRUN)
    assert (choice.runtime, choice.name, choice.ok, choice.fallback) == ("crun", "crun", True, True)
    assert choice.describe() == "crun (offered by the engine)"


def test_the_engine_default_is_left_to_the_engine_when_crun_is_not_offered():
    choice = choose_runtime(WITHOUT)
    assert (choice.runtime, choice.name) == (None, "runc")
    assert "crun not offered: scripts/engine installs it" in choice.describe()
    assert choose_runtime({"DefaultRuntime": "youki"}).name == "youki"
    assert choose_runtime({}).name == "runc"  # an engine that says nothing: Docker's own default


def test_judge_runtime_names_one_or_the_default():
    assert choose_runtime(WITH_CRUN, "runc").runtime == "runc"
    assert choose_runtime(WITHOUT, "runc").runtime == "runc"
    named = choose_runtime(WITH_CRUN, "crun", broken="it failed")  # named: used even after a failure
    assert named.runtime == "crun" and not named.fallback
    default = choose_runtime(WITH_CRUN, "default")
    assert (default.runtime, default.name, default.ok) == (None, "runc", True)


def test_judge_runtime_naming_a_runtime_the_engine_lacks_is_not_ok():
    choice = choose_runtime(WITHOUT, "crun")
    assert not choice.ok and "JUDGE_RUNTIME=crun" in choice.describe() and "runc" in choice.describe()


def test_a_crun_that_failed_to_start_falls_back_to_the_default():
    choice = choose_runtime(WITH_CRUN, broken="cgroups in hybrid mode not supported")
    assert (choice.runtime, choice.name, choice.fallback) == (None, "runc", False)
    assert "failed here: cgroups in hybrid mode" in choice.describe()


class FakeClient:
    def __init__(self, info: dict, url: str) -> None:
        self.calls = 0
        self._info = info
        self.api = SimpleNamespace(base_url=url)

    def info(self) -> dict:
        self.calls += 1
        return self._info


@pytest.fixture
def fresh_cache(monkeypatch):
    monkeypatch.setattr(runtime, "_infos", {})
    monkeypatch.setattr(runtime, "_broken", {})
    monkeypatch.delenv("JUDGE_RUNTIME", raising=False)


def test_the_engine_is_asked_once_and_the_override_read_each_time(fresh_cache, monkeypatch):
    client = FakeClient(WITH_CRUN, "http+docker://localhost")
    assert runtime_for(client).runtime == "crun"
    monkeypatch.setenv("JUDGE_RUNTIME", "runc")
    assert runtime_for(client).runtime == "runc"
    monkeypatch.setenv("JUDGE_RUNTIME", "nope")
    with pytest.raises(JudgeInputError, match="JUDGE_RUNTIME=nope"):
        runtime_for(client)
    assert client.calls == 1
    other = FakeClient(WITHOUT, "tcp://elsewhere:2375")  # another engine: asked on its own
    monkeypatch.delenv("JUDGE_RUNTIME")
    assert engine_runtime(other).runtime is None and other.calls == 1


def test_a_failure_drops_crun_for_that_engine_only(fresh_cache):
    here, there = FakeClient(WITH_CRUN, "unix://a"), FakeClient(WITH_CRUN, "unix://b")
    runtime_failed(here, "cgroups in hybrid mode not supported")
    assert runtime_for(here).runtime is None and runtime_for(there).runtime == "crun"
