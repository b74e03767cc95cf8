"""Reading a contest folder (the scandir walk) and the streamed exports: same results as the plain versions."""

import io
import json
import os
from pathlib import Path

import pytest

from judge.batch.standings import scoreboard, to_json, write_json
from judge.batch.store import Item
from judge.inputs.languages import load_languages
from judge.inputs.settings import load_settings
from judge.inputs.submissions import from_contest


@pytest.fixture(scope="module")
def languages():
    return load_languages(load_settings(Path(__file__).resolve().parents[3] / "judge.yaml"))


def test_contest_walk_order_hidden_files_and_times(tmp_path, languages):
    files = ["t-2/A/a.c", "t/A/b.py", "t/.hidden/A.py", "t/A/.x.py", "__pycache__/A/q.py", "t/A/__pycache__/r.py",
             "t/A/notes.txt", "t/B/z.py", "t3/A.py", "t4/A/deep/er/x.py"]  # fmt: skip
    for n, name in enumerate(files):
        path = tmp_path / "teams" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
        os.utime(path, (1000 + 60 * n, 1000 + 60 * n))
    (tmp_path / "contest.yaml").write_text("problems: {A: '1'}\nsubmissions: teams\n")
    batch = from_contest(tmp_path / "contest.yaml", languages)
    # sorted(Path) order: by path parts, so t/... before t-2/... although "t-" < "t/" as text
    assert [s.id for s in batch.submissions] == ["t/A/b.py", "t-2/A/a.c", "t3/A.py", "t4/A/deep/er/x.py"]
    assert [s.time for s in batch.submissions] == [1.0, 0.0, 8.0, 9.0]  # minutes after the first (t-2)
    assert [s.team for s in batch.submissions] == ["t", "t-2", "t3", "t4"]
    assert batch.skipped == ["t/A/notes.txt: no runner for '.txt'", "t/B/z.py: no problem label in its folder or name"]


def test_streamed_json_export_is_json_dumps_indented(tmp_path):
    items = [
        Item('s"1\n\u00e9', "k", "t\tx", "A", None, None, "AC", 1.0, 0.125, 7),
        Item("s2", "k", "", "B", 3.5, None, "WA", float("nan"), float("inf"), 0),
        Item("s3", "k", "t\tx", "B", 1e-7, None, "AC", 0.0, 1e20, 2**40),
    ]
    rows = [
        {"submission": i.submission, "team": i.team, "problem": i.problem, "time": i.time, "verdict": i.verdict,
         "score": i.score, "cpu": i.cpu, "memory": i.memory}
        for i in items
    ]  # fmt: skip
    board = [
        {"rank": s.rank, "team": s.team, "solved": s.solved, "penalty": s.penalty, "problems": s.problems}
        for s in scoreboard(items)
    ]
    expected = json.dumps({"version": 1, "submissions": rows, "scoreboard": board}, indent=2) + "\n"
    assert to_json(items) == expected
    empty = io.StringIO()
    write_json([], [], empty)
    assert empty.getvalue() == json.dumps({"version": 1, "submissions": [], "scoreboard": []}, indent=2) + "\n"
