"""`run_drift` end to end: false alarms, late detection, retraining, the label-free estimate."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlsd.content.loader import Catalog
from mlsd.drift.monitor import DriftReport, LossScale, primary_metric, run_drift
from mlsd.errors import UsageError

pytestmark = pytest.mark.slow
CASE = "ad-click-prediction"


def _run(scenario: str, seed: int = 0, **kw: object) -> DriftReport:
    args = {"windows": 12, "label_delay": 1, "every": 3, "rows": 90000, "model": None} | kw
    return run_drift(Catalog([]).case(CASE), scenario, seed=seed, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(3))
def test_no_drift_raises_alarms_in_at_most_one_window(seed: int) -> None:
    r = _run("none", seed)
    alarmed = [w.index for w in r.windows if w.flagged or w.prediction.drifted or w.alarms]
    assert len(alarmed) <= 1, alarmed
    assert all(p.detection_delay is None for p in r.policies)


def test_data_drift_is_flagged_in_the_late_windows_only() -> None:
    r = _run("data")
    assert r.drift_start == 6
    for w in r.windows:
        assert bool(w.flagged) == (w.index >= 6), (w.index, w.flagged)
    assert all(w.prediction.drifted for w in r.windows if w.index >= 6)


def test_label_free_estimate_within_005_under_data_drift() -> None:
    r = _run("data")
    errors = [abs(w.estimated - w.actual) for w in r.windows if w.drifted]
    assert np.mean(errors) < 0.05, errors


def test_concept_drift_is_invisible_without_labels_and_triggered_retraining_wins() -> None:
    r = _run("concept")
    late = [w for w in r.windows if w.drifted]
    assert not any(w.flagged or w.prediction.drifted for w in late)  # nothing in the inputs
    assert all(w.estimated - w.actual > 0.2 for w in late)  # the estimate is blind
    alarms = [w.index for w in r.windows if w.alarms]
    assert alarms and alarms[0] >= 6  # labels reveal it, after the onset
    by = {p.name: p for p in r.policies}
    assert by["triggered"].mean > by["never"].mean + 0.05
    assert by["triggered"].detection_delay is not None and by["triggered"].detection_delay <= 2
    assert len(by["triggered"].retrains) < len(by["periodic"].retrains)
    assert by["never"].train_seconds == 0 and by["triggered"].train_seconds > 0


def test_json_shape_follows_the_primary_metric() -> None:
    data = json.loads(json.dumps(_run("both", windows=6, rows=30000).to_json()))
    assert data["case"] == CASE and data["scenario"] == "both"
    w = data["windows"][0]
    assert set(w) >= {"index", "feature_drift", "prediction_drift", "estimated", "actual", "alarms"}
    assert set(w["feature_drift"][0]) == {"feature", "test", "statistic", "threshold", "drifted"}
    assert set(w["estimated"]) == set(w["actual"]) == {"roc_auc"}
    names = [p["name"] for p in data["policies"]]
    assert names == ["never", "periodic", "triggered"]
    assert {"mean_roc_auc", "retrains", "train_seconds", "detection_delay"} <= set(
        data["policies"][0]
    )


def test_primary_metric_is_the_first_row_level_metric() -> None:
    cat = Catalog([])
    assert primary_metric(cat.case("fraud-detection")) == "pr_auc"
    assert primary_metric(cat.case("notification-targeting")) == "precision_at_5pct"


def test_loss_signal_is_standardised_chunk_means() -> None:
    scale = LossScale(mean=0.5, sd=1.0)
    y = np.zeros(1000)
    p = np.full(1000, 1 - np.exp(-0.5))  # every row's log loss is exactly 0.5
    np.testing.assert_allclose(scale.signal(y, p), 0.0, atol=1e-9)


@pytest.mark.parametrize(
    ("kw", "match"),
    [({"windows": 3}, "--windows"), ({"label_delay": 6}, "--label-delay"),
     ({"every": 0}, "--every"), ({"model": "nope"}, "unknown model")],
)  # fmt: skip
def test_bad_arguments_are_usage_errors(kw: dict, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        _run("none", **kw)


def test_non_binary_case_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="binary"):
        run_drift(Catalog([]).case("eta-prediction"), "none", 12, 1, 3, 0, None, None)


def test_a_one_class_training_window_is_a_usage_error() -> None:
    from mlsd.drift.monitor import train
    from mlsd.pipeline.run import generate

    data = generate(Catalog([]).case(CASE), 2000, 0)
    negatives = data.take(np.flatnonzero(data.y == 0))
    with pytest.raises(UsageError, match="only one class"):
        train("logistic-regression", {}, negatives, 0)
