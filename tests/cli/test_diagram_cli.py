"""`mlsd diagram` and the drawing in `mlsd show`, through CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from mlsd.cli.main import app
from mlsd.content.loader import Catalog
from mlsd.diagram.export import to_dot, to_mermaid
from mlsd.diagram.layout import layout
from mlsd.render import console
from mlsd.render.diagram import DiagramView, styled

CASE = Catalog().case("ad-click-prediction")
SERVING = next(s.title for s in Catalog().framework("seven-step").steps if s.id == "serving")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    return result.stdout


def test_text_drawing_is_the_layout_at_100_columns(runner: CliRunner) -> None:
    shown = ok(runner, "diagram", "ad-click-prediction")
    assert shown == layout(CASE.diagram, 100).text + "\n"
    assert max(len(line) for line in shown.splitlines()) == 100


def test_text_drawing_fits_a_narrower_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    console.out.cache_clear()
    shown = ok(runner, "diagram", "ad-click-prediction")
    assert shown == layout(CASE.diagram, 80).text + "\n"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("mermaid", to_mermaid(CASE.diagram)),
        ("dot", to_dot(CASE.diagram, CASE.id)),
        ("MERMAID", to_mermaid(CASE.diagram)),
    ],
)
def test_exports_print_their_source(runner: CliRunner, fmt: str, expected: str) -> None:
    assert ok(runner, "diagram", "ad-click-prediction", "--format", fmt) == expected


@pytest.mark.parametrize("fmt", ["text", "mermaid", "dot"])
def test_out_writes_the_format_to_a_file(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"arch.{fmt}"
    result = runner.invoke(app, ["diagram", CASE.id, "-f", fmt, "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {target}" in result.stderr
    expected = {
        "text": layout(CASE.diagram).text + "\n",
        "mermaid": to_mermaid(CASE.diagram),
        "dot": to_dot(CASE.diagram, CASE.id),
    }[fmt]
    assert target.read_text(encoding="utf-8") == expected
    assert "\x1b" not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["missing/arch.dot", "."])
def test_unwritable_out_is_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path, where: str
) -> None:
    target = tmp_path / where
    result = runner.invoke(app, ["diagram", CASE.id, "-f", "dot", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {target}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_bad_format_and_unknown_case_exit_2(runner: CliRunner) -> None:
    bad = runner.invoke(app, ["diagram", CASE.id, "--format", "svg"])
    assert bad.exit_code == 2
    assert "'svg' is not one of 'text', 'mermaid', 'dot'" in " ".join(bad.stderr.split())
    unknown = runner.invoke(app, ["diagram", "no-such-case"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: unknown case 'no-such-case'")
    shown = runner.invoke(app, ["show", "no-such-case"])
    assert (shown.exit_code, shown.stderr) == (unknown.exit_code, unknown.stderr)


def test_help_lists_the_formats(runner: CliRunner) -> None:
    text = " ".join(ok(runner, "diagram", "--help").split())
    assert "Draw a case's architecture" in text
    assert "text|mermaid|dot" in text and "--out FILE" in text
    assert "diagram Draw a case's architecture" in " ".join(ok(runner, "--help").split())


def test_colour_only_decorates_the_same_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    drawing = layout(CASE.diagram)
    assert styled(drawing).plain == drawing.text
    coloured = Console(width=120, force_terminal=True, color_system="truecolor", record=True)
    with coloured.capture() as cap:
        coloured.print(DiagramView(CASE.diagram), soft_wrap=True)
    raw = cap.get()
    assert "\x1b[" in raw and re.search(r"\x1b\[[0-9;]*3[0-9]m", raw)
    assert ANSI.sub("", raw) == drawing.text + "\n"


def test_no_color_drops_colour_but_not_text(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    console.out.cache_clear()
    raw = ok(runner, "diagram", CASE.id)
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7])m", raw)  # no foreground colour
    assert ANSI.sub("", raw) == layout(CASE.diagram).text + "\n"


def _panel_inside(shown: str, start: str) -> list[str]:
    """Lines of the panel whose title contains ``start``, without its side borders."""
    lines = shown.splitlines()
    first = next(i for i, line in enumerate(lines) if start in line and line.startswith("╭"))
    last = next(i for i in range(first + 1, len(lines)) if lines[i].startswith("╰"))
    return [line[2:-2] for line in lines[first + 1 : last]]


def test_show_puts_the_drawing_in_the_serving_step(runner: CliRunner) -> None:
    shown = ok(runner, "show", CASE.id)
    assert shown.count("┌─ online · the request path") == 1
    inside = _panel_inside(shown, SERVING)
    text = "\n".join(inside)
    assert "Architecture" in text and f"mlsd diagram {CASE.id}" in text
    drawing = layout(CASE.diagram, 100)  # COLUMNS=120: the panel leaves 116, capped at 100
    start = next(i for i, line in enumerate(inside) if line.startswith("┌─ data"))
    got = [line.rstrip() for line in inside[start : start + len(drawing.lines)]]
    assert got == [line.rstrip() for line in drawing.lines]


def test_show_one_step_has_the_drawing_only_with_serving(runner: CliRunner) -> None:
    assert "┌─ online" in ok(runner, "show", CASE.id, "--step", "serving")
    assert "┌─ online" not in ok(runner, "show", CASE.id, "--step", "metrics")


def test_show_four_step_draws_between_serving_and_monitoring(runner: CliRunner) -> None:
    shown = ok(runner, "show", CASE.id, "--framework", "four-step", "--step", "design-serving")
    monitoring = CASE.steps["monitoring"].guiding_questions[0][:40]
    flat = " ".join(shown.split())
    assert flat.index("Architecture") < flat.index("┌─ online") < flat.index(monitoring)
    assert "┌─ online" not in ok(runner, "show", CASE.id, "-f", "four-step", "-s", "monitoring")


def test_show_json_is_unchanged(runner: CliRunner) -> None:
    data = json.loads(ok(runner, "show", CASE.id, "--json"))
    assert data == CASE.model_dump(mode="json", by_alias=True)


def test_show_fits_a_100_column_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    console.out.cache_clear()
    shown = ok(runner, "show", CASE.id, "--step", "serving")
    assert max(len(line) for line in shown.splitlines()) <= 100
    inside = _panel_inside(shown, SERVING)
    start = next(i for i, line in enumerate(inside) if line.startswith("┌─ data"))
    assert inside[start : start + 5] == list(layout(CASE.diagram, 96).lines[:5])
