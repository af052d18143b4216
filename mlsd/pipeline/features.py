"""Turn a Dataset's columns into one float32 matrix every model (and ONNX) can take.

- numeric columns: standardised with train-period mean and deviation;
- low-cardinality categoricals: one-hot, one column per level seen in training;
- high-cardinality ids: smoothed historical positive rate (the mean target, for
  regression) plus log frequency. The rate is fitted out-of-fold on the training
  rows (so a row never sees its own label) and on all training rows for the test
  period; unseen ids get the prior;
- free text: hashed word or character n-grams (see :mod:`mlsd.pipeline.text`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import Dataset
from mlsd.pipeline.text import TextHasher


@dataclass(frozen=True)
class RateTable:
    """Per-id smoothed positive rate and count; ``ids`` sorted for binary search."""

    ids: np.ndarray
    rates: np.ndarray
    counts: np.ndarray
    prior: float


def smoothed_rates(ids: np.ndarray, y: np.ndarray, prior: float, weight: float) -> RateTable:
    """The m-estimate ``(positives + weight * prior) / (count + weight)`` of every id."""
    uniq, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
    positives = np.bincount(inverse, weights=y, minlength=len(uniq))
    return RateTable(uniq, (positives + weight * prior) / (counts + weight), counts, prior)


def lookup(table: RateTable, ids: np.ndarray) -> np.ndarray:
    """Rate and log1p(count) columns for ``ids``; unseen ids get (prior, 0)."""
    pos = np.clip(np.searchsorted(table.ids, ids), 0, max(len(table.ids) - 1, 0))
    seen = table.ids[pos] == ids if len(table.ids) else np.zeros(len(ids), dtype=bool)
    rate = np.where(seen, table.rates[pos], table.prior)
    count = np.where(seen, table.counts[pos], 0)
    return np.column_stack([rate, np.log1p(count)])


@dataclass
class TabularEncoder:
    """Stateful encoder; parameters in ``__init__``, learned attributes end in ``_``."""

    smoothing: float = 20.0
    n_folds: int = 5
    random_state: int = 0
    text_buckets: int = 512

    def fit_transform(self, train: Dataset) -> np.ndarray:
        """Learn the encoding on ``train`` and return its (out-of-fold) matrix."""
        if train.classes and train.ids:
            raise ValueError("id columns are target-encoded, which needs a binary or numeric y")
        self.prior_ = float(train.y.mean())
        self.hashers_ = {
            c: TextHasher(self.text_buckets, train.analyzer).fit(train.columns[c])
            for c in train.text
        }
        num = np.column_stack([train.columns[c] for c in train.numeric]) if train.numeric else None
        self.mean_ = num.mean(axis=0) if num is not None else np.zeros(0)
        self.std_ = num.std(axis=0) + 1e-9 if num is not None else np.zeros(0)
        self.levels_ = {c: np.unique(train.columns[c]) for c in train.categorical}
        self.tables_ = {
            c: smoothed_rates(train.columns[c], train.y, self.prior_, self.smoothing)
            for c in train.ids
        }
        self.feature_names_ = self._names(train)
        return self._matrix(train, self._oof_ids(train))

    def transform(self, data: Dataset) -> np.ndarray:
        """Encode rows with what was learned in :meth:`fit_transform`."""
        ids = [lookup(self.tables_[c], data.columns[c]) for c in data.ids]
        return self._matrix(data, ids)

    def describe(self, data: Dataset) -> str:
        """One sentence naming the encoding choices, for the report."""
        onehot = sum(len(v) for v in self.levels_.values())
        parts = []
        if data.numeric:
            parts.append(f"{len(data.numeric)} numeric columns standardised")
        if data.categorical:
            parts.append(f"{len(data.categorical)} categorical columns one-hot ({onehot} columns)")
        if data.ids:
            what = "mean target" if data.y.dtype.kind == "f" else "historical rate"
            parts.append(f"{len(data.ids)} high-cardinality id columns as smoothed {what} + "
                         "log count, out-of-fold on train")  # fmt: skip
        if data.text:
            grams = "word unigrams" if data.analyzer == "word" else "character 1-3-grams"
            parts.append(f"text as {grams} hashed into {self.text_buckets} columns "
                         "(1 + log tf, L2-normalised)")  # fmt: skip
        return f"{'; '.join(parts)} ({len(self.feature_names_)} features in all)"

    def _oof_ids(self, train: Dataset) -> list[np.ndarray]:
        folds = np.random.default_rng(self.random_state).integers(0, self.n_folds, len(train))
        encoded = []
        for col in train.ids:
            out = np.empty((len(train), 2))
            for k in range(self.n_folds):
                held = folds == k
                table = smoothed_rates(
                    train.columns[col][~held], train.y[~held], self.prior_, self.smoothing
                )
                out[held] = lookup(table, train.columns[col][held])
            encoded.append(out)
        return encoded

    def _matrix(self, data: Dataset, ids: list[np.ndarray]) -> np.ndarray:
        parts: list[np.ndarray] = []
        if data.numeric:
            num = np.column_stack([data.columns[c] for c in data.numeric])
            parts.append((num - self.mean_) / self.std_)
        for col, levels in self.levels_.items():
            parts.append((data.columns[col][:, None] == levels[None, :]).astype(float))
        parts += ids
        parts += [self.hashers_[c].transform(data.columns[c]) for c in data.text]
        return np.column_stack(parts).astype(np.float32)

    def _names(self, data: Dataset) -> list[str]:
        names = list(data.numeric)
        for col, levels in self.levels_.items():
            labels = data.levels.get(col)
            names += [f"{col}={labels[int(v)] if labels else v}" for v in levels]
        for col in data.ids:
            names += [f"{col}:rate", f"{col}:log_count"]
        for col in data.text:
            names += self.hashers_[col].names_
        return names
