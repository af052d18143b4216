"""`mlsd stats` figures checked against a hand-built review history."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from typer.testing import CliRunner

from mlsd.cli.main import app
from mlsd.quiz.bank import QuizCard
from mlsd.quiz.schedule import fsrs_id
from mlsd.quiz.stats import compute_stats
from mlsd.store import iso, transaction

AT = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)

# card id -> (topic, state, due, stability, days since last review)
CARDS = {
    "tiny-case.mc": ("metrics", "review", AT - timedelta(hours=1), 10.0, 5),
    "tiny-case.card": ("metrics", "relearning", AT + 3 * DAY, 2.0, 1),
    "tiny-case.short": ("drift", "learning", AT + 10 * DAY, 1.0, 2),
    "gone.q": ("metrics", "review", AT - DAY, 5.0, 4),  # no longer in the content
}
# (card id, state before, rating, days before AT); nothing on AT - 4 days
REVIEWS = [
    ("gone.q", "new", 3, 5),
    ("gone.q", "review", 2, 4),
    ("tiny-case.short", "new", 1, 2),
    ("tiny-case.mc", "review", 4, 2),
    ("tiny-case.card", "review", 1, 1),
    ("tiny-case.card", "relearning", 1, 1),
    ("tiny-case.mc", "review", 3, 0),
]


def _fsrs_json(card_id: str, stability: float, due: datetime, last: datetime) -> str:
    return json.dumps(
        {
            "card_id": fsrs_id(card_id),
            "state": 2,
            "step": None,
            "stability": stability,
            "difficulty": 5.0,
            "due": due.isoformat(),
            "last_review": last.isoformat(),
        }
    )


def _build_history(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        for cid, (topic, state, due, stability, ago) in CARDS.items():
            conn.execute(
                "INSERT INTO cards (card_id, topic, state, due, fsrs_card, reps, created_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?)",
                (
                    cid,
                    topic,
                    state,
                    iso(due),
                    _fsrs_json(cid, stability, due, AT - ago * DAY),
                    iso(AT),
                ),
            )
        for cid, before, rating, ago in REVIEWS:
            conn.execute(
                "INSERT INTO reviews (card_id, rating, state_before, reviewed_at) "
                "VALUES (?, ?, ?, ?)",
                (cid, rating, before, iso(AT - ago * DAY + timedelta(minutes=ago))),
            )


def _retrievability(days: int, stability: float) -> float:
    decay = -DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (1 / decay) - 1
    return float((1 + factor * days / stability) ** decay)


def test_stats_match_the_hand_built_history(
    conn: sqlite3.Connection, tiny_cards: list[QuizCard]
) -> None:
    _build_history(conn)
    stats = compute_stats(conn, tiny_cards, AT)
    assert (stats.total_cards, stats.reviewed_cards, stats.reviews) == (3, 3, 7)
    assert (stats.due_now, stats.due_next_7_days) == (1, 1)  # gone.q is not counted
    assert stats.by_state == {"new": 0, "learning": 1, "review": 1, "relearning": 1}
    assert stats.retention == pytest.approx(3 / 4)  # review-state reviews: 4, 2, 1, 3
    assert stats.streak_days == 3
    metrics = (_retrievability(5, 10.0) + _retrievability(1, 2.0)) / 2
    drift = _retrievability(2, 1.0)
    assert drift < metrics
    assert [(t.topic, t.cards) for t in stats.topics] == [("drift", 1), ("metrics", 2)]
    assert [t.mean_retrievability for t in stats.topics] == pytest.approx([drift, metrics])


@pytest.mark.parametrize(("days_later", "streak"), [(0, 3), (1, 3), (2, 0)])
def test_streak_counts_from_yesterday_until_today_has_a_review(
    conn: sqlite3.Connection, tiny_cards: list[QuizCard], days_later: int, streak: int
) -> None:
    _build_history(conn)
    assert compute_stats(conn, tiny_cards, AT + days_later * DAY).streak_days == streak


def test_empty_store(conn: sqlite3.Connection, tiny_cards: list[QuizCard]) -> None:
    stats = compute_stats(conn, tiny_cards, AT)
    assert stats.to_json() == {
        "total_cards": 3,
        "reviewed_cards": 0,
        "reviews": 0,
        "due_now": 0,
        "due_next_7_days": 0,
        "by_state": {"new": 3, "learning": 0, "review": 0, "relearning": 0},
        "retention": None,
        "streak_days": 0,
        "topics": [
            {"topic": "drift", "cards": 1, "mean_retrievability": 0.0},
            {"topic": "metrics", "cards": 2, "mean_retrievability": 0.0},
        ],
    }


def test_stats_json_command(
    conn: sqlite3.Connection, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build_history(conn)
    monkeypatch.setenv("MLSD_NOW", AT.isoformat())
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "total_cards",
        "reviewed_cards",
        "reviews",
        "due_now",
        "due_next_7_days",
        "by_state",
        "retention",
        "streak_days",
        "topics",
    ]
    assert (data["reviewed_cards"], data["reviews"], data["due_now"]) == (3, 7, 1)
    assert data["by_state"]["new"] == data["total_cards"] - 3
    assert (data["retention"], data["streak_days"]) == (0.75, 3)
    assert list(data["topics"][0]) == ["topic", "cards", "mean_retrievability"]
    means = [t["mean_retrievability"] for t in data["topics"]]
    assert means == sorted(means)


def test_stats_table(
    conn: sqlite3.Connection, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build_history(conn)
    monkeypatch.setenv("MLSD_NOW", AT.isoformat())
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    for text in (
        "Due now",
        "relearning",
        "Retention (review cards)",
        "75%",
        "3 days",
        "Mastery by topic",
    ):
        assert text in result.stdout
