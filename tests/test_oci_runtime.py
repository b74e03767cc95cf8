"""The OCI runtime a graded container runs on, through the real engine: the one judge.sandbox.runtime picks (crun
when the engine offers it and it can start containers here), or the one JUDGE_RUNTIME names."""

from pathlib import Path

import pytest

from judge.judging.results import Verdict
from judge.sandbox.container import Sandbox
from judge.sandbox.runtime import engine_runtime

pytestmark = pytest.mark.docker

SUM = Path(__file__).resolve().parent.parent / "problems/1/submissions/accepted/sum.py"


@pytest.fixture
def seen_runtimes(monkeypatch, client):
    """The HostConfig.Runtime of every sandbox started, read from the engine while the container runs."""
    seen: list[str] = []
    start = Sandbox._start

    def recording(self: Sandbox) -> None:
        start(self)
        seen.append(client.api.inspect_container(self.container_id)["HostConfig"]["Runtime"])

    monkeypatch.setattr(Sandbox, "_start", recording)
    return seen


@pytest.mark.cgroup2
def test_a_graded_container_runs_on_the_chosen_runtime(grade_file, seen_runtimes, client, no_leftovers):
    result = grade_file(SUM, "1")
    assert result.verdict == Verdict.AC, [t.message for t in result.tests]
    chosen = engine_runtime(client)  # after the grading: a crun that could not start is dropped by then
    assert seen_runtimes and set(seen_runtimes) == {chosen.name}, (seen_runtimes, chosen)
    offered = client.info().get("Runtimes") or {}
    assert chosen.name == "crun" or "crun" not in offered or "failed here" in chosen.reason, chosen


def test_judge_runtime_names_the_runtime(grade_file, seen_runtimes, client, monkeypatch, no_leftovers):
    default = client.info().get("DefaultRuntime") or "runc"
    monkeypatch.setenv("JUDGE_RUNTIME", default)
    assert grade_file(SUM, "1").verdict == Verdict.AC
    monkeypatch.setenv("JUDGE_RUNTIME", "default")
    assert grade_file(SUM, "1").verdict == Verdict.AC
    assert seen_runtimes == [default, default]
