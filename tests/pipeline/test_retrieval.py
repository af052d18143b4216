"""Retrieval: per-query metrics, top-k, BM25 and the retrievers on tiny corpora."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlsd.pipeline.retrieval import Corpus, QuerySet, query_metrics
from mlsd.pipeline.retrievers import Cooccurrence, PcaExact, Popularity, RawExact, top_k
from mlsd.pipeline.textsearch import Bm25, HybridRrf, Tfidf

EMPTY = QuerySet([], [], [])


def test_query_metrics_by_hand() -> None:
    relevant = (np.array([5, 7]), np.array([3.0, 1.0]))
    m = query_metrics(np.array([1, 7, 2, 5]), relevant)
    assert m["mrr"] == pytest.approx(0.5)
    assert m["recall_at_10"] == pytest.approx(1.0)
    assert m["precision_at_10"] == pytest.approx(0.2)
    dcg = 1 / math.log2(3) + 7 / math.log2(5)
    assert m["ndcg_at_10"] == pytest.approx(dcg / (7 + 1 / math.log2(3)))
    strict = query_metrics(np.array([1, 7, 2, 5]), relevant, threshold=3)
    assert strict["mrr"] == pytest.approx(0.25)  # only grade 3 counts as a hit


def test_top_k_orders_and_excludes() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.7])
    assert top_k(scores, 2).tolist() == [1, 3]
    assert top_k(scores, 2, exclude=1).tolist() == [3, 2]


def test_bm25_by_hand() -> None:
    docs = ("apple banana", "apple apple cherry", "cherry date")
    bm = Bm25().fit(Corpus(3, texts=docs), EMPTY)
    n, k1, b = 3, 1.2, 0.75
    avgdl = 7 / 3
    idf = math.log1p((n - 2 + 0.5) / (2 + 0.5))  # "apple" is in two documents

    def term(tf: int, dl: int) -> float:
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))

    scores = bm.scores("apple")
    assert scores[0] == pytest.approx(term(1, 2))
    assert scores[1] == pytest.approx(term(2, 3))
    assert scores[2] == 0.0
    assert bm.search("apple", 2).tolist() == [1, 0]


def test_tfidf_matches_scikit_learn_cosine() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ("red car fast", "blue car slow", "red apple sweet", "green apple")
    tf = Tfidf().fit(Corpus(4, texts=docs), EMPTY)
    vec = TfidfVectorizer(sublinear_tf=True).fit(docs)
    expected = (vec.transform(docs) @ vec.transform(["red apple"]).T).toarray().ravel()
    assert np.allclose(tf.scores("red apple"), expected)


def test_hybrid_fuses_both_lists() -> None:
    docs = tuple(f"w{i} common" for i in range(30))
    hybrid = HybridRrf().fit(Corpus(30, texts=docs), EMPTY)
    assert hybrid.search("w3", 5)[0] == 3


def test_session_retrievers_stay_in_market() -> None:
    sessions = (np.array([0, 1, 2]), np.array([1, 2]), np.array([3, 4]), np.array([0, 1]))
    corpus = Corpus(5, sessions=sessions, group=np.array([0, 0, 0, 1, 1]))
    pop = Popularity().fit(corpus, EMPTY)
    assert pop.search(0, 5).tolist() == [1, 2]
    co = Cooccurrence().fit(corpus, EMPTY)
    assert co.search(0, 2).tolist() == [1, 2]
    assert co.search(3, 1).tolist() == [4]


def test_vector_retrievers_find_the_nearest() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(200, 20)).astype(np.float32)
    corpus = Corpus(200, vectors=vectors)
    assert RawExact().fit(corpus, EMPTY).search(vectors[17] * 3, 1).tolist() == [17]
    pca = PcaExact(dims=20).fit(corpus, EMPTY)
    assert pca.search(vectors[42], 1).tolist() == [42]
    onnx = pca.onnx_path()
    assert onnx.parity(list(vectors[:10])) < 1e-4
    assert onnx.search(vectors[42], 1).tolist() == [42]
