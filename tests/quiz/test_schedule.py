"""FSRS wrapper: deterministic with a fixed clock and fuzzing off; our phase labels."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from mlsd.errors import UsageError
from mlsd.quiz.schedule import CardState, Scheduler, clock, fsrs_id, fuzzing_default, next_label

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _history(ratings: list[tuple[int, int]]) -> list[CardState]:
    """Apply (day offset, rating) pairs to a new card with a fresh scheduler."""
    sched, card, out = Scheduler(enable_fuzzing=False), CardState("x.q"), []
    for day, rating in ratings:
        card = sched.review(card, rating, T0 + timedelta(days=day))
        out.append(card)
    return out


HISTORY = [(0, 3), (2, 3), (9, 1), (10, 3), (14, 4)]


def test_same_inputs_give_the_same_schedule() -> None:
    first, second = _history(HISTORY), _history(HISTORY)
    assert [c.due for c in first] == [c.due for c in second]
    assert [c.fsrs_card for c in first] == [c.fsrs_card for c in second]


def test_fuzzing_off_gives_whole_day_intervals() -> None:
    for card, (day, _) in zip(_history(HISTORY), HISTORY, strict=True):
        assert card.due is not None
        interval = card.due - (T0 + timedelta(days=day))
        assert interval >= timedelta(days=1)
        assert interval.seconds == 0


def test_better_ratings_wait_longer() -> None:
    sched = Scheduler(enable_fuzzing=False)
    dues = [sched.review(CardState("x.q"), r, T0).due for r in (1, 2, 3, 4)]
    assert dues == sorted(dues)
    assert dues[0] == T0 + timedelta(days=1)  # FSRS schedules long-term only
    assert dues[3] > dues[0]


def test_phase_labels_follow_ratings() -> None:
    states = [c.state for c in _history([(0, 1), (0, 3), (3, 1), (3, 1), (3, 2), (5, 3)])]
    assert states == ["learning", "review", "relearning", "relearning", "review", "review"]
    assert next_label("new", 4) == "review"


def test_reps_count_and_fsrs_card_round_trip() -> None:
    card = _history(HISTORY)[-1]
    assert card.reps == len(HISTORY)
    data = json.loads(card.fsrs_card or "")
    assert data["card_id"] == fsrs_id("x.q")
    assert data["state"] == 2 and data["step"] is None  # FSRS Review: no learning steps
    assert datetime.fromisoformat(data["due"]) == card.due


def test_retrievability_is_zero_when_new_and_falls_with_time() -> None:
    sched = Scheduler(enable_fuzzing=False)
    assert sched.retrievability(CardState("x.q"), T0) == 0.0
    card = sched.review(CardState("x.q"), 3, T0)
    values = [sched.retrievability(card, T0 + timedelta(days=d)) for d in (0, 1, 5, 30)]
    assert values[0] == pytest.approx(1.0)
    assert values == sorted(values, reverse=True)
    assert 0 < values[-1] < 0.9


def test_fsrs_id_is_a_stable_int() -> None:
    assert fsrs_id("tiny-case.mc") == fsrs_id("tiny-case.mc") != fsrs_id("tiny-case.card")
    assert fsrs_id("tiny-case.mc") == 4354940156570972  # sha256-based: same in every process


def test_review_rejects_naive_datetimes_and_bad_ratings() -> None:
    sched = Scheduler(enable_fuzzing=False)
    with pytest.raises(ValueError, match="UTC"):
        sched.review(CardState("x.q"), 3, datetime(2026, 3, 2, 9))
    with pytest.raises(ValueError, match="1-4"):
        sched.review(CardState("x.q"), 5, T0)


@pytest.mark.parametrize(
    "raw",
    ["2026-03-02T09:00:00Z", "2026-03-02T09:00:00", "2026-03-02T11:00:00+02:00"],
)
def test_clock_reads_mlsd_now_as_utc(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("MLSD_NOW", raw)
    moment = clock()
    assert moment == T0
    assert moment.tzinfo == timezone.utc


def test_clock_without_mlsd_now_is_aware_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLSD_NOW")
    assert clock().tzinfo == timezone.utc


def test_bad_mlsd_now_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSD_NOW", "next tuesday")
    with pytest.raises(UsageError, match="MLSD_NOW"):
        clock()


def test_fuzzing_is_on_unless_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fuzzing_default() is False  # the quiz fixtures set MLSD_FUZZ=0
    monkeypatch.delenv("MLSD_FUZZ")
    assert fuzzing_default() is True
