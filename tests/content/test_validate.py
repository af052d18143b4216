"""`validate_files`: shipped content is clean; each defect is named by file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mlsd.content.loader import Catalog
from mlsd.content.validate import files_to_check, validate_files
from mlsd.errors import UsageError

LINE = re.compile(r":\d+: ")
LINE_COL = re.compile(r":\d+:\d+: ")


def test_every_shipped_file_validates() -> None:
    cat = Catalog()
    files = files_to_check([], cat)
    report = validate_files(files)
    assert report.problems == (), "\n".join(map(str, report.problems))
    assert report.ok
    assert report.files == len(files) == len(cat.case_files) + len(cat.framework_files)
    assert report.cases >= 2 and report.frameworks >= 2
    assert report.quiz_items > 0


def test_valid_fixture_validates(valid_case_path: Path) -> None:
    report = validate_files([valid_case_path], base=Catalog())
    assert report.ok, report.problems
    assert (report.files, report.cases, report.quiz_items) == (1, 1, 3)


# (fixture, field named in the problem, text of the offending line or None)
BROKEN = [
    ("unknown-key", "colour", "colour: red"),
    ("missing-field", "prompt", None),
    ("bad-quiz-answer", "quiz.0", None),
    ("bad-edge", "diagram", None),
    ("missing-step", "steps", None),
    ("bad-task", "pipeline.task", "  task: clustering"),
    ("bad-generator", "pipeline.generator", "  generator: nope"),
    ("id-mismatch", "id", "id: wrong-name"),
]


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


@pytest.mark.parametrize(("name", "field", "line_text"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_fixture_names_file_line_and_field(
    broken_dir: Path, name: str, field: str, line_text: str | None
) -> None:
    path = broken_dir / f"{name}.yaml"
    report = validate_files([path])
    assert not report.ok
    [problem] = report.problems  # one defect per fixture: exactly one problem
    text = str(problem)
    assert text.startswith(str(path) + ":")
    assert LINE.search(text), text
    assert f": {field}: " in text, text
    if line_text is not None:
        assert problem.line == _line_of(path, line_text), text


def test_yaml_syntax_error_names_line_and_column(broken_dir: Path) -> None:
    path = broken_dir / "yaml-syntax.yaml"
    [problem] = validate_files([path]).problems
    text = str(problem)
    assert text.startswith(str(path) + ":")
    assert LINE_COL.search(text), text
    assert "YAML syntax error" in text
    assert problem.line is not None and 3 <= problem.line <= 4  # the unclosed '[' and after


def test_broken_dir_reports_every_file(broken_dir: Path) -> None:
    files = files_to_check([broken_dir], Catalog())
    report = validate_files(files)
    named = {Path(p.path).stem for p in report.problems}
    assert named == {p.stem for p in broken_dir.glob("*.yaml")}


def test_duplicate_quiz_ids_across_files_reported(
    case_data: dict[str, Any], write_case: Any, tmp_path: Path
) -> None:
    first = write_case(case_data, tmp_path)
    case_data["id"] = "other-case"
    second = write_case(case_data, tmp_path)
    report = validate_files([first, second])
    texts = [str(p) for p in report.problems]
    assert len(texts) == 3, texts  # the three quiz ids of the fixture, each once
    assert all(t.startswith(f"{second}:") for t in texts)
    assert any("quiz id 'tiny-case.mc' also used in" in t and str(first) in t for t in texts)


def test_quiz_id_clash_with_shipped_content_reported(
    case_data: dict[str, Any], write_case: Any, tmp_path: Path
) -> None:
    shipped_quiz_id = Catalog().case("ad-click-prediction").quiz[0].id
    case_data["quiz"][1]["id"] = shipped_quiz_id
    path = write_case(case_data, tmp_path)

    assert validate_files([path]).ok  # alone, the file is fine
    report = validate_files([path], base=Catalog())
    [problem] = report.problems
    assert problem.path == str(path)
    assert problem.field == "quiz"
    assert shipped_quiz_id in problem.message and "ad-click-prediction" in problem.message
    assert LINE.search(str(problem))


def test_overriding_a_shipped_case_does_not_clash_with_itself(
    repo_root: Path, tmp_path: Path
) -> None:
    src = repo_root / "casestudies" / "ad-click-prediction.yaml"
    copy = tmp_path / src.name
    copy.write_bytes(src.read_bytes())
    assert validate_files([copy], base=Catalog([tmp_path])).ok


def test_non_utf8_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: caf\u00e9\n".encode("latin-1"))
    [problem] = validate_files([path]).problems
    assert problem.path == str(path)
    assert "UTF-8" in problem.message


def test_empty_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    [problem] = validate_files([path]).problems
    assert problem.path == str(path)
    assert "mapping" in problem.message


def test_top_level_list_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    [problem] = validate_files([path]).problems
    assert "expected a mapping" in str(problem)


def test_files_to_check_rejects_missing_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or directory") as exc:
        files_to_check([tmp_path / "missing.yaml"], Catalog())
    assert exc.value.exit_code == 2


def test_duplicate_yaml_key_reported(valid_case_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "tiny-case.yaml"
    text = valid_case_path.read_text(encoding="utf-8")
    path.write_text(text + "title: A second title\n", encoding="utf-8")
    report = validate_files([path])
    assert not report.ok
    assert "title" in str(report.problems[0])
