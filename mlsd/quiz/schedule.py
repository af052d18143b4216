"""FSRS scheduling: the only module that imports ``fsrs``.

FSRS schedules long-term only: the wrapped scheduler has no learning or relearning
steps, so every rating moves a card to FSRS's Review state with a due date at
least a day away. Short-term repetition (a card rated Again coming back in the
same session) is the session's job; this module tracks which phase a card is in
with its own label:

    new --Again--> learning --Hard/Good/Easy--> review --Again--> relearning
    (and new --Hard/Good/Easy--> review; relearning --Hard/Good/Easy--> review)

The clock and fuzzing can be pinned for tests through two environment variables
read here and nowhere else: ``MLSD_NOW`` (an ISO datetime; naive means UTC) and
``MLSD_FUZZ=0``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import fsrs

from mlsd.errors import UsageError
from mlsd.store import now as store_now

NOW_ENV = "MLSD_NOW"
FUZZ_ENV = "MLSD_FUZZ"

STATES: tuple[str, ...] = ("new", "learning", "review", "relearning")
RATINGS: dict[int, str] = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
AGAIN = 1


def clock() -> datetime:
    """The current time in UTC, or ``MLSD_NOW`` when set (tests move the clock with it).

    Raises:
        UsageError: ``MLSD_NOW`` is not an ISO 8601 date or datetime.
    """
    raw = os.environ.get(NOW_ENV, "").strip()
    if not raw:
        return store_now()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{NOW_ENV}={raw!r} is not an ISO datetime") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def fuzzing_default() -> bool:
    """Fuzz intervals (as FSRS recommends) unless ``MLSD_FUZZ=0``."""
    return os.environ.get(FUZZ_ENV, "1").strip() not in ("0", "false", "no", "off")


def fsrs_id(card_id: str) -> int:
    """A stable positive integer for FSRS's ``card_id`` (it wants an int)."""
    return int.from_bytes(hashlib.sha256(card_id.encode()).digest()[:7], "big")


@dataclass(frozen=True)
class CardState:
    """What the store knows about one card.

    Attributes:
        card_id: The question id.
        state: One of :data:`STATES`.
        due: When the card is next due (None while new).
        reps: Reviews so far.
        fsrs_card: FSRS's card as JSON (``Card.to_dict``), None while new.
    """

    card_id: str
    state: str = "new"
    due: datetime | None = None
    reps: int = 0
    fsrs_card: str | None = None


def next_label(state: str, rating: int) -> str:
    """The phase a card moves to after ``rating`` (see the module docstring)."""
    if rating != AGAIN:
        return "review"
    return "relearning" if state in ("review", "relearning") else "learning"


class Scheduler:
    """FSRS with its learning steps removed; every datetime must be aware UTC."""

    def __init__(self, enable_fuzzing: bool | None = None, desired_retention: float = 0.9):
        """Create the scheduler; fuzzing defaults to :func:`fuzzing_default`."""
        fuzz = fuzzing_default() if enable_fuzzing is None else enable_fuzzing
        self._fsrs = fsrs.Scheduler(
            desired_retention=desired_retention,
            learning_steps=(),
            relearning_steps=(),
            enable_fuzzing=fuzz,
        )

    def review(self, card: CardState, rating: int, at: datetime) -> CardState:
        """Apply one rating (1 Again .. 4 Easy) given at ``at``; return the new state.

        Raises:
            ValueError: ``rating`` is not 1-4 or ``at`` is not aware UTC.
        """
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1-4, got {rating!r}")
        updated, _log = self._fsrs.review_card(
            _to_fsrs(card), fsrs.Rating(rating), review_datetime=at
        )
        return replace(
            card,
            state=next_label(card.state, rating),
            due=updated.due,
            reps=card.reps + 1,
            fsrs_card=json.dumps(updated.to_dict()),
        )

    def retrievability(self, card: CardState, at: datetime) -> float:
        """FSRS's probability of recalling ``card`` at ``at`` (0 for a new card)."""
        if card.fsrs_card is None:
            return 0.0
        return float(self._fsrs.get_card_retrievability(_to_fsrs(card), current_datetime=at))


def _to_fsrs(card: CardState) -> fsrs.Card:
    if card.fsrs_card is None:
        return fsrs.Card(
            card_id=fsrs_id(card.card_id), due=datetime(1970, 1, 1, tzinfo=timezone.utc)
        )
    return fsrs.Card.from_dict(json.loads(card.fsrs_card))
