"""The catalog: packaged content, user directories, overrides, ids and framework views."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mlsd.content.loader import Catalog, check_id
from mlsd.content.schema import SEVEN_STEPS
from mlsd.content.views import case_view, select_step
from mlsd.content.yamlsrc import Problem
from mlsd.errors import ContentError, UsageError


@pytest.fixture
def shipped() -> Catalog:
    """The packaged catalog, built after the autouse fixture unset MLSD_CONTENT_DIR."""
    return Catalog()


def test_packaged_catalog_has_the_exemplar_content() -> None:
    cat = Catalog()
    assert {"ad-click-prediction", "harmful-content-detection"} <= set(cat.case_ids())
    assert {"seven-step", "four-step"} <= set(cat.framework_files)
    assert cat.case("ad-click-prediction").id == "ad-click-prediction"
    assert cat.frameworks()[0].id == "seven-step"
    assert cat.user_ids == set()


def test_cases_are_cached_per_catalog() -> None:
    cat = Catalog()
    assert cat.case("ad-click-prediction") is cat.case("ad-click-prediction")


def test_user_dir_adds_a_case(tmp_path: Path, valid_case_path: Path) -> None:
    shutil.copy(valid_case_path, tmp_path)
    cat = Catalog([tmp_path])
    assert "tiny-case" in cat.case_ids()
    assert "ad-click-prediction" in cat.case_ids()
    assert cat.case("tiny-case").title == "Tiny test case"
    assert cat.user_ids == {"tiny-case"}


def test_env_var_adds_a_case(
    tmp_path: Path, valid_case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(valid_case_path, tmp_path)
    monkeypatch.setenv("MLSD_CONTENT_DIR", str(tmp_path))
    cat = Catalog()
    assert "tiny-case" in cat.case_ids()
    assert cat.case("tiny-case").id == "tiny-case"


def test_user_case_overrides_shipped_case(
    case_data: dict[str, Any], write_case: Any, tmp_path: Path
) -> None:
    case_data["id"] = "ad-click-prediction"
    case_data["title"] = "My own ad click case"
    write_case(case_data, tmp_path)
    cat = Catalog([tmp_path])
    assert cat.case_ids().count("ad-click-prediction") == 1
    assert cat.case("ad-click-prediction").title == "My own ad click case"
    assert Catalog().case("ad-click-prediction").title != "My own ad click case"


def test_user_dir_with_subdirectories(
    tmp_path: Path, valid_case_path: Path, repo_root: Path
) -> None:
    (tmp_path / "casestudies").mkdir()
    (tmp_path / "frameworks").mkdir()
    shutil.copy(valid_case_path, tmp_path / "casestudies")
    fw_text = (repo_root / "frameworks" / "four-step.yaml").read_text(encoding="utf-8")
    fw_text = fw_text.replace("id: four-step", "id: my-four-step", 1)
    fw_text = fw_text.replace("title: Four-step ML", "title: My four-step ML", 1)
    (tmp_path / "frameworks" / "my-four-step.yaml").write_text(fw_text, encoding="utf-8")

    cat = Catalog([tmp_path])
    assert "tiny-case" in cat.case_ids()
    assert "my-four-step" not in cat.case_ids()
    assert cat.framework("my-four-step").title.startswith("My four-step")
    assert case_view(cat.case("tiny-case"), cat.framework("my-four-step"))


def test_unknown_case_suggests_near_miss(shipped: Catalog) -> None:
    with pytest.raises(UsageError, match="did you mean ad-click-prediction") as exc:
        shipped.case("ad-click-predictoin")
    assert exc.value.exit_code == 2


def test_unknown_case_without_near_miss_points_at_list(shipped: Catalog) -> None:
    with pytest.raises(UsageError, match="unknown case 'zzz'; see 'mlsd list'"):
        shipped.case("zzz")


def test_unknown_framework(shipped: Catalog) -> None:
    with pytest.raises(UsageError, match="unknown framework 'nope'") as exc:
        shipped.framework("nope")
    assert exc.value.exit_code == 2


@pytest.mark.parametrize(
    "bad_id",
    [
        "../etc/passwd",
        "a/b",
        "UPPER",
        "",
        "tiny-case.yaml",
        "-lead",
        "trail-",
        "a\nb",
        "tiny-case\n",
    ],
)
def test_path_like_or_malformed_ids_are_usage_errors(shipped: Catalog, bad_id: str) -> None:
    with pytest.raises(UsageError, match="invalid case id") as exc:
        shipped.case(bad_id)
    assert exc.value.exit_code == 2
    with pytest.raises(UsageError, match="invalid framework id"):
        shipped.framework(bad_id)


def test_check_id_returns_good_ids() -> None:
    assert check_id("ad-click-prediction") == "ad-click-prediction"


def test_missing_content_dir_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="content directory not found") as exc:
        Catalog([tmp_path / "no-such-dir"])
    assert exc.value.exit_code == 2


def test_missing_env_content_dir_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSD_CONTENT_DIR", str(tmp_path / "gone"))
    with pytest.raises(UsageError, match="content directory not found"):
        Catalog()


def test_broken_user_case_raises_content_error_with_position(broken_dir: Path) -> None:
    cat = Catalog([broken_dir])
    with pytest.raises(ContentError) as exc:
        cat.case("yaml-syntax")
    [problem] = exc.value.problems
    assert isinstance(problem, Problem)
    assert str(problem).startswith(f"{broken_dir / 'yaml-syntax.yaml'}:")
    assert problem.line is not None and problem.column is not None
    assert exc.value.exit_code == 1


def test_id_must_match_file_name_when_loading(broken_dir: Path) -> None:
    with pytest.raises(ContentError, match="must equal the file name"):
        Catalog([broken_dir]).case("id-mismatch")


def test_four_step_view_groups_seven_steps_by_mapping(shipped: Catalog) -> None:
    case = shipped.case("ad-click-prediction")
    fw = shipped.framework("four-step")
    mapping = fw.mapping_to("seven-step")
    assert mapping is not None
    view = case_view(case, fw)
    assert [v.step.id for v in view] == [s.id for s in fw.steps]
    for v in view:
        assert [k for k, _ in v.parts] == mapping.steps[v.step.id]
        steps: dict[str, Any] = {str(k): s for k, s in case.steps.items()}
        assert all(part is steps[k] for k, part in v.parts)
    covered = [k for v in view for k, _ in v.parts]
    assert sorted(covered) == sorted(SEVEN_STEPS)


def test_seven_step_view_is_one_part_per_step(shipped: Catalog) -> None:
    case = shipped.case("ad-click-prediction")
    view = case_view(case, shipped.framework("seven-step"))
    assert [v.step.id for v in view] == list(SEVEN_STEPS)
    assert [[k for k, _ in v.parts] for v in view] == [[s] for s in SEVEN_STEPS]


def test_select_step_by_framework_step_id(shipped: Catalog) -> None:
    view = case_view(shipped.case("ad-click-prediction"), shipped.framework("four-step"))
    assert select_step(view, "define-problem") == [view[0]]


def test_select_step_by_seven_step_id_within_four_step(shipped: Catalog) -> None:
    case = shipped.case("ad-click-prediction")
    view = case_view(case, shipped.framework("four-step"))
    [picked] = select_step(view, "metrics")
    assert picked.step.id == "define-problem"
    assert picked.parts == (("metrics", case.steps["metrics"]),)


def test_select_step_rejects_unknown_step(shipped: Catalog) -> None:
    view = case_view(shipped.case("ad-click-prediction"), shipped.framework("four-step"))
    with pytest.raises(UsageError, match="unknown step 'nope'") as exc:
        select_step(view, "nope")
    assert "define-problem" in str(exc.value)
    assert exc.value.exit_code == 2
