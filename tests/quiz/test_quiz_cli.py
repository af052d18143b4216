"""`mlsd quiz` through CliRunner: every question type, the learning queue, bad input."""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from mlsd.cli.main import app
from mlsd.quiz.bank import QuizCard
from mlsd.quiz.cards import load_reviews, load_states
from mlsd.store import connect

from .conftest import DAY2, DAY3

RATING = "1 Again  2 Hard  3 Good  4 Easy"
RightChoice = Callable[[QuizCard, int], int]


def _quiz(runner: CliRunner, *args: str, input: str = "") -> Result:
    return runner.invoke(app, ["quiz", *args], input=input)


def _reviews() -> list[tuple[str, int, str, bool | None]]:
    conn = connect()
    try:
        return [(r.card_id, r.rating, r.state_before, r.correct) for r in load_reviews(conn)]
    finally:
        conn.close()


def _stats(runner: CliRunner) -> dict[str, Any]:
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_multiple_choice_right_answer_defaults_to_good(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    right = right_choice(tiny_cards[0], 0)
    result = _quiz(runner, "--case", "tiny-case", "-n", "1", input=f"{right}\n\n")
    assert result.exit_code == 0, result.output
    assert "1/1" in result.stdout
    assert "Your choice [1-2]" in result.stdout
    assert "Correct." in result.stdout
    assert "AUC ignores scale." in result.stdout  # the explanation after answering
    assert f"{RATING} [3]" in result.stdout
    assert "Session done" in result.stdout
    assert _reviews() == [("tiny-case.mc", 3, "new", True)]


def test_wrong_choice_defaults_to_again_and_the_card_comes_back(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    wrong = 3 - right_choice(tiny_cards[0], 0)
    again = right_choice(tiny_cards[0], 1)
    result = _quiz(runner, "--case", "tiny-case", "-n", "1", input=f"{wrong}\n\n{again}\n\n")
    assert result.exit_code == 0, result.output
    assert "Not quite." in result.stdout
    assert f"{RATING} [1]" in result.stdout
    assert "comes back in a few cards" in result.stdout
    assert "2/2" in result.stdout and "(again)" in result.stdout
    assert _reviews() == [
        ("tiny-case.mc", 1, "new", False),
        ("tiny-case.mc", 3, "learning", True),
    ]
    assert "1 of 1 recalled" not in result.stdout and "0 of 1 recalled" in result.stdout


def test_the_rating_of_a_choice_can_be_overridden(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    wrong = 3 - right_choice(tiny_cards[0], 0)
    result = _quiz(runner, "--case", "tiny-case", "-n", "1", input=f"{wrong}\n2\n")
    assert result.exit_code == 0, result.output
    assert "(again)" not in result.stdout
    assert _reviews() == [("tiny-case.mc", 2, "new", False)]


def test_flashcard_reveals_then_self_rates(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    right = right_choice(tiny_cards[0], 0)
    args = ["--case", "tiny-case", "--topic", "metrics"]
    result = _quiz(runner, *args, input=f"{right}\n\n\n4\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Press Enter to reveal") < out.index("Answer: Log loss over the entropy")
    assert out.count(RATING) == 2
    assert _reviews()[-1] == ("tiny-case.card", 4, "new", None)


def test_short_answer_takes_lines_until_an_empty_one(runner: CliRunner) -> None:
    answer = "I would use PSI\nand a Kolmogorov-Smirnov test\n\n"
    result = _quiz(runner, "--case", "tiny-case", "--topic", "drift", input=f"{answer}2\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Your answer" in out
    assert "Reference: PSI and KS." in out
    assert "Concepts: 2 of 2 named" in out and "✓ PSI" in out and "✓ KS" in out
    assert _reviews() == [("tiny-case.short", 2, "new", None)]


def test_short_answer_checklist_shows_missed_concepts(runner: CliRunner) -> None:
    result = _quiz(runner, "--case", "tiny-case", "--topic", "drift", input="PSI\n\n3\n")
    assert result.exit_code == 0, result.output
    assert "✓ PSI" in result.stdout and "✗ KS" in result.stdout


def test_invalid_replies_are_asked_again(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    right = right_choice(tiny_cards[0], 0)
    result = _quiz(
        runner, "--case", "tiny-case", "-n", "1", input=f"x\n9\n0\n{right}\n7\nGood\n3\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Type a number from 1 to 2.") == 3
    assert result.stdout.count("Type a number from 1 to 4.") == 2
    assert _reviews() == [("tiny-case.mc", 3, "new", True)]


def test_a_whole_first_session_then_stats(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    right = right_choice(tiny_cards[0], 0)
    script = f"{right}\n\n" + "\n1\n" + "PSI and KS\n\n3\n" + "\n3\n"
    result = _quiz(runner, "--case", "tiny-case", input=script)
    assert result.exit_code == 0, result.output
    assert "Quiz: 0 due, 3 new" in result.stdout
    assert "4/4" in result.stdout  # the flashcard rated Again came back
    assert "2 of 3 recalled on first try" in result.stdout
    assert "multiple choice 1 of 1 correct" in result.stdout
    assert "review 3" in result.stdout
    assert "tomorrow" in result.stdout  # next reviews
    stats = _stats(runner)
    assert (stats["reviewed_cards"], stats["reviews"]) == (3, 4)
    assert stats["by_state"]["review"] == 3
    assert stats["streak_days"] == 1


def test_next_day_due_cards_come_first(
    runner: CliRunner,
    tiny_cards: list[QuizCard],
    right_choice: RightChoice,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    right = right_choice(tiny_cards[0], 0)
    day1 = _quiz(runner, "--case", "tiny-case", "-n", "2", input=f"{right}\n4\n\n1\n\n1\n\n1\n")
    assert day1.exit_code == 0, day1.output
    conn = connect()
    states = load_states(conn, ["tiny-case.mc", "tiny-case.card"])
    conn.close()
    assert states["tiny-case.card"].state == "learning"  # failed three times: back tomorrow
    monkeypatch.setenv("MLSD_NOW", DAY2)
    day2 = _quiz(runner, "--case", "tiny-case", input="\n3\nPSI\n\n3\n")
    assert day2.exit_code == 0, day2.output
    out = day2.stdout
    assert "Quiz: 1 due, 1 new" in out  # the Easy multiple choice is not due yet
    assert out.index("What is NE?") < out.index("Name two drift tests.")
    assert "Which metric" not in out
    assert _reviews()[-2][:3] == ("tiny-case.card", 3, "learning")
    assert _stats(runner)["streak_days"] == 2


def test_card_ids_survive_a_content_edit(
    runner: CliRunner,
    tiny_cards: list[QuizCard],
    right_choice: RightChoice,
    case_data: dict[str, Any],
    write_case: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    right = right_choice(tiny_cards[0], 0)
    first = _quiz(runner, "--case", "tiny-case", "-n", "1", input=f"{right}\n\n")
    assert first.exit_code == 0, first.output
    case_data["quiz"][0]["question"] = "Reworded: which metric notices miscalibration?"
    case_data["quiz"][1]["id"] = "tiny-case.card-v2"
    write_case(case_data, tmp_path / "edited")
    monkeypatch.setenv("MLSD_CONTENT_DIR", str(tmp_path / "edited"))
    monkeypatch.setenv("MLSD_NOW", DAY3)  # the Good answer is due by then
    again = right_choice(tiny_cards[0], 1)
    second = _quiz(runner, "--case", "tiny-case", "-n", "1", input=f"{again}\n\n")
    assert second.exit_code == 0, second.output
    assert "Quiz: 1 due, 0 new" in second.stdout
    assert "Reworded: which metric" in second.stdout
    assert "Correct." in second.stdout
    conn = connect()
    states = load_states(conn, ["tiny-case.mc", "tiny-case.card-v2"])
    conn.close()
    assert states["tiny-case.mc"].reps == 2  # history kept across the rewording
    assert states["tiny-case.card-v2"].state == "new"  # a new id starts fresh


def test_end_of_input_saves_and_exits_130(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    right = right_choice(tiny_cards[0], 0)
    result = _quiz(runner, "--case", "tiny-case", input=f"{right}\n\n")
    assert result.exit_code == 130
    assert "saved 1 answered card; run `mlsd quiz` to continue" in result.stderr
    assert "Traceback" not in result.output
    assert _stats(runner)["reviews"] == 1


def test_ctrl_c_saves_and_exits_130(
    runner: CliRunner,
    tiny_cards: list[QuizCard],
    right_choice: RightChoice,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replies = iter([str(right_choice(tiny_cards[0], 0)), ""])

    def fake_input(prompt: str = "") -> str:
        print(prompt, end="")
        reply = next(replies, None)
        if reply is None:
            raise KeyboardInterrupt
        return reply

    monkeypatch.setattr(builtins, "input", fake_input)
    result = _quiz(runner, "--case", "tiny-case")
    assert result.exit_code == 130
    assert "saved 1 answered card" in result.stderr
    assert "Press Enter to reveal" in result.stdout
    assert _reviews() == [("tiny-case.mc", 3, "new", True)]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--case", "tiny-case", "--topic", "clarify"], 1, "no quiz questions match"),
        (["--topic", "nope"], 2, "unknown topic 'nope'"),
        (["--case", "tiny-cas"], 2, "did you mean tiny-case"),
        (["--step", "nope"], 2, "unknown step 'nope'"),
        (["-n", "0"], 2, "-n"),
        (["-n", "-1"], 2, "-n"),
        (["-n", "abc"], 2, "-n"),
        (["--new", "-1"], 2, "--new"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else str(v),
)
def test_bad_filters_and_counts(
    runner: CliRunner, args: list[str], code: int, message: str
) -> None:
    result = _quiz(runner, *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert _reviews() == []


def test_nothing_due(
    runner: CliRunner, tiny_cards: list[QuizCard], right_choice: RightChoice
) -> None:
    result = _quiz(runner, "--case", "tiny-case", "--due-only")
    assert result.exit_code == 0, result.output
    assert "Nothing to review now" in result.stdout and "without --due-only" in result.stdout
    right = right_choice(tiny_cards[0], 0)
    _quiz(
        runner,
        "--case",
        "tiny-case",
        "-n",
        "1",
        input=f"{right}\n1\n{right_choice(tiny_cards[0], 1)}\n3\n",
    )
    result = _quiz(runner, "--case", "tiny-case", "--due-only")
    assert "next review is due tomorrow" in result.stdout


def test_help_lists_the_options(runner: CliRunner) -> None:
    result = runner.invoke(app, ["quiz", "--help"])
    assert result.exit_code == 0
    for option in ("--case", "--topic", "--step", "-n", "--new", "--due-only"):
        assert option in result.stdout
