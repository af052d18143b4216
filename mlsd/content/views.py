"""Views of a case through a framework: the 4-step view is derived, never written twice."""

from __future__ import annotations

from dataclasses import dataclass

from mlsd.content.schema import Case, CaseStep, Framework, FrameworkStep
from mlsd.errors import UsageError


@dataclass(frozen=True)
class ViewStep:
    """A framework step and the seven-step case content it covers."""

    step: FrameworkStep
    parts: tuple[tuple[str, CaseStep], ...]


def case_view(case: Case, framework: Framework) -> list[ViewStep]:
    """Group a case's seven steps under ``framework``'s steps via its mapping."""
    if framework.id == "seven-step":
        by_id = {s.id: s for s in framework.steps}
        return [ViewStep(by_id[k], ((k, v),)) for k, v in case.steps.items() if k in by_id]
    mapping = framework.mapping_to("seven-step")
    if mapping is None:
        raise UsageError(f"framework {framework.id!r} has no mapping to the seven-step framework")
    return [
        ViewStep(step, tuple((s, case.steps[s]) for s in mapping.steps[step.id] if s in case.steps))
        for step in framework.steps
    ]


def select_step(view: list[ViewStep], step_id: str) -> list[ViewStep]:
    """Keep one step of a view: a step id of the framework, or a seven-step id."""
    for v in view:
        if v.step.id == step_id:
            return [v]
        parts = tuple((k, c) for k, c in v.parts if k == step_id)
        if parts:
            return [ViewStep(v.step, parts)]
    known = ", ".join(v.step.id for v in view)
    raise UsageError(f"unknown step {step_id!r} (steps: {known})")
