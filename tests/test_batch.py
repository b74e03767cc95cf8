"""Batch rescoring: the store, resume after kill -9, cache, diff/apply/discard, judge errors mid-batch,
a locked store, corrupt files, contests and the scoreboard (real engine for everything that grades)."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import docker
import pytest
from click.testing import CliRunner

from judge.batch.standings import scoreboard, to_icpc_tsv
from judge.batch.store import Item, Store
from judge.cli import cli
from judge.sandbox.ownership import owned_filter

ROOT = Path(__file__).resolve().parent.parent
SUBS = ROOT / "problems/1/submissions"
CONFIG = ["--config", str(ROOT / "judge.yaml")]


def teams_folder(tmp_path: Path, copies: int = 1) -> Path:
    """team folders with quick submissions on problem 1: AC (py, c), WA, RTE, CE."""
    root = tmp_path / "subs"
    picks = [
        "accepted/sum.py",
        "accepted/sum.c",
        "wrong_answer/minus.py",
        "run_time_error/divide.py",
        "compile_error/syntax.py",
    ]
    for n in range(copies):
        for i, pick in enumerate(picks):
            team = root / f"team{n}{i % 3}"
            team.mkdir(parents=True, exist_ok=True)
            shutil.copy(SUBS / pick, team / f"s{i}_{Path(pick).name}")
    return root


def rescore(*args: str, store: Path):
    return CliRunner().invoke(cli, [*CONFIG, "rescore", *args, "--store", str(store)])


def rows(store: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(store) as db:
        return db.execute(sql).fetchall()


def count_items(store: Path) -> int:
    """Finished submissions so far (0 while the store is still being created)."""
    try:
        return rows(store, "SELECT COUNT(*) FROM set_items")[0][0] if store.exists() else 0
    except sqlite3.OperationalError:
        return 0


@pytest.mark.docker
def test_rescore_folder_into_store(client, tmp_path, no_leftovers):
    store = tmp_path / "r.db"
    result = rescore(str(teams_folder(tmp_path)), "--problem", "1", "-j", "2", "--format", "json", store=store)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["total"] == 5 and len(doc["changes"]) == 5 and all(c["old"] is None for c in doc["changes"])
    verdicts = dict(rows(store, "SELECT i.submission, g.verdict FROM set_items i JOIN gradings g ON g.key = i.key"))
    assert sorted(verdicts.values()) == ["AC", "AC", "CE", "RTE", "WA"]
    assert rows(store, "SELECT COUNT(*) FROM published") == [(5,)]  # the first results are published at once
    teams = {t for (t,) in rows(store, "SELECT team FROM set_items")}
    assert teams == {"team00", "team01", "team02"}
    exported = CliRunner().invoke(cli, [*CONFIG, "results", "export", "--store", str(store), "--format", "json"])
    board = json.loads(exported.stdout)["scoreboard"]
    assert [b["solved"] for b in board] == [1, 1, 0]


@pytest.mark.docker
def test_cache_diff_apply_and_discard(client, tmp_path):
    store = tmp_path / "r.db"
    subs = teams_folder(tmp_path)
    problem = tmp_path / "p1"
    shutil.copytree(ROOT / "problems/1", problem, ignore=shutil.ignore_patterns("submissions"))
    assert rescore(str(subs), "--problem", str(problem), store=store).exit_code == 0
    again = rescore(str(subs), "--problem", str(problem), "--format", "json", store=store)
    assert json.loads(again.stdout)["changes"] == [] and "5 from the store" in again.stderr
    graded_before = rows(store, "SELECT COUNT(*) FROM gradings")[0][0]
    # The organiser fixes a test: the answer of the large case changes; nothing is published until apply.
    (problem / "data/secret/03-large.ans").write_text("0\n")
    fixed = rescore(str(subs), "--problem", str(problem), "--format", "json", store=store)
    doc = json.loads(fixed.stdout)
    changed = {(c["old"], c["new"]) for c in doc["changes"]}
    assert changed == {("AC", "WA")} and len(doc["changes"]) == 2
    assert rows(store, "SELECT COUNT(*) FROM gradings")[0][0] == graded_before + 5  # new problem version
    published = dict(rows(store, "SELECT p.submission, g.verdict FROM published p JOIN gradings g ON g.key = p.key"))
    assert list(published.values()).count("AC") == 2
    applied = CliRunner().invoke(cli, [*CONFIG, "rescore", "apply", str(doc["set"]), "--store", str(store)])
    assert applied.exit_code == 0 and "2 verdicts changed" in applied.stdout
    published = dict(rows(store, "SELECT p.submission, g.verdict FROM published p JOIN gradings g ON g.key = p.key"))
    assert list(published.values()).count("AC") == 0
    forced = rescore(str(subs), "--problem", str(problem), "--force", "--format", "json", store=store)
    set_id = json.loads(forced.stdout)["set"]
    assert "0 from the store" in forced.stderr
    assert CliRunner().invoke(cli, [*CONFIG, "rescore", "discard", str(set_id), "--store", str(store)]).exit_code == 0
    assert rows(store, f"SELECT status FROM sets WHERE id = {set_id}") == [("discarded",)]


@pytest.mark.docker
def test_resume_after_kill_9_grades_each_submission_once(client, tmp_path):
    store = tmp_path / "r.db"
    subs = teams_folder(tmp_path, copies=3)  # 15 submissions
    cmd = [
        sys.executable,
        "-m",
        "judge",
        *CONFIG,
        "rescore",
        str(subs),
        "--problem",
        "1",
        "-j",
        "2",
        "--store",
        str(store),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if count_items(store) >= 4:
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = rows(store, "SELECT COUNT(*) FROM set_items")[0][0]
    assert 4 <= before < 15
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "resuming result set 1" in done.stderr
    assert rows(store, "SELECT COUNT(*) FROM set_items") == [(15,)]
    assert rows(store, "SELECT COUNT(DISTINCT submission), COUNT(*) FROM gradings") == [(15, 15)]
    left = client.api.containers(all=True, filters=owned_filter(pid=proc.pid))
    assert left == []


@pytest.mark.docker
def test_judge_errors_mid_batch_are_regraded_alone(client, tmp_path):
    """Containers killed under the batch (as when the engine stops): those are JE, the rest fine;
    a rerun regrades only the JE ones."""
    store = tmp_path / "r.db"
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(4):
        shutil.copy(SUBS / "accepted/sum.py", subs / f"ok{i}.py")
    shutil.copy(SUBS / "time_limit_exceeded/sleeper.py", subs / "victim.py")
    label = owned_filter(pid=os.getpid(), extra={"judge.submission": "victim.py"})
    killed = []

    def running_program(container: str) -> bool:
        """The sleeper itself runs in the container (not the agent waiting in the warm pool): ``docker top``."""
        try:
            listing = client.api.top(container)
        except docker.errors.APIError:  # gone or not started yet
            return False
        return any("victim.py" in " ".join(map(str, process)) for process in listing.get("Processes") or [])

    def killer() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for c in client.api.containers(filters=label):
                if running_program(c["Id"]):  # in the sleeper's first test: the container's age says nothing
                    client.api.kill(c["Id"])  # (a warm container can wait its turn for seconds on a busy host)
                    killed.append(c["Id"])
            time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    first = rescore(str(subs), "--problem", "1", "-j", "2", store=store)
    thread.join()
    assert killed, f"the sleeper's container was never seen running it: {first.exit_code} {first.stderr[-2000:]}"
    assert first.exit_code == 3 and "judge error" in first.stderr, first.stderr[-2000:]
    verdicts = dict(rows(store, "SELECT i.submission, g.verdict FROM set_items i JOIN gradings g ON g.key = i.key"))
    assert verdicts["victim.py"] == "JE" and [v for k, v in verdicts.items() if k != "victim.py"] == ["AC"] * 4
    second = rescore(str(subs), "--problem", "1", "-j", "2", store=store)
    assert "4 from the store" in second.stderr
    assert "result set 1 is complete already: regrading its 1 judge error(s)" in second.stderr
    verdicts = dict(rows(store, "SELECT i.submission, g.verdict FROM set_items i JOIN gradings g ON g.key = i.key"))
    assert verdicts["victim.py"] == "TLE"


def test_locked_store_is_a_clear_error(tmp_path):
    store = tmp_path / "r.db"
    Store(store).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, os, sys, time\n"
                f"fd = os.open({str(store) + '.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode()); print('held', flush=True)\n"
                "time.sleep(30)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(cli, [*CONFIG, "rescore", "apply", "1", "--store", str(store)])
        assert result.exit_code == 2
        assert "in use by another judge process" in result.stderr and str(holder.pid) in result.stderr
    finally:
        holder.kill()


def test_sqlite_locked_by_another_process(tmp_path):
    store = tmp_path / "r.db"
    Store(store).close()
    blocker = sqlite3.connect(store, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(cli, [*CONFIG, "rescore", "discard", "1", "--store", str(store)])
        assert result.exit_code == 2 and "locked" in result.stderr and "Traceback" not in result.output
    finally:
        blocker.execute("ROLLBACK")


@pytest.mark.docker
def test_corrupt_and_unknown_files_do_not_stop_the_batch(client, tmp_path):
    store = tmp_path / "r.db"
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(SUBS / "accepted/sum.c", subs / "good.c")
    (subs / "garbage.c").write_bytes(os.urandom(4096))
    (subs / "notes.txt").write_text("not a program")
    result = rescore(str(subs), "--problem", "1", store=store)
    assert result.exit_code == 0
    assert "skipped notes.txt" in result.stderr
    verdicts = dict(rows(store, "SELECT i.submission, g.verdict FROM set_items i JOIN gradings g ON g.key = i.key"))
    assert verdicts == {"good.c": "AC", "garbage.c": "CE"}


@pytest.mark.docker
def test_contest_with_index_and_scoreboard(client, tmp_path):
    store = tmp_path / "r.db"
    (tmp_path / "files").mkdir()
    shutil.copy(SUBS / "accepted/sum.py", tmp_path / "files/a1.py")
    shutil.copy(SUBS / "wrong_answer/minus.py", tmp_path / "files/a0.py")
    shutil.copy(ROOT / "problems/3/submissions/accepted/area.py", tmp_path / "files/b1.py")
    shutil.copy(SUBS / "accepted/sum.c", tmp_path / "files/a2.c")
    (tmp_path / "index.csv").write_text(
        "id,team,problem,language,time,file\n"
        "1,red,A,,10,files/a0.py\n2,red,A,,30,files/a1.py\n3,blue,B,,50,files/b1.py\n4,blue,A,c,70,files/a2.c\n"
    )
    (tmp_path / "contest.yaml").write_text(
        f"problems: {{A: {ROOT / 'problems/1'}, B: {ROOT / 'problems/3'}}}\n"
        "languages: [python3, c]\nsubmissions: index.csv\n"
    )
    result = CliRunner().invoke(
        cli, [*CONFIG, "rescore", "--contest", str(tmp_path / "contest.yaml"), "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    tsv = CliRunner().invoke(cli, [*CONFIG, "results", "export", "--format", "icpc-tsv", "--store", str(store)])
    lines = tsv.stdout.splitlines()
    assert lines[0] == "results\t1"
    # blue: 2 solved, 50 + 70 = 120; red: 1 solved, 30 + 20 for the wrong answer = 50
    assert lines[1:] == ["blue\t1\tRanked\t2\t120\t70", "red\t2\tRanked\t1\t50\t30"]


def test_scoreboard_rules():
    def item(sub, team, problem, minute, verdict):
        return Item(sub, "k", team, problem, minute, None, verdict, 0.0, 0.0, 0)

    items = [
        item("1", "x", "A", 5, "CE"),  # compile errors cost nothing
        item("2", "x", "A", 10, "WA"),
        item("3", "x", "A", 20, "AC"),
        item("4", "x", "A", 25, "WA"),  # after the first AC: ignored
        item("5", "y", "A", 30, "AC"),
        item("6", "z", "B", 1, "TLE"),
    ]
    board = scoreboard(items)
    x, y, z = (next(s for s in board if s.team == t) for t in "xyz")
    assert (x.solved, x.penalty) == (1, 40) and (y.solved, y.penalty) == (1, 30) and z.problems == {"B": "-1"}
    assert [s.team for s in board] == ["y", "x", "z"] and y.rank == 1 and x.rank == 2
    assert to_icpc_tsv(items).splitlines()[3] == "z\t\tHonorable\t0\t0\t0"


@pytest.mark.parametrize("bad", [["apply"], ["apply", "x"], []])
def test_rescore_usage_errors(bad, tmp_path):
    result = CliRunner().invoke(cli, [*CONFIG, "rescore", *bad, "--store", str(tmp_path / "r.db")])
    assert result.exit_code == 2
