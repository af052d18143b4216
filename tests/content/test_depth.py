"""The quality bar every shipped case and framework meets (a thin case fails CI)."""

from __future__ import annotations

import pytest

from mlsd.content.loader import Catalog
from mlsd.content.schema import SEVEN_STEPS, Case, Framework
from mlsd.pipeline import registry

CATALOG = Catalog()
CASES = CATALOG.cases()
FRAMEWORKS = CATALOG.frameworks()


def _words(text: str) -> int:
    return len([w for w in text.split() if any(ch.isalnum() for ch in w)])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_step_is_deep(case: Case) -> None:
    for step_id in SEVEN_STEPS:
        step = case.steps[step_id]
        where = f"{case.id}.{step_id}"
        assert _words(step.reference_answer) >= 150, f"{where}: reference answer < 150 words"
        assert len(step.rubric) >= 5, f"{where}: fewer than 5 rubric concepts"
        assert all(r.synonyms for r in step.rubric), f"{where}: a rubric concept lacks synonyms"
        assert step.pitfalls, f"{where}: no pitfalls"
        assert step.guiding_questions and step.hints, f"{where}: no questions or hints"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_tradeoffs_quiz_diagram(case: Case) -> None:
    tradeoffs = [t for s in case.steps.values() for t in s.tradeoffs]
    assert len(tradeoffs) >= 4, f"{case.id}: fewer than 4 trade-off decisions"
    for t in tradeoffs:
        assert all(o.pros and o.cons and o.pick_when for o in t.options), t.decision
    assert len(case.quiz) >= 12, f"{case.id}: fewer than 12 quiz questions"
    assert {q.type for q in case.quiz} == {"multiple_choice", "flashcard", "short_answer"}
    assert all(q.explanation.strip() for q in case.quiz)
    assert {n.lane for n in case.diagram.nodes} >= {"online", "offline"}
    assert case.diagram.edges, f"{case.id}: diagram has no edges"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_pipeline_starts_with_the_linear_floor(case: Case) -> None:
    learned = [m.name for m in case.pipeline.models if m.name not in registry.HEURISTICS]
    assert learned[0] in registry.LEARNED_BASELINES
    assert len(learned) >= 2, f"{case.id}: compare at least the floor and one stronger model"
    assert all(m.interpretability for m in case.pipeline.models)


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=lambda f: f.id)
def test_frameworks_are_complete(fw: Framework) -> None:
    assert sum(s.time_box_minutes for s in fw.steps) == 45
    for step in fw.steps:
        assert len(step.quiz) >= 6, f"{fw.id}.{step.id}: fewer than 6 quiz questions"
        assert len(step.guiding_questions) >= 4 and step.common_mistakes
    targets = {m.target for m in fw.mapping}
    assert {"nine-step", "crisp-dm", "ml-lifecycle"} <= targets


def test_four_step_mapping_agrees_with_seven_step() -> None:
    """Each framework's mapping to the other must say the same thing."""
    seven, four = CATALOG.framework("seven-step"), CATALOG.framework("four-step")
    to_four, to_seven = seven.mapping_to("four-step"), four.mapping_to("seven-step")
    assert to_four is not None and to_seven is not None
    for four_id, seven_ids in to_seven.steps.items():
        for s in seven_ids:
            assert to_four.steps[s] == [four_id]
