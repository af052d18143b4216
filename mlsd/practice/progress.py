"""`mlsd progress`: per-case and per-step figures from the practice history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean
from typing import Any

from mlsd.practice.history import SessionRecord


@dataclass(frozen=True)
class CaseProgress:
    """How a case has gone across sessions."""

    case: str
    sessions: int
    completed: int
    best_coverage: float | None
    latest_coverage: float | None
    last_practised: str


@dataclass(frozen=True)
class StepProgress:
    """How one step goes across every case: the self-ratings and coverage."""

    step: str
    answers: int
    mean_rating: float | None
    mean_coverage: float | None


@dataclass(frozen=True)
class Progress:
    """Everything `mlsd progress` shows."""

    cases: tuple[CaseProgress, ...]
    steps: tuple[StepProgress, ...]

    @property
    def weakest_step(self) -> str | None:
        """The step with the lowest mean self-rating (ties: lower coverage)."""
        rated = [s for s in self.steps if s.mean_rating is not None]
        if not rated:
            return None
        return min(rated, key=lambda s: (s.mean_rating, s.mean_coverage or 0.0)).step

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "cases": [vars(c) for c in self.cases],
            "steps": [vars(s) for s in self.steps],
            "weakest_step": self.weakest_step,
        }


def session_coverage(record: SessionRecord) -> float | None:
    """Mean rubric coverage over the steps answered (skips excluded)."""
    values = [s.coverage for s in record.steps if not s.skipped and s.coverage is not None]
    return round(mean(values), 4) if values else None


def progress(sessions: list[SessionRecord]) -> Progress:
    """Aggregate ``sessions`` (newest first, as `list_sessions` returns them)."""
    by_case: dict[str, list[SessionRecord]] = defaultdict(list)
    for rec in sessions:
        by_case[rec.case].append(rec)
    cases = tuple(_case_progress(case, recs) for case, recs in sorted(by_case.items()))
    ratings: dict[str, list[int]] = defaultdict(list)
    coverages: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for rec in sessions:
        for s in rec.steps:
            counts[s.step] += 1
            if s.rating is not None:
                ratings[s.step].append(s.rating)
            if s.coverage is not None and not s.skipped:
                coverages[s.step].append(s.coverage)
    steps = tuple(
        StepProgress(step, counts[step], _mean(ratings[step]), _mean(coverages[step]))
        for step in counts
    )
    return Progress(cases, tuple(sorted(steps, key=lambda s: (s.mean_rating or 0.0, s.step))))


def _case_progress(case: str, recs: list[SessionRecord]) -> CaseProgress:
    covs = [c for c in (session_coverage(r) for r in recs) if c is not None]
    return CaseProgress(
        case,
        len(recs),
        sum(r.completed for r in recs),
        max(covs) if covs else None,
        session_coverage(recs[0]),
        recs[0].started_at,
    )


def _mean(values: list[Any]) -> float | None:
    return round(float(mean(values)), 3) if values else None
