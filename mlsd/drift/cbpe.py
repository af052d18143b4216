"""Confidence-based performance estimation (CBPE): a metric without labels.

If a model's scores are calibrated, a row scored 0.3 is a positive 30 % of the
time. So the expected value of any metric on unlabelled rows can be computed by
treating each row's calibrated score as the probability of its label: here by
averaging the metric over label vectors drawn from those probabilities, which works
for every binary metric (NannyML derives the expected confusion matrix instead).

Calibration is fitted once, on the labelled reference window, with isotonic
regression. The estimate stays right when the inputs shift (covariate shift: P(y|x)
is unchanged, so a calibrated score still means what it meant) and is blind when
the concept shifts: the scores look the same while their meaning has changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

DRAWS = 40


@dataclass
class CBPE:
    """Fit on reference scores and labels; estimate a metric on unlabelled scores."""

    metric: Callable[[np.ndarray, np.ndarray], float]
    draws: int = DRAWS
    seed: int = 0
    _calibrator: Any = None

    def fit(self, scores: np.ndarray, y: np.ndarray) -> CBPE:
        """Learn the score -> probability map on labelled reference data."""
        from sklearn.isotonic import IsotonicRegression

        self._calibrator = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        self._calibrator.fit(scores, y)
        return self

    def calibrated(self, scores: np.ndarray) -> np.ndarray:
        """Each score's estimated probability of a positive label."""
        return np.asarray(self._calibrator.predict(scores), dtype=float)

    def estimate(self, scores: np.ndarray) -> float:
        """The metric's expected value on rows with these scores and unknown labels."""
        p = self.calibrated(scores)
        rng = np.random.default_rng(self.seed)
        values = []
        for _ in range(self.draws):
            y = (rng.random(len(p)) < p).astype(np.int8)
            if 0 < y.sum() < len(y):
                values.append(self.metric(y, scores))
        values = [v for v in values if np.isfinite(v)]
        return float(np.mean(values)) if values else float("nan")
