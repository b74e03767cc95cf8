"""`judge rescore`'s changes, written a line / a change at a time: the same text as built whole; no Docker."""

import io
import json

import pytest

from judge.batch.store import Change
from judge.cli.rescore import write_changes_document
from judge.cli.tables import changes_table

CHANGES = [
    Change("team1/A/a.py", "team1", "A", None, "AC"),
    Change("team2/B/b é.c", "team2", "B", "AC", "TLE", "timing"),
    Change('team3/C/"q".rs', "", "C", "WA", "RTE", "behaviour"),
]


def whole(changes: list[Change], skipped: list[str]) -> str:
    """The document as one json.dumps of the whole (how it was built before it was streamed)."""
    doc = {
        "version": 1,
        "set": 7,
        "resumed": True,
        "total": 12,
        "skipped": skipped,
        "changes": [
            {
                "submission": c.submission,
                "team": c.team,
                "problem": c.problem,
                "old": c.old,
                "new": c.new,
                "cause": c.cause or None,
            }
            for c in changes
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


@pytest.mark.parametrize("count", [0, 1, 3])
@pytest.mark.parametrize("skipped", [[], ["x.txt: no runner for '.txt'"]])
def test_document_is_the_json_of_the_whole(count: int, skipped: list[str]) -> None:
    out = io.StringIO()
    write_changes_document(out, CHANGES[:count], 7, resumed=True, skipped=skipped, total=12)
    assert out.getvalue() == whole(CHANGES[:count], skipped)
    assert len(json.loads(out.getvalue())["changes"]) == count


def test_table_has_a_header_and_a_line_per_change() -> None:
    lines = list(changes_table(CHANGES, 7, 12))
    assert lines[0] == "result set 7: 12 submissions, 3 verdict change(s) against the published results"
    assert lines[1].split() == ["team1/A/a.py", "A", "(new)", "->", "AC"]
    assert lines[2].endswith("AC -> TLE  (timing)")
    assert len(lines) == 4
