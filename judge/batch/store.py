"""The results store (SQLite): every grading, the result sets of rescoring runs, and what is published.

- ``gradings``: one row per (submission source, language, problem version, runner image, limits) — its key —
  with the whole result. A grading whose key is unchanged is never repeated (the cache), unless forced;
  judge errors are kept but never reused.
- ``sets``: one per rescoring run, ``running`` → ``complete`` → ``applied`` or ``discarded``; an applied set is
  shown ``live`` while published results come from it, else ``replaced``; an interrupted one is published
  only when asked (``partial``).
- ``set_items``: which grading each submission got in a set, written the moment it finishes.
- ``published``: the current verdict of each submission; ``apply`` copies a set into it.
A batch holds an exclusive lock file beside the database, so two runs cannot interleave. The database is in WAL
mode with ``synchronous=NORMAL``: a committed grading survives the judge's crash or ``kill -9``; writes of many rows
go in one transaction, and readers stream rows (``iter_items``) rather than building lists.
"""

import datetime as dt
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from judge.errors import JudgeInputError

SCHEMA = """
CREATE TABLE IF NOT EXISTS gradings (
    key TEXT PRIMARY KEY,
    submission TEXT NOT NULL,
    problem TEXT NOT NULL,
    language TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    problem_version TEXT NOT NULL,
    image TEXT NOT NULL,
    limits TEXT NOT NULL,
    verdict TEXT NOT NULL,
    score REAL NOT NULL,
    time REAL NOT NULL,
    memory INTEGER NOT NULL,
    result TEXT NOT NULL,
    graded_at TEXT NOT NULL
);
-- What the tables, exports and scoreboard read of each grading, without its result: joins read only this index.
CREATE INDEX IF NOT EXISTS gradings_verdicts ON gradings (key, verdict, score, time, memory);
CREATE TABLE IF NOT EXISTS sets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    spec TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS set_items (
    set_id INTEGER NOT NULL REFERENCES sets(id),
    submission TEXT NOT NULL,
    key TEXT NOT NULL REFERENCES gradings(key),
    team TEXT NOT NULL DEFAULT '',
    problem TEXT NOT NULL,
    time REAL,
    expected TEXT,
    PRIMARY KEY (set_id, submission)
);
CREATE TABLE IF NOT EXISTS published (
    submission TEXT PRIMARY KEY,
    key TEXT NOT NULL REFERENCES gradings(key),
    set_id INTEGER NOT NULL,
    team TEXT NOT NULL DEFAULT '',
    problem TEXT NOT NULL,
    time REAL
);
"""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SetItem(NamedTuple):
    """One submission of a result set, as added: the grading it points to and whose it is (a set_items row)."""

    submission: str
    key: str
    team: str
    problem: str
    time: float | None
    expected: str | None


class OpenedSet(NamedTuple):
    """The result set a run fills, and its status before: None for a new set, "running" or "complete"."""

    id: int
    was: str | None


@dataclass(frozen=True)
class Item:
    submission: str
    key: str
    team: str
    problem: str
    time: float | None
    expected: str | None
    verdict: str
    score: float
    cpu: float
    memory: int


@dataclass(frozen=True, slots=True)
class Change:
    submission: str
    team: str
    problem: str
    old: str | None
    new: str
    cause: str = ""  # "timing": only borderline tests flipped between AC and TLE; "behaviour": anything else


def _state(status: str, count: int, published: int, planned: int | None, *, idle: bool) -> str:
    """What a set's status means now: which applied set is live, and that a running set nobody runs was interrupted."""
    if status == "applied":
        if not published:
            return "replaced"
        return "live" if published == count else f"live, {published} of {count} published"
    if status == "running" and idle:
        return "interrupted" + (f" ({count} of {planned} graded)" if planned is not None else "")
    return status


