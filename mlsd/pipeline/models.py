"""The models a case can compare, behind one small interface.

Every model predicts P(y=1) from :class:`Inputs` (the encoded matrix plus the raw
columns). Heavy libraries are imported inside the constructors that need them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsd.errors import UsageError
from mlsd.pipeline.features import lookup, smoothed_rates
from mlsd.pipeline.generators.base import Dataset


@dataclass(frozen=True)
class Inputs:
    """What a model sees: the encoded float32 matrix and the raw rows behind it."""

    X: np.ndarray
    data: Dataset

    def row(self, i: int) -> Inputs:
        """A single-row view, as an online request would carry."""
        return self.rows(slice(i, i + 1))

    def rows(self, part: slice) -> Inputs:
        """A contiguous block of rows (e.g. one request's candidates)."""
        return Inputs(self.X[part], self.data.take(np.arange(len(self.X))[part]))


class HistoricalRate:
    """Heuristic: the smoothed historical positive rate (or mean relevance) of one id.

    As ``popularity`` on ranking data it scores each item by its past engagement,
    the same for every user: the popularity-bias baseline.
    """

    kind = "lookup"

    def __init__(self, key: str | None = None, smoothing: float = 20.0, random_state: int = 0,
                 name: str = "historical-rate") -> None:  # fmt: skip
        self.name = name
        self.key = key
        self.smoothing = smoothing

    def fit(self, inputs: Inputs) -> HistoricalRate:
        data = inputs.data
        self.key_ = self.key or data.ids[0]
        self.prior_ = float(data.y.mean())
        self.table_ = smoothed_rates(data.columns[self.key_], data.y, self.prior_, self.smoothing)
        return self

    def predict(self, inputs: Inputs) -> np.ndarray:
        return lookup(self.table_, inputs.data.columns[self.key_])[:, 0]

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        return [(f"{self.key_}: historical rate", 1.0)]


class FeatureScore:
    """Heuristic: rank by one raw feature (e.g. Adamic-Adar), mapped to a probability.

    The raw score only orders the rows; a monotone map learned on the training
    period (the positive rate per score quantile) turns it into a probability so
    log loss and calibration can be compared with the learned models.
    """

    name = "feature-score"
    kind = "lookup"

    def __init__(self, feature: str, bins: int = 20, random_state: int = 0) -> None:
        self.feature = feature
        self.bins = bins

    def fit(self, inputs: Inputs) -> FeatureScore:
        data = inputs.data
        if self.feature not in data.columns:
            raise UsageError(f"feature-score: no column {self.feature!r} in this data")
        x = data.columns[self.feature].astype(float)
        self.edges_ = np.unique(np.quantile(x, np.linspace(0, 1, self.bins + 1)[1:-1]))
        idx = np.searchsorted(self.edges_, x, side="right")
        pos = np.bincount(idx, weights=data.y, minlength=len(self.edges_) + 1)
        n = np.bincount(idx, minlength=len(self.edges_) + 1)
        prior = float(data.y.mean())
        rate = (pos + 10 * prior) / (n + 10)
        self.rates_ = np.maximum.accumulate(rate)  # a score is assumed to help, not hurt
        return self

    def predict(self, inputs: Inputs) -> np.ndarray:
        x = inputs.data.columns[self.feature].astype(float)
        return np.asarray(self.rates_[np.searchsorted(self.edges_, x, side="right")])

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        return [(self.feature, 1.0)]


class SklearnClassifier:
    """A scikit-learn (or LightGBM sklearn-API) binary classifier on the encoded matrix."""

    def __init__(self, name: str, estimator: Any, kind: str) -> None:
        self.name = name
        self.estimator = estimator
        self.kind = kind

    def fit(self, inputs: Inputs) -> SklearnClassifier:
        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings():  # epoch caps are set on purpose
            warnings.simplefilter("ignore", ConvergenceWarning)
            # graded ranking labels become "engaged at all" for a pointwise classifier
            self.estimator.fit(inputs.X, (inputs.data.y > 0).astype(np.int8))
        return self

    def predict(self, inputs: Inputs) -> np.ndarray:
        return np.asarray(self.estimator.predict_proba(inputs.X)[:, 1])

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        """Top signed coefficients (linear) or gain shares (trees); empty for black boxes."""
        est = self.estimator
        if hasattr(est, "coef_"):
            weights = est.coef_[0]
        elif hasattr(est, "booster_"):
            gain = est.booster_.feature_importance(importance_type="gain")
            weights = gain / max(gain.sum(), 1e-12)
        else:
            return []
        top = np.argsort(-np.abs(weights))[:8]
        return [(feature_names[i], float(weights[i])) for i in top]


class LightGBMRanker:
    """LambdaMART: gradient-boosted trees optimising nDCG over each request's list."""

    name = "lightgbm-ranker"
    kind = "gbdt-ranker"

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator

    def fit(self, inputs: Inputs) -> LightGBMRanker:
        group = inputs.data.group
        if group is None:
            raise UsageError("lightgbm-ranker needs ranking data (rows grouped by request)")
        sizes = np.diff(np.r_[0, np.flatnonzero(np.diff(group)) + 1, len(group)])
        self.estimator.fit(inputs.X, inputs.data.y.astype(int), group=sizes)
        return self

    def predict(self, inputs: Inputs) -> np.ndarray:
        return np.asarray(self.estimator.predict(inputs.X))

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        gain = self.estimator.booster_.feature_importance(importance_type="gain")
        share = gain / max(gain.sum(), 1e-12)
        return [(feature_names[i], float(share[i])) for i in np.argsort(-share)[:8]]


def _lightgbm_ranker(params: dict[str, Any], seed: int) -> LightGBMRanker:
    from lightgbm import LGBMRanker

    defaults = {"n_estimators": 150, "learning_rate": 0.05, "num_leaves": 15,
                "min_child_samples": 50, "reg_lambda": 5.0, "max_bin": 63, "verbose": -1,
                "n_jobs": 2}  # fmt: skip
    return LightGBMRanker(LGBMRanker(**{**defaults, **params}, random_state=seed))


def _logistic_regression(params: dict[str, Any], seed: int) -> SklearnClassifier:
    from sklearn.linear_model import LogisticRegression

    est = LogisticRegression(**{"C": 1.0, "max_iter": 1000, **params}, random_state=seed)
    return SklearnClassifier("logistic-regression", est, "linear")


def _lightgbm(params: dict[str, Any], seed: int) -> SklearnClassifier:
    from lightgbm import LGBMClassifier

    # Shallow, regularised trees: with ~2 % positives, deep trees memorise the few clicks.
    defaults = {
        "n_estimators": 300,
        "learning_rate": 0.05,
        "num_leaves": 7,
        "min_child_samples": 200,
        "reg_lambda": 5.0,
        "subsample": 0.8,
        "subsample_freq": 1,
        "colsample_bytree": 0.8,
        "max_bin": 63,
        "verbose": -1,
        "n_jobs": 2,
    }
    est = LGBMClassifier(**{**defaults, **params}, random_state=seed)
    return SklearnClassifier("lightgbm", est, "gbdt")


def _mlp(params: dict[str, Any], seed: int) -> SklearnClassifier:
    from sklearn.neural_network import MLPClassifier

    # A fixed, small number of epochs: early stopping scores accuracy, which with rare
    # positives stops at "predict all negative".
    defaults = {
        "hidden_layer_sizes": (16, 8),
        "alpha": 1e-3,
        "batch_size": 512,
        "max_iter": 6,
        "learning_rate_init": 4e-3,
    }
    merged = {**defaults, **params}
    merged["hidden_layer_sizes"] = tuple(merged["hidden_layer_sizes"])
    est = MLPClassifier(**merged, random_state=seed)
    return SklearnClassifier("mlp", est, "mlp")


def _historical_rate(params: dict[str, Any], seed: int) -> HistoricalRate:
    return HistoricalRate(**params, random_state=seed)


def _feature_score(params: dict[str, Any], seed: int) -> FeatureScore:
    if "feature" not in params:
        raise UsageError("feature-score needs params: {feature: <column>}")
    return FeatureScore(**params, random_state=seed)


def _popularity(params: dict[str, Any], seed: int) -> HistoricalRate:
    return HistoricalRate(**params, random_state=seed, name="popularity")


BUILDERS = {
    "historical-rate": _historical_rate,
    "popularity": _popularity,
    "lightgbm-ranker": _lightgbm_ranker,
    "feature-score": _feature_score,
    "logistic-regression": _logistic_regression,
    "lightgbm": _lightgbm,
    "mlp": _mlp,
}


def build_model(name: str, params: dict[str, Any], seed: int) -> Any:
    """Instantiate a registered model; bad names or params are usage errors."""
    if name not in BUILDERS:
        raise UsageError(f"unknown model {name!r}; known: {', '.join(BUILDERS)}")
    try:
        return BUILDERS[name](params, seed)
    except TypeError as exc:
        raise UsageError(f"bad parameters for model {name!r}: {exc}") from None
