"""`mlsd list`, `show`, `frameworks`, `validate` and the top-level options, through CliRunner."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlsd import __version__
from mlsd.cli.main import app
from mlsd.content.loader import Catalog
from mlsd.content.schema import Case

SEVEN_TITLES = [s.title for s in Catalog().framework("seven-step").steps]
FOUR_TITLES = [s.title for s in Catalog().framework("four-step").steps]


def ok(runner: CliRunner, *args: str) -> Any:
    """Invoke the app and insist it succeeded cleanly."""
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    return result


def test_version(runner: CliRunner) -> None:
    result = ok(runner, "--version")
    assert result.stdout.strip() == f"mlsd {__version__}"


def test_no_args_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert "Usage:" in result.output
    assert "list" in result.output


def test_root_help_lists_commands(runner: CliRunner) -> None:
    text = " ".join(ok(runner, "--help").stdout.split())
    assert "A study partner for machine-learning system design interviews" in text
    for command, says in [
        ("list", "List the case studies"),
        ("show", "Show a case study"),
        ("frameworks", "Show the design frameworks"),
        ("validate", "Check content files"),
    ]:
        assert f"{command} {says}" in text
    assert "--content-dir DIR" in text and "--version" in text


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("list", "List the case studies"),
        ("show", "Show a case study"),
        ("frameworks", "Show the design frameworks"),
        ("validate", "Check content files"),
    ],
)
def test_command_help(runner: CliRunner, command: str, says: str) -> None:
    text = " ".join(ok(runner, command, "--help").stdout.split())
    assert text.startswith(f"Usage: mlsd {command} [OPTIONS]")
    assert says in text
    assert "-h, --help" in text


def test_short_help_flag(runner: CliRunner) -> None:
    assert "List the case studies" in ok(runner, "list", "-h").stdout


def test_list_shows_both_cases(runner: CliRunner) -> None:
    out = ok(runner, "list").stdout
    assert "ad-click-prediction" in out and "harmful-content-detection" in out
    assert "Ad click-through-rate" in out  # the title column may wrap
    assert f"{len(Catalog().case_ids())} case studies" in out


def test_list_json(runner: CliRunner) -> None:
    rows = json.loads(ok(runner, "list", "--json").stdout)
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids) == Catalog().case_ids()
    assert {"ad-click-prediction", "harmful-content-detection"} <= set(ids)
    for row in rows:
        assert {"id", "title", "tags", "difficulty"} <= set(row)
        assert isinstance(row["tags"], list) and row["tags"]
        assert row["difficulty"] in {"easy", "medium", "hard"}


def test_list_tag_filters(runner: CliRunner) -> None:
    rows = json.loads(ok(runner, "list", "--tag", "ads", "--json").stdout)
    assert "ad-click-prediction" in [r["id"] for r in rows]
    assert "harmful-content-detection" not in [r["id"] for r in rows]
    assert all("ads" in r["tags"] for r in rows)
    table = ok(runner, "list", "--tag", "ADS").stdout
    assert "ad-click-prediction" in table
    assert "harmful-content-detection" not in table


def test_list_unknown_tag_exits_zero_with_message(runner: CliRunner) -> None:
    result = ok(runner, "list", "--tag", "nope")
    assert result.stdout == ""
    assert "no case studies tagged 'nope'" in result.stderr


def test_show_prints_title_and_step_titles(runner: CliRunner) -> None:
    out = ok(runner, "show", "ad-click-prediction").stdout
    assert "Ad click-through-rate" in out  # the title column may wrap
    for title in SEVEN_TITLES:
        assert title in out


def test_show_one_step(runner: CliRunner) -> None:
    out = ok(runner, "show", "ad-click-prediction", "--step", "metrics").stdout
    assert SEVEN_TITLES[1] in out  # Define metrics...
    for other in SEVEN_TITLES[:1] + SEVEN_TITLES[2:]:
        assert other not in out
    reference = Catalog().case("ad-click-prediction").steps["metrics"].guiding_questions[0]
    assert " ".join(reference.split()[:4]) in " ".join(out.split())


def test_show_through_four_step(runner: CliRunner) -> None:
    out = ok(runner, "show", "ad-click-prediction", "--framework", "four-step").stdout
    for title in FOUR_TITLES:
        assert title in out
    assert SEVEN_TITLES[0] not in out
    assert "Four-step" in out  # "Framework: <title>" line


def test_show_json_round_trips(runner: CliRunner) -> None:
    data = json.loads(ok(runner, "show", "ad-click-prediction", "--json").stdout)
    edges = data["diagram"]["edges"]
    assert edges and all({"from", "to"} <= set(e) for e in edges)
    assert not any("source" in e or "target" in e for e in edges)
    case = Case.model_validate(data)
    assert case == Catalog().case("ad-click-prediction")


def test_frameworks_lists_both(runner: CliRunner) -> None:
    out = ok(runner, "frameworks").stdout
    assert "(seven-step)" in out and "(four-step)" in out
    assert out.index("(seven-step)") < out.index("(four-step)")


def test_frameworks_one_in_detail(runner: CliRunner) -> None:
    out = ok(runner, "frameworks", "four-step").stdout
    assert "(four-step)" in out
    assert "(seven-step)" not in out
    for title in FOUR_TITLES:
        assert title in out
    assert "Common mistakes" in out


def test_frameworks_json(runner: CliRunner) -> None:
    data = json.loads(ok(runner, "frameworks", "--json").stdout)
    assert data[0]["id"] == "seven-step"
    assert "four-step" in [f["id"] for f in data]
    assert [s["id"] for s in data[1]["steps"]] == [
        s.id for s in Catalog().framework("four-step").steps
    ]
    one = json.loads(ok(runner, "frameworks", "four-step", "--json").stdout)
    assert [f["id"] for f in one] == ["four-step"]


def test_validate_all_content_ok(runner: CliRunner) -> None:
    result = ok(runner, "validate")
    cat = Catalog()
    assert result.stdout.startswith("ok ")
    assert (
        f"{len(cat.framework_files)} frameworks, {len(cat.case_files)} case studies"
        in result.stdout
    )


def test_validate_json(runner: CliRunner) -> None:
    data = json.loads(ok(runner, "validate", "--json").stdout)
    assert data["problems"] == []
    assert data["cases"] >= 2 and data["frameworks"] >= 2


def test_validate_broken_file_exits_1_and_names_file_line(
    runner: CliRunner, broken_dir: Path
) -> None:
    path = broken_dir / "unknown-key.yaml"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:297: colour: ")
    assert "1 problems" in result.stdout


def test_validate_valid_file(runner: CliRunner, valid_case_path: Path) -> None:
    assert "ok 1 files" in ok(runner, "validate", str(valid_case_path)).stdout


def test_content_dir_adds_case(runner: CliRunner, tmp_path: Path, valid_case_path: Path) -> None:
    shutil.copy(valid_case_path, tmp_path)
    out = ok(runner, "--content-dir", str(tmp_path), "list").stdout
    assert "tiny-case" in out and "Tiny test case" in out
    assert f"{len(Catalog().case_ids()) + 1} case studies" in out
    shown = ok(runner, "--content-dir", str(tmp_path), "show", "tiny-case").stdout
    assert "Tiny test case" in shown


def test_content_dir_from_env(
    runner: CliRunner, tmp_path: Path, valid_case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(valid_case_path, tmp_path)
    monkeypatch.setenv("MLSD_CONTENT_DIR", str(tmp_path))
    rows = json.loads(ok(runner, "list", "--json").stdout)
    assert "tiny-case" in [r["id"] for r in rows]


def test_python_dash_m_version(repo_root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd", "--version"],
        capture_output=True,
        text=True,
        cwd=repo_root,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"mlsd {__version__}"
    assert proc.stderr == ""


def test_title_with_brackets_is_shown_verbatim(
    runner: CliRunner, case_data: dict[str, Any], write_case: Any, tmp_path: Path
) -> None:
    case_data["title"] = "Tiny [beta] case"
    write_case(case_data, tmp_path)
    listed = ok(runner, "--content-dir", str(tmp_path), "list").stdout
    shown = ok(runner, "--content-dir", str(tmp_path), "show", "tiny-case").stdout
    assert "Tiny [beta] case" in listed
    assert "Tiny [beta] case" in shown
