"""Practice sessions and answers in the progress store.

Every function takes an open connection (``mlsd.store.connect()``); every write is
its own transaction, so a crash loses at most the step being typed.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from mlsd.errors import UsageError
from mlsd.store import iso, now, transaction


@dataclass(frozen=True)
class SavedStep:
    """One answered (or skipped) step of a session."""

    step: str
    position: int
    answer: str
    skipped: bool
    hints_used: int
    coverage: float | None
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    rating: int | None
    seconds: float

    def to_json(self) -> dict[str, Any]:
        """The documented history shape of a step."""
        return {
            "step": self.step,
            "answer": self.answer,
            "skipped": self.skipped,
            "coverage": self.coverage,
            "rating": self.rating,
            "seconds": round(self.seconds, 1),
            "hints_used": self.hints_used,
            "covered": list(self.covered),
            "missed": list(self.missed),
        }


@dataclass(frozen=True)
class SessionRecord:
    """A practice session and the steps saved so far."""

    id: int
    case: str
    framework: str
    mode: str
    minutes: int | None
    only_step: str | None
    started_at: str
    finished_at: str | None
    steps: tuple[SavedStep, ...] = field(default_factory=tuple)

    @property
    def completed(self) -> bool:
        """True once the last step was saved."""
        return self.finished_at is not None

    def to_json(self) -> dict[str, Any]:
        """The documented `mlsd history --json` shape."""
        return {
            "id": self.id,
            "case": self.case,
            "framework": self.framework,
            "mode": self.mode,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "completed": self.completed,
            "steps": [s.to_json() for s in self.steps],
        }


def start_session(
    conn: sqlite3.Connection,
    case: str,
    framework: str,
    mode: str = "practice",
    minutes: int | None = None,
    only_step: str | None = None,
) -> int:
    """Create a session row and return its id."""
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO sessions (case_id, framework, mode, minutes, only_step, started_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (case, framework, mode, minutes, only_step, iso(now())),
        )
    return int(cur.lastrowid or 0)


def save_step(conn: sqlite3.Connection, session_id: int, step: SavedStep) -> None:
    """Save (or replace) one step's answer in its own transaction."""
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO answers (session_id, step_id, position, answer, skipped,"
            " hints_used, coverage, covered, missed, rating, seconds, saved_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id, step.step, step.position, step.answer, int(step.skipped),
                step.hints_used, step.coverage, json.dumps(step.covered),
                json.dumps(step.missed), step.rating, step.seconds, iso(now()),
            ),
        )  # fmt: skip


def finish_session(conn: sqlite3.Connection, session_id: int) -> None:
    """Mark a session complete."""
    with transaction(conn):
        conn.execute("UPDATE sessions SET finished_at = ? WHERE id = ?", (iso(now()), session_id))


def load_session(conn: sqlite3.Connection, session_id: int) -> SessionRecord:
    """One session with its steps; an unknown id is a usage error."""
    row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise UsageError(f"no practice session with id {session_id}; see 'mlsd history'")
    return _record(conn, row)


def list_sessions(conn: sqlite3.Connection, case: str | None = None) -> list[SessionRecord]:
    """Sessions, newest first, optionally of one case."""
    sql, args = "SELECT * FROM sessions", tuple[str, ...]()
    if case is not None:
        args = (case,)
        sql += " WHERE case_id = ?"
    rows = conn.execute(sql + " ORDER BY started_at DESC, id DESC", args).fetchall()
    return [_record(conn, r) for r in rows]


def latest_unfinished(conn: sqlite3.Connection, case: str) -> SessionRecord | None:
    """The newest session of ``case`` that was not completed, if any."""
    row = conn.execute(
        "SELECT * FROM sessions WHERE case_id = ? AND finished_at IS NULL"
        " ORDER BY started_at DESC, id DESC LIMIT 1",
        (case,),
    ).fetchone()
    return None if row is None else _record(conn, row)


def _record(conn: sqlite3.Connection, row: sqlite3.Row) -> SessionRecord:
    steps = conn.execute(
        "SELECT * FROM answers WHERE session_id = ? ORDER BY position", (row["id"],)
    ).fetchall()
    return SessionRecord(
        row["id"], row["case_id"], row["framework"], row["mode"], row["minutes"],
        row["only_step"], row["started_at"], row["finished_at"],
        tuple(_step(s) for s in steps),
    )  # fmt: skip


def _step(r: sqlite3.Row) -> SavedStep:
    return SavedStep(
        r["step_id"], r["position"], r["answer"], bool(r["skipped"]), r["hints_used"],
        r["coverage"], tuple(json.loads(r["covered"])), tuple(json.loads(r["missed"])),
        r["rating"], r["seconds"],
    )  # fmt: skip
