"""Terminal plots built from small hand-made reports: no training, no CLI."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest

from mlsd.drift.monitor import Alarm, DriftReport, FeatureDrift, PolicyResult, WindowReport
from mlsd.pipeline.measure import Latency
from mlsd.pipeline.report import Curves, ModelResult, PipelineReport, ReliabilityBin
from mlsd.render import console, plots
from mlsd.serve.cache import CacheResult
from mlsd.serve.run import FeatureStoreResult, Join, ModeResult, ServeReport

ANSI = re.compile(r"\x1b\[[0-9;]*m")
NAN = float("nan")


def _bins(shift: float) -> tuple[ReliabilityBin, ...]:
    return tuple(ReliabilityBin(p, min(p + shift, 1.0), 50) for p in np.linspace(0.05, 0.6, 10))


def _model(name: str, curves: Curves | None) -> ModelResult:
    lat = Latency(10.0, 20.0, 100)
    return ModelResult(name, {"roc_auc": 0.8}, {"roc_auc": 0.05}, 0.1, lat, lat, 1e5, 1e5, 1000,
                       0.0, "high", curves=curves)  # fmt: skip


def _comparison(task: str, curves: dict[str, Curves | None], oracle: Curves | None,
                metrics: tuple[str, ...] = ("roc_auc",)) -> PipelineReport:  # fmt: skip
    return PipelineReport("tiny", task, 400, 100, 0.2, 0.25, "synthetic", "one-hot", "by time",
                          metrics, {"roc_auc": 0.9}, tuple(_model(n, c) for n, c in curves.items()),
                          oracle_curves=oracle)  # fmt: skip


def _roc(bend: float) -> Curves:
    x = np.linspace(0, 1, 60)
    return Curves("roc", tuple(x), tuple(x**bend), _bins(0.02 * bend))


def _pr(level: float) -> Curves:
    x = np.linspace(0, 1, 60)
    return Curves("pr", tuple(x), tuple(level * (1 - 0.8 * x)), _bins(-0.01))


def _ndcg(level: float) -> Curves:
    k = np.arange(1, 21, dtype=float)
    return Curves("ndcg", tuple(k), tuple(level + 0.01 * k))


def _lines(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


def _tick_labels(text: str, xlabel: str) -> str:
    """The x tick labels: the line just above the axis label."""
    lines = _lines(text)
    return lines[next(i for i, line in enumerate(lines) if xlabel in line) - 1]


def _fits(text: str, width: int) -> None:
    assert max(len(line) for line in _lines(text)) <= width
    assert "\x1b" not in text


def test_roc_and_calibration_plots_show_every_model_and_the_oracle() -> None:
    r = _comparison("binary", {"logistic-regression": _roc(0.5), "lightgbm": _roc(0.3)},
                    _roc(0.2))  # fmt: skip
    curve, calibration = plots.comparison_plots(r, width=100, color=False)
    assert "ROC curve" in curve and "false positive rate" in curve
    assert "Calibration" in calibration and "mean predicted probability" in calibration
    assert "10 bins of 50 rows" in calibration
    for text in (curve, calibration):
        _fits(text, 100)
        for name in ("logistic-regression", "lightgbm", "oracle"):
            assert name in text
    assert "chance" in curve and "perfectly calibrated" in calibration
    assert plots.comparison_missing(r) is None


def test_rare_positives_get_a_precision_recall_curve() -> None:
    r = _comparison("binary", {"historical-rate": _pr(0.3), "mlp": _pr(0.5)}, _pr(0.9),
                    ("pr_auc",))  # fmt: skip
    curve, _ = plots.comparison_plots(r, width=80, color=False)
    _fits(curve, 80)
    assert "Precision-recall curve" in curve and "recall" in curve
    assert "chance (positive rate 25.0%)" in curve
    assert "historical-rate" in curve and "mlp" in curve and "oracle" in curve


def test_ranking_plots_ndcg_across_k() -> None:
    r = _comparison("ranking", {"popularity": _ndcg(0.3), "lightgbm-ranker": _ndcg(0.6)},
                    _ndcg(0.7), ("ndcg_at_10_judged", "ndcg_at_10"))  # fmt: skip
    [plot] = plots.comparison_plots(r, width=100, color=False)
    _fits(plot, 100)
    assert "nDCG@k" in plot and "judged grades" in plot
    for name in ("popularity", "lightgbm-ranker", "oracle"):
        assert name in plot
    assert _tick_labels(plot, "k (top results").split()[-1] == "20"


def test_tasks_without_curves_have_no_plot_and_say_why() -> None:
    r = _comparison("regression", {"lightgbm": None}, None, ("wape",))
    assert plots.comparison_plots(r, width=100, color=False) == []
    assert plots.comparison_missing(r) == (
        "no plot for regression tasks yet: plots cover binary and ranking cases"
    )


def test_byo_data_without_an_oracle_still_plots() -> None:
    r = _comparison("binary", {"logistic-regression": _roc(0.5)}, None)
    curve, calibration = plots.comparison_plots(r, width=100, color=False)
    assert "logistic-regression" in curve and "oracle" not in curve
    assert "oracle" not in calibration


def _feature(name: str, statistic: float, test: str = "wasserstein") -> FeatureDrift:
    threshold = 0.1 if test == "wasserstein" else 0.01
    drifted = statistic > threshold if test == "wasserstein" else statistic < threshold
    return FeatureDrift(name, test, statistic, threshold, drifted)


def _drift(test: str = "wasserstein", actual_nan: bool = True) -> DriftReport:
    windows = []
    for t in range(2, 12):
        late = t >= 6
        if test == "wasserstein":
            stats = {"amount": 0.05 + 0.3 * late, "age": 0.02, "country": 0.04 + 0.1 * late,
                     "device": 0.01}  # fmt: skip
        else:
            stats = {"amount": 1e-40 if late else 0.4, "age": 0.5, "country": 0.003 * (not late),
                     "device": 0.9}  # fmt: skip
        actual = 0.8 - 0.2 * late
        if actual_nan and t == 11:
            actual = NAN  # e.g. a window whose metric is undefined
        windows.append(WindowReport(
            t, late, tuple(_feature(n, s, test) for n, s in stats.items()),
            _feature("score", 0.03), 0.79, actual, t + 1,
            (Alarm("page_hinkley", t - 1),) if t in (7, 10) else (),
        ))  # fmt: skip
    actual = tuple(w.actual for w in windows)
    periodic = tuple(0.8 - 0.1 * (t >= 6) for t in range(2, 12))
    policies = (
        PolicyResult("never", "keep", actual, (), 0.0, None, 0),
        PolicyResult("periodic", "every 3", periodic, (4, 7, 10), 0.3, 1, 0),
        PolicyResult("triggered", "on alarm", (*actual[:6], NAN, 0.78, 0.79, 0.8), (7,), 0.1, 1, 0),
    )
    return DriftReport("tiny", "both", "logistic-regression", "roc_auc", "a stream", 2000, 1, 6,
                       0.81, 0.1, tuple(windows), policies)  # fmt: skip


def test_drift_plots_show_metric_series_and_the_most_drifted_inputs() -> None:
    metric, features = plots.drift_plots(_drift(), width=100, color=False)
    for text in (metric, features):
        _fits(text, 100)
        assert "window" in text and "drift onset" in text
    for label in ("ROC AUC per window", "actual (= policy never)", "estimated (CBPE)",
                  "policy periodic (retrains 4, 7, 10)", "policy triggered (retrains 7)",
                  "reference 0.810"):  # fmt: skip
        assert label in metric, label
    assert "Input drift, 3 most drifted inputs: normalized distance" in features
    assert "amount" in features and "country" in features and "age" in features
    assert "device" not in features  # the least drifted of four is left out
    assert "drift threshold 0.1" in features and "Page-Hinkley alarm" in features


def test_drift_p_value_tests_are_drawn_as_minus_log10_p() -> None:
    _, features = plots.drift_plots(_drift("ks"), width=90, color=False)
    _fits(features, 90)
    assert "-log10 p" in features and "drift threshold p = 0.01" in features
    assert "amount" in features and "country" in features
    assert plots._severity(_feature("x", 0.0, "ks")) == pytest.approx(30.0)  # p = 0 is capped


def test_never_policy_is_drawn_when_it_differs_from_actual() -> None:
    r = _drift(actual_nan=False)
    never = PolicyResult("never", "keep", (0.5,) * 10, (), 0.0, None, 0)
    r = replace(r, policies=(never, *r.policies[1:]))
    metric, _ = plots.drift_plots(r, width=100, color=False)
    assert "policy never" in metric and "(= policy never)" not in metric


def test_policies_drawn_from_their_first_retrain_and_overlaps_named() -> None:
    r = _drift(actual_nan=False)
    periodic, triggered = r.policies[1], r.policies[2]
    same = (*triggered.per_window[:6], *periodic.per_window[6:])  # one model after window 7
    r = replace(r, policies=(r.policies[0], periodic, replace(triggered, per_window=same)))
    metric, _ = plots.drift_plots(r, width=100, color=False)
    assert "policy triggered (retrains 7; = periodic in 8-11)" in metric
    quiet = replace(triggered, per_window=tuple(w.actual for w in r.windows), retrains=())
    metric, _ = plots.drift_plots(replace(r, policies=(*r.policies[:2], quiet)), width=100,
                                  color=False)  # fmt: skip
    assert "actual (= policies never, triggered)" in metric
    assert "policy triggered" not in metric


def _serve(cache: tuple[CacheResult, ...]) -> ServeReport:
    lat = Latency(5.0, 9.0, 100)
    fs = FeatureStoreResult("user_id", False, 100, 1000, 4096, Join(0.7, 0.6), Join(0.7, 0.7), lat,
                            True)  # fmt: skip
    mode = ModeResult("online", 50.0, 90.0, 0.7, 1000, 1.0, 0.0, 0.0, {})
    return ServeReport("tiny", 1000, 800, 200, "logistic-regression", (mode,), fs, cache, {})


def _cache_results() -> tuple[CacheResult, ...]:
    out = []
    one = np.ones(3)
    for z, hot in ((0.8, 0.0), (1.1, 0.15)):
        for ttl, hit, stale in ((0.0, 0, 0), (10.0, 300, 2), (60.0, 500, 20),
                                (math.inf, 700, 300)):  # fmt: skip
            out.append(CacheResult(z, ttl, 1000, hit + int(hot * hit), stale, one, one, one))
    return tuple(out)


def test_serve_plot_has_hit_and_stale_lines_per_skew_against_ttl() -> None:
    [plot] = plots.serve_plots(_serve(_cache_results()), width=100, color=False)
    _fits(plot, 100)
    for label in ("hit rate, zipf 0.8", "stale, zipf 0.8", "hit rate, zipf 1.1",
                  "stale, zipf 1.1", "cache TTL"):  # fmt: skip
        assert label in plot, label
    ticks = _tick_labels(plot, "cache TTL")  # in the order given
    assert ticks.index("0 (off)") < ticks.index("10 s") < ticks.index("60 s") < ticks.index("never")
    assert "100%" in plot or "80%" in plot


def test_narrow_width_is_respected() -> None:
    r = _comparison("binary", {"logistic-regression": _roc(0.5)}, _roc(0.2))
    for text in (*plots.comparison_plots(r, width=60, color=False),
                 *plots.drift_plots(_drift(), width=60, color=False),
                 *plots.serve_plots(_serve(_cache_results()), width=60, color=False)):  # fmt: skip
        _fits(text, 60)
        assert _lines(text)[0].strip()  # a title too long for the width is cut, not dropped


def test_long_labels_are_cut_to_the_width() -> None:
    long = "a_feature_with_a_very_long_name_" * 4
    text = plots.figure("t", [plots.Series(long, [1, 2], [0.1, 0.2], "*", "blue"),
                              plots.Series("short", [1, 2], [0.3, 0.1], "+", "red")],
                        width=60, color=False)  # fmt: skip
    _fits(text, 60)
    assert "…" in text and "short" in text


def test_nan_points_are_skipped() -> None:
    assert plots.finite_points([1, 2, 3, 4], [0.5, NAN, math.inf, 0.7]) == ([1.0, 4.0], [0.5, 0.7])
    text = plots.figure("t", [plots.Series("kept", [1, 2, 3], [NAN, 0.4, 0.5], "*", "blue"),
                              plots.Series("all missing", [1, 2], [NAN, NAN], "+", "red")],
                        width=60, color=False)  # fmt: skip
    assert "kept" in text and "all missing" not in text
    empty = plots.figure("nothing", [plots.Series("gone", [1], [NAN], "*", "blue")], width=60,
                         color=False)  # fmt: skip
    assert "nothing to plot" in empty


def test_colour_adds_only_escapes(monkeypatch: pytest.MonkeyPatch) -> None:
    r = _drift()
    coloured = plots.drift_plots(r, width=100, color=True)
    plain = plots.drift_plots(r, width=100, color=False)
    assert all("\x1b[" in c for c in coloured)
    assert [ANSI.sub("", c) for c in coloured] == plain


def test_no_color_means_no_escapes(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # a terminal, which would have colour
    console.out.cache_clear()
    assert plots.color_enabled()
    monkeypatch.setenv("NO_COLOR", "1")
    console.out.cache_clear()
    assert not plots.color_enabled()
    texts = plots.serve_plots(_serve(_cache_results()))
    assert all("\x1b" not in t for t in texts)
    plots.show(texts)
    printed = capsys.readouterr().out
    assert "hit rate, zipf 1.1" in printed and "\x1b" not in printed


def test_width_follows_the_console_capped_at_100(monkeypatch: pytest.MonkeyPatch) -> None:
    assert plots.plot_width() == 100  # COLUMNS=120 (conftest)
    monkeypatch.setenv("COLUMNS", "72")
    console.out.cache_clear()
    assert plots.plot_width() == 72
    [plot] = plots.serve_plots(_serve(_cache_results()))
    _fits(plot, 72)


def test_wanted(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert plots.wanted(False) is False
    assert plots.wanted(True) is True
    assert capsys.readouterr().err == ""
    assert plots.wanted(None) is False  # pytest's stdout is not a terminal
    assert plots.SKIPPED in capsys.readouterr().err
    assert plots.wanted(True, "no plot for regression tasks yet") is False
    assert "no plot for regression" in capsys.readouterr().err
    assert plots.wanted(None, "no plot for regression tasks yet") is False
    assert capsys.readouterr().err == ""  # nothing would have been drawn: nothing to say
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    console.out.cache_clear()
    console.err.cache_clear()
    assert plots.wanted(None) is True
    assert capsys.readouterr().err == ""
