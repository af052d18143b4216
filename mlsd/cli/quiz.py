"""`mlsd quiz` and `mlsd stats`: spaced-repetition sessions over the content's questions.

The library (pydantic, fsrs) is imported inside the commands, so the other commands
start fast; the interactive part is :mod:`mlsd.cli.quiz_session`.
"""

from __future__ import annotations

import typer

from mlsd.cli.common import JSON_OPTION, catalog
from mlsd.render import console


def quiz(
    ctx: typer.Context,
    case: str | None = typer.Option(
        None, "--case", "-c", metavar="CASE", help="Only this case's questions."
    ),
    topic: str | None = typer.Option(
        None, "--topic", "-t", metavar="TOPIC", help="Only questions on this topic."
    ),
    step: str | None = typer.Option(
        None, "--step", "-s", metavar="STEP", help="Only this step (seven-step or four-step id)."
    ),
    count: int = typer.Option(
        10, "-n", "--cards", min=1, metavar="N", help="Cards in the session."
    ),
    new: int = typer.Option(10, "--new", min=0, metavar="N", help="At most this many new cards."),
    due_only: bool = typer.Option(False, "--due-only", help="Only cards due for review."),
) -> None:
    """Quiz yourself: due cards first, then new ones, scheduled by FSRS.

    Multiple choice: type the number. Flashcard: think, press Enter, rate yourself.
    Short answer: type, finish with an empty line, compare, rate yourself.
    Ratings: 1 Again (forgot; it comes back this session), 2 Hard, 3 Good, 4 Easy.
    Ctrl-C or Ctrl-D stops (exit 130); every card already rated is saved.
    """
    from mlsd.cli import quiz_session
    from mlsd.quiz.bank import bank
    from mlsd.quiz.cards import load_states
    from mlsd.quiz.schedule import Scheduler, clock
    from mlsd.quiz.session import Session, next_due, plan
    from mlsd.render import quiz as render
    from mlsd.store import connect

    cards = bank(catalog(ctx), case=case, topic=topic, step=step)
    at = clock()
    conn = connect()
    try:
        states = load_states(conn, [c.card_id for c in cards])
        chosen = plan(cards, states, at, count, 0 if due_only else new)
        if not chosen:
            render.nothing_to_do(next_due(cards, states), at.date(), due_only)
            return
        fresh = sum(states[c.card_id].state == "new" for c in chosen)
        render.session_start(len(chosen) - fresh, fresh)
        quiz_session.play(Session(conn, chosen, states, Scheduler()))
    finally:
        conn.close()


def stats(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Show quiz progress: due cards, states, retention, streak and mastery by topic."""
    from mlsd.quiz.bank import all_cards
    from mlsd.quiz.schedule import clock
    from mlsd.quiz.stats import compute_stats
    from mlsd.render import quiz as render
    from mlsd.store import connect

    cards = all_cards(catalog(ctx))
    conn = connect()
    try:
        figures = compute_stats(conn, cards, clock())
    finally:
        conn.close()
    if as_json:
        console.print_json(figures.to_json())
    else:
        render.stats(figures)


def register(app: typer.Typer) -> None:
    """Attach `quiz` and `stats` to ``app``."""
    app.command()(quiz)
    app.command()(stats)
