"""The results routes of ``judge serve`` (``/v1/results``): the scoreboard of the published results of the store
``judge rescore`` writes (``--results``), its result sets, an unpublished set's reviewed diff with each changed
submission's per-test changes, and apply / discard as ``judge rescore apply|discard`` do them.

Each call opens the store, reads or writes, and closes it (on a worker thread: sqlite connections stay on one
thread). A missing store is an empty board that says so; an unknown set is 404; a set that cannot be applied or
discarded in its state (live already, discarded, interrupted without ``partial``, a rescore holding the store) is
409; every answer is a JSON object.
"""

import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from judge.batch.standings import board_of
from judge.batch.store import Change, Store
from judge.errors import JudgeInputError
from judge.judging.margins import timing_only
from judge.service.native import NativeError

SET_ID = re.compile(r"^[0-9]{1,12}$")
MAX_ROWS = 1000  # published verdicts and diff changes an answer lists at most (each says how many there are)
PUBLISHED_COLUMNS = "x.submission, x.team, x.problem, g.verdict, g.score"
PENDING = ("complete", "running", "interrupted")  # states of a set that is not published (yet)


class Results:
    """The results store at ``path`` (None: the server has none), read and written by the routes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._writing = threading.Lock()  # one apply or discard at a time (the store's own lock is per process)

    def _open(self) -> Store | None:
        """The store, or None when there is none yet; a file that is not a results store is a 503."""
        if self.path is None or not self.path.is_file():
            return None
        try:
            return Store(self.path, create=False)
        except JudgeInputError as exc:
            raise NativeError(503, str(exc)) from None

    def _missing(self) -> dict[str, Any]:
        where = "this server has no results store" if self.path is None else f"no results store at {self.path} yet"
        return {"store": str(self.path or ""), "exists": False, "message": f"{where} (`judge rescore` creates it)"}

    def board(self) -> dict[str, Any]:
        """The scoreboard of the published results (rank, team, solved, penalty, each problem's cell as
        ``judge results show`` prints it) and the published verdicts (the first MAX_ROWS)."""
        store = self._open()
        if store is None:
            return {**self._missing(), "problems": [], "scoreboard": [], "submissions": [], "published": 0}
        try:
            board = board_of(store)
            rows = store.rows(None, PUBLISHED_COLUMNS)
            submissions, count = [], 0
            for submission, team, problem, verdict, score in rows:
                count += 1
                if count <= MAX_ROWS:
                    submissions.append(
                        {"submission": submission, "team": team, "problem": problem, "verdict": verdict, "score": score}
                    )
        finally:
            store.close()
        teams = any(s.team for s in board)  # a folder without team folders has no scoreboard to show
        return {
            "store": str(self.path),
            "exists": True,
            "problems": sorted({p for s in board for p in s.problems} | {r["problem"] for r in submissions}),
            "scoreboard": [
                {"rank": s.rank, "team": s.team, "solved": s.solved, "penalty": s.penalty, "problems": s.problems}
                for s in board
            ]
            if teams
            else [],
            "submissions": submissions,
            "published": count,
        }

    def sets(self) -> dict[str, Any]:
        """Every result set: id, created, state (as ``judge results show`` names it), submissions, and whether it
        is pending (not published: its diff is for review)."""
        store = self._open()
        if store is None:
            return {**self._missing(), "sets": []}
        try:
            rows = store.sets()
        finally:
            store.close()
        found = [
            {"id": i, "created": created, "state": state, "submissions": count, "pending": state.startswith(PENDING)}
            for i, created, state, count in rows
        ]
        return {"store": str(self.path), "exists": True, "sets": found}

    def diff(self, text: str) -> dict[str, Any]:
        """The verdicts set ``text`` changes against the published results (``Store.diff``, what ``judge rescore``
        prints), each with its old and new score and the tests whose verdict changed."""
        store, set_id = self._set(text)
        try:
            state = _state_of(store, set_id)
            changes = store.diff(set_id)
            shown = changes[:MAX_ROWS]
            old_keys = _keys(store, None, {c.submission for c in shown if c.old is not None})
            new_keys = _keys(store, set_id, {c.submission for c in shown})
            listed = [_change(store, c, old_keys.get(c.submission), new_keys[c.submission]) for c in shown]
            total = store.progress(set_id)[0]
        finally:
            store.close()
        return {"set": set_id, "state": state, "submissions": total, "changed": len(changes), "changes": listed}

    def apply(self, text: str, partial: bool) -> dict[str, Any]:
        """Publish set ``text`` as ``judge rescore apply`` does; a set live already is a 409 (applied twice)."""
        with self._writing:
            store, set_id = self._set(text)
            try:
                state = _state_of(store, set_id)
                if state == "live":
                    raise NativeError(409, f"result set {set_id} is live already")
                with store.locked():
                    changes = store.diff(set_id)
                    count = store.apply(set_id, partial=partial)
            except JudgeInputError as exc:
                raise NativeError(409, str(exc)) from None
            finally:
                store.close()
        return {"set": set_id, "state": "live", "published": count, "changed": len(changes)}

    def discard(self, text: str) -> dict[str, Any]:
        """Drop set ``text`` as ``judge rescore discard`` does (a live one is a 409, as is discarding twice)."""
        with self._writing:
            store, set_id = self._set(text)
            try:
                if store.set_status(set_id) == "discarded":
                    raise NativeError(409, f"result set {set_id} was discarded already")
                with store.locked():
                    store.discard(set_id)
            except JudgeInputError as exc:
                raise NativeError(409, str(exc)) from None
            finally:
                store.close()
        return {"set": set_id, "state": "discarded"}

    def _set(self, text: str) -> tuple[Store, int]:
        """The open store and set ``text``'s number; 404 when either is missing."""
        if not SET_ID.match(text):
            raise NativeError(404, f"no result set {text[:40]!r}")
        store = self._open()
        if store is None:
            raise NativeError(404, self._missing()["message"])
        set_id = int(text)
        try:
            store.set_status(set_id)
        except JudgeInputError:
            store.close()
            raise NativeError(404, f"no result set {set_id}") from None
        return store, set_id


