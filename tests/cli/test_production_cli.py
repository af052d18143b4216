"""`mlsd drift` and `mlsd redeploy` through the CLI, on every binary case."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlsd.cli.main import app
from mlsd.content.loader import Catalog

pytestmark = pytest.mark.slow
BINARY = [c.id for c in Catalog([]).cases() if c.pipeline and c.pipeline.task == "binary"]


def test_every_binary_case_is_covered() -> None:
    assert len(BINARY) >= 10 and "ad-click-prediction" in BINARY


@pytest.mark.parametrize("case", BINARY)
def test_drift_and_redeploy_run_on_every_binary_case(runner: CliRunner, case: str) -> None:
    drift = runner.invoke(app, ["drift", case, "--json"])
    assert drift.exit_code == 0, drift.output
    data = json.loads(drift.stdout)
    assert data["case"] == case and len(data["windows"]) == 10
    assert [p["name"] for p in data["policies"]] == ["never", "periodic", "triggered"]
    redeploy = runner.invoke(app, ["redeploy", case, "--json"])
    assert redeploy.exit_code == 0, redeploy.output
    strategies = json.loads(redeploy.stdout)["strategies"]
    assert [s["name"] for s in strategies] == ["shadow", "canary", "ab", "blue-green"]
    for s in strategies:
        assert s["decision"] in {"promote", "rollback", "continue", "inconclusive"}
        assert {"reason", "p_value", "requests_to_decision", "exposed_share"} <= set(s)


def test_drift_tables_read_as_a_lesson(runner: CliRunner) -> None:
    result = runner.invoke(app, ["drift", "credit-risk", "--scenario", "concept"])
    assert result.exit_code == 0, result.output
    for text in ("Monitoring, window by window", "What was detected, and when",
                 "blind to concept", "Retraining policies", "triggered"):  # fmt: skip
        assert text in result.stdout, text
    assert "Input drift" not in result.stdout
    assert "plots skipped: stdout is not a terminal" in result.stderr


def test_drift_plot(runner: CliRunner) -> None:
    result = runner.invoke(app, ["drift", "credit-risk", "--plot"])
    assert result.exit_code == 0, result.output
    plotted = result.stdout.split("Retraining policies")[1]
    for text in ("ROC AUC per window", "actual", "estimated (CBPE)", "policy periodic",
                 "policy triggered", "Input drift, 3 most drifted inputs", "drift threshold",
                 "drift onset", "window"):  # fmt: skip
        assert text in plotted, text
    assert "plots skipped" not in result.stderr


def test_drift_json_with_plot_is_only_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["drift", "credit-risk", "--windows", "6", "--json", "--plot"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["windows"]) == 4


def test_redeploy_one_strategy_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["redeploy", "credit-risk", "--strategy", "canary"])
    assert result.exit_code == 0, result.output
    assert "canary: stages" in result.stdout and "feedback loops" in result.stdout
    assert "shadow " not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["drift", "ad-click-prediction", "--scenario", "sideways"],
        ["redeploy", "ad-click-prediction", "--strategy", "yolo"],
        ["drift", "eta-prediction"],
        ["redeploy", "rag-retrieval"],
        ["drift", "ad-click-prediction", "--windows", "2"],
        ["drift", "ad-click-prediction", "--label-delay", "9"],
        ["drift", "no-such-case"],
        ["redeploy", "ad-click-prediction", "--rows", "2000"],
    ],
)
def test_bad_values_exit_2_with_one_line(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
