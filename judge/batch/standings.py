"""Published results as tables and exports: per submission (CSV, JSON) and the ICPC scoreboard.

ICPC scoring: a team's score is the number of problems solved; ties are broken by penalty time, the sum
over solved problems of the minute of the first accepted submission plus 20 minutes for each rejected
submission before it (compile errors and judge errors do not count).
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from json.encoder import INFINITY, encode_basestring_ascii
from typing import TextIO

from judge.batch.store import Item, Store

PENALTY = 20  # minutes per rejected submission before the first accepted one
NOT_COUNTED = {"CE", "JE"}


@dataclass
class Standing:
    team: str
    solved: int = 0
    penalty: int = 0
    last_solved: float = 0.0
    problems: dict[str, str] = field(default_factory=dict)  # label -> "+2 @ 95" or "-3"
    rank: int = 0


def scoreboard(items: Iterable[Item]) -> list[Standing]:
    return scoreboard_of((i.submission, i.team, i.problem, i.time, i.verdict) for i in items)


BOARD_COLUMNS = "x.submission, x.team, x.problem, x.time, g.verdict"  # Store.rows: what the scoreboard reads


def board_of(store: Store, set_id: int | None = None) -> list[Standing]:
    """The scoreboard of the published results (of set ``set_id`` with it), streamed from the store."""
    return scoreboard_of(store.rows(set_id, BOARD_COLUMNS))


def scoreboard_of(rows: Iterable[tuple[str, str, str, float | None, str]]) -> list[Standing]:
    """The standings from (submission, team, problem, time, verdict) rows in submission order (Store.entries)."""
    teams: dict[str, Standing] = {}
    by_team_problem: dict[tuple[str, str], list[tuple[str, str, str, float | None, str]]] = {}
    for row in rows:
        by_team_problem.setdefault((row[1], row[2]), []).append(row)
        if row[1] not in teams:
            teams[row[1]] = Standing(row[1])
    for (team, problem), subs in by_team_problem.items():
        subs.sort(key=lambda r: (r[3] if r[3] is not None else float("inf"), r[0]))
        rejected = 0
        for _, _, _, time, verdict in subs:
            if verdict == "AC":
                minute = int(time or 0)
                standing = teams[team]
                standing.solved += 1
                standing.penalty += minute + PENALTY * rejected
                standing.last_solved = max(standing.last_solved, minute)
                standing.problems[problem] = (f"+{rejected}" if rejected else "+") + f" @ {minute}"
                break
            if verdict not in NOT_COUNTED:
                rejected += 1
        else:
            if rejected:
                teams[team].problems[problem] = f"-{rejected}"
    ordered = sorted(teams.values(), key=lambda s: (-s.solved, s.penalty, s.last_solved, s.team))
    rank = 0
    previous = None
    for position, standing in enumerate(ordered, start=1):
        key = (standing.solved, standing.penalty, standing.last_solved)
        if key != previous:
            rank = position
            previous = key
        standing.rank = rank
    return ordered


Row = tuple[
    str, str, str, float | None, str, float, float, int
]  # submission, team, problem, time, verdict, score, cpu, memory
COLUMNS = ("submission", "team", "problem", "time", "verdict", "score", "cpu", "memory")


def _rows(items: Iterable[Item]) -> Iterator[Row]:
    return ((i.submission, i.team, i.problem, i.time, i.verdict, i.score, i.cpu, i.memory) for i in items)


def write_csv(rows: Iterable[Row], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(r if r[3] is not None else (*r[:3], "", *r[4:]) for r in rows)


def _json_value(value: object) -> str:
    """A scalar as json.dumps writes it (the C encoder for strings)."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if isinstance(value, float) and value == value and value not in (INFINITY, -INFINITY):
        return float.__repr__(value)
    return json.dumps(value)


_JSON_ROW = "    {{\n" + ",\n".join(f'      "{name}": {{}}' for name in COLUMNS) + "\n    }}"


def write_json(rows: Iterable[Row], board: list[Standing], out: TextIO) -> None:
    """What ``json.dumps({"version": 1, "submissions": rows, "scoreboard": board}, indent=2) + "\\n"`` writes,
    a row at a time."""
    out.write('{\n  "version": 1,\n  "submissions": [')
    string = encode_basestring_ascii
    first = True
    for r in rows:
        out.write("\n" if first else ",\n")
        first = False
        out.write(
            _JSON_ROW.format(
                string(r[0]),
                string(r[1]),
                string(r[2]),
                _json_value(r[3]),
                string(r[4]),
                _json_value(r[5]),
                _json_value(r[6]),
                _json_value(r[7]),
            )
        )
    out.write("]" if first else "\n  ]")
    scores = [
        {"rank": s.rank, "team": s.team, "solved": s.solved, "penalty": s.penalty, "problems": s.problems}
        for s in board
    ]
    out.write(',\n  "scoreboard": ' + json.dumps(scores, indent=2).replace("\n", "\n  ") + "\n}\n")


def write_icpc_tsv(board: list[Standing], out: TextIO) -> None:
    """results.tsv in the shape of the ICPC CCS results file: a ``results<TAB>1`` line, then per team
    team id, rank, award, problems solved, total (penalty) time, time of the last accepted submission."""
    out.write("results\t1\n")
    for s in board:
        award = "Ranked" if s.solved else "Honorable"
        out.write(f"{s.team}\t{s.rank if s.solved else ''}\t{award}\t{s.solved}\t{s.penalty}\t{int(s.last_solved)}\n")


def to_csv(items: list[Item]) -> str:
    buf = io.StringIO()
    write_csv(_rows(items), buf)
    return buf.getvalue()


def to_json(items: list[Item]) -> str:
    buf = io.StringIO()
    write_json(_rows(items), scoreboard(items), buf)
    return buf.getvalue()


def to_icpc_tsv(items: list[Item]) -> str:
    buf = io.StringIO()
    write_icpc_tsv(scoreboard(items), buf)
    return buf.getvalue()
