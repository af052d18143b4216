"""`mlsd export`: a session's transcript as Markdown, answers beside the references."""

from __future__ import annotations

from mlsd.content.schema import Case
from mlsd.practice.history import SavedStep, SessionRecord
from mlsd.practice.session import PracticeStep


def transcript(record: SessionRecord, case: Case, steps: list[PracticeStep]) -> str:
    """Markdown of ``record``: the prompt, then per step your answer and the reference."""
    by_id = {s.id: s for s in steps}
    state = "completed" if record.completed else "unfinished"
    lines = [
        f"# {case.title} — practice session {record.id}",
        "",
        f"*Framework:* {record.framework} · *started:* {record.started_at} · *{state}*",
        "",
        "## Prompt",
        "",
        case.prompt.strip(),
        "",
    ]
    for saved in record.steps:
        step = by_id.get(saved.step)
        lines += _step_lines(saved, step)
    lines += ["", "_Coverage is a checklist of concepts named, not a grade._", ""]
    return "\n".join(lines)


def _step_lines(saved: SavedStep, step: PracticeStep | None) -> list[str]:
    title = step.title if step else saved.step
    cov = "—" if saved.coverage is None else f"{saved.coverage:.0%}"
    rating = "—" if saved.rating is None else f"{saved.rating}/4"
    lines = [
        f"## {title}",
        "",
        f"*Coverage:* {cov} · *self-rating:* {rating} · *time:* {saved.seconds / 60:.1f} min",
        "",
        "### Your answer",
        "",
        "_(skipped)_" if saved.skipped else saved.answer.strip() or "_(empty)_",
        "",
    ]
    if saved.covered or saved.missed:
        lines += ["### Checklist", ""]
        lines += [f"- [x] {c}" for c in saved.covered] + [f"- [ ] {m}" for m in saved.missed]
        lines.append("")
    for key, reference in step.references if step else ():
        suffix = f" ({key})" if step and len(step.references) > 1 else ""
        lines += [f"### Reference answer{suffix}", "", reference.strip(), ""]
    return lines
