"""Retrievers: index a corpus, return the top-k item ids for a query.

Vector retrievers take a vector query, session retrievers an item id, text
retrievers a string. Heavy libraries are imported inside ``fit``.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from mlsd.errors import UsageError
from mlsd.pipeline.retrieval import Corpus, QuerySet


def top_k(scores: np.ndarray, k: int, exclude: int | None = None) -> np.ndarray:
    """Ids of the ``k`` highest scores, best first (``exclude`` never returned)."""
    scores = scores.astype(float, copy=True)
    if exclude is not None:
        scores[exclude] = -np.inf
    k = min(k, len(scores))
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="mergesort")]


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)


class Retriever(ABC):
    """Base: batch search is a loop over single searches unless a subclass does better."""

    @abstractmethod
    def fit(self, corpus: Corpus, train: QuerySet) -> Retriever:
        """Build the index from ``corpus`` (and learn from ``train`` queries if needed)."""

    @abstractmethod
    def search(self, query: Any, k: int) -> np.ndarray:
        """The ``k`` best item ids for ``query``, best first."""

    def search_batch(self, queries: list[Any], k: int) -> list[np.ndarray]:
        return [self.search(q, k) for q in queries]

    def explain(self) -> list[tuple[str, float]]:
        return []


# ---- item-to-item (sessions) -------------------------------------------------------------


class Popularity(Retriever):
    """Most-viewed items in the query item's group (market), excluding the item itself."""

    def fit(self, corpus: Corpus, train: QuerySet) -> Popularity:
        counts = np.zeros(corpus.n_items)
        for s in corpus.sessions:
            np.add.at(counts, s, 1.0)
        self.group_ = corpus.group if corpus.group is not None else np.zeros(corpus.n_items, int)
        self.ranked_ = {g: np.flatnonzero(self.group_ == g)[np.argsort(-counts[self.group_ == g],
                                                                         kind="mergesort")]
                        for g in np.unique(self.group_)}  # fmt: skip
        return self

    def search(self, query: Any, k: int) -> np.ndarray:
        ranked = self.ranked_[self.group_[int(query)]]
        return ranked[ranked != int(query)][:k]


def cooccurrence_matrix(corpus: Corpus, window: int = 2) -> Any:
    """Symmetric co-view counts of items within ``window`` steps in a session."""
    from scipy import sparse

    rows, cols = [], []
    for s in corpus.sessions:
        for gap in range(1, window + 1):
            rows += [s[:-gap], s[gap:]]
            cols += [s[gap:], s[:-gap]]
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = sparse.coo_matrix((np.ones(len(r)), (r, c)), shape=(corpus.n_items, corpus.n_items))
    return m.tocsr()


class Cooccurrence(Retriever):
    """ "Viewed this, also viewed": co-view counts, topped up with group popularity."""

    def fit(self, corpus: Corpus, train: QuerySet) -> Cooccurrence:
        self.matrix_ = cooccurrence_matrix(corpus)
        self.fallback_ = Popularity().fit(corpus, train)
        return self

    def search(self, query: Any, k: int) -> np.ndarray:
        q = int(query)
        row = self.matrix_.getrow(q)
        ids, counts = row.indices, row.data
        order = ids[np.argsort(-counts, kind="mergesort")]
        order = order[order != q][:k]
        if len(order) < k:
            extra = self.fallback_.search(q, k + len(order))
            order = np.concatenate([order, extra[~np.isin(extra, order)]])[:k]
        return order


class ItemEmbeddings(Retriever):
    """Listing vectors from co-views, searched by cosine within the listing's market.

    Per market, the positive PMI of co-view counts is factorised by truncated SVD
    (``U * sqrt(S)``) — what skip-gram with negative sampling learns implicitly, with
    negatives drawn from the same market as Airbnb's listing embeddings do.
    Listings never co-viewed fall back to market popularity (cold start).
    """

    def __init__(self, dims: int = 16, random_state: int = 0) -> None:
        self.dims = dims
        self.random_state = random_state

    def fit(self, corpus: Corpus, train: QuerySet) -> ItemEmbeddings:
        counts = cooccurrence_matrix(corpus).tocsr()
        self.fallback_ = Popularity().fit(corpus, train)
        self.group_ = self.fallback_.group_
        self.vectors_ = np.zeros((corpus.n_items, self.dims), dtype=np.float32)
        for g in np.unique(self.group_):
            ids = np.flatnonzero(self.group_ == g)
            self.vectors_[ids] = self._embed(counts[ids][:, ids])
        self.known_ = np.asarray(counts.sum(axis=1)).ravel() > 0
        return self

    def _embed(self, block: Any) -> np.ndarray:
        from scipy import sparse
        from sklearn.decomposition import TruncatedSVD

        m = block.tocoo()
        totals = np.asarray(block.sum(axis=1)).ravel()
        dims = min(self.dims, block.shape[0] - 1)
        if m.nnz == 0 or dims < 1:
            return np.zeros((block.shape[0], self.dims), dtype=np.float32)
        pmi = np.log(m.data * m.data.sum() / (totals[m.row] * totals[m.col]))
        keep = pmi > 0
        ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=block.shape)
        svd = TruncatedSVD(dims, random_state=self.random_state)
        u = svd.fit_transform(ppmi) / np.sqrt(np.maximum(svd.singular_values_, 1e-9))
        out = np.zeros((block.shape[0], self.dims), dtype=np.float32)
        out[:, :dims] = _unit(u)
        return out

    def search(self, query: Any, k: int) -> np.ndarray:
        q = int(query)
        if not self.known_[q]:  # cold-start item: no co-views to embed it from
            return self.fallback_.search(q, k)
        scores = self.vectors_ @ self.vectors_[q]
        scores[self.group_ != self.group_[q]] = -np.inf  # similar homes are in the same market
        return top_k(scores, k, exclude=q)


