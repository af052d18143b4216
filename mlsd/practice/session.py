"""A practice session's plan, grading and end-of-session summary (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass

from mlsd.content.schema import Case, Framework, RubricItem, Tradeoff
from mlsd.content.views import case_view, select_step
from mlsd.practice.history import SessionRecord
from mlsd.practice.rubric import RubricResult, check

WEAK_RATING = 2
WEAK_COVERAGE = 0.5


@dataclass(frozen=True)
class PracticeStep:
    """What the learner sees for one framework step, and what it is checked against."""

    id: str
    position: int
    title: str
    goal: str
    time_box_minutes: int
    guiding_questions: tuple[str, ...]
    hints: tuple[str, ...]
    covers: tuple[str, ...]
    references: tuple[tuple[str, str], ...]
    rubric: tuple[RubricItem, ...]
    pitfalls: tuple[str, ...]
    tradeoffs: tuple[Tradeoff, ...]


def plan(case: Case, framework: Framework, only_step: str | None = None) -> list[PracticeStep]:
    """The steps of a session: every framework step, or only ``only_step``."""
    view = case_view(case, framework)
    positions = {v.step.id: i for i, v in enumerate(view, 1)}
    if only_step is not None:
        view = select_step(view, only_step)
    steps = []
    for v in view:
        parts = [p for _, p in v.parts]
        steps.append(
            PracticeStep(
                id=v.step.id,
                position=positions[v.step.id],
                title=v.step.title,
                goal=v.step.goal,
                time_box_minutes=v.step.time_box_minutes,
                guiding_questions=tuple(q for p in parts for q in p.guiding_questions),
                hints=tuple(h for p in parts for h in p.hints),
                covers=tuple(k for k, _ in v.parts),
                references=tuple((k, p.reference_answer) for k, p in v.parts),
                rubric=tuple(r for p in parts for r in p.rubric),
                pitfalls=tuple(x for p in parts for x in p.pitfalls),
                tradeoffs=tuple(t for p in parts for t in p.tradeoffs),
            )
        )
    return steps


def remaining(steps: list[PracticeStep], record: SessionRecord | None) -> list[PracticeStep]:
    """The steps not yet saved in ``record`` (all of them for a new session)."""
    done = {s.step for s in record.steps} if record else set()
    return [s for s in steps if s.id not in done]


def grade(step: PracticeStep, answer: str) -> RubricResult:
    """The rubric checklist of ``answer`` for ``step``."""
    return check(answer, step.rubric)


@dataclass(frozen=True)
class SummaryRow:
    """One line of the end-of-session table."""

    step: str
    title: str
    coverage: float | None
    rating: int | None
    seconds: float
    skipped: bool
    time_box_minutes: int


@dataclass(frozen=True)
class Summary:
    """End of a session: per-step rows, the weakest steps, what to review next."""

    case: str
    rows: tuple[SummaryRow, ...]
    weakest: tuple[str, ...]
    review: tuple[str, ...]


def summarize(case: Case, steps: list[PracticeStep], record: SessionRecord) -> Summary:
    """Build the summary of ``record``: weakest by self-rating, then by coverage."""
    by_id = {s.id: s for s in steps}
    rows = tuple(
        SummaryRow(s.step, by_id[s.step].title if s.step in by_id else s.step, s.coverage,
                   s.rating, s.seconds, s.skipped,
                   by_id[s.step].time_box_minutes if s.step in by_id else 0)
        for s in record.steps
    )  # fmt: skip
    weak = [r for r in rows if r.skipped or _is_weak(r)]
    if not weak and rows:
        weak = sorted(rows, key=lambda r: ((r.rating or 0), (r.coverage or 0)))[:1]
    weakest = tuple(r.step for r in weak)
    covers = [c for w in weakest if w in by_id for c in by_id[w].covers]
    topics = {q.topic for q in case.quiz}
    review = tuple(
        f"mlsd quiz --case {case.id} --step {c}" if c in topics else f"mlsd quiz --step {c}"
        for c in covers
    )
    return Summary(case.id, rows, weakest, review)


def _is_weak(row: SummaryRow) -> bool:
    """Your own rating decides; coverage only speaks for a step you did not rate."""
    if row.rating is not None:
        return row.rating <= WEAK_RATING
    return row.coverage is not None and row.coverage < WEAK_COVERAGE
