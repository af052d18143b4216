"""`mlsd compress` through the CLI: JSON shape, the human report, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from mlsd.cli.main import app

pytestmark = pytest.mark.slow
KEYS = {"name", "source", "bytes", "p99_us", "roc_auc", "gap"}


def _json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, ["compress", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_on_ad_click_prediction(runner: CliRunner) -> None:
    data = _json(runner, "ad-click-prediction", "--rows", "20000")
    assert data["case"] == "ad-click-prediction"
    variants = {v["name"]: v for v in data["variants"]}
    expected = {"logistic-regression", "mlp", "mlp-fp16", "mlp-int8", "lightgbm",
                "lightgbm-pruned-50-trees", "distilled-logistic-regression"}  # fmt: skip
    assert expected <= set(variants)
    for name, v in variants.items():
        assert set(v) >= KEYS, name
        assert v["bytes"] > 0 and v["p99_us"] > 0, name
        source = variants[v["source"]]
        assert v["gap"] == pytest.approx(v["roc_auc"] - source["roc_auc"], abs=1e-12), name
    for name in ("logistic-regression", "mlp", "lightgbm"):
        assert variants[name]["source"] == name and variants[name]["gap"] == 0
    assert variants["distilled-logistic-regression"]["source"] == "lightgbm"
    assert {s["name"] for s in data["skipped"]} == {"logistic-regression-fp16",
        "logistic-regression-int8", "lightgbm-fp16", "lightgbm-int8"}  # fmt: skip


def test_json_on_a_case_without_mlp_lists_its_variants_as_skipped(runner: CliRunner) -> None:
    data = _json(runner, "metric-anomaly-detection", "--rows", "10000", "--seed", "1")
    assert data["case"] == "metric-anomaly-detection"
    names = {v["name"] for v in data["variants"]}
    assert {"logistic-regression", "lightgbm", "distilled-logistic-regression"} <= names
    assert not any(n.startswith("mlp") for n in names)
    skipped = {s["name"]: s["reason"] for s in data["skipped"]}
    for name in ("mlp", "mlp-fp16", "mlp-int8"):
        assert "no mlp model" in skipped[name]


def test_human_report_explains_the_figures(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compress", "credit-risk", "--rows", "10000"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("Compressed variants: size, single-row latency and ROC AUC",
                 "What this run shows", "Halved mlp's weight tensors", "Cut mlp's weight tensors",
                 "The first 50 of 300 trees", "The student reaches ROC AUC", "Not built",
                 "LinearClassifier", "When to use each", "distillation"):  # fmt: skip
        assert text in out, text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eta-prediction"], "regression case"),
        (["rag-retrieval"], "retrieval case"),
        (["no-such-case"], "no-such-case"),
        (["credit-risk", "--rows", "100"], "at least 500"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["compress", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.output
    assert result.stdout == ""


def test_help_explains_the_techniques_without_importing_the_ml_stack() -> None:
    probe = (
        "import json, sys\n"
        "from mlsd.cli.main import app\n"
        "try:\n"
        "    app(['compress', '--help'], prog_name='mlsd', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = json.loads(sys.argv[1])\n"
        "print('HEAVY=' + json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    heavy = ["sklearn", "lightgbm", "scipy", "skl2onnx", "onnxmltools", "onnxruntime", "onnx"]
    done = subprocess.run([sys.executable, "-c", probe, json.dumps(heavy)], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "HEAVY=[]" in done.stdout
    for word in ("float16", "int8", "Pruning", "Distillation", "parity"):
        assert word in done.stdout, word
