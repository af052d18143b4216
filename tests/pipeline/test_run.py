"""End to end: every shipped case's pipeline at a tiny size, ONNX parity, the oracle."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.content.loader import Catalog
from mlsd.errors import UsageError
from mlsd.pipeline import evaluate as ev
from mlsd.pipeline import registry
from mlsd.pipeline.features import TabularEncoder
from mlsd.pipeline.generators.click_log import ClickLog
from mlsd.pipeline.run import experiment_for, run, select_models, split_by_time

CATALOG = Catalog()
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports() -> dict[str, object]:
    """Each shipped case run once at a tiny size (shared by the tests below)."""
    out = {}
    for case in CATALOG.cases():
        exp = experiment_for(case, rows=3000, seed=0)
        out[case.id] = run(exp, seed=0, latency_calls=60)
    return out


def test_every_case_runs_with_all_its_models(reports: dict[str, object]) -> None:
    for case in CATALOG.cases():
        report = reports[case.id]
        names = [m.name for m in report.models]  # type: ignore[attr-defined]
        assert names == [m.name for m in case.pipeline.models]
        learned = [n for n in names if n not in registry.HEURISTICS]
        assert learned[0] in registry.LEARNED_BASELINES


def test_onnx_parity_and_measurements(reports: dict[str, object]) -> None:
    for report in reports.values():
        for m in report.models:  # type: ignore[attr-defined]
            assert m.latency_native.p50 > 0 and m.latency_native.p99 >= m.latency_native.p50
            assert m.rows_per_second_native > 0 and m.train_seconds >= 0
            if m.name in registry.HEURISTICS or report.task == "retrieval":  # type: ignore[attr-defined]
                # lookups and index searches have no ONNX form (a PCA encoder does)
                if m.onnx_bytes is not None:
                    assert m.parity_max_abs_diff is not None and m.parity_max_abs_diff < 1e-4
                continue
            assert m.onnx_bytes and m.onnx_bytes > 100
            assert m.parity_max_abs_diff is not None and m.parity_max_abs_diff < 1e-4
            assert m.latency_onnx is not None and m.latency_onnx.p99 > 0


def test_json_shape(reports: dict[str, object]) -> None:
    data = reports["ad-click-prediction"].to_json()  # type: ignore[attr-defined]
    assert set(data) >= {"case", "task", "rows", "oracle", "models"}
    assert set(data["rows"]) == {"train", "test"}
    model = data["models"][0]
    for key in (
        "name",
        "metrics",
        "oracle_gap",
        "train_seconds",
        "latency_us",
        "batch_rows_per_second",
        "onnx_bytes",
        "parity_max_abs_diff",
        "interpretability",
    ):
        assert key in model
    assert set(model["latency_us"]) == {"native", "onnx"}
    assert set(data["oracle"]) == {"roc_auc", "pr_auc", "log_loss", "normalized_entropy", "ece"}


def test_lr_reports_its_coefficients(reports: dict[str, object]) -> None:
    lr = next(
        m
        for m in reports["ad-click-prediction"].models  # type: ignore[attr-defined]
        if m.name == "logistic-regression"
    )
    assert len(lr.explanation) == 8


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_oracle_is_not_beaten_beyond_noise(seed: int) -> None:
    """The truth is the best possible score: a model may tie it by luck, not beat it."""
    ds = ClickLog().generate(20_000, seed)
    train, test = split_by_time(ds)
    enc = TabularEncoder()
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=500).fit(enc.fit_transform(train), train.y)
    p = model.predict_proba(enc.transform(test))[:, 1]
    assert ev.log_loss(test.y, p) > ev.log_loss(test.y, test.truth) - 0.002
    assert ev.roc_auc(test.y, p) < ev.roc_auc(test.y, test.truth) + 0.01


def test_split_is_by_time() -> None:
    ds = ClickLog().generate(5000, 0)
    train, test = split_by_time(ds)
    assert train.time.max() <= test.time.min()
    assert len(test) == 1000


def test_encoder_out_of_fold_and_unseen_ids() -> None:
    ds = ClickLog().generate(5000, 0)
    train, test = split_by_time(ds)
    enc = TabularEncoder()
    X = enc.fit_transform(train)
    assert X.dtype == np.float32 and X.shape[1] == len(enc.feature_names_)
    unseen = test.take(np.arange(3))
    unseen.columns["ad_id"][:] = 10**9
    rate = enc.transform(unseen)[:, enc.feature_names_.index("ad_id:rate")]
    assert np.allclose(rate, enc.prior_)


def test_select_models_rejects_unknown() -> None:
    case = CATALOG.case("ad-click-prediction")
    with pytest.raises(UsageError, match="unknown model"):
        select_models(case.pipeline.models, ["xgboost"])
    assert [s.name for s in select_models(case.pipeline.models, ["lightgbm"])] == ["lightgbm"]


def test_rows_floor() -> None:
    with pytest.raises(UsageError, match="at least 500"):
        experiment_for(CATALOG.case("ad-click-prediction"), rows=10, seed=0)
