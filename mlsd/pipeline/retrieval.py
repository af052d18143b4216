"""Retrieval experiments: a corpus, queries with judged relevance, and retrievers.

A generator returns a :class:`Corpus` (what every retriever may index) and two
:class:`QuerySet` s split by time (training queries, for retrievers that learn to
re-rank, and test queries). Each test query's relevance judgments are known, and
so is the true ranking (the oracle). Every retriever is timed per query.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlsd.content.schema import ModelSpec
from mlsd.pipeline import evaluate
from mlsd.pipeline.measure import latency, throughput
from mlsd.pipeline.report import ModelResult, PipelineReport

K = 10
DEPTH = 100  # how deep each retriever's list goes (MRR looks this far)


@dataclass(frozen=True)
class Corpus:
    """What can be indexed: item vectors, texts, interaction sessions, popularity."""

    n_items: int
    vectors: np.ndarray | None = None
    texts: tuple[str, ...] = ()
    sessions: tuple[np.ndarray, ...] = ()
    popularity: np.ndarray | None = None
    group: np.ndarray | None = None  # e.g. the market each listing is in
    extra: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class QuerySet:
    """Queries with their judged relevance and the true (oracle) ranking.

    Attributes:
        payloads: what a query carries: an item id, a vector or a text.
        relevant: per query, (item ids, grades > 0) of the judged-relevant items.
        oracle: per query, item ids in the true order of relevance (at least K deep).
        relevant_grade: the grade from which an item counts as a hit for MRR, recall
            and precision (nDCG uses every grade).
    """

    payloads: list[Any]
    relevant: list[tuple[np.ndarray, np.ndarray]]
    oracle: list[np.ndarray]
    relevant_grade: int = 1

    def __len__(self) -> int:
        return len(self.payloads)


@dataclass(frozen=True)
class RetrievalData:
    """A generator's output for a retrieval case."""

    corpus: Corpus
    train: QuerySet
    test: QuerySet
    description: str
    representation: str


def _grades(ranked: np.ndarray, relevant: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    lookup = dict(zip(relevant[0].tolist(), relevant[1].tolist(), strict=True))
    return np.array([lookup.get(int(i), 0) for i in ranked], dtype=float)


def query_metrics(ranked: np.ndarray, relevant: tuple[np.ndarray, np.ndarray],
                  threshold: int = 1) -> dict[str, float]:  # fmt: skip
    """nDCG@10, MRR, recall@10 and precision@10 of one ranked list."""
    g = _grades(ranked, relevant)
    ideal = evaluate.dcg(np.sort(relevant[1].astype(float))[::-1], K)
    hit = g >= threshold
    first = np.flatnonzero(hit)
    n_rel = max(int((relevant[1] >= threshold).sum()), 1)
    return {
        "ndcg_at_10": evaluate.dcg(g, K) / ideal if ideal else 0.0,
        "mrr": 1.0 / (first[0] + 1) if len(first) else 0.0,
        "recall_at_10": float(hit[:K].sum()) / n_rel,
        "precision_at_10": float(hit[:K].sum()) / K,
    }


def mean_metrics(lists: Sequence[np.ndarray], queries: QuerySet, names: Sequence[str]
                 ) -> dict[str, float]:  # fmt: skip
    """Mean of each metric over the queries."""
    per = [query_metrics(r, rel, queries.relevant_grade)
           for r, rel in zip(lists, queries.relevant, strict=True)]  # fmt: skip
    return {n: float(np.mean([m[n] for m in per])) for n in names}


def run_retrieval(name: str, data: RetrievalData, specs: Sequence[ModelSpec],
                  metrics: Sequence[str], seed: int = 0, latency_calls: int = 300,
                  progress: Any = None) -> PipelineReport:  # fmt: skip
    """Index, search and time every retriever; the oracle ranks by true relevance."""
    from mlsd.pipeline.retrievers import build_retriever

    tell = progress or (lambda _msg: None)
    oracle = mean_metrics(data.test.oracle, data.test, metrics)
    results = []
    for spec in specs:
        tell(f"{spec.name}: building the index and timing queries")
        retriever = build_retriever(spec.name, spec.params, seed)
        results.append(_measure(spec, retriever, data, metrics, oracle, seed, latency_calls))
    return PipelineReport(
        name, "retrieval", data.corpus.n_items, len(data.test), float("nan"), float("nan"),
        data.description, data.representation,
        f"by time: {len(data.train):,} earlier queries for learning, {len(data.test):,} later "
        "queries for testing",
        tuple(metrics), oracle, tuple(results), request="query",
    )  # fmt: skip


def _measure(spec: ModelSpec, retriever: Any, data: RetrievalData, metrics: Sequence[str],
             oracle: dict[str, float], seed: int, calls: int) -> ModelResult:  # fmt: skip
    start = time.perf_counter()
    retriever.fit(data.corpus, data.train)
    build = time.perf_counter() - start
    from threadpoolctl import threadpool_limits

    payloads = data.test.payloads
    picks = np.random.default_rng(seed).integers(0, len(payloads), calls)
    requests = [payloads[int(i)] for i in picks]
    onnx = retriever.onnx_path() if hasattr(retriever, "onnx_path") else None
    onnx_lat = parity = None
    # a query is one small matrix-vector product: BLAS threads only add hand-off and,
    # on a busy machine, spin-waiting; serve single-threaded as an online replica would
    with threadpool_limits(limits=1):
        lists = retriever.search_batch(payloads, DEPTH)
        native = latency(lambda q: retriever.search(q, K), requests, warmup=10)
        rate = throughput(lambda: retriever.search_batch(payloads, K), len(payloads), repeats=1)
        if onnx is not None:
            onnx_lat = latency(lambda q: onnx.search(q, K), requests, warmup=10)
            parity = onnx.parity(payloads)
    scores = mean_metrics(lists, data.test, metrics)
    return ModelResult(
        spec.name, scores, evaluate.gap(scores, oracle), build, native, onnx_lat, rate,
        None, None if onnx is None else onnx.size, parity, spec.interpretability,
        tuple(retriever.explain()), tuple(spec.pros), tuple(spec.cons),
    )  # fmt: skip
