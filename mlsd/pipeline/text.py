"""Hashed n-gram features for free text: no vocabulary to ship, a fixed width for ONNX.

Each n-gram lands in one of ``buckets`` columns (CRC32, stable across runs and
machines), counts are dampened (1 + log tf) and each row is L2-normalised, the
usual recipe for linear text classifiers. For readable coefficients the encoder
remembers the most frequent n-gram seen in each bucket during training.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable

import numpy as np

WORD = re.compile(r"[^\W_]+")


def ngrams(doc: str, analyzer: str) -> list[str]:
    """Word unigrams, or character 1-, 2- and 3-grams of the space-padded text."""
    text = doc.lower()
    if analyzer == "word":
        return WORD.findall(text)
    padded = f" {text} "
    return [padded[i : i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1)]


class TextHasher:
    """Maps documents to a dense (rows, buckets) float32 matrix."""

    def __init__(self, buckets: int = 1024, analyzer: str = "word") -> None:
        if analyzer not in ("word", "char"):
            raise ValueError(f"analyzer must be 'word' or 'char', not {analyzer!r}")
        self.buckets = buckets
        self.analyzer = analyzer
        self._cache: dict[str, int] = {}

    def _bucket(self, gram: str) -> int:
        b = self._cache.get(gram)
        if b is None:
            b = self._cache[gram] = zlib.crc32(gram.encode()) % self.buckets
        return b

    def fit(self, docs: Iterable[str]) -> TextHasher:
        """Remember the most frequent n-gram of each bucket (for naming features)."""
        counts: Counter[str] = Counter()
        for doc in docs:
            counts.update(ngrams(doc, self.analyzer))
        names = [""] * self.buckets
        for gram, _ in counts.most_common():
            b = self._bucket(gram)
            if not names[b]:
                names[b] = gram
        self.names_ = [f"{'word' if self.analyzer == 'word' else 'chars'} {g!r}" if g
                       else f"bucket {i}" for i, g in enumerate(names)]  # fmt: skip
        return self

    def transform(self, docs: Iterable[str]) -> np.ndarray:
        """Dampened, L2-normalised n-gram counts, one row per document."""
        rows: list[int] = []
        cols: list[int] = []
        docs = list(docs)
        for r, doc in enumerate(docs):
            grams = ngrams(doc, self.analyzer)
            cols.extend(self._bucket(g) for g in grams)
            rows.extend([r] * len(grams))
        flat = np.asarray(rows, dtype=np.int64) * self.buckets + np.asarray(cols, dtype=np.int64)
        m = np.bincount(flat, minlength=len(docs) * self.buckets).astype(np.float64)
        m = m.reshape(len(docs), self.buckets)
        nz = m > 0
        m[nz] = 1.0 + np.log(m[nz])
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return (m / np.maximum(norms, 1e-12)).astype(np.float32)
