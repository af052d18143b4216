"""`run_train`: LightGBM on a 2-worker Dask LocalCluster against a single process."""

from __future__ import annotations

import json
import sys

import pytest

from mlsd.content.loader import Catalog
from mlsd.content.schema import Case
from mlsd.errors import UsageError
from mlsd.pipeline.distributed import (
    INSTALL,
    MAX_WORKERS,
    TrainReport,
    check_options,
    parse_address,
    require_dask,
    run_train,
)

pytestmark = pytest.mark.slow
CASES = Catalog([])
TOP_KEYS = {"case", "engine", "workers", "train_seconds", "metrics", "single_process"}
EXTRA_KEYS = {"threads", "scheduler", "rows", "features", "cpu_count", "cluster_start_seconds",
              "partition_seconds", "partitions_per_worker", "onnx_bytes", "onnx_parity",
              "lightgbm_params"}  # fmt: skip


def case(case_id: str = "ad-click-prediction") -> Case:
    return CASES.case(case_id)


@pytest.fixture(scope="module")
def dask_report() -> TrainReport:
    """One LocalCluster run shared by every assertion below (40,000 rows: 8,000 to test)."""
    return run_train(case(), "dask", workers=2, rows=40_000, seed=0)


def test_dask_matches_single_process_roc_auc(dask_report: TrainReport) -> None:
    single = dask_report.single_process
    assert single is not None
    assert dask_report.result.engine == "dask" and single.engine == "local"
    assert abs(dask_report.result.metrics["roc_auc"] - single.metrics["roc_auc"]) <= 0.01
    assert set(dask_report.result.metrics) == set(single.metrics) == set(dask_report.metrics)


def test_every_worker_holds_a_persisted_partition(dask_report: TrainReport) -> None:
    assert dask_report.result.workers == 2 and dask_report.result.threads == 2
    assert dask_report.partitions_per_worker == (1, 1)
    assert dask_report.scheduler is None  # a LocalCluster started and closed by run_train
    assert dask_report.cluster_start_seconds is not None
    assert dask_report.partition_seconds is not None


def test_dask_model_exports_to_onnx_with_parity(dask_report: TrainReport) -> None:
    assert dask_report.single_process is not None
    for res in (dask_report.result, dask_report.single_process):
        assert res.onnx_bytes > 10_000
        assert res.onnx_parity < 1e-4


def test_dask_json_shape(dask_report: TrainReport) -> None:
    data = json.loads(json.dumps(dask_report.to_json()))
    assert set(data) == TOP_KEYS | EXTRA_KEYS
    assert data["engine"] == "dask" and data["workers"] == 2
    assert data["rows"] == {"train": 32_000, "test": 8_000}
    assert {"train_seconds", "metrics"} <= set(data["single_process"])
    assert data["lightgbm_params"]["n_estimators"] == 300  # the case's model, both engines


def test_dask_report_renders_the_comparison(
    dask_report: TrainReport, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlsd.render.train import train

    train(dask_report)
    text = capsys.readouterr().out
    parts = ("dask (2 workers)", "single process", "2 × 1", "ROC AUC", "Speed:", "Quality:",
             "On a real cluster", "--scheduler", "partitions per worker: 1, 1")  # fmt: skip
    for part in parts:
        assert part in text, part


def test_local_engine_has_no_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    from mlsd.render.train import train

    report = run_train(case("credit-risk"), "local", rows=5_000, seed=1)
    assert report.single_process is None and report.partitions_per_worker is None
    data = report.to_json()
    assert set(data) >= TOP_KEYS and data["single_process"] is None
    assert data["engine"] == "local" and data["workers"] == 1
    assert {"roc_auc", "group_auc_gap"} <= set(data["metrics"])
    train(report)
    text = capsys.readouterr().out
    assert "single process" in text and "--engine dask" in text and "ONNX:" in text
    assert "cluster" not in text.split("single process")[0]  # no cluster columns


@pytest.mark.parametrize(
    ("case_id", "engine", "workers", "scheduler", "says"),
    [
        ("eta-prediction", "dask", None, None, "regression"),
        ("ad-click-prediction", "spark", None, None, "unknown engine"),
        ("ad-click-prediction", "dask", 0, None, "--workers must be 1-16"),
        ("ad-click-prediction", "dask", MAX_WORKERS + 1, None, "--workers must be 1-16"),
        ("ad-click-prediction", "local", 2, None, "only apply to --engine dask"),
        ("ad-click-prediction", "local", None, "tcp://h:1", "only apply to --engine dask"),
        ("ad-click-prediction", "dask", 2, "tcp://h:1", "own workers"),
        ("ad-click-prediction", "dask", None, "http://h:8786", "malformed --scheduler"),
        ("ad-click-prediction", "dask", None, "tcp://h", "malformed --scheduler"),
        ("ad-click-prediction", "dask", None, "tcp://h:99999", "malformed --scheduler"),
    ],
)
def test_bad_options_are_usage_errors(
    case_id: str, engine: str, workers: int | None, scheduler: str | None, says: str
) -> None:
    with pytest.raises(UsageError, match=says):
        check_options(case(case_id), engine, workers, scheduler)


def test_scheduler_addresses() -> None:
    assert parse_address("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert parse_address("scheduler.local:8786") == "tcp://scheduler.local:8786"
    assert parse_address("tcp://[::1]:8786") == "tcp://[::1]:8786"


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UsageError) as err:
        require_dask()
    assert INSTALL in str(err.value) and "\n" not in str(err.value)


def test_histogram_estimate(dask_report: TrainReport) -> None:
    p = dask_report.params
    expected = p["n_estimators"] * (p["num_leaves"] - 1) * dask_report.features * p["max_bin"] * 16
    assert dask_report.histogram_bytes() == expected
