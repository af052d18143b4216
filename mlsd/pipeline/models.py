"""The models a case can compare, behind one small interface.

Every model predicts from :class:`Inputs` (the encoded matrix plus the raw
columns): P(y=1) for binary tasks, a score for ranking, the value for regression
and a (rows, classes) probability matrix for multiclass. The same name builds the
task's variant (``lightgbm`` is a classifier or a regressor). Heavy libraries are
imported inside the constructors that need them.
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
        what = "historical mean" if self.name == "historical-mean" else "historical rate"
        return [(f"{self.key_}: {what}", 1.0)]


class FeatureScore:
    """Heuristic: rank by one raw feature (e.g. Adamic-Adar), mapped to a probability.

    The raw score only orders the rows; a monotone map learned on the training
    period (the positive rate per score quantile) turns it into a probability so
    log loss and calibration can be compared with the learned models. Within a
    bin, rows keep the raw score's order (a nudge of at most 1e-7).
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
        rate = np.asarray(self.rates_[np.searchsorted(self.edges_, x, side="right")])
        # within a bin, order by the raw score (a rule ranks by it), far below the rate steps
        return rate + 1e-7 * np.arctan(x) / np.pi

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        return [(self.feature, 1.0)]


class ColumnValue:
    """Heuristic: predict a column as it is (seasonal naive: the value a week ago)."""

    name = "seasonal-naive"
    kind = "lookup"

    def __init__(self, feature: str = "lag_7", random_state: int = 0) -> None:
        self.feature = feature

    def fit(self, inputs: Inputs) -> ColumnValue:
        if self.feature not in inputs.data.columns:
            raise UsageError(f"seasonal-naive: no column {self.feature!r} in this data")
        return self

    def predict(self, inputs: Inputs) -> np.ndarray:
        return np.asarray(inputs.data.columns[self.feature], dtype=np.float64)

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        return [(self.feature, 1.0)]


class SklearnClassifier:
    """A scikit-learn (or LightGBM sklearn-API) estimator on the encoded matrix.

    ``output`` says what :meth:`predict` returns: ``"binary"`` P(y=1),
    ``"multiclass"`` every class's probability, ``"value"`` a regression estimate.
    """

    def __init__(self, name: str, estimator: Any, kind: str, output: str = "binary") -> None:
        self.name = name
        self.estimator = estimator
        self.kind = kind
        self.output = output

    def fit(self, inputs: Inputs) -> SklearnClassifier:
        from sklearn.exceptions import ConvergenceWarning

        y = inputs.data.y
        if self.output == "binary":  # graded ranking labels become "engaged at all"
            y = (y > 0).astype(np.int8)
        with warnings.catch_warnings():  # epoch caps are set on purpose
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.estimator.fit(inputs.X, y)
        return self

    def predict(self, inputs: Inputs) -> np.ndarray:
        if self.output == "value":
            return np.asarray(self.estimator.predict(inputs.X), dtype=np.float64)
        proba = np.asarray(self.estimator.predict_proba(inputs.X))
        return proba if self.output == "multiclass" else proba[:, 1]

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        """Top signed coefficients (linear) or gain shares (trees); empty for black boxes.

        A multiclass linear model has one coefficient per class: the largest in size
        is shown, as how strongly the feature separates some class from the rest.
        """
        est = self.estimator
        if hasattr(est, "coef_"):
            coef = np.atleast_2d(est.coef_)
            strongest = np.abs(coef).argmax(axis=0)  # per feature, the class it moves most
            weights = coef[strongest, np.arange(coef.shape[1])]
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


def _output(task: str) -> str:
    return {"multiclass": "multiclass", "regression": "value"}.get(task, "binary")


def _logistic_regression(params: dict[str, Any], seed: int, task: str) -> SklearnClassifier:
    from sklearn.linear_model import LogisticRegression

    est = LogisticRegression(**{"C": 1.0, "max_iter": 1000, **params}, random_state=seed)
    return SklearnClassifier("logistic-regression", est, "linear", _output(task))


def _linear_regression(params: dict[str, Any], seed: int, task: str) -> SklearnClassifier:
    from sklearn.linear_model import Ridge

    # a whisper of L2 keeps one-hot and collinear lags stable; the fit is still least squares
    return SklearnClassifier("linear-regression", Ridge(**{"alpha": 1.0, **params}), "linear",
                             "value")  # fmt: skip


def _naive_bayes(params: dict[str, Any], seed: int, task: str) -> NaiveBayes:
    from sklearn.naive_bayes import MultinomialNB

    return NaiveBayes(MultinomialNB(**{"alpha": 0.1, **params}))


