"""Render the practice walk-through, its summary, history and progress."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from mlsd.content.schema import Case
from mlsd.practice.history import SessionRecord
from mlsd.practice.progress import Progress, session_coverage
from mlsd.practice.rubric import RubricResult
from mlsd.practice.session import PracticeStep, Summary
from mlsd.render.console import out

ANSWER_HELP = "Type your answer; an empty line (or Ctrl-D) ends it. Commands: :hint :skip :quit"
RATING_PROMPT = "Rate yourself [1-4]: 1 missed, 2 partial, 3 solid, 4 strong"


def _clock(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(seconds))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def step_panel(step: PracticeStep, total: int, case: Case | None, time_left: float | None) -> None:
    """The step's title, goal, the prompt (first step) and the guiding questions."""
    md = []
    if case is not None:
        md += [f"**Prompt.** {case.prompt.strip()}", ""]
    md += [f"**Goal.** {step.goal}", "", "**Questions to answer**"]
    md += [f"- {q}" for q in step.guiding_questions]
    subtitle = f"time box {step.time_box_minutes} min"
    if time_left is not None:
        subtitle += f" · interview time left {_clock(time_left)}"
    title = f"[bold]Step {step.position}/{total} · {escape(step.title)}[/]"
    out().print(Panel(Markdown("\n".join(md)), title=title, subtitle=subtitle, title_align="left"))
    out().print(f"[dim]{ANSWER_HELP}[/]")


def hint(text: str | None, n: int) -> None:
    """The next hint, or a note that there are no more."""
    if text is None:
        out().print("[yellow]No more hints for this step.[/]")
    else:
        out().print(f"[yellow]Hint {n}:[/] {escape(text)}")


def reveal(step: PracticeStep, result: RubricResult | None, seconds: float,
           mock: bool) -> None:  # fmt: skip
    """The reference answer(s), the checklist and the pitfalls."""
    for key, reference in step.references:
        label = f" · {key}" if len(step.references) > 1 else ""
        out().print(
            Panel(Markdown(reference), title=f"Reference answer{label}", title_align="left")
        )
    if result is not None:
        checklist(result)
    if step.pitfalls:
        out().print(Markdown("**Pitfalls**\n\n" + "\n".join(f"- {p}" for p in step.pitfalls)))
    if mock:
        over = seconds - step.time_box_minutes * 60
        note = f" ([red]over by {_clock(over)}[/])" if over > 0 else ""
        out().print(f"Step time {_clock(seconds)} of a {step.time_box_minutes}-minute box{note}")


def checklist(result: RubricResult) -> None:
    """Covered and missed concepts with the coverage share, and what it means."""
    table = Table(box=box.SIMPLE_HEAD, title="Rubric checklist", title_justify="left")
    table.add_column("", width=2)
    table.add_column("concept")
    for c in result.covered:
        table.add_row("[green]✓[/]", escape(c))
    for m in result.missed:
        table.add_row("[red]✗[/]", escape(m))
    out().print(table)
    out().print(
        f"Coverage {len(result.covered)}/{len(result.covered) + len(result.missed)} "
        f"({result.coverage:.0%}) [dim]— a checklist of concepts you named, not a grade; "
        "your self-rating says how well you argued them.[/]"
    )


def summary(s: Summary, mock_minutes: int | None, elapsed: float) -> None:
    """End-of-session table, weakest steps and what to review next."""
    table = Table(title="Session summary", box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("step", "coverage", "self-rating", "time", "box"):
        table.add_column(col, justify="left" if col == "step" else "right")
    for r in s.rows:
        cov = "skipped" if r.skipped else "—" if r.coverage is None else f"{r.coverage:.0%}"
        rating = "—" if r.rating is None else f"{r.rating}/4"
        table.add_row(escape(r.title), cov, rating, _clock(r.seconds), f"{r.time_box_minutes}:00")
    out().print(table)
    if mock_minutes:
        out().print(f"Interview time: {_clock(elapsed)} of {mock_minutes}:00")
    if s.weakest:
        out().print(f"Weakest steps: [bold]{', '.join(s.weakest)}[/]")
    for cmd in s.review:
        out().print(f"  review: [cyan]{cmd}[/]")


def resume_hint(case: str, saved: int) -> None:
    """How to continue an interrupted session."""
    out().print(
        f"\nSaved {saved} step(s). Resume with: [cyan]mlsd practice {case} --resume[/]",
        soft_wrap=True,
    )


def history(records: Sequence[SessionRecord]) -> None:
    """One row per session."""
    table = Table(title="Practice sessions", box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("id", "case", "framework", "started", "steps", "coverage", "done"):
        table.add_column(col, justify="right" if col in ("id", "steps") else "left")
    for r in records:
        cov = session_coverage(r)
        table.add_row(str(r.id), r.case, r.framework, r.started_at.replace("T", " ")[:16],
                      str(len(r.steps)), "—" if cov is None else f"{cov:.0%}",
                      "yes" if r.completed else "no")  # fmt: skip
    out().print(table)
    out().print("[dim]mlsd export <id> writes a session as Markdown.[/]")


def progress(p: Progress) -> None:
    """Per-case and per-step tables, and the weakest step."""
    cases = Table(title="By case", box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("case", "sessions", "completed", "best coverage", "latest", "last practised"):
        cases.add_column(col)
    for c in p.cases:
        cases.add_row(c.case, str(c.sessions), str(c.completed), _pct(c.best_coverage),
                      _pct(c.latest_coverage), c.last_practised.replace("T", " ")[:16])  # fmt: skip
    out().print(cases)
    steps = Table(title="By step, across cases", box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("step", "answers", "mean self-rating", "mean coverage"):
        steps.add_column(col)
    for s in p.steps:
        rating = "—" if s.mean_rating is None else f"{s.mean_rating:.1f}/4"
        steps.add_row(s.step, str(s.answers), rating, _pct(s.mean_coverage))
    out().print(steps)
    if p.weakest_step:
        out().print(f"Your weakest step: [bold]{p.weakest_step}[/]")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"
