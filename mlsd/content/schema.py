"""Typed content model for frameworks and case studies.

Every YAML file under ``frameworks/`` and ``casestudies/`` is validated by these
pydantic models. Unknown keys are rejected (``extra="forbid"``) so a typo in a
content file is an error, not a silently ignored field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mlsd.content.ids import ID_PATTERN, QUIZ_ID_PATTERN, SEVEN_STEPS

StepId = Literal["clarify", "metrics", "data", "features", "model", "serving", "monitoring"]


class Strict(BaseModel):
    """Base for every content model: immutable and closed to unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RubricItem(Strict):
    """One concept a strong answer mentions."""

    concept: str = Field(min_length=1, description="The concept, as shown in the checklist.")
    synonyms: list[str] = Field(
        default_factory=list,
        description="Other words or phrases that count as mentioning the concept.",
    )


class QuizItem(Strict):
    """A self-quiz question; its id is the stable FSRS card id."""

    id: str = Field(pattern=QUIZ_ID_PATTERN, description="Stable id, unique across all content.")
    type: Literal["multiple_choice", "flashcard", "short_answer"] = Field(
        description="How the question is asked."
    )
    question: str = Field(min_length=1, description="The question shown to the learner.")
    choices: list[str] | None = Field(
        default=None, description="Options for a multiple-choice question (2 or more)."
    )
    answer: str = Field(
        min_length=1,
        description="The correct answer; for multiple choice, exactly one of the choices.",
    )
    explanation: str = Field(min_length=1, description="Why the answer is right.")
    topic: str = Field(pattern=ID_PATTERN, description="Topic, e.g. a step id or 'drift'.")
    rubric: list[RubricItem] = Field(
        default_factory=list,
        description="Concepts a short answer should mention (used as a checklist).",
    )

    @model_validator(mode="after")
    def _choices_fit_type(self) -> QuizItem:
        if self.type == "multiple_choice":
            if not self.choices or len(self.choices) < 2:
                raise ValueError("a multiple_choice question needs at least 2 choices")
            if len(set(self.choices)) != len(self.choices):
                raise ValueError("choices must be distinct")
            if self.answer not in self.choices:
                raise ValueError(f"answer {self.answer!r} is not among the choices")
        elif self.choices:
            raise ValueError(f"a {self.type} question takes no choices")
        return self


class TradeoffOption(Strict):
    """One option of a design decision."""

    name: str = Field(min_length=1, description="Short name of the option.")
    pros: list[str] = Field(min_length=1, description="What the option gains.")
    cons: list[str] = Field(min_length=1, description="What the option costs.")
    pick_when: str = Field(min_length=1, description="The situation in which to choose it.")


class Tradeoff(Strict):
    """A design decision with its options."""

    decision: str = Field(min_length=1, description="The question being decided.")
    options: list[TradeoffOption] = Field(min_length=2, description="At least two options.")
    recommendation: str = Field(min_length=1, description="What this design picks, and why.")


class CaseStep(Strict):
    """One of the seven steps of a case study: learner-facing and reference fields."""

    guiding_questions: list[str] = Field(
        min_length=1, description="Questions shown before the learner answers."
    )
    hints: list[str] = Field(default_factory=list, description="Hints revealed one at a time.")
    reference_answer: str = Field(
        min_length=1, description="Markdown reference answer, shown after the learner answers."
    )
    rubric: list[RubricItem] = Field(
        min_length=1, description="Concepts checked against the learner's answer."
    )
    pitfalls: list[str] = Field(default_factory=list, description="Common mistakes at this step.")
    tradeoffs: list[Tradeoff] = Field(
        default_factory=list, description="Design decisions made at this step."
    )


class DiagramNode(Strict):
    """A box in the architecture diagram."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$", description="Node id used by edges.")
    label: str = Field(min_length=1, description="Text shown in the box.")
    lane: Literal["online", "offline", "data"] = Field(description="Which band the node sits in.")


class DiagramEdge(Strict):
    """An arrow between two nodes."""

    source: str = Field(alias="from", description="Id of the node the arrow leaves.")
    target: str = Field(alias="to", description="Id of the node the arrow enters.")
    label: str | None = Field(default=None, description="Optional text on the arrow.")


class Diagram(Strict):
    """Architecture diagram: nodes in lanes and labelled edges."""

    nodes: list[DiagramNode] = Field(min_length=1, description="The boxes.")
    edges: list[DiagramEdge] = Field(default_factory=list, description="The arrows.")

    @model_validator(mode="after")
    def _edges_join_nodes(self) -> Diagram:
        ids = [n.id for n in self.nodes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate node ids: {', '.join(dupes)}")
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end not in ids:
                    raise ValueError(f"edge {edge.source}->{edge.target}: unknown node {end!r}")
        return self


class ModelSpec(Strict):
    """A model the case's pipeline compares, with the case's own view of it."""

    name: str = Field(min_length=1, description="Registered model name, e.g. 'lightgbm'.")
    params: dict[str, Any] = Field(default_factory=dict, description="Model hyper-parameters.")
    interpretability: str = Field(
        default="", description="How a person can explain this model's predictions."
    )
    pros: list[str] = Field(default_factory=list, description="Strengths for this case.")
    cons: list[str] = Field(default_factory=list, description="Weaknesses for this case.")


class PipelineConfig(Strict):
    """The case's runnable reference pipeline."""

    task: Literal["binary", "ranking", "regression", "multiclass", "retrieval"] = Field(
        description="Task type; decides the metrics and model flavours."
    )
    generator: str = Field(min_length=1, description="Registered synthetic-data generator.")
    params: dict[str, Any] = Field(default_factory=dict, description="Generator parameters.")
    models: list[ModelSpec] = Field(min_length=1, description="Models to compare, in order.")
    metrics: list[str] = Field(min_length=1, description="Metrics to report; first is primary.")
    default_rows: int = Field(
        default=50_000, ge=100, description="Rows generated when --rows is not given."
    )


