"""Quiz test fixtures: the tiny fixture case as content, a pinned clock, no fuzzing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mlsd.content.loader import Catalog
from mlsd.quiz.bank import QuizCard, all_cards, choice_order
from mlsd.store import connect

DAY1 = "2026-03-02T09:00:00+00:00"
DAY2 = "2026-03-03T09:00:00+00:00"
DAY3 = "2026-03-04T09:00:00+00:00"


@pytest.fixture(autouse=True)
def quiz_env(monkeypatch: pytest.MonkeyPatch, valid_dir: Path) -> None:
    """Content = shipped + tests/fixtures/valid (tiny-case); clock on DAY1; fuzzing off."""
    monkeypatch.setenv("MLSD_CONTENT_DIR", str(valid_dir))
    monkeypatch.setenv("MLSD_NOW", DAY1)
    monkeypatch.setenv("MLSD_FUZZ", "0")


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    """A connection to the test's own store (under the temp MLSD_HOME)."""
    connection = connect()
    yield connection
    connection.close()


@pytest.fixture
def tiny_cards() -> list[QuizCard]:
    """The fixture case's three cards: tiny-case.mc, tiny-case.card, tiny-case.short."""
    return [c for c in all_cards(Catalog()) if c.source == "tiny-case"]


def _right_choice(card: QuizCard, reps: int) -> int:
    choices = card.item.choices or []
    order = choice_order(card, reps)
    return order.index(choices.index(card.item.answer)) + 1


@pytest.fixture
def right_choice() -> Callable[[QuizCard, int], int]:
    """``f(card, reps)``: the number the right answer is shown under after ``reps`` reviews."""
    return _right_choice
