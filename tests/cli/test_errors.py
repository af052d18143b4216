"""Bad input is a matrix: each case gets one line on stderr, exit code 2, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mlsd.cli.main import app


def assert_no_traceback(result: Result) -> None:
    """Nothing escaped as an exception, and no traceback text reached the user."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.output


def assert_one_line_error(result: Result, exit_code: int = 2) -> str:
    """Exit code, no traceback, stdout empty, exactly one non-empty line on stderr."""
    assert_no_traceback(result)
    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    return lines[0]


# (args, text the message must contain)
USAGE_ERRORS = [
    (["show", "nope"], "unknown case 'nope'"),
    (["show", "ad-click-predictoin"], "did you mean"),
    (["show", "../etc/passwd"], "invalid case id '../etc/passwd'"),
    (["show", "UPPER"], "invalid case id 'UPPER'"),
    (["show", ""], "invalid case id ''"),
    (["show", "ad-click-prediction", "--step", "nope"], "unknown step 'nope'"),
    (["show", "ad-click-prediction", "--framework", "nope"], "unknown framework 'nope'"),
    (["show", "ad-click-prediction", "--framework", "../x"], "invalid framework id"),
    (["frameworks", "nope"], "unknown framework 'nope'"),
    (["validate", "/no/such/path"], "no such file or directory: /no/such/path"),
    (["--content-dir", "/no/such/dir", "list"], "content directory not found: /no/such/dir"),
]


@pytest.mark.parametrize(("args", "says"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_error_is_one_line_exit_2(runner: CliRunner, args: list[str], says: str) -> None:
    line = assert_one_line_error(runner.invoke(app, args))
    assert line.startswith("error: ")
    assert says in line


def test_env_content_dir_missing(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSD_CONTENT_DIR", "/no/such/dir")
    line = assert_one_line_error(runner.invoke(app, ["list"]))
    assert "content directory not found" in line


def test_long_error_message_stays_on_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    deep = tmp_path / ("very-long-directory-name-" * 4) / "missing"
    line = assert_one_line_error(runner.invoke(app, ["--content-dir", str(deep), "list"]))
    assert str(deep) in line


CLICK_ERRORS = [
    ["list", "--bogus"],
    ["--bogus"],
    ["show"],
    ["nosuchcommand"],
]


@pytest.mark.parametrize("args", CLICK_ERRORS, ids=" ".join)
def test_click_usage_error_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert any(line.startswith("Error:") for line in result.stderr.splitlines()), result.stderr


def test_broken_user_case_names_file_line_col(
    runner: CliRunner, tmp_path: Path, broken_dir: Path
) -> None:
    shutil.copy(broken_dir / "yaml-syntax.yaml", tmp_path)
    result = runner.invoke(app, ["--content-dir", str(tmp_path), "show", "yaml-syntax"])
    assert_no_traceback(result)
    assert result.exit_code != 0
    assert f"{tmp_path / 'yaml-syntax.yaml'}:" in result.stderr
    line = assert_one_line_error(result, exit_code=result.exit_code)
    assert re.search(r"yaml-syntax\.yaml:\d+:\d+: YAML syntax error", line), line


def test_broken_fixture_dir_show(runner: CliRunner, broken_dir: Path) -> None:
    result = runner.invoke(app, ["--content-dir", str(broken_dir), "show", "yaml-syntax"])
    assert_no_traceback(result)
    assert result.exit_code != 0
    assert "yaml-syntax.yaml:" in result.stderr


def test_invalid_user_case_lists_every_problem(
    runner: CliRunner, tmp_path: Path, valid_case_path: Path
) -> None:
    text = valid_case_path.read_text(encoding="utf-8")
    text = text.replace("prompt: Design a tiny click model.\n", "").replace(
        "difficulty: easy", "difficulty: impossible"
    )
    (tmp_path / "tiny-case.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["--content-dir", str(tmp_path), "show", "tiny-case"])
    assert_no_traceback(result)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert any(": difficulty: " in line for line in lines)
    assert any(": prompt: " in line for line in lines)


MARKUP_INPUTS = [
    (["show", "ad-click-prediction", "--step", "[/x]"], "unknown step '[/x]'"),
    (["show", "ad-click-prediction", "--step", "[bold]"], "unknown step '[bold]'"),
    (["--content-dir", "/no/such/[/x]", "list"], "/no/such/[/x]"),
]


@pytest.mark.parametrize(
    ("args", "says"), MARKUP_INPUTS, ids=[" ".join(a) for a, _ in MARKUP_INPUTS]
)
def test_error_message_with_brackets(runner: CliRunner, args: list[str], says: str) -> None:
    line = assert_one_line_error(runner.invoke(app, args))
    assert says in line


def test_list_tag_with_brackets(runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--tag", "[/x]"])
    assert_no_traceback(result)
    assert result.exit_code == 0
    assert "no case studies tagged '[/x]'" in result.stderr


def test_badly_named_user_file_is_reported_as_content(
    runner: CliRunner, tmp_path: Path, valid_case_path: Path
) -> None:
    text = valid_case_path.read_text(encoding="utf-8").replace("id: tiny-case", "id: my_case")
    path = tmp_path / "my_case.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["--content-dir", str(tmp_path), "list"])
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert str(path) in result.stderr
