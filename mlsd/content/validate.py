"""`mlsd validate`: schema checks plus the rules that span fields and files."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mlsd.content.loader import Catalog, user_dir_files, validation_problems
from mlsd.content.schema import SEVEN_STEPS, Case, Framework
from mlsd.content.yamlsrc import Problem, YamlDoc, YamlParseError, read_yaml
from mlsd.errors import MlsdError, UsageError
from mlsd.pipeline import registry


@dataclass(frozen=True)
class Checked:
    """One file that passed the schema, with its document for line numbers."""

    doc: YamlDoc
    item: Case | Framework
    label: str


@dataclass(frozen=True)
class ValidationReport:
    """What `mlsd validate` found."""

    files: int
    cases: int
    frameworks: int
    quiz_items: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def files_to_check(paths: Sequence[Path], catalog: Catalog) -> list[Path]:
    """Expand the arguments of `mlsd validate` into YAML files (all content if none)."""
    if not paths:
        return [*catalog.framework_files.values(), *catalog.case_files.values()]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            cases, frameworks = user_dir_files(path)
            found += [*frameworks, *cases]
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or directory: {path}")
    return found


def validate_files(files: Iterable[Path], base: Catalog | None = None) -> ValidationReport:
    """Validate ``files``; quiz ids are also checked against ``base``'s other content."""
    problems: list[Problem] = []
    checked: list[Checked] = []
    files = list(files)
    for path in files:
        result = _check_file(path)
        if isinstance(result, Checked):
            checked.append(result)
        else:
            problems += result
    problems += _cross_checks(checked, base)
    cases = [c for c in checked if isinstance(c.item, Case)]
    quiz = sum(len(_quiz_of(c.item)) for c in checked)
    return ValidationReport(
        len(files), len(cases), len(checked) - len(cases), quiz, tuple(problems)
    )


def _check_file(path: Path) -> Checked | list[Problem]:
    label = str(path)
    try:
        doc = read_yaml(path, label)
    except YamlParseError as exc:
        return [exc.problem]
    if not isinstance(doc.data, dict):
        return [Problem(label, "expected a mapping at the top level", 1)]
    model = Framework if isinstance(doc.data.get("steps"), list) else Case
    try:
        item = model.model_validate(doc.data)
    except ValidationError as exc:
        return validation_problems(exc, doc, label)
    if item.id != path.stem:
        msg = f"id {item.id!r} must equal the file name {path.stem!r}"
        return [Problem(label, msg, doc.line_of(("id",)), None, "id")]
    own = list(_framework_rules(item) if isinstance(item, Framework) else _case_rules(item))
    if own:
        return [
            Problem(label, msg, doc.line_of(loc), None, ".".join(map(str, loc))) for loc, msg in own
        ]
    return Checked(doc, item, label)


Rule = tuple[tuple[Any, ...], str]


def _case_rules(case: Case) -> Iterator[Rule]:
    pipe = case.pipeline
    if pipe.generator not in registry.GENERATORS:
        known = ", ".join(sorted(registry.GENERATORS))
        yield ("pipeline", "generator"), f"unknown generator {pipe.generator!r} (known: {known})"
    elif registry.GENERATOR_TASKS[pipe.generator] != pipe.task:
        gen_task = registry.GENERATOR_TASKS[pipe.generator]
        yield ("pipeline", "task"), f"generator {pipe.generator!r} makes {gen_task!r} data"
    models = registry.MODELS_BY_TASK[pipe.task]
    for i, spec in enumerate(pipe.models):
        if spec.name not in models:
            yield (
                ("pipeline", "models", i, "name"),
                f"unknown model {spec.name!r} for task {pipe.task!r} (known: {', '.join(models)})",
            )
    learned = [m.name for m in pipe.models if m.name not in registry.HEURISTICS]
    if learned and learned[0] not in registry.LEARNED_BASELINES:
        yield (
            ("pipeline", "models"),
            (
                "the first non-heuristic model must be the floor "
                f"({', '.join(registry.LEARNED_BASELINES)})"
            ),
        )
    metrics = (*registry.METRICS_BY_TASK[pipe.task],
               *registry.GENERATOR_METRICS.get(pipe.generator, ()))  # fmt: skip
    for i, metric in enumerate(pipe.metrics):
        if metric not in metrics:
            yield (
                ("pipeline", "metrics", i),
                (f"unknown metric {metric!r} for task {pipe.task!r} (known: {', '.join(metrics)})"),
            )


def _framework_rules(fw: Framework) -> Iterator[Rule]:
    ids = [s.id for s in fw.steps]
    if fw.id == "seven-step":
        if tuple(ids) != SEVEN_STEPS:
            yield ("steps",), f"the seven-step framework must have steps {', '.join(SEVEN_STEPS)}"
        return
    mapping = fw.mapping_to("seven-step")
    if mapping is None:
        yield ("mapping",), "every framework needs a mapping to 'seven-step'"
        return
    seen: list[str] = [s for targets in mapping.steps.values() for s in targets]
    for step in seen:
        if step not in SEVEN_STEPS:
            yield ("mapping",), f"mapping to seven-step names unknown step {step!r}"
    missing = [s for s in SEVEN_STEPS if s not in seen]
    if missing:
        yield ("mapping",), f"mapping to seven-step leaves out {', '.join(missing)}"


def _quiz_of(item: Case | Framework) -> list[Any]:
    if isinstance(item, Case):
        return list(item.quiz)
    return [q for step in item.steps for q in step.quiz]


def _cross_checks(checked: list[Checked], base: Catalog | None) -> list[Problem]:
    """Quiz ids must be unique across all content that would be loaded together."""
    problems = []
    owner: dict[str, str] = {}
    ids_here = {c.item.id for c in checked}
    for c in checked:
        for q in _quiz_of(c.item):
            if q.id in owner:
                problems.append(
                    Problem(
                        c.label,
                        f"quiz id {q.id!r} also used in {owner[q.id]}",
                        _quiz_line(c, q.id),
                        None,
                        "quiz",
                    )
                )
            owner.setdefault(q.id, c.label)
    if base is not None:
        problems += _clashes_with_base(owner, ids_here, base, {c.label: c for c in checked})
    return problems


def _clashes_with_base(
    owner: dict[str, str], ids_here: set[str], base: Catalog, by_label: dict[str, Checked]
) -> list[Problem]:
    problems = []
    for other in _base_items(base, ids_here):
        for q in _quiz_of(other):
            if q.id in owner:
                c = by_label[owner[q.id]]
                problems.append(
                    Problem(
                        c.label,
                        f"quiz id {q.id!r} also used in {other.id!r}",
                        _quiz_line(c, q.id),
                        None,
                        "quiz",
                    )
                )
    return problems


def _base_items(base: Catalog, skip: set[str]) -> Iterator[Case | Framework]:
    """Base content not overridden by the checked files; broken files are skipped
    here because checking them is their own validation's job."""
    for case_id in base.case_ids():
        if case_id not in skip:
            with contextlib.suppress(MlsdError):
                yield base.case(case_id)
    for fw_id in base.framework_files:
        if fw_id not in skip:
            with contextlib.suppress(MlsdError):
                yield base.framework(fw_id)


def _quiz_line(c: Checked, quiz_id: str) -> int | None:
    if isinstance(c.item, Case):
        idx = next(i for i, q in enumerate(c.item.quiz) if q.id == quiz_id)
        return c.doc.line_of(("quiz", idx))
    for si, step in enumerate(c.item.steps):
        for qi, q in enumerate(step.quiz):
            if q.id == quiz_id:
                return c.doc.line_of(("steps", si, "quiz", qi))
    return None
