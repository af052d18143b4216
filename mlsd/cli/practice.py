"""`mlsd practice`, `history`, `progress` and `export`: the mock-interview walk-through."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import typer

from mlsd.cli.common import JSON_OPTION, catalog
from mlsd.errors import UsageError
from mlsd.render import console

EDITOR_TEMPLATE = "\n\n# Write your answer above. Lines starting with '#' are ignored.\n"


@dataclass
class Answer:
    """What the learner did at one step."""

    text: str = ""
    skipped: bool = False
    quit: bool = False
    hints_used: int = 0


def _read(prompt: str) -> str | None:
    """One line from stdin, or None at end of input."""
    try:
        return input(prompt)
    except EOFError:
        return None


def _ask_answer(step: object) -> Answer:
    from mlsd.render import practice as render

    hints = list(getattr(step, "hints", ()))
    answer, lines = Answer(), list[str]()
    while True:
        line = _read("> " if not lines else "  ")
        if line is None:
            answer.quit = not lines
            break
        command = line.strip()
        if command == ":hint":
            if answer.hints_used < len(hints):
                answer.hints_used += 1
                render.hint(hints[answer.hints_used - 1], answer.hints_used)
            else:
                render.hint(None, answer.hints_used)
        elif command in (":skip", ":quit"):
            answer.skipped, answer.quit = command == ":skip", command == ":quit"
            return answer
        elif command:
            lines.append(line)
        elif lines:
            break
        else:
            console.note("(empty answer: type something, or :skip / :quit)")
    answer.text = "\n".join(lines).strip()
    return answer


def _edit(text: str) -> str | None:
    """Open $VISUAL/$EDITOR on ``text``; the saved text, or None if the editor failed."""
    import os
    import shlex
    import subprocess
    import tempfile

    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        if subprocess.call([*shlex.split(command), f.name]) != 0:
            return None
        return Path(f.name).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot run the editor {command!r}: {exc.strerror or exc}") from None
    finally:
        os.unlink(f.name)


def _ask_editor(step: object) -> Answer:
    questions = "\n".join(f"# - {q}" for q in getattr(step, "guiding_questions", ()))
    edited = _edit(EDITOR_TEMPLATE + questions + "\n")
    if edited is None:
        return Answer(skipped=True)
    kept = [line for line in edited.splitlines() if not line.lstrip().startswith("#")]
    return Answer(text="\n".join(kept).strip())


def _ask_rating() -> int | None:
    from mlsd.render.practice import RATING_PROMPT

    while True:
        line = _read(f"{RATING_PROMPT}: ")
        if line is None:
            return None
        if line.strip() in ("1", "2", "3", "4"):
            return int(line.strip())
        console.note("please type 1, 2, 3 or 4")


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
    from mlsd.cli.practice_run import Options, run_practice

    if resume and step:
        raise UsageError("--resume continues a whole session; drop --step")
    opts = Options(case_id, framework.value, step, mock or minutes is not None,
                   minutes or 45, resume, editor)  # fmt: skip
    ask = _ask_editor if editor else _ask_answer
    code = run_practice(catalog(ctx), opts, ask, _ask_rating, time.monotonic)
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
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    console.note(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Attach the practice commands to ``app``."""
    app.command()(practice)
    app.command()(history)
    app.command()(progress)
    app.command()(export)