class Store:
    def __init__(self, path: Path, *, create: bool = True) -> None:
        """The store at ``path``; without ``create`` (reading it) a missing store or another kind of file is an
        input error naming it, and nothing is created."""
        self.path = path
        if not create and not path.is_file():
            raise JudgeInputError(f"{path}: no results store here (`judge rescore` creates it; see --store)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=5, isolation_level=None)
            if not create and not self._has_table("gradings"):
                self.db.close()
                raise JudgeInputError(f"{path}: not a results store")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: a commit survives a crash of the process
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise JudgeInputError(f"{path}: cannot open the results store: {exc}") from None
        except OSError as exc:
            raise JudgeInputError(f"{path}: cannot create the results store: {exc.strerror or exc}") from None

    def close(self) -> None:
        self.db.close()

    def _has_table(self, name: str) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self.db.execute(query, (name,)).fetchone() is not None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store for one batch; another judge process gets a clear error instead of waiting."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                raise JudgeInputError(
                    f"{self.path}: the results store is in use by another judge process (pid {holder}); "
                    "wait for it to finish or use another --store"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            try:
                yield
            finally:  # the file names the holder while it holds the store only (a server lives on after a write)
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, args)
        except sqlite3.OperationalError as exc:
            raise JudgeInputError(f"{self.path}: the results store is locked by another process ({exc})") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The writes inside as one transaction (committed at the end, rolled back on an exception)."""
        self._write("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._write("COMMIT")

    # -- gradings ------------------------------------------------------------------------------------
    def verdict(self, key: str) -> str | None:
        """The verdict of grading ``key``, or None when the store has none."""
        row = self.db.execute("SELECT verdict FROM gradings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def cached(self, key: str) -> bool:
        return self.verdict(key) not in (None, "JE")

    def save_grading(self, key: str, parts: dict[str, str], result: dict[str, Any]) -> None:
        self._write(
            "INSERT OR REPLACE INTO gradings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                key,
                parts["submission"],
                parts["problem"],
                parts["language"],
                parts["source_hash"],
                parts["problem_version"],
                parts["image"],
                parts["limits"],
                result["verdict"],
                result["score"],
                result["time"],
                max((t["memory"] for t in result["tests"]), default=0),
                json.dumps(result),
                now(),
            ),
        )

    def grading(self, key: str) -> dict[str, Any]:
        row = self.db.execute("SELECT result FROM gradings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else {}

    # -- sets ----------------------------------------------------------------------------------------
    def open_set(self, spec: dict[str, Any], *, force: bool) -> OpenedSet:
        """The set to fill: an unpublished one of the same spec (an interrupted one is resumed, a complete one
        regrades its judge errors), else a new one. A forced run's spec says so: the same forced command resumes
        its interrupted set (what it graded stays), never an unforced one, and a finished forced set is not
        reused."""
        text = json.dumps({**spec, "force": True} if force else spec, sort_keys=True)
        reusable = "('running')" if force else "('running', 'complete')"
        row = self.db.execute(
            f"SELECT id, status FROM sets WHERE spec = ? AND status IN {reusable} ORDER BY id DESC LIMIT 1", (text,)
        ).fetchone()
        if row:
            self._write("UPDATE sets SET status = 'running' WHERE id = ?", (row[0],))
            return OpenedSet(int(row[0]), str(row[1]))
        cur = self._write("INSERT INTO sets (created, spec, status) VALUES (?, ?, 'running')", (now(), text))
        return OpenedSet(int(cur.lastrowid or 0), None)

    def done_items(self, set_id: int) -> set[str]:
        """Submissions of the set that need no grading again (judge errors do)."""
        return set(self.done_verdicts(set_id))

    def done_verdicts(self, set_id: int) -> dict[str, str]:
        """The verdict of each submission of the set that needs no grading again (judge errors do)."""
        rows = self.db.execute(
            "SELECT i.submission, g.verdict FROM set_items i JOIN gradings g ON g.key = i.key "
            "WHERE i.set_id = ? AND g.verdict != 'JE'",
            (set_id,),
        )
        return dict(rows)

    def add_item(self, set_id: int, item: SetItem) -> None:
        self._write("INSERT OR REPLACE INTO set_items VALUES (?,?,?,?,?,?,?)", (set_id, *item))

    def add_items(self, set_id: int, items: Iterable[SetItem]) -> None:
        """Many items at once, in one transaction."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO set_items VALUES (?,?,?,?,?,?,?)", ((set_id, *item) for item in items)
            )

    def finish_set(self, set_id: int) -> None:
        self._write("UPDATE sets SET status = 'complete' WHERE id = ? AND status = 'running'", (set_id,))
        if not self.judge_errors(set_id) and self.db.execute("SELECT COUNT(*) FROM published").fetchone()[0] == 0:
            self.apply(set_id)  # the very first complete results are published at once; later ones wait for apply

    def judge_errors(self, set_id: int) -> int:
        """How many submissions of the set ended in a judge error."""
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM set_items i JOIN gradings g ON g.key = i.key "
                "WHERE i.set_id = ? AND g.verdict = 'JE'",
                (set_id,),
            ).fetchone()[0]
        )

    def set_status(self, set_id: int) -> str:
        row = self.db.execute("SELECT status FROM sets WHERE id = ?", (set_id,)).fetchone()
        if row is None:
            raise JudgeInputError(f"{self.path}: no result set {set_id}")
        return str(row[0])

    def progress(self, set_id: int) -> tuple[int, int | None]:
        """(submissions the set has, submissions its run planned; None when its spec does not say)."""
        row = self.db.execute("SELECT spec FROM sets WHERE id = ?", (set_id,)).fetchone()
        planned = json.loads(row[0]).get("count") if row else None
        have = self.db.execute("SELECT COUNT(*) FROM set_items WHERE set_id = ?", (set_id,)).fetchone()[0]
        return int(have), None if planned is None else int(planned)

    def apply(self, set_id: int, *, partial: bool = False) -> int:
        """Publish the set; one whose run did not finish (interrupted) only with ``partial``."""
        status = self.set_status(set_id)
        if status == "discarded":
            raise JudgeInputError(f"result set {set_id} was discarded")
        if status == "running" and not partial:
            have, planned = self.progress(set_id)
            of = f"{have}/{planned}" if planned is not None else str(have)
            raise JudgeInputError(
                f"result set {set_id} is incomplete ({of} submissions graded; its run was interrupted): run the "
                "same rescore command again to finish it, or publish what it has with --partial"
            )
        self._write("BEGIN IMMEDIATE")
        try:
            cur = self.db.execute(
                "INSERT OR REPLACE INTO published SELECT submission, key, set_id, team, problem, time "
                "FROM set_items WHERE set_id = ?",
                (set_id,),
            )
            self.db.execute("UPDATE sets SET status = 'applied' WHERE id = ?", (set_id,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return cur.rowcount

    def published_from(self, set_id: int) -> int:
        """How many published results come from the set (0: none, or all replaced by later sets)."""
        return int(self.db.execute("SELECT COUNT(*) FROM published WHERE set_id = ?", (set_id,)).fetchone()[0])

    def discard(self, set_id: int) -> None:
        """Drop the set; a live one (some of its results are published) cannot be: apply another to replace it."""
        if self.set_status(set_id) == "applied" and self.published_from(set_id):
            raise JudgeInputError(
                f"result set {set_id} is live ({self.published_from(set_id)} published results come from it); "
                "apply another set to replace it"
            )
        self._write("UPDATE sets SET status = 'discarded' WHERE id = ?", (set_id,))

    def sets(self) -> list[tuple[int, str, str, int]]:
        """(id, created, state, submissions) of every set; an applied set's state says whether it is ``live`` (its
        results are published, ``live, k of n published`` when later sets replaced some) or ``replaced``, and a
        ``running`` set nobody runs (the store is not locked) is ``interrupted``."""
        rows = self.db.execute(
            "SELECT s.id, s.created, s.status, COUNT(i.submission), "
            "(SELECT COUNT(*) FROM published p WHERE p.set_id = s.id), json_extract(s.spec, '$.count') FROM sets s "
            "LEFT JOIN set_items i ON i.set_id = s.id GROUP BY s.id ORDER BY s.id"
        ).fetchall()
        idle = not self.in_use()
        return [
            (set_id, created, _state(status, count, live, planned, idle=idle), count)
            for set_id, created, status, count, live, planned in rows
        ]

    def in_use(self) -> bool:
        """Whether a live judge process holds the store for a batch (``locked`` writes its pid beside it); read
        without taking the lock, so a batch starting meanwhile is not turned away."""
        try:
            holder = int(self.path.with_name(self.path.name + ".lock").read_text().strip() or 0)
        except (OSError, ValueError):
            return False
        if holder <= 0:
            return False
        try:
            os.kill(holder, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    # -- reading -------------------------------------------------------------------------------------
    _ITEMS = {
        "set": "set_items x JOIN gradings g INDEXED BY gradings_verdicts ON g.key = x.key WHERE x.set_id = ?",
        "published": "(SELECT submission, key, team, problem, time, NULL AS expected FROM published) x "
        "JOIN gradings g INDEXED BY gradings_verdicts ON g.key = x.key",
    }

    def _iter(self, which: str, args: tuple[Any, ...]) -> Iterator[Item]:
        rows = self.db.execute(
            "SELECT x.submission, x.key, x.team, x.problem, x.time, x.expected, g.verdict, g.score, g.time, g.memory "
            f"FROM {self._ITEMS[which]} ORDER BY x.submission",
            args,
        )
        rows.arraysize = 1000
        while chunk := rows.fetchmany():
            yield from (Item(*row) for row in chunk)

    def rows(self, set_id: int | None = None, columns: str = "") -> Iterator[tuple[Any, ...]]:
        """The items of set ``set_id`` (the published ones without it), by submission, as plain tuples of
        ``columns`` (default: an Item's fields, in their order): what the tables and exports stream."""
        which, args = ("published", ()) if set_id is None else ("set", (set_id,))
        fields = columns or (
            "x.submission, x.key, x.team, x.problem, x.time, x.expected, g.verdict, g.score, g.time, g.memory"
        )
        rows = self.db.execute(f"SELECT {fields} FROM {self._ITEMS[which]} ORDER BY x.submission", args)
        rows.arraysize = 1000
        while chunk := rows.fetchmany():
            yield from chunk

    def iter_items(self, set_id: int | None = None) -> Iterator[Item]:
        """The items of set ``set_id`` (the published ones without it), by submission, one at a time."""
        return self._iter("published", ()) if set_id is None else self._iter("set", (set_id,))

    def items(self, set_id: int) -> list[Item]:
        return list(self.iter_items(set_id))

    def published_items(self) -> list[Item]:
        return list(self.iter_items())

    def diff(self, set_id: int) -> list[Change]:
        """Verdicts the set would change against what is published (new submissions included)."""
        rows = self.db.execute(  # read row by row: a first set's diff is every submission
            "SELECT x.submission, x.team, x.problem, pg.verdict, g.verdict, p.key, x.key "
            "FROM set_items x JOIN gradings g ON g.key = x.key "
            "LEFT JOIN published p ON p.submission = x.submission LEFT JOIN gradings pg ON pg.key = p.key "
            "WHERE x.set_id = ? AND (p.submission IS NULL OR pg.verdict IS NOT g.verdict) ORDER BY x.submission",
            (set_id,),
        )
        from judge.judging.margins import timing_only  # here: `judge results` does not load the judging modules

        changes = []
        for submission, team, problem, old, new, old_key, new_key in rows:
            if old is None:  # not published yet
                changes.append(Change(submission, team, problem, None, new))
            else:
                was, now = self.grading(old_key).get("tests", []), self.grading(new_key).get("tests", [])
                cause = "timing" if timing_only(was, now) else "behaviour"
                changes.append(Change(submission, team, problem, old, new, cause))
        return changes
