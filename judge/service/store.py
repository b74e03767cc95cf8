"""The service's queue (SQLite, WAL): every accepted submission and its result, so a restart loses nothing.

A row is ``queued`` → ``running`` → ``done``. A worker claims the oldest queued row in one UPDATE (a row is claimed
once); its result is written only while the row is ``running``, and ``completions`` counts those writes (1 for every
finished row). On start, rows left ``running`` by a server that died are queued again: their run was cut off with
the container (a dead judge's containers are removed), so they run from the start and complete once.

A row with a callback URL has a ``callbacks`` row until the result was PUT there (or every try failed): a restart
resumes the callbacks not yet made.
"""

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    api TEXT NOT NULL,
    request TEXT NOT NULL,
    state TEXT NOT NULL,
    result TEXT,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    claims INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS submissions_state ON submissions (state, id);
CREATE TABLE IF NOT EXISTS callbacks (
    token TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    delivered_at REAL
);
"""

QUEUED, RUNNING, DONE = "queued", "running", "done"


@dataclass
class Row:
    token: str
    api: str
    request: dict[str, Any]
    state: str
    result: dict[str, Any] | None
    created_at: float
    started_at: float | None
    finished_at: float | None


class QueueStore:
    """Thread-safe access to the queue: one connection, serialised by a lock (the writes are small)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def requeue_unfinished(self) -> int:
        """Rows a dead server left running go back to the queue; the number of rows waiting now."""
        with self._lock:
            self._db.execute("UPDATE submissions SET state=?, started_at=NULL WHERE state=?", (QUEUED, RUNNING))
            (count,) = self._db.execute("SELECT COUNT(*) FROM submissions WHERE state=?", (QUEUED,)).fetchone()
        return int(count)

    def add(self, token: str, api: str, request: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO submissions (token, api, request, state, created_at) VALUES (?, ?, ?, ?, ?)",
                (token, api, json.dumps(request), QUEUED, time.time()),
            )

    def add_callback(self, token: str, url: str) -> None:
        """A callback to make once ``token`` is done (added before the row: one without its row is never made)."""
        with self._lock:
            self._db.execute("INSERT INTO callbacks (token, url) VALUES (?, ?)", (token, url))

    def pending_callbacks(self) -> list[tuple[str, str]]:
        """(token, url) of the callbacks not made yet, oldest first."""
        with self._lock:
            found = self._db.execute(
                "SELECT c.token, c.url FROM callbacks c JOIN submissions s ON s.token = c.token "
                "WHERE c.delivered_at IS NULL ORDER BY s.id"
            ).fetchall()
        return [(str(token), str(url)) for token, url in found]

    def callback_made(self, token: str, tries: int) -> None:
        """The callback is over (answered, or every try failed): it is not made again."""
        with self._lock:
            self._db.execute("UPDATE callbacks SET tries=?, delivered_at=? WHERE token=?", (tries, time.time(), token))

    def delete(self, token: str) -> bool:
        """Remove a finished row (False: there is none, or it is not done)."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            deleted = self._db.execute("DELETE FROM submissions WHERE token=? AND state=?", (token, DONE)).rowcount
            if deleted == 1:
                self._db.execute("DELETE FROM callbacks WHERE token=?", (token,))
        return deleted == 1

    def rows(self, api: str) -> list[Row]:
        """Every row of ``api``, oldest first (Judge0's /statistics counts them)."""
        with self._lock:
            found = self._db.execute(
                "SELECT token, api, request, state, result, created_at, started_at, finished_at "
                "FROM submissions WHERE api=? ORDER BY id",
                (api,),
            ).fetchall()
        return [_row(values) for values in found]

    def size(self) -> int:
        """Bytes the database takes (its pages)."""
        with self._lock:
            (pages,) = self._db.execute("PRAGMA page_count").fetchone()
            (page_size,) = self._db.execute("PRAGMA page_size").fetchone()
        return int(pages) * int(page_size)

    def page(self, api: str, offset: int, limit: int) -> tuple[list[Row], int]:
        """Rows of ``api``, newest first (``limit`` from ``offset``), and how many there are."""
        with self._lock:
            (total,) = self._db.execute("SELECT COUNT(*) FROM submissions WHERE api=?", (api,)).fetchone()
            found = self._db.execute(
                "SELECT token, api, request, state, result, created_at, started_at, finished_at "
                "FROM submissions WHERE api=? ORDER BY id DESC LIMIT ? OFFSET ?",
                (api, limit, offset),
            ).fetchall()
        return [_row(values) for values in found], int(total)

    def waiting(self) -> int:
        with self._lock:
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM submissions WHERE state IN (?, ?)", (QUEUED, RUNNING)
            ).fetchone()
        return int(count)

    def claim(self) -> Row | None:
        """The oldest queued row, now ``running`` (None: nothing is queued). One statement: claimed once."""
        with self._lock:
            found = self._db.execute(
                "UPDATE submissions SET state=?, started_at=?, claims=claims+1 WHERE id = "
                "(SELECT id FROM submissions WHERE state=? ORDER BY id LIMIT 1) AND state=? "
                "RETURNING token, api, request, state, result, created_at, started_at, finished_at",
                (RUNNING, time.time(), QUEUED, QUEUED),
            ).fetchone()
        return _row(found) if found else None

    def finish(self, token: str, result: dict[str, Any]) -> bool:
        """Record a claimed row's result (False: it was not running, so nothing is written)."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE submissions SET state=?, result=?, finished_at=?, completions=completions+1 "
                "WHERE token=? AND state=?",
                (DONE, json.dumps(result), time.time(), token, RUNNING),
            )
        return cursor.rowcount == 1

    def get(self, token: str) -> Row | None:
        with self._lock:
            found = self._db.execute(
                "SELECT token, api, request, state, result, created_at, started_at, finished_at "
                "FROM submissions WHERE token=?",
                (token,),
            ).fetchone()
        return _row(found) if found else None


def _row(values: tuple[Any, ...]) -> Row:
    token, api, request, state, result, created, started, finished = values
    return Row(
        token, api, json.loads(request), state, json.loads(result) if result else None, created, started, finished
    )
