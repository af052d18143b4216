"""Drive a quiz :class:`~mlsd.quiz.session.Session` from the terminal: prompts and input.

Input is read with plain ``input()``, so a terminal, a pipe, ``CliRunner(input=...)``
and pexpect all drive it the same way; a reply that is not accepted is asked again.

Ctrl-C and end of input (Ctrl-D, or a script's answers running out) both stop the
session: every card already rated is saved (one transaction each), one line says
so, and the exit status is 130. End of input counts as an interruption rather than
a finished session so that a script whose input ran short is told so by the status.

Imported only when ``mlsd quiz`` runs, so other commands do not pay for pydantic
and fsrs at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import typer

from mlsd.practice.rubric import check
from mlsd.quiz.bank import choice_order
from mlsd.quiz.schedule import RATINGS, clock
from mlsd.quiz.session import Session, Showing
from mlsd.render import quiz as render

RATING_PROMPT = "Rate: " + "  ".join(f"{k} {v}" for k, v in RATINGS.items())
INTERRUPTED = 130


@dataclass(frozen=True)
class Answer:
    """The learner's rating of one showing (and, for multiple choice, correctness)."""

    rating: int
    correct: bool | None = None


def play(session: Session) -> None:
    """Run ``session`` to the end and print its summary.

    Raises:
        typer.Exit: code 130 on Ctrl-C or end of input, after saying what was saved.
    """
    try:
        run(session)
    except (KeyboardInterrupt, EOFError):
        render.interrupted(session.answered)
        raise typer.Exit(INTERRUPTED) from None
    render.summary(session.summary(), clock().date())


def run(session: Session) -> None:
    """Ask every card of ``session`` in turn, saving each rating as it is given.

    Raises:
        KeyboardInterrupt: Ctrl-C (everything rated so far is already saved).
        EOFError: end of input, likewise.
    """
    while (showing := session.next()) is not None:
        answer = ask(showing)
        rated = session.answer(showing, answer.rating, answer.correct)
        render.scheduled(rated.state.state, rated.state.due, clock().date(), rated.back_soon)


def ask(showing: Showing) -> Answer:
    """Show one card, read the learner's answer and rating."""
    item = showing.card.item
    if item.type == "multiple_choice":
        return _multiple_choice(showing)
    render.question(showing)
    if item.type == "flashcard":
        input("Press Enter to reveal ")
        render.reveal(item)
    else:
        render.short_feedback(item, check(read_lines(), item.rubric))
    return Answer(read_rating())


def _multiple_choice(showing: Showing) -> Answer:
    item = showing.card.item
    choices = [(item.choices or [])[i] for i in choice_order(showing.card, showing.state.reps)]
    render.question(showing, choices)
    picked = read_number(f"Your choice [1-{len(choices)}]: ", len(choices))
    correct = choices[picked - 1] == item.answer
    render.choice_feedback(correct, choices.index(item.answer) + 1, item.answer, item.explanation)
    return Answer(read_rating(default=3 if correct else 1), correct)


def read_number(prompt: str, highest: int, default: int | None = None) -> int:
    """Ask until the reply is a number 1..highest (Enter takes ``default`` if given)."""
    while True:
        reply = input(prompt).strip()
        if not reply and default is not None:
            return default
        if reply.isdigit() and 1 <= int(reply) <= highest:
            return int(reply)
        render.invalid(f"Type a number from 1 to {highest}.")


def read_rating(default: int | None = None) -> int:
    """The ``1 Again  2 Hard  3 Good  4 Easy`` prompt; Enter takes ``default`` if given."""
    suffix = f" [{default}]" if default is not None else ""
    return read_number(f"{RATING_PROMPT}{suffix}: ", len(RATINGS), default)


def read_lines() -> str:
    """A multi-line answer, ended by an empty line."""
    print("Your answer (end with an empty line):")
    lines: list[str] = []
    while line := input("> "):
        lines.append(line)
    return "\n".join(lines)
