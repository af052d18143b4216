"""Reading the learner's input for `mlsd practice`: answers, hints, the editor, ratings.

Imported only when a practice session starts, so other commands do not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def ask_answer(step: object) -> Answer:
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


def ask_editor(step: object) -> Answer:
    questions = "\n".join(f"# - {q}" for q in getattr(step, "guiding_questions", ()))
    edited = _edit(EDITOR_TEMPLATE + questions + "\n")
    if edited is None:
        return Answer(skipped=True)
    kept = [line for line in edited.splitlines() if not line.lstrip().startswith("#")]
    return Answer(text="\n".join(kept).strip())


def ask_rating() -> int | None:
    from mlsd.render.practice import RATING_PROMPT

    while True:
        line = _read(f"{RATING_PROMPT}: ")
        if line is None:
            return None
        if line.strip() in ("1", "2", "3", "4"):
            return int(line.strip())
        console.note("please type 1, 2, 3 or 4")
