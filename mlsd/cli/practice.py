"""`mlsd practice`, `history`, `progress` and `export`: the mock-interview walk-through."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import typer

from mlsd.cli.common import JSON_OPTION, catalog, show_or_write
from mlsd.errors import UsageError
from mlsd.render import console


class Framework(str, Enum):
    """The frameworks a session can follow."""

    seven = "seven-step"
    four = "four-step"


def practice(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="CASE", help="Case id, e.g. ad-click-prediction."),
    framework: Framework = typer.Option(
        Framework.seven, "--framework", "-f", help="Framework to follow."
    ),
    step: str | None = typer.Option(None, "--step", "-s", help="Practise only this step."),
    mock: bool = typer.Option(False, "--mock", help="Mock interview: show time boxes and clock."),
    minutes: int | None = typer.Option(
        None, "--minutes", min=5, max=180, help="Interview length for --mock (default 45)."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Continue the latest unfinished session of this case."
    ),
    editor: bool = typer.Option(False, "--editor", help="Write each answer in $EDITOR."),
) -> None:
    """Practise a case step by step: answer, then see the reference and a rubric checklist.

    At the answer prompt, an empty line (or Ctrl-D) ends the answer; ':hint' shows
    the next hint, ':skip' skips the step, ':quit' saves and leaves. Every step is
    saved as soon as you rate it; Ctrl-C saves too, and --resume continues.
    """
    from mlsd.cli.practice_input import ask_answer, ask_editor, ask_rating
    from mlsd.cli.practice_run import Options, run_practice

    if resume and step:
        raise UsageError("--resume continues a whole session; drop --step")
    opts = Options(case_id, framework.value, step, mock or minutes is not None,
                   minutes or 45, resume, editor)  # fmt: skip
    ask = ask_editor if editor else ask_answer
    code = run_practice(catalog(ctx), opts, ask, ask_rating, time.monotonic)
    if code:
        raise typer.Exit(code)


def history(
    case: str | None = typer.Option(None, "--case", help="Only sessions of this case."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List past practice sessions, newest first."""
    from mlsd import store
    from mlsd.practice.history import list_sessions
    from mlsd.render import practice as render

    records = list_sessions(store.connect(), case)
    if as_json:
        console.print_json([r.to_json() for r in records])
    elif not records:
        what = f"of {case!r} " if case else ""
        console.note(f"no practice sessions {what}yet: try 'mlsd practice ad-click-prediction'")
    else:
        render.history(records)


def progress(as_json: bool = JSON_OPTION) -> None:
    """Per case: sessions and coverage; per step: your mean self-rating across cases."""
    from mlsd import store
    from mlsd.practice.history import list_sessions
    from mlsd.practice.progress import progress as compute
    from mlsd.render import practice as render

    report = compute(list_sessions(store.connect()))
    if as_json:
        console.print_json(report.to_json())
    elif not report.cases:
        console.note("no practice sessions yet: try 'mlsd practice ad-click-prediction'")
    else:
        render.progress(report)


class ExportFormat(str, Enum):
    """Transcript formats."""

    md = "md"


def export(
    ctx: typer.Context,
    session_id: int = typer.Argument(..., metavar="SESSION", help="Id from 'mlsd history'."),
    fmt: ExportFormat = typer.Option(ExportFormat.md, "--format", help="Output format."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file, not stdout."),
) -> None:
    """Write a session's transcript (your answers beside the references) as Markdown."""
    from mlsd import store
    from mlsd.practice.export import transcript
    from mlsd.practice.history import load_session
    from mlsd.practice.session import plan

    record = load_session(store.connect(), session_id)
    cat = catalog(ctx)
    case = cat.case(record.case)
    text = transcript(record, case, plan(case, cat.framework(record.framework)))
    show_or_write(text, out, typer.echo)


def register(app: typer.Typer) -> None:
    """Attach the practice commands to ``app``."""
    app.command()(practice)
    app.command()(history)
    app.command()(progress)
    app.command()(export)