def _state_of(store: Store, set_id: int) -> str:
    return next(state for i, _, state, _ in store.sets() if i == set_id)


def _keys(store: Store, set_id: int | None, wanted: set[str]) -> dict[str, tuple[str, float]]:
    """(grading key, score) of each ``wanted`` submission in set ``set_id`` (the published results without it)."""
    if not wanted:
        return {}
    rows: Iterable[tuple[Any, ...]] = store.rows(set_id, "x.submission, x.key, g.score")
    return {submission: (key, score) for submission, key, score in rows if submission in wanted}


def _change(store: Store, change: Change, old: tuple[str, float] | None, new: tuple[str, float]) -> dict[str, Any]:
    before = store.grading(old[0]).get("tests", []) if old else []
    after = store.grading(new[0]).get("tests", [])
    return {
        "submission": change.submission,
        "team": change.team,
        "problem": change.problem,
        "old": change.old,
        "new": change.new,
        "old_score": old[1] if old else None,
        "new_score": new[1],
        "cause": change.cause or None,  # "timing": only borderline tests flipped; "behaviour": anything else
        "tests": changed_tests(before, after),
    }


def changed_tests(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tests whose verdict differs between two gradings of a submission (a test only one of them ran has
    None on the other side), in the order they ran; ``timing``: the change is one ``timing_only`` allows (a
    borderline test between AC and TLE)."""
    was = {t["name"]: t for t in before}
    now = {t["name"]: t for t in after}
    names = [t["name"] for t in after] + [t["name"] for t in before if t["name"] not in now]
    found = []
    for name in names:
        old, new = was.get(name), now.get(name)
        if old is not None and new is not None and old.get("verdict") == new.get("verdict"):
            continue
        found.append(
            {
                "name": name,
                "old": old.get("verdict") if old else None,
                "new": new.get("verdict") if new else None,
                "old_time": old.get("time") if old else None,
                "new_time": new.get("time") if new else None,
                "timing": old is not None and new is not None and timing_only([old], [new]),
            }
        )
    return found
