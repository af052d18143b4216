"""Text retrievers: TF-IDF, BM25, a dense LSA embedding, rank fusion and LTR re-ranking."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from mlsd.pipeline.retrieval import DEPTH, Corpus, QuerySet
from mlsd.pipeline.retrievers import Retriever, _unit, top_k

RRF_K = 60
RERANK_DEPTH = 50
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def query_terms(vocabulary: dict[str, int], text: str) -> tuple[np.ndarray, np.ndarray]:
    """Term ids and counts of ``text`` (unknown words dropped), without sklearn's overhead."""
    ids = [vocabulary[t] for t in _TOKEN.findall(text.lower()) if t in vocabulary]
    uniq, counts = np.unique(np.array(ids, dtype=int), return_counts=True)
    return uniq, counts.astype(float)


def score_postings(postings: Any, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum of ``weights`` times each query term's posting list (a dense score per item)."""
    out = np.zeros(postings.shape[1])
    for term, w in zip(ids.tolist(), weights.tolist(), strict=True):
        lo, hi = postings.indptr[term], postings.indptr[term + 1]
        out[postings.indices[lo:hi]] += w * postings.data[lo:hi]
    return out


class Tfidf(Retriever):
    """Cosine similarity of sublinear TF-IDF vectors."""

    def fit(self, corpus: Corpus, train: QuerySet) -> Tfidf:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True)
        self.matrix_ = self.vectorizer_.fit_transform(corpus.texts).tocsr()
        self.postings_ = self.matrix_.T.tocsr()  # term -> documents: the inverted index
        return self

    def query_vector(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """The query's TF-IDF weights (sublinear tf, idf, L2-normalised) by term id."""
        ids, tf = query_terms(self.vectorizer_.vocabulary_, query)
        w = (1.0 + np.log(tf)) * self.vectorizer_.idf_[ids] if len(ids) else tf
        return ids, w / (np.linalg.norm(w) or 1.0)

    def scores(self, query: str) -> np.ndarray:
        # walking the query terms' posting lists touches only documents that share a term
        return score_postings(self.postings_, *self.query_vector(query))

    def search(self, query: Any, k: int) -> np.ndarray:
        return top_k(self.scores(query), k)


class Bm25(Retriever):
    """Okapi BM25 over an inverted index (term-weight matrix), k1=1.2, b=0.75."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b

    def fit(self, corpus: Corpus, train: QuerySet) -> Bm25:
        from sklearn.feature_extraction.text import CountVectorizer

        self.vectorizer_ = CountVectorizer(binary=False)
        tf = self.vectorizer_.fit_transform(corpus.texts).tocsr().astype(float)
        n = tf.shape[0]
        df = np.bincount(tf.indices, minlength=tf.shape[1])
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        norm = self.k1 * (1 - self.b + self.b * lengths / lengths.mean())
        rows = np.repeat(np.arange(n), np.diff(tf.indptr))
        tf.data = idf[tf.indices] * tf.data * (self.k1 + 1) / (tf.data + norm[rows])
        self.postings_ = tf.T.tocsr()  # term -> (document, BM25 weight)
        return self

    def scores(self, query: str) -> np.ndarray:
        ids, _ = query_terms(self.vectorizer_.vocabulary_, query)
        return score_postings(self.postings_, ids, np.ones(len(ids)))

    def search(self, query: Any, k: int) -> np.ndarray:
        return top_k(self.scores(query), k)


class LsaDense(Retriever):
    """A dense embedding: truncated SVD of TF-IDF (a small stand-in for a dual encoder)."""

    def __init__(self, dims: int = 64, random_state: int = 0) -> None:
        self.dims, self.random_state = dims, random_state

    def fit(self, corpus: Corpus, train: QuerySet) -> LsaDense:
        from sklearn.decomposition import TruncatedSVD

        self.tfidf_ = Tfidf().fit(corpus, train)
        dims = max(1, min(self.dims, self.tfidf_.matrix_.shape[1] - 1))
        self.svd_ = TruncatedSVD(dims, random_state=self.random_state)
        self.index_ = _unit(self.svd_.fit_transform(self.tfidf_.matrix_)).astype(np.float32)
        self.projection_ = np.ascontiguousarray(self.svd_.components_.T, dtype=np.float32)
        return self

    def scores(self, query: str) -> np.ndarray:
        # the sparse query row times the projection: the same as svd.transform, minus overhead
        ids, w = self.tfidf_.query_vector(query)
        q = (w[:, None] * self.projection_[ids]).sum(axis=0, keepdims=True)
        return np.asarray(self.index_ @ _unit(q)[0].astype(np.float32))  # stay in float32

    def search(self, query: Any, k: int) -> np.ndarray:
        return top_k(self.scores(query), k)


class HybridRrf(Retriever):
    """Reciprocal rank fusion of BM25 and dense lists: sum of 1 / (60 + rank)."""

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(self, corpus: Corpus, train: QuerySet) -> HybridRrf:
        self.sparse_ = Bm25().fit(corpus, train)
        self.dense_ = LsaDense(random_state=self.random_state).fit(corpus, train)
        return self

    def scored(self, query: str) -> tuple[np.ndarray, np.ndarray, dict[int, float]]:
        """BM25 scores, dense scores, and the fused RRF score of each listed item."""
        sparse, dense = self.sparse_.scores(query), self.dense_.scores(query)
        fused: dict[int, float] = {}
        for scores in (sparse, dense):
            for rank, item in enumerate(top_k(scores, DEPTH).tolist()):
                fused[item] = fused.get(item, 0.0) + 1.0 / (RRF_K + rank + 1)
        return sparse, dense, fused

    def search(self, query: Any, k: int) -> np.ndarray:
        fused = self.scored(query)[2]
        return np.array(sorted(fused, key=lambda i: -fused[i])[:k])


class LtrRerank(Retriever):
    """LambdaMART re-ranks the hybrid top 50 on BM25, dense, popularity and freshness."""

    FEATURES = ("bm25", "dense", "rrf", "popularity", "freshness")

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(self, corpus: Corpus, train: QuerySet) -> LtrRerank:
        from lightgbm import LGBMRanker

        self.hybrid_ = HybridRrf(self.random_state).fit(corpus, train)
        self.pop_ = np.log1p(corpus.popularity if corpus.popularity is not None
                             else np.zeros(corpus.n_items))  # fmt: skip
        self.age_ = corpus.extra.get("age_days", np.zeros(corpus.n_items))
        X, y, sizes = [], [], []
        for query, relevant in zip(train.payloads, train.relevant, strict=True):
            ids, feats = self._candidates(query)
            grades = dict(zip(relevant[0].tolist(), relevant[1].tolist(), strict=True))
            X.append(feats)
            y.append([grades.get(int(i), 0) for i in ids])
            sizes.append(len(ids))
        self.model_ = LGBMRanker(n_estimators=150, learning_rate=0.05, num_leaves=15,
                                 min_child_samples=20, verbose=-1, n_jobs=2,
                                 random_state=self.random_state)  # fmt: skip
        self.model_.fit(np.vstack(X), np.concatenate(y).astype(int), group=sizes)
        return self

    def _candidates(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        sparse, dense, fused = self.hybrid_.scored(query)
        ids = np.array(sorted(fused, key=lambda i: -fused[i])[:RERANK_DEPTH])
        feats = np.column_stack([
            sparse[ids],
            dense[ids],
            [fused[int(i)] for i in ids],
            self.pop_[ids],
            -np.log1p(self.age_[ids]),
        ])  # fmt: skip
        return ids, feats.astype(np.float32)

    def search(self, query: Any, k: int) -> np.ndarray:
        ids, feats = self._candidates(query)
        scores = np.asarray(self.model_.predict(feats))
        return ids[np.argsort(-scores, kind="mergesort")][:k]

    def explain(self) -> list[tuple[str, float]]:
        gain = self.model_.booster_.feature_importance(importance_type="gain")
        share = gain / max(gain.sum(), 1e-12)
        return [(f, float(w)) for f, w in zip(self.FEATURES, share, strict=True)]


TEXT_BUILDERS: dict[str, type[Retriever]] = {
    "tfidf": Tfidf,
    "bm25": Bm25,
    "lsa-dense": LsaDense,
    "hybrid-rrf": HybridRrf,
    "ltr-rerank": LtrRerank,
}
