"""The pydantic content model: what it accepts, what it rejects, and how it documents itself."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from mlsd.content import schema
from mlsd.content.schema import SEVEN_STEPS, Case, Framework


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[tuple[Any, ...], str]]:
    return [(tuple(e["loc"]), e["msg"]) for e in exc.value.errors()]


def test_valid_fixture_validates(case_data: dict[str, Any]) -> None:
    case = Case.model_validate(case_data)
    assert case.id == "tiny-case"
    assert case.title == "Tiny test case"
    assert [q.id for q in case.quiz] == ["tiny-case.mc", "tiny-case.card", "tiny-case.short"]
    assert [(e.source, e.target) for e in case.diagram.edges] == [
        ("api", "logs"),
        ("logs", "train"),
    ]
    assert case.pipeline.task == "binary"


def test_models_are_frozen(case_data: dict[str, Any]) -> None:
    case = Case.model_validate(case_data)
    with pytest.raises(ValidationError):
        case.title = "changed"


def test_unknown_key_rejected(case_data: dict[str, Any]) -> None:
    case_data["colour"] = "red"
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    assert [e["type"] for e in exc.value.errors()] == ["extra_forbidden"]
    assert _errors(exc)[0][0] == ("colour",)


def test_unknown_key_in_nested_model_rejected(case_data: dict[str, Any]) -> None:
    case_data["steps"]["data"]["hint"] = "a typo for hints"
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    assert _errors(exc)[0][0] == ("steps", "data", "hint")


def test_missing_required_field_rejected(case_data: dict[str, Any]) -> None:
    del case_data["prompt"]
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    assert [(e["type"], tuple(e["loc"])) for e in exc.value.errors()] == [("missing", ("prompt",))]


def test_multiple_choice_answer_must_be_a_choice(case_data: dict[str, Any]) -> None:
    assert case_data["quiz"][0]["type"] == "multiple_choice"
    case_data["quiz"][0]["answer"] = "precision"
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    [(loc, msg)] = _errors(exc)
    assert loc == ("quiz", 0)
    assert "not among the choices" in msg


def test_flashcard_takes_no_choices(case_data: dict[str, Any]) -> None:
    assert case_data["quiz"][1]["type"] == "flashcard"
    case_data["quiz"][1]["choices"] = ["a", "b"]
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    [(loc, msg)] = _errors(exc)
    assert loc == ("quiz", 1)
    assert "takes no choices" in msg


def test_diagram_edge_to_unknown_node_rejected(case_data: dict[str, Any]) -> None:
    case_data["diagram"]["edges"].append({"from": "api", "to": "ghost"})
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    [(loc, msg)] = _errors(exc)
    assert loc == ("diagram",)
    assert "ghost" in msg


def test_duplicate_diagram_node_ids_rejected(case_data: dict[str, Any]) -> None:
    case_data["diagram"]["nodes"].append({"id": "api", "label": "Another API", "lane": "online"})
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    [(loc, msg)] = _errors(exc)
    assert loc == ("diagram",)
    assert "duplicate node ids: api" in msg


def test_missing_step_rejected(case_data: dict[str, Any]) -> None:
    del case_data["steps"]["monitoring"]
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    [(loc, msg)] = _errors(exc)
    assert loc == ("steps",)
    assert "monitoring" in msg


def test_unknown_step_rejected(case_data: dict[str, Any]) -> None:
    case_data["steps"]["deployment"] = case_data["steps"]["serving"]
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    assert any("deployment" in map(str, loc) for loc, _ in _errors(exc))


def test_steps_come_back_in_canonical_order(case_data: dict[str, Any]) -> None:
    shuffled = dict(reversed(list(case_data["steps"].items())))
    assert tuple(shuffled) != SEVEN_STEPS  # the input really is out of order
    case_data["steps"] = shuffled
    case = Case.model_validate(case_data)
    assert tuple(case.steps) == SEVEN_STEPS
    assert case.steps["clarify"].guiding_questions == ["What matters for clarify?"]


@pytest.mark.parametrize("bad_id", ["Tiny-Case", "tiny_case", "../tiny", "tiny-", ""])
def test_case_id_pattern_enforced(case_data: dict[str, Any], bad_id: str) -> None:
    case_data["id"] = bad_id
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(case_data)
    assert _errors(exc)[0][0] == ("id",)


def _schema_models() -> list[type[BaseModel]]:
    return [
        cls
        for _, cls in inspect.getmembers(schema, inspect.isclass)
        if issubclass(cls, BaseModel) and cls.__module__ == schema.__name__
    ]


def test_schema_module_defines_the_expected_models() -> None:
    names = {m.__name__ for m in _schema_models()}
    assert {
        "Case",
        "CaseStep",
        "QuizItem",
        "Diagram",
        "PipelineConfig",
        "Framework",
        "FrameworkStep",
        "FrameworkMapping",
    } <= names


@pytest.mark.parametrize("model", _schema_models(), ids=lambda m: m.__name__)
def test_every_field_has_a_description(model: type[BaseModel]) -> None:
    undocumented = [name for name, f in model.model_fields.items() if not f.description]
    assert undocumented == [], f"{model.__name__} fields without description: {undocumented}"


@pytest.fixture
def four_step_data(repo_root: Path) -> dict[str, Any]:
    path = repo_root / "frameworks" / "four-step.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_shipped_framework_validates(four_step_data: dict[str, Any]) -> None:
    fw = Framework.model_validate(four_step_data)
    assert fw.id == "four-step"
    assert fw.mapping_to("seven-step") is not None
    assert fw.mapping_to("no-such-framework") is None


def test_framework_mapping_that_omits_a_step_rejected(four_step_data: dict[str, Any]) -> None:
    mapping = next(m for m in four_step_data["mapping"] if m["target"] == "seven-step")
    dropped = next(iter(mapping["steps"]))
    del mapping["steps"][dropped]
    with pytest.raises(ValidationError) as exc:
        Framework.model_validate(four_step_data)
    [(_, msg)] = _errors(exc)
    assert "must list every step" in msg
    assert dropped in msg


def test_framework_step_ids_must_be_unique(four_step_data: dict[str, Any]) -> None:
    four_step_data["steps"].append(dict(four_step_data["steps"][0]))
    with pytest.raises(ValidationError) as exc:
        Framework.model_validate(four_step_data)
    assert "step ids must be unique" in _errors(exc)[0][1]