class NaiveBayes(SklearnClassifier):
    """Multinomial naive Bayes over non-negative features (n-gram weights, one-hot)."""

    def __init__(self, estimator: Any) -> None:
        super().__init__("naive-bayes", estimator, "linear", "multiclass")

    def fit(self, inputs: Inputs) -> NaiveBayes:
        if float(inputs.X.min()) < 0:
            raise UsageError("naive-bayes needs non-negative features (text, one-hot); "
                             "this data has standardised numeric columns")  # fmt: skip
        super().fit(inputs)
        return self

    def explain(self, feature_names: list[str]) -> list[tuple[str, float]]:
        logp = self.estimator.feature_log_prob_
        spread = logp.max(axis=0) - logp.min(axis=0)  # how much a feature tells classes apart
        return [(feature_names[i], float(spread[i])) for i in np.argsort(-spread)[:8]]


def _lightgbm_regressor(params: dict[str, Any], seed: int, name: str) -> SklearnClassifier:
    from lightgbm import LGBMRegressor

    defaults: dict[str, Any] = {"n_estimators": 300, "learning_rate": 0.05, "num_leaves": 31,
                "min_child_samples": 50, "reg_lambda": 1.0, "subsample": 0.8,
                "subsample_freq": 1, "colsample_bytree": 0.8, "max_bin": 63, "verbose": -1,
                "n_jobs": 2}  # fmt: skip
    if name == "lightgbm-quantile":
        defaults.update(objective="quantile", alpha=0.9)
    est = LGBMRegressor(**{**defaults, **params}, random_state=seed)
    return SklearnClassifier(name, est, "gbdt", "value")


def _lightgbm_quantile(params: dict[str, Any], seed: int, task: str) -> SklearnClassifier:
    return _lightgbm_regressor(params, seed, "lightgbm-quantile")


def _lightgbm(params: dict[str, Any], seed: int, task: str) -> SklearnClassifier:
    if task == "regression":
        return _lightgbm_regressor(params, seed, "lightgbm")
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
    if task == "multiclass":  # classes are not rare here; fewer rounds, K trees each
        # K trees per round over hundreds of sparse n-gram columns: sample columns hard
        defaults.update(n_estimators=60, learning_rate=0.15, num_leaves=15, min_child_samples=20,
                        colsample_bytree=0.3, max_bin=15)  # fmt: skip
    est = LGBMClassifier(**{**defaults, **params}, random_state=seed)
    return SklearnClassifier("lightgbm", est, "gbdt", _output(task))


def _mlp(params: dict[str, Any], seed: int, task: str) -> SklearnClassifier:
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    if task in ("regression", "multiclass"):
        # classes are balanced enough (or the target continuous) for early stopping
        est_cls = MLPRegressor if task == "regression" else MLPClassifier
        reg_defaults = {"hidden_layer_sizes": (32, 16), "alpha": 1e-3, "batch_size": 256,
                        "max_iter": 30, "learning_rate_init": 2e-3, "early_stopping": True,
                        "n_iter_no_change": 5}  # fmt: skip
        merged = {**reg_defaults, **params}
        merged["hidden_layer_sizes"] = tuple(merged["hidden_layer_sizes"])
        return SklearnClassifier("mlp", est_cls(**merged, random_state=seed), "mlp",
                                 _output(task))  # fmt: skip

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


def _historical_rate(params: dict[str, Any], seed: int, task: str) -> HistoricalRate:
    return HistoricalRate(**params, random_state=seed)


def _historical_mean(params: dict[str, Any], seed: int, task: str) -> HistoricalRate:
    return HistoricalRate(**params, random_state=seed, name="historical-mean")


def _seasonal_naive(params: dict[str, Any], seed: int, task: str) -> ColumnValue:
    return ColumnValue(**params, random_state=seed)


def _feature_score(params: dict[str, Any], seed: int, task: str) -> FeatureScore:
    if "feature" not in params:
        raise UsageError("feature-score needs params: {feature: <column>}")
    return FeatureScore(**params, random_state=seed)


def _popularity(params: dict[str, Any], seed: int, task: str) -> HistoricalRate:
    return HistoricalRate(**params, random_state=seed, name="popularity")


def _ranker(params: dict[str, Any], seed: int, task: str) -> LightGBMRanker:
    return _lightgbm_ranker(params, seed)


BUILDERS = {
    "historical-rate": _historical_rate,
    "historical-mean": _historical_mean,
    "seasonal-naive": _seasonal_naive,
    "popularity": _popularity,
    "lightgbm-ranker": _ranker,
    "feature-score": _feature_score,
    "logistic-regression": _logistic_regression,
    "linear-regression": _linear_regression,
    "naive-bayes": _naive_bayes,
    "lightgbm": _lightgbm,
    "lightgbm-quantile": _lightgbm_quantile,
    "mlp": _mlp,
}


def build_model(name: str, params: dict[str, Any], seed: int, task: str = "binary") -> Any:
    """Instantiate a registered model for ``task``; bad names or params are usage errors."""
    if name not in BUILDERS:
        raise UsageError(f"unknown model {name!r}; known: {', '.join(BUILDERS)}")
    try:
        return BUILDERS[name](params, seed, task)
    except TypeError as exc:
        raise UsageError(f"bad parameters for model {name!r}: {exc}") from None