# ---- vector queries (images) -------------------------------------------------------------


class RawExact(Retriever):
    """Exact cosine search on the raw feature vectors (no learned embedding)."""

    def fit(self, corpus: Corpus, train: QuerySet) -> RawExact:
        assert corpus.vectors is not None
        self.index_ = _unit(corpus.vectors.astype(np.float32))
        return self

    def search(self, query: Any, k: int) -> np.ndarray:
        q = np.asarray(query, dtype=np.float32)
        return top_k(self.index_ @ (q / (np.linalg.norm(q) + 1e-9)), k)


class PcaExact(Retriever):
    """A linear embedding (PCA) searched exactly; the encoder exports to ONNX."""

    def __init__(self, dims: int = 16, random_state: int = 0) -> None:
        self.dims = dims
        self.random_state = random_state

    def fit(self, corpus: Corpus, train: QuerySet) -> PcaExact:
        from sklearn.decomposition import PCA

        assert corpus.vectors is not None
        self.pca_ = PCA(self.dims, random_state=self.random_state).fit(corpus.vectors)
        self.index_ = _unit(self.embed(corpus.vectors))
        return self

    def embed(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.pca_.transform(np.atleast_2d(x)), dtype=np.float32)

    def search(self, query: Any, k: int) -> np.ndarray:
        return top_k(self.index_ @ _unit(self.embed(query))[0].astype(np.float32), k)

    def onnx_path(self) -> OnnxEmbedSearch:
        return OnnxEmbedSearch(self)


class PcaIvf(PcaExact):
    """The PCA embedding behind an inverted-file index: k-means cells, probe a few."""

    def __init__(self, dims: int = 16, cells: int = 24, probe: int = 3,
                 random_state: int = 0) -> None:  # fmt: skip
        super().__init__(dims, random_state)
        self.cells, self.probe = cells, probe

    def fit(self, corpus: Corpus, train: QuerySet) -> PcaIvf:
        from sklearn.cluster import KMeans

        super().fit(corpus, train)
        km = KMeans(self.cells, n_init=3, random_state=self.random_state).fit(self.index_)
        self.centroids_ = _unit(km.cluster_centers_).astype(np.float32)
        self.lists_ = [np.flatnonzero(km.labels_ == c) for c in range(self.cells)]
        return self

    def search(self, query: Any, k: int) -> np.ndarray:
        q = _unit(self.embed(query))[0]
        cells = top_k(self.centroids_ @ q, self.probe)
        ids = np.concatenate([self.lists_[c] for c in cells])
        return ids[top_k(self.index_[ids] @ q, k)]


class OnnxEmbedSearch:
    """The same search with the encoder served by onnxruntime (one thread)."""

    def __init__(self, model: PcaExact) -> None:
        from skl2onnx import convert_sklearn
        from skl2onnx.common.data_types import FloatTensorType

        from mlsd.pipeline.serving import OnnxScorer

        n = model.pca_.n_features_in_
        proto = convert_sklearn(model.pca_, initial_types=[("input", FloatTensorType([None, n]))],
                                target_opset=17)  # fmt: skip
        blob = proto.SerializeToString()
        self.size = len(blob)
        self.model = model
        self.session = OnnxScorer(blob, online=True).session

    def embed(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=np.float32))
        return np.asarray(self.session.run(None, {"input": x})[0])

    def search(self, query: Any, k: int) -> np.ndarray:
        return top_k(self.model.index_ @ _unit(self.embed(query))[0], k)

    def parity(self, queries: list[Any]) -> float:
        x = np.asarray(queries, dtype=np.float32)
        return float(np.max(np.abs(self.embed(x) - self.model.embed(x))))


BUILDERS: dict[str, type[Retriever]] = {
    "popularity": Popularity,
    "cooccurrence": Cooccurrence,
    "item-embeddings": ItemEmbeddings,
    "raw-exact": RawExact,
    "pca-exact": PcaExact,
    "pca-ivf": PcaIvf,
}


def build_retriever(name: str, params: dict[str, Any], seed: int) -> Retriever:
    """Instantiate a registered retriever; bad names or params are usage errors."""
    from mlsd.pipeline.textsearch import TEXT_BUILDERS

    builders: dict[str, Any] = {**BUILDERS, **TEXT_BUILDERS}
    if name not in builders:
        raise UsageError(f"unknown retriever {name!r}; known: {', '.join(builders)}")
    try:
        cls = builders[name]
        kwargs = dict(params)
        if "random_state" in inspect.signature(cls).parameters:
            kwargs["random_state"] = seed
        return cls(**kwargs)
    except TypeError as exc:
        raise UsageError(f"bad parameters for retriever {name!r}: {exc}") from None
