"""CBPE: right when scores are calibrated and only the inputs move, blind to concept drift."""

from __future__ import annotations

import numpy as np

from mlsd.drift.cbpe import CBPE
from mlsd.pipeline.evaluate import roc_auc


def _calibrated(rng: np.random.Generator, n: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(shift, 1.0, n)
    p = 1 / (1 + np.exp(-(2 * x - 2)))
    return p, (rng.random(n) < p).astype(int)


def test_estimate_tracks_actual_under_covariate_shift() -> None:
    rng = np.random.default_rng(0)
    ref_p, ref_y = _calibrated(rng, 20000, 0.0)
    cbpe = CBPE(roc_auc).fit(ref_p, ref_y)
    for shift in (0.0, -0.8, 0.8):
        p, y = _calibrated(rng, 20000, shift)
        assert abs(cbpe.estimate(p) - roc_auc(y, p)) < 0.01


def test_estimate_is_blind_to_concept_drift() -> None:
    rng = np.random.default_rng(1)
    ref_p, ref_y = _calibrated(rng, 20000, 0.0)
    cbpe = CBPE(roc_auc).fit(ref_p, ref_y)
    p, _ = _calibrated(rng, 20000, 0.0)
    flipped = (rng.random(len(p)) < 1 - p).astype(int)  # the relation reversed
    assert roc_auc(flipped, p) < 0.3
    assert cbpe.estimate(p) > 0.75  # the estimate cannot see it


def test_calibration_is_learned_from_the_reference() -> None:
    rng = np.random.default_rng(2)
    p, y = _calibrated(rng, 20000, 0.0)
    squashed = p**3  # the same ranking, badly calibrated scores
    cal = CBPE(roc_auc).fit(squashed, y).calibrated(squashed)
    assert abs(cal.mean() - y.mean()) < 0.005
