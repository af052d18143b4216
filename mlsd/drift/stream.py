"""A stream of time windows from a case's generator, with drift injected on purpose.

The generator's rows are shuffled before they are cut into windows, so the
``none`` stream is stationary: whatever drifts, the scenario put there.

- ``data`` (covariate shift): from the drift window on, each window is an
  importance-weighted sample of a pool twice its size, weights ``exp(s * z)`` on the
  most predictive numeric feature (and a boost to one level of a categorical). Whole
  rows are kept, so the label given the features is untouched: only P(x) moves.
- ``concept``: from the drift window on, the linear part of the true log-odds in
  the numeric features is reversed to half its size (subtracted 1.5 times), the
  base rate is restored, and the labels are redrawn. P(x) is untouched.
- ``both``: the two together.

What is shifted or reversed is measured on the first window (correlation with, or
least-squares fit to, the true log-odds), never looked up by case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mlsd.errors import UsageError
from mlsd.pipeline.generators.base import Dataset, intercept_for_rate, sigmoid

SCENARIOS = ("none", "data", "concept", "both")
SHIFT_STRENGTH = 0.8  # importance weight exp(0.8 z): the mean moves by ~0.5 sd
LEVEL_BOOST = 3.0  # the boosted categorical level is three times as likely to be kept
CONCEPT_REVERSAL = 1.5  # subtract 1.5x the linear part: each effect flips to half its size
MIN_WINDOW_ROWS = 300


@dataclass(frozen=True)
class Stream:
    """Windows in time order and what was done to them."""

    windows: tuple[Dataset, ...]
    scenario: str
    drift_start: int | None  # first drifted window, None for "none"
    shifted: tuple[str, ...]  # features whose distribution was moved (data drift)
    concept_features: tuple[str, ...]  # features whose linear effect on the label was reversed

    def describe(self) -> str:
        """One line on what was injected, for the report."""
        if self.drift_start is None:
            return "no drift injected (the false-alarm control)"
        parts = []
        if self.shifted:
            parts.append(f"covariate shift in {', '.join(self.shifted)}")
        if self.concept_features:
            parts.append(f"the linear effect of the {len(self.concept_features)} numeric "
                         "features on the label reversed")  # fmt: skip
        return f"from window {self.drift_start}: " + "; ".join(parts)


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def _standardised(data: Dataset, ref: Dataset, name: str) -> np.ndarray:
    x = data.columns[name].astype(float)
    mu, sd = float(ref.columns[name].mean()), float(ref.columns[name].std())
    return np.clip((x - mu) / max(sd, 1e-9), -3.0, 3.0)


def most_predictive(ref: Dataset) -> str | None:
    """The numeric column whose standardised value best tracks the true log-odds."""
    logit = _logit(ref.truth)
    best, best_r = None, 0.0
    for name in ref.numeric:
        x = ref.columns[name].astype(float)
        if x.std() == 0:
            continue
        r = abs(float(np.corrcoef(x, logit)[0, 1]))
        if np.isfinite(r) and r > best_r:
            best, best_r = name, r
    return best


def _weighted_pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices drawn with probability proportional to ``weights``
    (Efraimidis-Spirakis keys), returned in their original order."""
    keys = np.log(rng.random(len(weights))) / weights
    return np.sort(np.argpartition(-keys, k - 1)[:k])


def _covariate_weights(pool: Dataset, ref: Dataset, feature: str, level: tuple[str, int] | None,
                       ) -> np.ndarray:  # fmt: skip
    w = np.exp(SHIFT_STRENGTH * _standardised(pool, ref, feature))
    if level is not None:
        w = w * np.where(pool.columns[level[0]] == level[1], LEVEL_BOOST, 1.0)
    return w


def _rare_level(ref: Dataset) -> tuple[str, int] | None:
    """The first categorical column's least common level that still has 2 % of rows."""
    for name in ref.categorical:
        codes, counts = np.unique(ref.columns[name], return_counts=True)
        ok = counts >= 0.02 * len(ref)
        if ok.sum() >= 2:
            return name, int(codes[ok][np.argmin(counts[ok])])
    return None


def _reverse_concept(data: Dataset, ref: Dataset, features: tuple[str, ...], rate: float,
                     rng: np.random.Generator) -> Dataset:  # fmt: skip
    """Relabel ``data`` with the linear part of the log-odds in ``features`` reversed.

    The linear part is the least-squares fit of the true log-odds on the standardised
    features over the reference rows; subtracting it 1.5 times turns every effect a
    linear model can learn around (at half strength), while ids and interactions keep
    theirs.
    """
    z_ref = np.column_stack([_standardised(ref, ref, f) for f in features] + [np.ones(len(ref))])
    beta = np.linalg.lstsq(z_ref, _logit(ref.truth), rcond=None)[0][:-1]
    z = np.column_stack([_standardised(data, ref, f) for f in features])
    logit = _logit(data.truth) - CONCEPT_REVERSAL * z @ beta
    truth = sigmoid(logit + intercept_for_rate(logit, rate))
    y = (rng.random(len(truth)) < truth).astype(data.y.dtype)
    return replace(data, truth=truth, y=y)


def build_stream(data: Dataset, scenario: str, windows: int, seed: int) -> Stream:
    """Cut ``data`` (shuffled) into ``windows`` windows and inject ``scenario``'s drift.

    Drift starts at window ``windows // 2``. Data drift draws each drifted window from a
    pool twice its size, so every scenario cuts windows of ``len(data) / (1.5 * windows)``
    rows (the same size whatever the scenario, so runs compare like with like).
    """
    if scenario not in SCENARIOS:
        raise UsageError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    if data.group is not None or data.classes:
        raise UsageError("drift streams need a binary case (one row, one 0/1 label)")
    rng = np.random.default_rng(seed + 7919)
    order = rng.permutation(len(data))
    start = windows // 2
    size = len(data) // (windows + (windows - start))
    if size < MIN_WINDOW_ROWS:
        raise UsageError(f"--rows too small: windows of {size} rows (need {MIN_WINDOW_ROWS}+)")
    parts, at = [], 0
    ref = data.take(order[:size])
    rate = float(ref.truth.mean())
    covariate = scenario in ("data", "both")
    concept = scenario in ("concept", "both")
    feature = most_predictive(ref)
    if feature is None:
        raise UsageError("this case has no numeric feature to drift")
    level = _rare_level(ref) if covariate else None
    numeric = tuple(n for n in ref.numeric if ref.columns[n].std() > 0)
    for w in range(windows):
        drifted = scenario != "none" and w >= start
        take = size * (2 if drifted and covariate else 1)
        chunk = data.take(order[at : at + take])
        at += take
        if drifted and covariate:
            chunk = chunk.take(_weighted_pick(rng, _covariate_weights(chunk, ref, feature, level),
                                              size))  # fmt: skip
        if drifted and concept:
            chunk = _reverse_concept(chunk, ref, numeric, rate, rng)
        parts.append(replace(chunk, time=np.full(len(chunk), float(w))))
    shifted = (feature,) + ((level[0],) if level else ()) if covariate else ()
    return Stream(tuple(parts), scenario, None if scenario == "none" else start, shifted,
                  numeric if concept else ())  # fmt: skip
