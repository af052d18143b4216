"""`mlsd run-baseline` and `mlsd compare-models` through the CLI, including BYO CSV."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mlsd.cli.main import app

pytestmark = pytest.mark.slow


def _json(result: object) -> dict:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_run_baseline_json(runner: CliRunner) -> None:
    data = _json(
        runner.invoke(app, ["run-baseline", "ad-click-prediction", "--rows", "3000", "--json"])
    )
    assert data["case"] == "ad-click-prediction" and data["task"] == "binary"
    assert [m["name"] for m in data["models"]] == ["logistic-regression"]
    assert data["rows"] == {"train": 2400, "test": 600}
    assert data["oracle"]["roc_auc"] >= data["models"][0]["metrics"]["roc_auc"] - 0.05


def test_run_baseline_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["run-baseline", "harmful-content-detection", "--rows", "3000"])
    assert result.exit_code == 0, result.output
    for text in (
        "oracle (the truth)",
        "logistic-regression",
        "Largest coefficients",
        "The floor",
    ):
        assert text in result.stdout


def test_compare_models_subset_and_table(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "compare-models",
            "ad-click-prediction",
            "--rows",
            "3000",
            "--models",
            "logistic-regression,lightgbm",
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    for text in (
        "Quality on the test period",
        "Cost, measured in this run",
        "lightgbm",
        "p99",
        "parity",
    ):
        assert text in result.stdout
    assert "mlp" not in result.stdout.split("Cost, measured")[0]
    # not a terminal and no --plot: no plots, one note on stderr
    assert "curve, test period" not in result.stdout
    assert "plots skipped: stdout is not a terminal" in result.stderr


def test_compare_models_seed_is_deterministic_in_quality(runner: CliRunner) -> None:
    args = [
        "compare-models",
        "ad-click-prediction",
        "--rows",
        "2000",
        "--models",
        "logistic-regression",
        "--seed",
        "5",
        "--json",
    ]
    a, b = _json(runner.invoke(app, args)), _json(runner.invoke(app, args))
    assert a["oracle"] == b["oracle"]
    assert a["models"][0]["metrics"] == b["models"][0]["metrics"]


def _write_csv(path: Path, rows: int = 600) -> Path:
    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    plan = rng.choice(["free", "pro", ""], size=rows)
    y = (rng.random(rows) < 1 / (1 + np.exp(-(2 * x - 1)))).astype(int)
    lines = ["x,plan,day,label"]
    lines += [f"{x[i]:.3f},{plan[i]},{i // 20},{'yes' if y[i] else 'no'}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_byo_csv_compare(runner: CliRunner, tmp_path: Path) -> None:
    csv = _write_csv(tmp_path / "mine.csv")
    data = _json(
        runner.invoke(
            app,
            [
                "compare-models",
                "--data",
                str(csv),
                "--target",
                "label",
                "--time-col",
                "day",
                "--models",
                "logistic-regression,lightgbm",
                "--json",
            ],
        )
    )
    assert data["oracle"] is None
    assert [m["name"] for m in data["models"]] == ["logistic-regression", "lightgbm"]
    assert data["models"][0]["oracle_gap"] is None
    assert data["models"][0]["metrics"]["roc_auc"] > 0.7


def test_byo_csv_table_says_no_oracle(runner: CliRunner, tmp_path: Path) -> None:
    csv = _write_csv(tmp_path / "mine.csv")
    result = runner.invoke(app, ["run-baseline", "--data", str(csv), "--target", "label"])
    assert result.exit_code == 0, result.output
    assert "no known ground truth" in result.stdout
    assert "oracle (the truth)" not in result.stdout


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["run-baseline"], "give a case id or --data"),
        (["run-baseline", "ad-click-prediction", "--data", "x.csv"], "not both"),
        (["run-baseline", "--data", "x.csv"], "--data needs --target"),
        (["run-baseline", "ad-click-prediction", "--target", "y"], "go with --data"),
        (["run-baseline", "nope"], "unknown case 'nope'"),
        (["run-baseline", "--data", "/no/such.csv", "--target", "y"], "no such file"),
        (["compare-models", "ad-click-prediction", "--models", "xgboost"], "unknown model"),
        (["compare-models", "ad-click-prediction", "--models", ","], "at least one model"),
        (["compare-models", "ad-click-prediction", "--rows", "10"], ""),
        (["compare-models", "ad-click-prediction", "--rows", "abc"], ""),
        (["compare-models", "demand-forecasting", "--backtest", "9"], "2 to 6"),
        (["compare-models", "visual-search", "--backtest", "3"], "not retrieval"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    runner: CliRunner, args: list[str], phrase: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert phrase in result.stderr


def test_byo_errors_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    csv = tmp_path / "one-class.csv"
    csv.write_text("x,y\n" + "".join(f"{i},0\n" for i in range(200)), encoding="utf-8")
    result = runner.invoke(app, ["compare-models", "--data", str(csv), "--target", "y"])
    assert result.exit_code == 2
    assert "single class" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_backtest_json_and_table(runner: CliRunner) -> None:
    models = "seasonal-naive,lightgbm"
    args = [
        "compare-models",
        "demand-forecasting",
        "--rows",
        "4000",
        "-m",
        models,
        "--backtest",
        "3",
    ]
    data = _json(runner.invoke(app, [*args, "--json"]))
    bt = data["backtest"]
    assert bt["metric"] == "wape" and len(bt["folds"]) == 3
    assert [m["name"] for m in bt["models"]] == ["oracle", "seasonal-naive", "lightgbm"]
    assert all(len(m["scores"]) == 3 for m in bt["models"])
    starts = [f["from_day"] for f in bt["folds"]]
    assert starts == sorted(starts) and bt["folds"][0]["train_rows"] < bt["folds"][1]["train_rows"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "rolling origin" in result.stdout


@pytest.mark.parametrize(
    "case", ["eta-prediction", "language-identification", "search-ranking", "spam-detection"]
)
def test_new_task_types_end_to_end(runner: CliRunner, case: str) -> None:
    data = _json(runner.invoke(app, ["compare-models", case, "--rows", "3000", "--json"]))
    assert data["oracle"] and all(m["metrics"] for m in data["models"])
    table = runner.invoke(app, ["run-baseline", case, "--rows", "3000"])
    assert table.exit_code == 0 and "The floor" in table.stdout


@pytest.mark.parametrize(
    ("case", "model", "titles"),
    [
        ("credit-risk", "logistic-regression", ["ROC curve", "Calibration"]),
        ("search-ranking", "logistic-regression", ["nDCG@k"]),
    ],
)
def test_compare_models_plot(runner: CliRunner, case: str, model: str, titles: list[str]) -> None:
    args = ["compare-models", case, "--rows", "3000", "-m", model, "--plot"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plotted = result.stdout.split("Quality on the test period")[1]
    for text in [*titles, model, "oracle"]:
        assert text in plotted, text
    assert "plots skipped" not in result.stderr
    assert "\x1b" not in result.stdout  # not a terminal: no colour
    start = result.stdout.index(titles[0])
    plots = result.stdout[result.stdout.rindex("\n", 0, start) + 1 :]
    assert max(len(line) for line in plots.splitlines()) <= 100  # COLUMNS=120, capped


def test_compare_models_plot_notes_tasks_without_one(runner: CliRunner) -> None:
    args = ["compare-models", "demand-forecasting", "--rows", "3000", "-m", "seasonal-naive"]
    result = runner.invoke(app, [*args, "--plot"])
    assert result.exit_code == 0, result.output
    assert "no plot for regression tasks yet" in result.stderr


def test_compare_models_json_ignores_plot(runner: CliRunner) -> None:
    args = ["compare-models", "ad-click-prediction", "--rows", "2000", "-m", "logistic-regression"]
    result = runner.invoke(app, [*args, "--json", "--plot"])
    data = _json(result)  # the whole of stdout is the JSON
    assert "curves" not in data["models"][0]
    assert "plot" not in result.stderr
