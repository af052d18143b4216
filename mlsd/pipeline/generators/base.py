"""What every generator returns, and the sampling helpers they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from mlsd.errors import UsageError


@dataclass(frozen=True)
class Dataset:
    """Rows in time order, their labels, and the truth each label was drawn from.

    Attributes:
        columns: column name -> 1-D array (float for numeric, int codes for categoricals).
        y: the sampled labels.
        truth: for each row, the probability (or expected value) the label was drawn from.
        time: non-decreasing time index in days; splits are made on it.
        numeric: names of numeric columns.
        categorical: low-cardinality categorical columns (one-hot encoded).
        ids: high-cardinality id columns (encoded by smoothed historical rate).
        description: one line about the data, for the report.
        levels: for categoricals, the label of each code (for readable coefficients).
        group: for ranking, the request (query) each row belongs to; rows of a request
            are contiguous and share one time.
        text: free-text columns (arrays of str), hashed into n-gram features.
        analyzer: how text is cut: ``"word"`` unigrams or ``"char"`` 1-3-grams.
        classes: for multiclass data, the name of each label code; ``truth`` is then a
            (rows, classes) matrix of true class probabilities.
    """

    columns: dict[str, np.ndarray]
    y: np.ndarray
    truth: np.ndarray
    time: np.ndarray
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    ids: tuple[str, ...]
    description: str
    levels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    group: np.ndarray | None = None
    text: tuple[str, ...] = ()
    analyzer: str = "word"
    classes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.y)

    def take(self, index: np.ndarray) -> Dataset:
        """Rows at ``index``, same schema."""
        cols = {k: v[index] for k, v in self.columns.items()}
        group = None if self.group is None else self.group[index]
        return replace(self, columns=cols, y=self.y[index], truth=self.truth[index],
                       time=self.time[index], group=group)  # fmt: skip


def concat(parts: Sequence[Dataset]) -> Dataset:
    """Rows of ``parts`` one after another (same schema; groups are not supported)."""
    first = parts[0]
    cols = {k: np.concatenate([p.columns[k] for p in parts]) for k in first.columns}
    return replace(first, columns=cols, y=np.concatenate([p.y for p in parts]),
                   truth=np.concatenate([p.truth for p in parts]),
                   time=np.concatenate([p.time for p in parts]), group=None)  # fmt: skip


TEST_SHARE = 0.2
"""The latest fifth of every dataset's time span is its test period (see run.split_by_time)."""


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Numerically stable logistic function."""
    return np.exp(-np.logaddexp(0.0, -z))


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax (each row sums to 1), stable for large logits."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def sample_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of ``probs`` (rows sum to 1): the column index."""
    u = rng.random((len(probs), 1))
    return np.minimum((u > np.cumsum(probs, axis=1)).sum(axis=1), probs.shape[1] - 1)


def zipf_ids(rng: np.random.Generator, n: int, n_ids: int, exponent: float) -> np.ndarray:
    """Draw ``n`` ids from ``n_ids`` with power-law popularity (id 0 is the most popular)."""
    weights = 1.0 / np.arange(1, n_ids + 1) ** exponent
    return rng.choice(n_ids, size=n, p=weights / weights.sum())


def intercept_for_rate(logit: np.ndarray, rate: float) -> float:
    """The shift ``b`` so that mean(sigmoid(logit + b)) equals ``rate`` (bisection)."""
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if sigmoid(logit + mid).mean() < rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def check_params(positive_rate: float | None = None, **minimums: tuple[float, float]) -> None:
    """Reject a base rate outside (0, 0.5) and any ``name=(value, minimum)`` below its floor.

    Raises:
        ValueError: naming the parameter (``build`` turns it into a usage error).
    """
    if positive_rate is not None and not 0.0 < positive_rate < 0.5:
        raise ValueError("positive_rate must be in (0, 0.5)")
    for name, (value, floor) in minimums.items():
        if value < floor:
            raise ValueError(f"{name} must be at least {floor:g}")


def build(cls: type, params: dict[str, Any]) -> Any:
    """Construct generator ``cls`` from YAML params, rejecting unknown or bad ones."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise UsageError(f"unknown generator parameter(s) {unknown}; known: {sorted(known)}")
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"bad generator parameters: {exc}") from None
