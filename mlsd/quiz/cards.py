"""Card states and the review log in the progress store.

Each answered card is saved in its own transaction (the card's new state and its
review row together), so an interrupted session loses nothing already rated. A
card has a row only once it has been reviewed; every other card of the bank is new.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mlsd.quiz.schedule import CardState
from mlsd.store import iso, transaction


@dataclass(frozen=True)
class Review:
    """One row of the review log."""

    card_id: str
    rating: int
    state_before: str
    reviewed_at: datetime
    correct: bool | None


def load_states(conn: sqlite3.Connection, card_ids: Iterable[str]) -> dict[str, CardState]:
    """The stored state of each card id; ids never reviewed get a new :class:`CardState`."""
    rows = conn.execute("SELECT card_id, state, due, reps, fsrs_card FROM cards").fetchall()
    stored = {
        r["card_id"]: CardState(
            r["card_id"], r["state"], datetime.fromisoformat(r["due"]), r["reps"], r["fsrs_card"]
        )
        for r in rows
    }
    return {cid: stored.get(cid, CardState(cid)) for cid in card_ids}


def save_review(
    conn: sqlite3.Connection,
    topic: str,
    before: CardState,
    after: CardState,
    rating: int,
    at: datetime,
    correct: bool | None = None,
) -> None:
    """Store ``after`` as the card's state and log the review, in one transaction."""
    assert after.due is not None and after.fsrs_card is not None
    with transaction(conn):
        conn.execute(
            """
            INSERT INTO cards (card_id, topic, state, due, fsrs_card, reps, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(card_id) DO UPDATE SET topic = excluded.topic,
                state = excluded.state, due = excluded.due,
                fsrs_card = excluded.fsrs_card, reps = excluded.reps
            """,
            (
                after.card_id,
                topic,
                after.state,
                iso(after.due),
                after.fsrs_card,
                after.reps,
                iso(at),
            ),
        )
        conn.execute(
            "INSERT INTO reviews (card_id, rating, state_before, reviewed_at, correct) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                after.card_id,
                rating,
                before.state,
                iso(at),
                None if correct is None else int(correct),
            ),
        )


def load_reviews(conn: sqlite3.Connection) -> list[Review]:
    """The whole review log, oldest first."""
    rows = conn.execute(
        "SELECT card_id, rating, state_before, reviewed_at, correct FROM reviews ORDER BY id"
    ).fetchall()
    return [
        Review(
            r["card_id"],
            r["rating"],
            r["state_before"],
            datetime.fromisoformat(r["reviewed_at"]),
            None if r["correct"] is None else bool(r["correct"]),
        )
        for r in rows
    ]
