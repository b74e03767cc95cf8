"""Published results as tables and exports: per submission (CSV, JSON) and the ICPC scoreboard.

ICPC scoring: a team's score is the number of problems solved; ties are broken by penalty time, the sum
over solved problems of the minute of the first accepted submission plus 20 minutes for each rejected
submission before it (compile errors and judge errors do not count).
"""

import csv
import io
import json
from dataclasses import dataclass, field

from judge.batch.store import Item

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


def scoreboard(items: list[Item]) -> list[Standing]:
    teams: dict[str, Standing] = {}
    by_team_problem: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        by_team_problem.setdefault((item.team, item.problem), []).append(item)
        teams.setdefault(item.team, Standing(item.team))
    for (team, problem), subs in by_team_problem.items():
        subs.sort(key=lambda i: (i.time if i.time is not None else float("inf"), i.submission))
        rejected = 0
        for item in subs:
            if item.verdict == "AC":
                minute = int(item.time or 0)
                standing = teams[team]
                standing.solved += 1
                standing.penalty += minute + PENALTY * rejected
                standing.last_solved = max(standing.last_solved, minute)
                standing.problems[problem] = (f"+{rejected}" if rejected else "+") + f" @ {minute}"
                break
            if item.verdict not in NOT_COUNTED:
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


def to_csv(items: list[Item]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["submission", "team", "problem", "time", "verdict", "score", "cpu", "memory"])
    for i in items:
        writer.writerow(
            [i.submission, i.team, i.problem, "" if i.time is None else i.time, i.verdict, i.score, i.cpu, i.memory]
        )
    return buf.getvalue()


def to_json(items: list[Item]) -> str:
    rows = [
        {
            "submission": i.submission,
            "team": i.team,
            "problem": i.problem,
            "time": i.time,
            "verdict": i.verdict,
            "score": i.score,
            "cpu": i.cpu,
            "memory": i.memory,
        }
        for i in items
    ]
    board = [
        {"rank": s.rank, "team": s.team, "solved": s.solved, "penalty": s.penalty, "problems": s.problems}
        for s in scoreboard(items)
    ]
    return json.dumps({"version": 1, "submissions": rows, "scoreboard": board}, indent=2) + "\n"


def to_icpc_tsv(items: list[Item]) -> str:
    """results.tsv in the shape of the ICPC CCS results file: a ``results<TAB>1`` line, then per team
    team id, rank, award, problems solved, total (penalty) time, time of the last accepted submission."""
    lines = ["results\t1"]
    for s in scoreboard(items):
        award = "Ranked" if s.solved else "Honorable"
        lines.append(f"{s.team}\t{s.rank if s.solved else ''}\t{award}\t{s.solved}\t{s.penalty}\t{int(s.last_solved)}")
    return "\n".join(lines) + "\n"
