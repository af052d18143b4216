"""Curve data for the compare-models plots: ROC / PR points, reliability bins, nDCG@k."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.pipeline import curves
from mlsd.pipeline import evaluate as ev
from mlsd.pipeline.generators.base import Dataset


def _scores(n: int = 5000, rate: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(np.int64)
    p = np.clip(0.3 * y + rng.normal(0.3, 0.15, n), 0, 1).round(3)  # rounding makes ties
    return y, p


def test_curve_kind_rule() -> None:
    assert curves.curve_kind("binary", ["roc_auc", "pr_auc"], 0.2) == "roc"
    assert curves.curve_kind("binary", ["pr_auc", "roc_auc"], 0.2) == "pr"
    assert curves.curve_kind("binary", ["roc_auc"], 0.01) == "pr"  # rare positives
    assert curves.curve_kind("ranking", ["ndcg_at_10"], 0.1) == "ndcg"
    for task in ("regression", "multiclass", "retrieval"):
        assert curves.curve_kind(task, ["mae"], 0.5) is None


def test_roc_points_run_corner_to_corner_and_match_the_auc() -> None:
    y, p = _scores()
    fpr, tpr = curves.roc_points(y.astype(float), p)
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))  # trapezoids: ties count half
    assert area == pytest.approx(ev.roc_auc(y, p), abs=1e-9)


def test_pr_points_match_average_precision() -> None:
    y, p = _scores(rate=0.03)
    recall, precision = curves.pr_points(y.astype(float), p)
    assert recall[-1] == 1.0 and precision[-1] == pytest.approx(y.mean())
    ap = float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
    assert ap == pytest.approx(ev.pr_auc(y, p))


@pytest.mark.parametrize("kind", ["roc", "pr"])
def test_binary_curves_are_thinned_to_100_points(kind: str) -> None:
    y, p = _scores(n=20000)
    data = Dataset({}, y, p, np.arange(len(y), dtype=float), (), (), (), "scores")
    c = curves.compute(kind, data, p)
    assert c is not None and c.kind == kind
    assert 50 <= len(c.x) == len(c.y) <= curves.MAX_POINTS
    assert list(c.x) == sorted(c.x) and c.x[-1] == 1.0
    assert len(c.reliability) == 10 and sum(b.rows for b in c.reliability) == len(y)
    predicted = [b.predicted for b in c.reliability]
    assert predicted == sorted(predicted)


def test_thin_keeps_short_curves_and_the_end() -> None:
    x, y = np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.7, 1.0])
    assert curves.thin(x, y, 100)[0].tolist() == [0.0, 0.5, 1.0]
    x = np.linspace(0, 1, 1001)
    tx, ty = curves.thin(x, x**2, 10, at_most=True)
    assert len(tx) <= 10 and tx[0] == 0.0 and tx[-1] == 1.0
    assert np.allclose(ty, tx**2)


def test_reliability_bins_of_calibrated_scores_sit_on_the_diagonal() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(50000)
    y = (rng.random(50000) < p).astype(float)
    for b in curves.reliability_bins(y, p, 10):
        assert b.rows == 5000 and abs(b.observed - b.predicted) < 0.03


def test_ndcg_curve_matches_ndcg_at_k() -> None:
    rng = np.random.default_rng(2)
    group = np.repeat(np.arange(60), 15)
    y = (rng.random(len(group)) < 0.15).astype(np.int64) * rng.integers(1, 3, len(group))
    score = y + rng.normal(0, 1.0, len(group))
    ks, values = curves.ndcg_curve(y, score, group, 20)
    assert ks.tolist() == list(range(1, 21))
    for k in (1, 5, 10, 20):
        per = [ev.ndcg_at(y[s], score[s], k) for s in ev.group_slices(group)]
        assert values[k - 1] == pytest.approx(np.mean([v for v in per if v is not None]))
    assert values[9] == pytest.approx(ev.ranking_metrics(y, score, group, ["ndcg_at_10"])[
        "ndcg_at_10"])  # fmt: skip
