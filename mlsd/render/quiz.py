"""Render quiz sessions (questions, feedback, summary) and ``mlsd stats``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from rich import box
from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd.content.schema import QuizItem
from mlsd.practice.rubric import RubricResult
from mlsd.quiz.session import Showing, Summary
from mlsd.quiz.stats import Stats
from mlsd.render.console import err, out

KIND = {
    "multiple_choice": "multiple choice",
    "flashcard": "flashcard",
    "short_answer": "short answer",
}


def session_start(due: int, new: int) -> None:
    """One line before the first card."""
    out().print(f"[bold]Quiz:[/] {due} due, {new} new. Ctrl-C stops; answered cards are saved.")


def question(showing: Showing, choices: Sequence[str] = ()) -> None:
    """The question panel, with a counter and, for multiple choice, numbered choices."""
    card = showing.card
    again = "  [yellow](again)[/]" if showing.repeat else ""
    title = f"[bold]{showing.number}/{showing.total}[/]  {KIND[card.item.type]}{again}"
    subtitle = f"{card.topic} · {card.source}"
    if card.step and card.step != card.topic:
        subtitle += f" › {card.step}"
    body: list[Text] = [Text(card.item.question.strip())]
    if choices:
        body.append(Text(""))
        body += [Text(f"  {n}. {c}") for n, c in enumerate(choices, 1)]
    panel = Panel(Group(*body), title=title, title_align="left", subtitle=subtitle)
    out().print(panel, soft_wrap=False)


def choice_feedback(correct: bool, number: int, answer: str, explanation: str) -> None:
    """Right or wrong, the correct choice, and why."""
    if correct:
        out().print(f"[bold green]Correct.[/] {number}. {_esc(answer)}")
    else:
        out().print(f"[bold red]Not quite.[/] The answer is {number}. {_esc(answer)}")
    out().print(Text(explanation.strip(), style="dim"))


def reveal(item: QuizItem, label: str = "Answer") -> None:
    """A flashcard's answer (or a short answer's reference) and the explanation."""
    out().print(Text.assemble((f"{label}: ", "bold"), item.answer.strip()))
    out().print(Text(item.explanation.strip(), style="dim"))


def short_feedback(item: QuizItem, result: RubricResult) -> None:
    """A short answer's reference, explanation and concept checklist."""
    reveal(item, "Reference")
    if not item.rubric:
        return
    lines = [Text.assemble(("  ✓ ", "green"), c) for c in result.covered]
    lines += [Text.assemble(("  ✗ ", "red"), c) for c in result.missed]
    head = f"Concepts: {len(result.covered)} of {len(result.covered) + len(result.missed)} named"
    out().print(Group(Text(head, style="bold"), *lines))


def invalid(message: str) -> None:
    """Why an input was not accepted (the prompt is asked again)."""
    out().print(f"[yellow]{_esc(message)}[/]")


def scheduled(state: str, due: datetime | None, today: date, back_soon: bool) -> None:
    """Where a rated card went: back in a few cards, or its next due day."""
    if back_soon:
        out().print(f"[dim]→ {state}; it comes back in a few cards[/]")
    elif due is not None:
        out().print(f"[dim]→ {state}; next due {_relative(due.date(), today)}[/]")
    out().print()


def summary(s: Summary, today: date) -> None:
    """The end-of-session table: score, cards by state, next due dates."""
    table = Table(
        box=box.SIMPLE_HEAD, show_header=False, title="Session done", title_justify="left"
    )
    table.add_column(style="bold")
    table.add_column()
    score = f"{s.recalled} of {s.cards} recalled on first try"
    if s.mc_asked:
        score += f" · multiple choice {s.mc_correct} of {s.mc_asked} correct"
    table.add_row("Score", score)
    table.add_row("Reviews", str(s.reviews))
    table.add_row("Cards now", " · ".join(f"{k} {v}" for k, v in s.by_state.items() if v) or "-")
    due = [f"{_relative(d, today)} ({d.isoformat()}): {n}" for d, n in s.due_days]
    table.add_row("Next reviews", "\n".join(due) or "-")
    out().print(table)


def nothing_to_do(next_due: datetime | None, today: date, due_only: bool) -> None:
    """No card is due (and, without --due-only, none is new either)."""
    when = f"the next review is due {_relative(next_due.date(), today)}" if next_due else ""
    extra = "; run 'mlsd quiz' without --due-only to learn new cards" if due_only else ""
    out().print(f"Nothing to review now{'; ' + when if when else ''}{extra}.")


def interrupted(answered: int) -> None:
    """The one line printed on Ctrl-C or end of input."""
    plural = "card" if answered == 1 else "cards"
    err().print(f"\nsaved {answered} answered {plural}; run `mlsd quiz` to continue", markup=False)


def stats(s: Stats) -> None:
    """`mlsd stats`: headline figures, then per-topic mastery, weakest first."""
    table = Table(box=box.SIMPLE_HEAD, show_header=False, title="Progress", title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    retention = "-" if s.retention is None else f"{s.retention:.0%}"
    rows = [
        ("Cards", f"{s.reviewed_cards} of {s.total_cards} seen"),
        ("Due now", str(s.due_now)),
        ("Due in the next 7 days", str(s.due_next_7_days)),
        *((f"  {k}", str(v)) for k, v in s.by_state.items()),
        ("Reviews", str(s.reviews)),
        ("Retention (review cards)", retention),
        ("Streak", f"{s.streak_days} day{'s' if s.streak_days != 1 else ''}"),
    ]
    for row in rows:
        table.add_row(*row)
    out().print(table)
    out().print(_topics(s))


def _topics(s: Stats) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD, title="Mastery by topic (weakest first)", title_justify="left"
    )
    table.add_column("topic", style="cyan")
    table.add_column("cards", justify="right")
    table.add_column("mastery", justify="right")
    table.add_column("")
    for t in s.topics:
        bar = "█" * round(t.mean_retrievability * 20)
        table.add_row(
            t.topic, str(t.cards), f"{t.mean_retrievability:.0%}", Text(bar, style="green")
        )
    return table


def _relative(day: date, today: date) -> str:
    delta = (day - today).days
    if delta <= 0:
        return "today" if delta == 0 else "overdue"
    return "tomorrow" if delta == 1 else f"in {delta} days"


def _esc(text: str) -> str:
    return escape(text)
