"""Result sets of the store without an engine: which applied set is live, an interrupted set is not published
without --partial, a replaced set can be discarded, an interrupted --force run is resumed by the same command,
and a complete set is not called resumed (judge.batch.store, judge rescore apply/discard, judge results show)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.batch.store import SetItem, Store
from judge.cli import cli
from judge.errors import JudgeInputError

CONFIG = ["--config", str(Path(__file__).resolve().parents[3] / "judge.yaml")]
SPEC = {"source": "folder:/x:1", "jobs": "abc", "count": 3}


def grade(store: Store, set_id: int, submission: str, verdict: str = "AC") -> None:
    key = f"{set_id}-{submission}"
    result = {"verdict": verdict, "score": 1.0, "time": 0.1, "tests": []}
    parts = dict.fromkeys(
        ("submission", "problem", "language", "source_hash", "problem_version", "image", "limits"), "x"
    )
    store.save_grading(key, parts, result)
    store.add_item(set_id, SetItem(submission, key, "", "1", None, None))


def filled(store: Store, spec: dict, submissions: list[str], finish: bool = True) -> int:
    set_id, _ = store.open_set(spec, force=False)
    for sub in submissions:
        grade(store, set_id, sub)
    if finish:
        store.finish_set(set_id)
    return set_id


def judge(store: Path, *args: str):
    return CliRunner().invoke(cli, [*CONFIG, *args, "--store", str(store)])


def states(store: Store) -> dict[int, str]:
    return {set_id: state for set_id, _, state, _ in store.sets()}


def test_the_live_set_is_shown_and_a_replaced_one_can_be_discarded(tmp_path):
    store = Store(tmp_path / "r.db")
    first = filled(store, SPEC, ["a", "b", "c"])  # the first complete set is published at once
    second = filled(store, {**SPEC, "jobs": "def"}, ["a", "b", "c"])
    assert states(store) == {first: "live", second: "complete"}
    assert judge(tmp_path / "r.db", "rescore", "apply", str(second)).exit_code == 0
    assert states(store) == {first: "replaced", second: "live"}
    shown = judge(tmp_path / "r.db", "results", "show")
    assert (
        f"set {first}: replaced, 3 submissions" in shown.stderr and f"set {second}: live, 3 submissions" in shown.stderr
    )
    live = judge(tmp_path / "r.db", "rescore", "discard", str(second))
    assert live.exit_code == 2 and f"result set {second} is live" in live.stderr, live.output
    replaced = judge(tmp_path / "r.db", "rescore", "discard", str(first))
    assert replaced.exit_code == 0 and states(store)[first] == "discarded", replaced.output


def test_a_set_partly_replaced_is_live_for_what_it_still_publishes(tmp_path):
    store = Store(tmp_path / "r.db")
    first = filled(store, SPEC, ["a", "b", "c"])
    second = filled(store, {**SPEC, "jobs": "def", "count": 1}, ["a"])
    store.apply(second)
    assert states(store) == {first: "live, 2 of 3 published", second: "live"}


def test_an_interrupted_set_is_published_only_with_partial(tmp_path):
    store = Store(tmp_path / "r.db")
    filled(store, SPEC, ["a", "b", "c"])
    interrupted = filled(store, {**SPEC, "jobs": "def"}, ["a", "b"], finish=False)
    assert states(store)[interrupted] == "interrupted (2 of 3 graded)"
    refused = judge(tmp_path / "r.db", "rescore", "apply", str(interrupted))
    assert refused.exit_code == 2, refused.output
    assert f"result set {interrupted} is incomplete (2/3 submissions graded" in refused.stderr
    assert "--partial" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    partial = judge(tmp_path / "r.db", "rescore", "apply", str(interrupted), "--partial")
    assert partial.exit_code == 0, partial.output
    assert "warning: result set 2 is incomplete: only 2 of 3 submissions published" in partial.stderr


def test_the_same_forced_command_resumes_its_interrupted_set(tmp_path):
    store = Store(tmp_path / "r.db")
    filled(store, SPEC, ["a", "b", "c"])
    forced, was = store.open_set(SPEC, force=True)
    assert was is None
    grade(store, forced, "a")  # then Ctrl-C: the set stays running
    again, was = store.open_set(SPEC, force=True)
    assert (again, was) == (forced, "running")
    assert set(store.done_verdicts(forced)) == {"a"}  # what the forced run graded is not graded again
    store.finish_set(forced)
    assert store.open_set(SPEC, force=True)[0] not in (forced, 1)  # a finished forced run is not reused: a new one
    with pytest.raises(JudgeInputError):
        store.apply(99)


def test_a_complete_unpublished_set_is_not_called_resumed(tmp_path):
    store = Store(tmp_path / "r.db")
    filled(store, SPEC, ["a", "b", "c"])
    complete = filled(store, {**SPEC, "jobs": "def"}, ["a", "b", "c"])
    assert store.open_set({**SPEC, "jobs": "def"}, force=False) == (complete, "complete")
    assert json.loads(store.db.execute("SELECT spec FROM sets WHERE id = ?", (complete,)).fetchone()[0]) == {
        **SPEC,
        "jobs": "def",
    }
