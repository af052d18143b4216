"""The generators behind search, forecasting, text and anomaly cases keep their promises."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.pipeline.generators.anomalies import MetricSeries
from mlsd.pipeline.generators.forecast import DeliveryTrips, StoreDemand
from mlsd.pipeline.generators.search import QueryLog, SearchSessions
from mlsd.pipeline.generators.texts import EmailStream, ShortTexts, SupportTickets
from mlsd.pipeline.run import split_by_time
from mlsd.pipeline.text import ngrams

ALL = [SearchSessions(), QueryLog(), DeliveryTrips(), StoreDemand(), ShortTexts(),
       SupportTickets(), EmailStream(), MetricSeries()]  # fmt: skip


@pytest.mark.parametrize("gen", ALL, ids=lambda g: type(g).__name__)
def test_deterministic_time_ordered_and_complete(gen: object) -> None:
    a = gen.generate(4000, seed=3)  # type: ignore[attr-defined]
    b = gen.generate(4000, seed=3)  # type: ignore[attr-defined]
    assert np.array_equal(a.y, b.y) and np.allclose(a.truth, b.truth)
    assert np.all(np.diff(a.time) >= 0)
    features = set(a.numeric) | set(a.categorical) | set(a.ids) | set(a.text)
    assert features <= set(a.columns)
    assert all(len(v) == len(a) for v in a.columns.values())
    assert np.all(np.isfinite(a.truth))


@pytest.mark.parametrize("gen", [ShortTexts(), SupportTickets()], ids=lambda g: type(g).__name__)
def test_multiclass_truth_is_a_posterior(gen: object) -> None:
    ds = gen.generate(3000, seed=0)  # type: ignore[attr-defined]
    assert ds.truth.shape == (len(ds), len(ds.classes))
    assert np.allclose(ds.truth.sum(axis=1), 1.0)
    # a posterior is calibrated: the mean probability of each class matches its share
    assert np.allclose(ds.truth.mean(axis=0), np.bincount(ds.y, minlength=len(ds.classes))
                       / len(ds), atol=0.03)  # fmt: skip


@pytest.mark.parametrize("gen", [DeliveryTrips(), StoreDemand()], ids=lambda g: type(g).__name__)
def test_true_p90_covers_ninety_percent(gen: object) -> None:
    ds = gen.generate(30_000, seed=0)  # type: ignore[attr-defined]
    assert "true_p90" not in ds.numeric
    assert np.mean(ds.y <= ds.columns["true_p90"]) == pytest.approx(0.9, abs=0.03)
    assert abs(ds.y.mean() - ds.truth.mean()) < 0.02 * ds.y.mean()  # truth is the mean


def test_store_demand_lags_respect_the_horizon() -> None:
    ds = StoreDemand(n_series=5).generate(500, seed=0)
    units = ds.y.reshape(-1, 5)  # rows are day-major
    lag7 = ds.columns["lag_7"].reshape(-1, 5)
    assert np.array_equal(lag7[7:], units[:-7])  # yesterday's sales are never a feature


def test_clicks_are_position_biased_but_judgments_are_not() -> None:
    ds = SearchSessions().generate(40_000, seed=0)
    pos = ds.columns["position"]
    assert "position" not in ds.numeric and "judged" not in ds.numeric
    top, low = pos <= 2, (pos >= 15)
    clicks_ratio = (ds.y[top] > 0).mean() / (ds.y[low] > 0).mean()
    truth_ratio = ds.truth[top].mean() / ds.truth[low].mean()
    assert clicks_ratio > 3 * truth_ratio  # the page position, not relevance, drives clicks
    assert np.corrcoef(ds.columns["judged"], ds.truth)[0, 1] > 0.6


def test_query_log_has_one_pick_per_keystroke() -> None:
    ds = QueryLog().generate(10_000, seed=0)
    assert ds.group is not None
    picks = np.bincount(ds.group, weights=ds.y)
    assert np.all(picks == 1)
    assert np.allclose(np.bincount(ds.group, weights=ds.truth), 1.0)


def test_spam_wording_drifts_into_the_test_period() -> None:
    ds = EmailStream().generate(20_000, seed=0)
    train, test = split_by_time(ds)
    seen = {w for t in train.columns["text"] for w in ngrams(t, "word")}
    spam_words = [w for t in test.columns["text"][test.y == 1] for w in ngrams(t, "word")]
    unseen = np.mean([w not in seen for w in spam_words])
    assert unseen > 0.02  # obfuscated campaign words the training period never had


def test_anomaly_events_are_labelled_and_features_causal() -> None:
    ds = MetricSeries(n_series=4).generate(8000, seed=1)
    event = ds.columns["event"]
    assert np.array_equal(ds.y, (event >= 0).astype(np.int8))
    assert 0.005 < ds.y.mean() < 0.06
    # anomalous points have larger robust z-scores on average
    z = ds.columns["abs_zscore"]
    assert z[ds.y == 1].mean() > 2 * z[ds.y == 0].mean()
    assert "event" not in ds.numeric
