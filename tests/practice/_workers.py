"""Process targets for the concurrency tests.

They live in their own small module so a spawned child imports only the store, not
the test module and everything it pulls in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlsd import store
from mlsd.practice import history


def save_steps(path: str, case: str, steps: int, barrier: Any) -> None:
    """Start a session, then save ``steps`` answers, each in its own transaction."""
    conn = store.connect(Path(path))
    session_id = history.start_session(conn, case, "seven-step")
    barrier.wait()
    for i in range(steps):
        saved = history.SavedStep(
            step=f"step-{i:03d}",
            position=i,
            answer=f"{case} answer {i}",
            skipped=False,
            hints_used=0,
            coverage=0.5,
            covered=("a",),
            missed=("b",),
            rating=1 + i % 4,
            seconds=1.0,
        )
        history.save_step(conn, session_id, saved)
    conn.close()


def write_reviews(path: str, reviews: int, barrier: Any) -> None:
    """Quiz-like writes: upsert a card and log a review, one transaction each."""
    conn = store.connect(Path(path))
    barrier.wait()
    for i in range(reviews):
        at = store.iso(store.now())
        with store.transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO cards (card_id, topic, state, due, fsrs_card, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (f"card-{i % 10}", "metrics", "review", at, json.dumps({"n": i}), at),
            )
            conn.execute(
                "INSERT INTO reviews (card_id, rating, state_before, reviewed_at, correct)"
                " VALUES (?, ?, ?, ?, ?)",
                (f"card-{i % 10}", 1 + i % 4, "learning", at, i % 2),
            )
    conn.close()
