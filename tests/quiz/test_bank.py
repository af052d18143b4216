"""The question bank: every quiz item becomes a card; filters by case, topic and step."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mlsd.content.loader import Catalog
from mlsd.errors import MlsdError, UsageError
from mlsd.quiz.bank import all_cards, bank, choice_order


def test_every_quiz_item_is_a_card_with_a_unique_id() -> None:
    cat = Catalog()
    cards = all_cards(cat)
    expected = sum(len(s.quiz) for fw in cat.frameworks() for s in fw.steps)
    expected += sum(len(c.quiz) for c in cat.cases())
    assert len(cards) == expected > 100
    assert not [i for i, n in Counter(c.card_id for c in cards).items() if n > 1]
    assert all(c.card_id == c.item.id and c.topic == c.item.topic for c in cards)
    assert {c.item.type for c in cards} == {"multiple_choice", "flashcard", "short_answer"}


def test_framework_cards_carry_their_step_and_case_cards_do_not() -> None:
    cards = all_cards(Catalog())
    fw = [c for c in cards if c.source in ("seven-step", "four-step")]
    assert fw and all(c.step for c in fw)
    assert all(c.step is None for c in cards if c.source == "tiny-case")


def test_case_filter_selects_only_that_case() -> None:
    ids = [c.card_id for c in bank(Catalog(), case="tiny-case")]
    assert ids == ["tiny-case.mc", "tiny-case.card", "tiny-case.short"]


def test_unknown_case_suggests_close_ids() -> None:
    with pytest.raises(UsageError, match="did you mean tiny-case"):
        bank(Catalog(), case="tiny-cas")


def test_topic_filter_and_unknown_topic() -> None:
    cards = bank(Catalog(), topic="drift")
    assert cards and all(c.topic == "drift" for c in cards)
    with pytest.raises(UsageError, match=r"unknown topic 'drfit'; did you mean drift\?.*known:"):
        bank(Catalog(), topic="drfit")


def test_seven_step_filter_takes_the_step_and_case_questions_on_it() -> None:
    cards = bank(Catalog(), step="metrics")
    sources = {(c.source, c.step) for c in cards}
    assert ("seven-step", "metrics") in sources
    assert ("tiny-case", None) in sources
    assert all(c.step == "metrics" or (c.step is None and c.topic == "metrics") for c in cards)
    assert not [c for c in cards if c.source == "four-step"]


def test_four_step_filter_maps_case_topics_through_the_framework() -> None:
    cards = bank(Catalog(), step="define-problem")
    assert {c.step for c in cards if c.source == "four-step"} == {"define-problem"}
    case_topics = {c.topic for c in cards if c.step is None}
    assert case_topics and case_topics <= {"clarify", "metrics"}


def test_unknown_step_lists_steps() -> None:
    with pytest.raises(UsageError, match=r"unknown step 'modle'; did you mean model\?"):
        bank(Catalog(), step="modle")


def test_valid_filters_matching_nothing_are_an_error_not_a_usage_error() -> None:
    with pytest.raises(
        MlsdError, match="no quiz questions match --case tiny-case --topic clarify"
    ) as info:
        bank(Catalog(), case="tiny-case", topic="clarify")
    assert info.value.exit_code == 1


def test_card_id_survives_a_wording_edit(
    case_data: dict[str, Any], write_case: Any, tmp_path: Path
) -> None:
    case_data["quiz"][0]["question"] = "Reworded: which metric cares about calibration?"
    folder = tmp_path / "edited"
    write_case(case_data, folder)
    [card] = [c for c in bank(Catalog([folder]), case="tiny-case") if c.card_id == "tiny-case.mc"]
    assert card.item.question.startswith("Reworded")


def test_choice_order_is_a_stable_permutation() -> None:
    [card] = [
        c for c in bank(Catalog(), case="ad-click-prediction") if c.card_id.endswith("ne-vs-auc")
    ]
    orders = [choice_order(card, n) for n in range(6)]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert orders == [choice_order(card, n) for n in range(6)]  # same inputs, same order
    assert len({tuple(o) for o in orders}) > 1  # reshuffled between showings
