"""The question bank: every quiz item of every framework step and case study, as cards.

A card's id is the question's ``id`` from the content, so rewording a question keeps
its review history, and a question with a new id starts fresh.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlsd.content.ids import SEVEN_STEPS
from mlsd.errors import MlsdError, UsageError

if TYPE_CHECKING:
    from mlsd.content.loader import Catalog
    from mlsd.content.schema import QuizItem


@dataclass(frozen=True)
class QuizCard:
    """One question of the bank and where it comes from.

    Attributes:
        card_id: Stable card id (the question's id).
        item: The question itself.
        source: Id of the case study or framework that holds it.
        step: Framework step id when it comes from a framework step, else None.
        topic: The question's topic.
    """

    card_id: str
    item: QuizItem
    source: str
    step: str | None
    topic: str


def all_cards(catalog: Catalog) -> list[QuizCard]:
    """Every card: framework steps in order (seven-step first), then cases by id."""
    cards = [
        QuizCard(q.id, q, fw.id, step.id, q.topic)
        for fw in catalog.frameworks()
        for step in fw.steps
        for q in step.quiz
    ]
    cards += [QuizCard(q.id, q, c.id, None, q.topic) for c in catalog.cases() for q in c.quiz]
    return cards


def bank(
    catalog: Catalog,
    case: str | None = None,
    topic: str | None = None,
    step: str | None = None,
) -> list[QuizCard]:
    """The cards matching every given filter.

    Args:
        catalog: Content to draw from.
        case: A case id: only that case's questions.
        topic: Only questions with this topic.
        step: A seven-step or four-step step id: framework questions of that step,
            plus case questions whose topic is that step (for a four-step id, any of
            the seven-step steps it maps to).

    Raises:
        UsageError: an unknown case, topic or step.
        MlsdError: the filters are valid but no question matches them.
    """
    if case is not None:
        catalog.case(case)  # unknown ids: the usual "did you mean" error
    cards = all_cards(catalog)
    if topic is not None:
        _check_known("topic", topic, {c.topic for c in cards})
    steps = _step_topics(catalog, step) if step is not None else None
    chosen = [
        c
        for c in cards
        if (case is None or (c.source == case and c.step is None))
        and (topic is None or c.topic == topic)
        and (steps is None or c.step == step or (c.step is None and c.topic in steps))
    ]
    if not chosen:
        raise MlsdError(f"no quiz questions match {describe(case, topic, step)}")
    return chosen


def describe(case: str | None, topic: str | None, step: str | None) -> str:
    """The filters as the user typed them, for messages."""
    parts = [f"--{k} {v}" for k, v in (("case", case), ("topic", topic), ("step", step)) if v]
    return " ".join(parts) or "(no filter)"


def _step_topics(catalog: Catalog, step: str) -> set[str]:
    """Seven-step ids that ``step`` stands for (itself, or a four-step step's mapping)."""
    if step in SEVEN_STEPS:
        return {step}
    for fw in catalog.frameworks():
        mapping = fw.mapping_to("seven-step")
        if mapping is not None and step in mapping.steps:
            return set(mapping.steps[step])
    known = [s.id for fw in catalog.frameworks() for s in fw.steps]
    _check_known("step", step, set(known))
    return set()  # a step of a framework without a seven-step mapping


def _check_known(what: str, value: str, known: Iterable[str]) -> None:
    names = sorted(set(known))
    if value in names:
        return
    close = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"unknown {what} {value!r}{hint} (known: {', '.join(names)})")


def choice_order(card: QuizCard, showing: int) -> list[int]:
    """Order in which to show a multiple-choice card's choices (indexes into ``choices``).

    Shuffled, but the same for the same card and showing number, so a test (or a
    user comparing notes) can know the order.
    """
    order = list(range(len(card.item.choices or [])))
    random.Random(f"{card.card_id}:{showing}").shuffle(order)
    return order