class Case(Strict):
    """A case study: content for the seven steps plus its pipeline."""

    schema_version: Literal[1] = Field(description="Content schema version.")
    id: str = Field(pattern=ID_PATTERN, description="Case id; equals the file name.")
    title: str = Field(min_length=1, description="Human title.")
    summary: str = Field(min_length=1, description="One or two sentences.")
    tags: list[str] = Field(default_factory=list, description="Tags for filtering.")
    difficulty: Literal["easy", "medium", "hard"] = Field(description="Interview difficulty.")
    prompt: str = Field(
        min_length=1, description="The interview prompt as the interviewer says it."
    )
    objectives: list[str] = Field(min_length=1, description="What the learner should take away.")
    out_of_scope: list[str] = Field(
        default_factory=list, description="What is deliberately left out."
    )
    steps: dict[StepId, CaseStep] = Field(description="Content for each of the seven steps.")
    quiz: list[QuizItem] = Field(default_factory=list, description="Quiz questions of this case.")
    diagram: Diagram = Field(description="Architecture diagram.")
    pipeline: PipelineConfig = Field(description="The runnable reference pipeline.")

    @field_validator("steps")
    @classmethod
    def _all_seven_steps(cls, steps: dict[str, CaseStep]) -> dict[str, CaseStep]:
        missing = [s for s in SEVEN_STEPS if s not in steps]
        if missing:
            raise ValueError(f"missing steps: {', '.join(missing)}")
        return {s: steps[s] for s in SEVEN_STEPS}


class FrameworkStep(Strict):
    """One step of a design framework."""

    id: str = Field(pattern=ID_PATTERN, description="Step id.")
    title: str = Field(min_length=1, description="Step title.")
    goal: str = Field(min_length=1, description="What the step must achieve.")
    guiding_questions: list[str] = Field(min_length=1, description="Questions to work through.")
    time_box_minutes: int = Field(ge=1, le=45, description="Minutes in a 45-minute interview.")
    common_mistakes: list[str] = Field(min_length=1, description="Mistakes candidates make here.")
    quiz: list[QuizItem] = Field(default_factory=list, description="Concept quiz questions.")


class FrameworkMapping(Strict):
    """How this framework's steps line up with another framework's steps."""

    target: str = Field(pattern=ID_PATTERN, description="Id of the other framework.")
    title: str = Field(min_length=1, description="Name of the other framework.")
    steps: dict[str, list[str]] = Field(
        description="For each step id of this framework, the matching steps of the other."
    )


class Framework(Strict):
    """A design framework: ordered steps and mappings to other frameworks."""

    schema_version: Literal[1] = Field(description="Content schema version.")
    id: str = Field(pattern=ID_PATTERN, description="Framework id; equals the file name.")
    title: str = Field(min_length=1, description="Human title.")
    summary: str = Field(min_length=1, description="What the framework is for.")
    steps: list[FrameworkStep] = Field(min_length=1, description="Ordered steps.")
    mapping: list[FrameworkMapping] = Field(
        default_factory=list, description="Mappings to other frameworks."
    )

    @model_validator(mode="after")
    def _mapping_covers_steps(self) -> Framework:
        ids = [s.id for s in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError("step ids must be unique")
        for m in self.mapping:
            unknown = sorted(set(m.steps) - set(ids))
            missing = [i for i in ids if i not in m.steps]
            if unknown or missing:
                raise ValueError(
                    f"mapping to {m.target!r} must list every step once "
                    f"(unknown: {unknown or '-'}, missing: {missing or '-'})"
                )
        return self

    def mapping_to(self, target: str) -> FrameworkMapping | None:
        """Return this framework's mapping to ``target``, if it has one."""
        return next((m for m in self.mapping if m.target == target), None)
