"""Regression, multiclass, text and the per-event metrics, against hand-computed values."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from mlsd.errors import UsageError
from mlsd.pipeline import evaluate as ev
from mlsd.pipeline.text import TextHasher, ngrams


def test_regression_metrics_by_hand() -> None:
    y = np.array([10.0, 20.0, 30.0, 40.0])
    q = np.array([12.0, 18.0, 30.0, 50.0])
    m = ev.regression_metrics(y, q, ["mae", "rmse", "wape", "pinball_90", "coverage_90"])
    assert m["mae"] == pytest.approx((2 + 2 + 0 + 10) / 4)
    assert m["rmse"] == pytest.approx(math.sqrt((4 + 4 + 0 + 100) / 4))
    assert m["wape"] == pytest.approx(14 / 100)
    # under-forecast by 2 costs 0.9 * 2; over-forecasts cost 0.1 per unit
    assert m["pinball_90"] == pytest.approx((0.1 * 2 + 0.9 * 2 + 0 + 0.1 * 10) / 4)
    assert m["coverage_90"] == pytest.approx(3 / 4)  # 20 > 18 is the one miss


def test_oracle_quantile_metrics_use_the_true_p90() -> None:
    y = np.array([1.0, 2.0, 3.0])
    m = ev.regression_metrics(y, np.zeros(3), ["mae", "coverage_90"], p90=np.full(3, 5.0))
    assert m == {"mae": 2.0, "coverage_90": 1.0}


def test_coverage_gap_is_distance_from_target() -> None:
    gap = ev.gap({"coverage_90": 0.85, "mae": 5.0}, {"coverage_90": 0.91, "mae": 4.0})
    assert gap["coverage_90"] == pytest.approx(0.05 - 0.01)
    assert gap["mae"] == pytest.approx(1.0)  # lower is better: positive = worse


def test_multiclass_metrics_by_hand() -> None:
    y = np.array([0, 1, 2, 2])
    proba = np.array([[0.7, 0.2, 0.1], [0.5, 0.4, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    m = ev.multiclass_metrics(y, proba, ["accuracy", "macro_f1", "top2_accuracy", "log_loss"])
    assert m["accuracy"] == pytest.approx(2 / 4)
    # class 0: tp 1 fp 1 fn 0 -> 2/3; class 1: tp 0 fp 1 fn 1 -> 0; class 2: tp 1 fp 0 fn 1 -> 2/3
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0 + 2 / 3) / 3)
    assert m["top2_accuracy"] == pytest.approx(1.0)
    assert m["log_loss"] == pytest.approx(-np.mean(np.log([0.7, 0.4, 0.6, 0.3])))


def test_recall_at_fpr() -> None:
    y = np.array([0] * 200 + [1] * 4)
    p = np.r_[np.linspace(0, 0.5, 200), [0.9, 0.6, 0.49, 0.1]]
    # 1 % of 200 negatives = 2 may be flagged: the threshold is the 3rd-highest negative
    assert ev.recall_at_fpr(y, p, 0.01) == pytest.approx(2 / 4)


def test_event_metrics_by_hand() -> None:
    # 100 normal points scored 0..0.99; two events of 3 points each
    y = np.r_[np.zeros(100), np.ones(6)].astype(int)
    p = np.r_[np.arange(100) / 100, [0.2, 0.995, 0.999], [0.1, 0.2, 0.3]]
    event = np.r_[np.full(100, -1), [0, 0, 0], [1, 1, 1]]
    time = np.r_[np.arange(100), [0, 1, 2], [0, 1, 2]].astype(float)
    m = ev.event_metrics(y, p, event, time, false_alarm_rate=0.01)
    # threshold = 2nd-highest normal score (0.98): event 0 caught at its 2nd point, 1 missed
    assert m["event_recall"] == pytest.approx(0.5)
    assert m["detection_delay"] == pytest.approx((1 + 3) / 2)


def test_judged_ranking_metric_uses_rater_grades() -> None:
    y = np.array([1, 0, 0, 1])  # clicks
    judged = np.array([0, 3, 0, 3])
    group = np.array([0, 0, 1, 1])
    score = np.array([0.9, 0.1, 0.2, 0.8])
    m = ev.ranking_metrics(y, score, group, ["ndcg_at_10", "ndcg_at_10_judged"], judged)
    assert m["ndcg_at_10"] == pytest.approx(1.0)
    first = ev.ndcg_at(judged[:2], score[:2], 10)
    assert m["ndcg_at_10_judged"] == pytest.approx((first + 1.0) / 2)
    assert first is not None and first < 1.0


def test_ngrams_and_hasher() -> None:
    assert ngrams("Refund, please!", "word") == ["refund", "please"]
    assert ngrams("ab", "char") == [" ", "a", "b", " ", " a", "ab", "b ", " ab", "ab "]
    h = TextHasher(64, "word").fit(["refund refund please", "login error"])
    m = h.transform(["refund refund please", "", "never seen words"])
    assert m.shape == (3, 64) and m.dtype == np.float32
    assert np.linalg.norm(m[0]) == pytest.approx(1.0, abs=1e-6)
    assert not m[1].any()  # an empty text is all zeros, not NaN
    assert "word 'refund'" in h.names_
    again = TextHasher(64, "word").fit(["x"]).transform(["refund refund please"])
    assert np.array_equal(again, m[:1])  # buckets are stable across instances and runs
    with pytest.raises(ValueError):
        TextHasher(8, "sentence")


def test_naive_bayes_rejects_negative_features() -> None:
    from mlsd.pipeline.generators.texts import SupportTickets
    from mlsd.pipeline.models import Inputs, build_model

    ds = SupportTickets().generate(600, 0)
    model = build_model("naive-bayes", {}, 0, "multiclass")
    with pytest.raises(UsageError, match="non-negative"):
        model.fit(Inputs(np.full((len(ds), 3), -1.0, dtype=np.float32), ds))


def test_backtest_windows_cover_the_last_forty_percent_in_order() -> None:
    from mlsd.pipeline.backtest import windows
    from mlsd.pipeline.generators.search import SearchSessions

    ds = SearchSessions().generate(4000, seed=0)
    spans = windows(ds, 3)
    assert len(spans) == 3 and spans[-1][1] == len(ds)
    assert abs(spans[0][0] - 0.6 * len(ds)) <= 20  # moved only to a request boundary
    assert all(a2 == b1 for (_, b1), (a2, _) in itertools.pairwise(spans))
    assert ds.group is not None
    assert all(ds.group[a] != ds.group[a - 1] for a, _ in spans)  # never splits a request
