"""Progress figures over the question bank and the review log.

Card counts (due, by state, per topic) are over the cards of the current bank;
reviews, retention and the streak are over the whole log, including reviews of
questions since removed from the content.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from mlsd.quiz.bank import QuizCard
from mlsd.quiz.cards import Review, load_reviews, load_states
from mlsd.quiz.schedule import AGAIN, STATES, CardState, Scheduler


@dataclass(frozen=True)
class TopicMastery:
    """Mean FSRS retrievability of a topic's cards; a card never reviewed counts as 0."""

    topic: str
    cards: int
    mean_retrievability: float


@dataclass(frozen=True)
class Stats:
    """What ``mlsd stats`` reports.

    Attributes:
        total_cards: Cards in the bank.
        reviewed_cards: Cards of the bank reviewed at least once.
        reviews: Reviews in the log.
        due_now: Reviewed cards due at or before now.
        due_next_7_days: Reviewed cards due after now and within 7 days.
        by_state: Cards of the bank by state (new, learning, review, relearning).
        retention: Share of reviews of review-state cards not rated Again (None
            before the first such review).
        streak_days: Consecutive UTC days with a review, ending today (or yesterday
            when nothing has been reviewed yet today).
        topics: Per-topic mastery, weakest first.
    """

    total_cards: int
    reviewed_cards: int
    reviews: int
    due_now: int
    due_next_7_days: int
    by_state: dict[str, int]
    retention: float | None
    streak_days: int
    topics: tuple[TopicMastery, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape."""
        data = asdict(self)
        data["topics"] = [asdict(t) for t in self.topics]
        return data


def compute_stats(
    conn: sqlite3.Connection,
    cards: Sequence[QuizCard],
    at: datetime,
    scheduler: Scheduler | None = None,
) -> Stats:
    """Figures for ``cards`` and the review log as of ``at`` (aware UTC)."""
    states = load_states(conn, [c.card_id for c in cards])
    reviews = load_reviews(conn)
    scheduler = scheduler or Scheduler(enable_fuzzing=False)
    dues = [s.due for s in states.values() if s.state != "new" and s.due is not None]
    return Stats(
        total_cards=len(cards),
        reviewed_cards=sum(s.state != "new" for s in states.values()),
        reviews=len(reviews),
        due_now=sum(d <= at for d in dues),
        due_next_7_days=sum(at < d <= at + timedelta(days=7) for d in dues),
        by_state={name: sum(s.state == name for s in states.values()) for name in STATES},
        retention=retention(reviews),
        streak_days=streak(reviews, at.date()),
        topics=mastery(cards, states, scheduler, at),
    )


def retention(reviews: Sequence[Review]) -> float | None:
    """Share of reviews of review-state cards not rated Again; None if there are none."""
    graded = [r for r in reviews if r.state_before == "review"]
    if not graded:
        return None
    return sum(r.rating != AGAIN for r in graded) / len(graded)


def streak(reviews: Sequence[Review], today: date) -> int:
    """Consecutive UTC days with at least one review, up to today or yesterday."""
    days = {r.reviewed_at.date() for r in reviews}
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def mastery(
    cards: Sequence[QuizCard],
    states: dict[str, CardState],
    scheduler: Scheduler,
    at: datetime,
) -> tuple[TopicMastery, ...]:
    """Mean retrievability per topic, weakest first (ties by topic name)."""
    by_topic: dict[str, list[float]] = defaultdict(list)
    for card in cards:
        by_topic[card.topic].append(scheduler.retrievability(states[card.card_id], at))
    rows = [TopicMastery(t, len(v), sum(v) / len(v)) for t, v in by_topic.items()]
    return tuple(sorted(rows, key=lambda r: (r.mean_retrievability, r.topic)))
