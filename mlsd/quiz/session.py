"""A quiz session: which cards to ask, in what order, and the in-session learning queue.

Policy for a card rated Again (FSRS itself has no learning steps here, see
:mod:`mlsd.quiz.schedule`): it is put back :data:`REQUEUE_GAP` cards later, at most
:data:`MAX_REPEATS` times per session, and leaves the queue as soon as it is rated
Hard or better. **Every** rating, repeats included, is a review given to FSRS and
logged, as Anki feeds same-day reviews to FSRS: FSRS-6 has a short-term stability
term made for them, so a card failed and then recalled a few minutes later is
scheduled differently from one failed and left. Ratings of repeats are logged with
``state_before`` learning/relearning, so they do not count towards retention.
A card still failing after its last repeat keeps FSRS's due date (the next day) and
its ``learning``/``relearning`` label.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from mlsd.quiz.bank import QuizCard
from mlsd.quiz.cards import save_review
from mlsd.quiz.schedule import AGAIN, STATES, CardState, Scheduler, clock

REQUEUE_GAP = 3
MAX_REPEATS = 2


def plan(
    cards: Sequence[QuizCard],
    states: dict[str, CardState],
    at: datetime,
    limit: int,
    new_limit: int,
) -> list[QuizCard]:
    """Due cards first (most overdue first), then up to ``new_limit`` new ones; ``limit`` in all.

    New cards keep the bank's order (framework steps in order, then case studies).
    """
    due = [c for c in cards if _is_due(states[c.card_id], at)]
    due.sort(key=lambda c: (states[c.card_id].due, c.card_id))
    new = [c for c in cards if states[c.card_id].state == "new"][: max(new_limit, 0)]
    return (due + new)[:limit]


def _is_due(state: CardState, at: datetime) -> bool:
    return state.state != "new" and state.due is not None and state.due <= at


def next_due(cards: Sequence[QuizCard], states: dict[str, CardState]) -> datetime | None:
    """When the earliest reviewed card of ``cards`` falls due (None if none reviewed)."""
    dues = [s.due for c in cards if (s := states[c.card_id]).due is not None]
    return min(dues, default=None)


@dataclass(frozen=True)
class Showing:
    """The card to ask now.

    Attributes:
        card: The question.
        state: Its state before this answer.
        number: 1-based position in the session.
        total: Showings planned so far (grows when a card is put back).
        repeat: 0 the first time this session, then 1, 2, ...
    """

    card: QuizCard
    state: CardState
    number: int
    total: int
    repeat: int


@dataclass(frozen=True)
class Rated:
    """The result of rating a showing: the card's new state, and whether it comes back."""

    state: CardState
    back_soon: bool


@dataclass(frozen=True)
class Summary:
    """End-of-session figures.

    Attributes:
        cards: Distinct cards answered.
        reviews: Ratings given, repeats included.
        recalled: Cards not rated Again the first time they were shown.
        mc_correct: Multiple-choice cards answered correctly the first time.
        mc_asked: Multiple-choice cards asked.
        by_state: The answered cards by their state now.
        due_days: The answered cards' due dates, as (UTC day, count), soonest first.
    """

    cards: int
    reviews: int
    recalled: int
    mc_correct: int
    mc_asked: int
    by_state: dict[str, int]
    due_days: tuple[tuple[date, int], ...]


@dataclass
class Session:
    """Runs a planned list of cards, saving each rating as soon as it is given."""

    conn: sqlite3.Connection
    cards: Sequence[QuizCard]
    states: dict[str, CardState]
    scheduler: Scheduler
    now: Callable[[], datetime] = clock
    _queue: deque[tuple[QuizCard, int]] = field(init=False)
    _shown: int = field(init=False, default=0)
    _reviews: int = field(init=False, default=0)
    _first: dict[str, tuple[int, bool | None]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._queue = deque((c, 0) for c in self.cards)

    @property
    def answered(self) -> int:
        """Distinct cards rated (and saved) so far."""
        return len(self._first)

    def next(self) -> Showing | None:
        """The next card to ask, or None when the session is over."""
        if not self._queue:
            return None
        card, repeat = self._queue.popleft()
        self._shown += 1
        total = self._shown + len(self._queue)
        return Showing(card, self.states[card.card_id], self._shown, total, repeat)

    def answer(self, showing: Showing, rating: int, correct: bool | None = None) -> Rated:
        """Rate the shown card: schedule it, save it, and put it back if rated Again.

        Args:
            showing: What :meth:`next` returned.
            rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
            correct: For multiple choice, whether the chosen answer was right.
        """
        at = self.now()
        before = self.states[showing.card.card_id]
        after = self.scheduler.review(before, rating, at)
        save_review(self.conn, showing.card.topic, before, after, rating, at, correct)
        self.states[after.card_id] = after
        self._reviews += 1
        self._first.setdefault(after.card_id, (rating, correct))
        back_soon = rating == AGAIN and showing.repeat < MAX_REPEATS
        if back_soon:
            position = min(REQUEUE_GAP, len(self._queue))
            self._queue.insert(position, (showing.card, showing.repeat + 1))
        return Rated(after, back_soon)

    def summary(self) -> Summary:
        """Figures for the cards answered so far."""
        answered = [self.states[cid] for cid in self._first]
        firsts = list(self._first.values())
        days = Counter(s.due.date() for s in answered if s.due is not None)
        return Summary(
            cards=len(answered),
            reviews=self._reviews,
            recalled=sum(r != AGAIN for r, _ in firsts),
            mc_correct=sum(c is True for _, c in firsts),
            mc_asked=sum(c is not None for _, c in firsts),
            by_state={s: sum(a.state == s for a in answered) for s in STATES},
            due_days=tuple(sorted(days.items())),
        )
