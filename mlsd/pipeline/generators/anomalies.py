"""Business-metric series with labelled anomaly events.

Hourly series with daily and weekly seasonality and noise; spikes, level shifts
and drops are injected and every point inside one is labelled. Features use the
past only: the same hour last week is the baseline and a rolling median absolute
deviation (MAD) of the residual is the scale. The oracle knows each point's true
expected value and noise, and scores it by the exact posterior given its true
residual; per event it is judged on recall and detection delay too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mlsd.pipeline.generators.base import Dataset, check_params

KINDS = ("revenue", "signups", "errors", "latency")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK = 168
MAD_WINDOW = 84  # hours of past residuals the robust scale is taken over
_erf = np.frompyfunc(math.erf, 1, 1)


def _cdf(x: np.ndarray) -> np.ndarray:
    erf = np.asarray(_erf(np.asarray(x) / math.sqrt(2.0)), dtype=float)
    return 0.5 * (1.0 + erf)


@dataclass(frozen=True)
class MetricSeries:
    """Hourly metrics (one row per series-hour) with spikes, level shifts and drops."""

    n_series: int = 40
    anomaly_rate: float = 0.0025  # events starting per series-hour (~2 % of points inside)
    min_size: float = 2.0  # event size, in noise deviations: uniform on [min_size, max_size]
    max_size: float = 6.0

    def __post_init__(self) -> None:
        check_params(n_series=(self.n_series, 1), max_size=(self.max_size, self.min_size))
        if not 0.0 < self.anomaly_rate < 0.05:
            raise ValueError("anomaly_rate must be in (0, 0.05)")

    def generate(self, rows: int, seed: int) -> Dataset:
        """About ``rows`` series-hours (whole hours for every series), in time order."""
        rng = np.random.default_rng(seed)
        s = max(min(self.n_series, rows // 48), 1)  # small samples: fewer series, 48+ hours
        hours = math.ceil(rows / s)
        total = hours + WEEK + MAD_WINDOW + 1
        t = np.arange(total)
        kind = rng.integers(0, len(KINDS), s)
        level = rng.lognormal(math.log(1000.0), 1.0, s)
        daily = rng.uniform(0.2, 0.5, s)
        phase = rng.uniform(0, 24, s)
        weekly = rng.uniform(0.0, 0.2, s)
        sigma = rng.uniform(0.04, 0.1, s)  # relative noise
        season = (1 + daily[None, :] * np.sin(2 * np.pi * (t[:, None] - phase) / 24)) * (
            1 + weekly[None, :] * np.where((t // 24 % 7 >= 5)[:, None], -1.0, 0.3)
        )
        expected = level[None, :] * season  # (total, s)  # fmt: skip
        noise_sd = sigma[None, :] * expected
        eps = rng.normal(0.0, 1.0, (total, s))
        shift = np.zeros((total, s))
        event = np.full((total, s), -1, dtype=np.int64)
        starts = np.argwhere(rng.random((total, s)) < self.anomaly_rate)
        n_events = 0
        for h, j in starts:
            if h <= WEEK or (event[h, j] >= 0):
                continue
            style = rng.integers(0, 3)  # spike, level shift, drop
            length = (int(rng.integers(1, 4)), int(rng.integers(6, 25)), int(rng.integers(3, 13)))[
                style
            ]
            sign = -1.0 if style == 2 else rng.choice([-1.0, 1.0])
            size = rng.uniform(self.min_size, self.max_size)
            span = slice(h, min(h + length, total))
            if (event[span, j] >= 0).any():
                continue
            shift[span, j] = sign * size
            event[span, j] = n_events
            n_events += 1
        values = expected + noise_sd * (eps + shift)
        # causal features: baseline = same hour last week; scale = rolling MAD of residuals
        resid = np.full((total, s), np.nan)
        resid[WEEK:] = values[WEEK:] - values[:-WEEK]
        window = sliding_window_view(resid[WEEK:], MAD_WINDOW, axis=0)
        med = np.median(window, axis=-1)
        mad = np.median(np.abs(window - med[..., None]), axis=-1) * 1.4826
        keep = slice(total - hours, total)
        k0 = total - hours - MAD_WINDOW - WEEK  # the window that ends the hour before
        scale = np.maximum(mad[k0 : k0 + hours], 1e-6)
        r = resid[keep] / scale
        diff = (values[keep] - values[total - hours - 1 : total - 1]) / scale
        roll = sliding_window_view(values, 24, axis=0)
        std24 = roll.std(axis=-1)[total - hours - 24 : total - 24] / level[None, :]
        hour = t[keep] % 24
        cols = {
            "abs_zscore": np.abs(r).ravel(),
            "residual_z": r.ravel(),
            "diff_1h_z": diff.ravel(),
            "ratio_to_last_week": (
                values[keep] / values[total - hours - WEEK : total - WEEK]
            ).ravel(),
            "rolling_std_24h": std24.ravel(),
            "hour": np.repeat(hour, s).astype(float),
            "weekday": np.repeat(t[keep] // 24 % 7, s),
            "metric_kind": np.tile(kind, hours),
            "event": event[keep].ravel(),
        }
        y = (cols["event"] >= 0).astype(np.int8)
        true_r = (eps + shift)[keep].ravel()
        prior = max(float(y.mean()), 1e-4)
        a, b = self.min_size, self.max_size
        up = (_cdf(true_r - a) - _cdf(true_r - b)) / (b - a)
        down = (_cdf(true_r + b) - _cdf(true_r + a)) / (b - a)
        f_anom = (1 / 3) * up + (2 / 3) * down  # drops only fall; spikes and shifts either way
        f_norm = np.exp(-0.5 * true_r**2) / math.sqrt(2 * math.pi)
        truth = prior * f_anom / (prior * f_anom + (1 - prior) * f_norm)
        return Dataset(
            cols, y, truth, np.repeat(t[keep] / 24.0, s),
            numeric=("abs_zscore", "residual_z", "diff_1h_z", "ratio_to_last_week",
                     "rolling_std_24h", "hour"),
            categorical=("weekday", "metric_kind"), ids=(),
            description=(f"{hours * s:,} series-hours ({s} hourly metrics × {hours} hours); "
                         f"{n_events} injected anomaly events, {y.mean():.1%} of points"),
            levels={"weekday": WEEKDAYS, "metric_kind": KINDS},
        )  # fmt: skip
