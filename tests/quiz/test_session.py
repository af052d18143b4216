"""Session planning, the in-session learning queue, saving, and the summary."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

from mlsd.quiz.bank import QuizCard
from mlsd.quiz.cards import load_reviews, load_states
from mlsd.quiz.schedule import CardState, Scheduler
from mlsd.quiz.session import MAX_REPEATS, REQUEUE_GAP, Session, next_due, plan
from mlsd.store import connect

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _reviewed(card_id: str, due: datetime) -> CardState:
    return CardState(card_id, "review", due, 1, "{}")


def _session(conn: sqlite3.Connection, cards: list[QuizCard]) -> Session:
    states = load_states(conn, [c.card_id for c in cards])
    return Session(conn, cards, states, Scheduler(enable_fuzzing=False), now=lambda: T0)


def _play(session: Session, ratings: dict[str, list[int]]) -> list[tuple[str, int]]:
    """Answer until the end; each card takes its ratings in turn. Returns (id, repeat)."""
    shown = []
    while (s := session.next()) is not None:
        shown.append((s.card.card_id, s.repeat))
        session.answer(s, ratings[s.card.card_id].pop(0))
    return shown


def test_plan_puts_due_cards_first_most_overdue_first(tiny_cards: list[QuizCard]) -> None:
    mc, card, short = tiny_cards
    states = {
        mc.card_id: CardState(mc.card_id),
        card.card_id: _reviewed(card.card_id, T0 - timedelta(hours=1)),
        short.card_id: _reviewed(short.card_id, T0 - timedelta(days=2)),
    }
    assert [c.card_id for c in plan(tiny_cards, states, T0, 10, 10)] == [
        short.card_id,
        card.card_id,
        mc.card_id,
    ]


def test_plan_caps_new_cards_and_the_total(tiny_cards: list[QuizCard]) -> None:
    mc, _, short = tiny_cards
    states = {c.card_id: CardState(c.card_id) for c in tiny_cards}
    states[short.card_id] = _reviewed(short.card_id, T0)
    assert [c.card_id for c in plan(tiny_cards, states, T0, 10, 1)] == [short.card_id, mc.card_id]
    assert [c.card_id for c in plan(tiny_cards, states, T0, 1, 10)] == [short.card_id]
    assert [c.card_id for c in plan(tiny_cards, states, T0, 10, 0)] == [short.card_id]


def test_cards_not_yet_due_are_left_out(tiny_cards: list[QuizCard]) -> None:
    states = {c.card_id: _reviewed(c.card_id, T0 + timedelta(days=1)) for c in tiny_cards}
    assert plan(tiny_cards, states, T0, 10, 10) == []
    assert next_due(tiny_cards, states) == T0 + timedelta(days=1)


def test_again_comes_back_a_few_cards_later(
    conn: sqlite3.Connection, tiny_cards: list[QuizCard]
) -> None:
    cards = list(tiny_cards)
    extra = [QuizCard(f"extra.{i}", c.item, "x", None, c.topic) for i, c in enumerate(tiny_cards)]
    session = _session(conn, cards + extra)
    ratings = {c.card_id: [3] for c in cards + extra}
    ratings["tiny-case.mc"] = [1, 3]
    shown = _play(session, ratings)
    assert shown.index(("tiny-case.mc", 1)) == REQUEUE_GAP + 1  # after REQUEUE_GAP other cards
    assert len(shown) == 7


def test_again_repeats_at_most_max_repeats_times(
    conn: sqlite3.Connection, tiny_cards: list[QuizCard]
) -> None:
    session = _session(conn, tiny_cards[:1])
    shown = _play(session, {"tiny-case.mc": [1] * 10})
    assert shown == [("tiny-case.mc", r) for r in range(MAX_REPEATS + 1)]
    state = load_states(conn, ["tiny-case.mc"])["tiny-case.mc"]
    assert state.state == "learning"  # still failing: asked first next time
    assert state.due == T0 + timedelta(days=1)


def test_every_rating_is_saved_at_once_and_given_to_fsrs(tiny_cards: list[QuizCard]) -> None:
    writer = connect()
    session = _session(writer, tiny_cards[:2])
    reader = connect()  # a second connection sees each answer as soon as it is given
    first = session.next()
    assert first is not None
    session.answer(first, 1, correct=False)
    assert [(r.card_id, r.rating, r.state_before, r.correct) for r in load_reviews(reader)] == [
        ("tiny-case.mc", 1, "new", False)
    ]
    _play(session, {"tiny-case.card": [3], "tiny-case.mc": [3]})
    log = [(r.card_id, r.rating, r.state_before) for r in load_reviews(reader)]
    assert log[1:] == [("tiny-case.card", 3, "new"), ("tiny-case.mc", 3, "learning")]
    assert load_states(reader, ["tiny-case.mc"])["tiny-case.mc"].reps == 2
    writer.close()
    reader.close()


def test_summary_counts_first_answers_and_states(
    conn: sqlite3.Connection, tiny_cards: list[QuizCard]
) -> None:
    session = _session(conn, tiny_cards)
    while (s := session.next()) is not None:
        rating = {"tiny-case.mc": 1, "tiny-case.card": 3, "tiny-case.short": 4}[s.card.card_id]
        session.answer(
            s,
            rating if s.repeat == 0 else 3,
            correct=(s.repeat > 0) if s.card.item.type == "multiple_choice" else None,
        )
    summary = session.summary()
    assert (summary.cards, summary.reviews, summary.recalled) == (3, 4, 2)
    assert (summary.mc_correct, summary.mc_asked) == (0, 1)
    assert summary.by_state == {"new": 0, "learning": 0, "review": 3, "relearning": 0}
    assert sum(n for _, n in summary.due_days) == 3
    assert [d for d, _ in summary.due_days] == sorted(d for d, _ in summary.due_days)
    assert session.answered == 3


def test_counter_grows_when_a_card_is_put_back(
    conn: sqlite3.Connection, tiny_cards: list[QuizCard]
) -> None:
    session = _session(conn, tiny_cards[:2])
    first = session.next()
    assert first is not None and (first.number, first.total) == (1, 2)
    session.answer(first, 1)
    second = session.next()
    assert second is not None and (second.number, second.total) == (2, 3)
