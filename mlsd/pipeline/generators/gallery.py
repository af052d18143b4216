"""Retrieval generators: a digit-image gallery, listing sessions, and a video catalogue.

Each returns a RetrievalData whose test queries carry judged relevance and the
true ranking (the oracle). Queries are split by time: earlier ones may train a
re-ranker, later ones test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import check_params
from mlsd.pipeline.retrieval import Corpus, QuerySet, RetrievalData

ORACLE_DEPTH = 100


@dataclass(frozen=True)
class DigitsGallery:
    """scikit-learn's bundled 8x8 digits: a gallery to search and held-out query images.

    Relevant results are the gallery images of the query's digit, so a perfect
    search has precision@10 = 1; recall@10 is capped by ~130 relevant per digit.
    """

    query_share: float = 0.25

    def __post_init__(self) -> None:
        if not 0.0 < self.query_share < 1.0:
            raise ValueError("query_share must be in (0, 1)")

    def generate(self, rows: int, seed: int) -> RetrievalData:
        """Use ``rows`` of the 1,797 images (all by default), shuffled by ``seed``."""
        from sklearn.datasets import load_digits

        digits = load_digits()
        order = np.random.default_rng(seed).permutation(len(digits.target))[:rows]
        x, y = digits.data[order].astype(np.float32), digits.target[order]
        n_query = max(int(len(order) * self.query_share), 10)
        gallery_x, gallery_y = x[n_query:], y[n_query:]
        relevant, oracle = [], []
        for label in y[:n_query]:
            ids = np.flatnonzero(gallery_y == label)
            relevant.append((ids, np.ones(len(ids))))
            oracle.append(ids[:ORACLE_DEPTH])
        test = QuerySet(list(x[:n_query]), relevant, oracle)
        corpus = Corpus(len(gallery_y), vectors=gallery_x)
        return RetrievalData(
            corpus, QuerySet([], [], []), test,
            f"{len(gallery_y):,} gallery images and {n_query:,} query images (8x8 digits)",
            "64 raw pixel intensities per image",
        )  # fmt: skip


@dataclass(frozen=True)
class ListingSessions:
    """Browsing sessions over listings in markets; the next view follows true similarity."""

    n_listings: int = 4_000
    n_markets: int = 8
    dims: int = 4
    session_length: int = 6
    sharpness: float = 5.0

    def __post_init__(self) -> None:
        per_market = self.n_listings / max(self.n_markets, 1)
        check_params(n_markets=(self.n_markets, 1), session_length=(self.session_length, 2),
                     dims=(self.dims, 1), listings_per_market=(per_market, 10))  # fmt: skip

    def generate(self, rows: int, seed: int) -> RetrievalData:
        """``rows`` sessions in time order; the last step of later sessions is the test."""
        rng = np.random.default_rng(seed)
        market = rng.integers(0, self.n_markets, self.n_listings)
        style = rng.normal(0, 1, (self.n_listings, self.dims)) / np.sqrt(self.dims)
        appeal = rng.normal(0, 0.3, self.n_listings)
        cands, cum = self._transitions(market, style, appeal)
        paths = np.empty((rows, self.session_length), dtype=int)
        paths[:, 0] = rng.integers(0, self.n_listings, rows)
        for step in range(1, self.session_length):
            cur = paths[:, step - 1]
            pick = (cum[cur] < rng.random(rows)[:, None]).sum(axis=1)
            paths[:, step] = cands[cur, pick]
        truth = cands[:, :ORACLE_DEPTH]  # candidates are stored most likely first
        sessions = [(p, truth[p[-2]][truth[p[-2]] >= 0]) for p in paths]
        cut = int(rows * 0.8)
        corpus = Corpus(self.n_listings, sessions=tuple(s for s, _ in sessions[:cut]),
                        group=market)  # fmt: skip
        return RetrievalData(
            corpus, _next_view_queries(sessions[:cut]), _next_view_queries(sessions[cut:]),
            f"{rows:,} browsing sessions over {self.n_listings:,} listings in "
            f"{self.n_markets} markets",
            "co-views within the first 80 % of sessions (by time)",
        )  # fmt: skip

    def _transitions(self, market: np.ndarray, style: np.ndarray, appeal: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Per listing: same-market candidates, most likely next view first, and the
        cumulative probabilities (padded with -1 ids and 2.0 so padding is never drawn)."""
        width = int(np.bincount(market).max())
        cands = np.full((self.n_listings, width), -1)
        cum = np.full((self.n_listings, width), 2.0)
        for m in range(self.n_markets):
            ids = np.flatnonzero(market == m)
            logits = self.sharpness * (style[ids] @ style[ids].T) + appeal[ids][None, :]
            np.fill_diagonal(logits, -np.inf)  # never "next" to itself
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            order = np.argsort(-p, axis=1)[:, : len(ids) - 1]
            cands[ids, : len(ids) - 1] = ids[order]
            cum[ids, : len(ids) - 1] = np.cumsum(np.take_along_axis(p, order, axis=1), axis=1)
        return cands, cum


def _next_view_queries(sessions: list[tuple[np.ndarray, np.ndarray]]) -> QuerySet:
    payloads = [int(s[-2]) for s, _ in sessions]
    relevant = [(np.array([s[-1]]), np.ones(1)) for s, _ in sessions]
    return QuerySet(payloads, relevant, [truth for _, truth in sessions])


@dataclass(frozen=True)
class VideoCatalog:
    """Video titles and descriptions drawn from topic vocabularies, with synonyms.

    Every concept has two surface forms, so a query and a relevant video often share
    no word: lexical retrieval misses them and a dense embedding can bridge them.
    Judged relevance: 3 the video's main topic and the query's concept, 2 its main
    topic only, 1 a side topic with the concept. nDCG uses every grade; MRR, recall
    and precision count grade 3 (the videos that answer the query) as hits.
    """

    n_topics: int = 300
    concepts: int = 6
    n_queries: int = 900

    def __post_init__(self) -> None:
        check_params(n_topics=(self.n_topics, 1), concepts=(self.concepts, 5),
                     n_queries=(self.n_queries, 10))  # fmt: skip

    def generate(self, rows: int, seed: int) -> RetrievalData:
        """A catalogue of ``rows`` videos and ``n_queries`` queries in time order."""
        rng = np.random.default_rng(seed)
        primary, secondary, texts, has = self._videos(rng, rows)
        popularity = rng.lognormal(5.0, 1.5, rows)
        qt = rng.choice(self.n_topics, self.n_queries, p=_zipf(self.n_topics, 0.6))
        qc = rng.integers(0, self.concepts, self.n_queries)
        payloads = [self._query(rng, t, c) for t, c in zip(qt, qc, strict=True)]
        judged = [self._judge(t, c, primary, secondary, has, popularity)
                  for t, c in zip(qt, qc, strict=True)]  # fmt: skip
        # a query nothing answers cannot be judged (TREC drops such topics too)
        keep = [i for i, j in enumerate(judged) if (j[0][1] >= 3).any()]
        payloads, judged = [payloads[i] for i in keep], [judged[i] for i in keep]
        cut = int(len(keep) * 2 / 3)
        sets = [QuerySet(payloads[a:b], [j[0] for j in judged[a:b]], [j[1] for j in judged[a:b]],
                         relevant_grade=3)
                for a, b in ((0, cut), (cut, len(keep)))]  # fmt: skip
        corpus = Corpus(rows, texts=tuple(texts), popularity=popularity,
                        extra={"age_days": rng.exponential(200.0, rows)})  # fmt: skip
        return RetrievalData(
            corpus, sets[0], sets[1],
            f"{rows:,} videos over {self.n_topics} topics; {len(keep):,} answerable queries",
            "titles and descriptions as word tokens (synthetic vocabulary with synonyms)",
        )  # fmt: skip

    def _videos(
        self, rng: np.random.Generator, n: int
    ) -> tuple[np.ndarray, np.ndarray, list[str], dict[tuple[int, int], set[int]]]:
        primary = rng.choice(self.n_topics, n, p=_zipf(self.n_topics, 0.6))
        secondary = rng.integers(0, self.n_topics, n)
        has: dict[tuple[int, int], set[int]] = {}
        texts = []
        for i in range(n):
            words = []
            for topic, count in ((primary[i], 5), (secondary[i], 2)):
                for c in rng.choice(self.concepts, count, replace=False):
                    has.setdefault((int(topic), int(c)), set()).add(i)
                    words.append(_word(topic, c, rng.random() < 0.35))
            words += [f"common{int(w)}" for w in rng.zipf(1.5, 4) % 200]
            texts.append(" ".join(words))
        return primary, secondary, texts, has

    @staticmethod
    def _query(rng: np.random.Generator, topic: int, concept: int) -> str:
        return _word(topic, concept, rng.random() < 0.5)

    def _judge(self, t: int, c: int, primary: np.ndarray, secondary: np.ndarray,
               has: dict[tuple[int, int], set[int]], popularity: np.ndarray
               ) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:  # fmt: skip
        with_concept = np.array(sorted(has.get((t, c), set())), dtype=int)
        grade = np.zeros(len(primary))
        grade[primary == t] = 2
        mask = np.zeros(len(primary), dtype=bool)
        mask[with_concept] = True
        grade[mask & (primary == t)] = 3
        grade[mask & (primary != t) & (secondary == t)] = 1
        ids = np.flatnonzero(grade > 0)
        order = ids[np.lexsort((-popularity[ids], -grade[ids]))][:ORACLE_DEPTH]
        return (ids, grade[ids]), order


def _word(topic: int, concept: int, synonym: bool) -> str:
    return f"t{topic}c{concept}{'syn' if synonym else ''}"


def _zipf(n: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return np.asarray(w / w.sum())


@dataclass(frozen=True)
class PassageCorpus:
    """Documents cut into passages of ``chunk_words`` words, and questions they answer.

    Each document is about one entity (a product, a team, a policy), named once at the
    start, and states facts as concept words in one of two surface forms; a question
    names the entity and a concept, so its answer passage may share no word with it.
    The passage holding the fact asked about is grade 3; the document's others grade 1.
    Larger chunks hold more facts each: fewer passages to search, but each answer
    passage is diluted by the others (the chunk-size trade-off).
    """

    n_topics: int = 60
    concepts: int = 40
    facts_per_doc: int = 12
    chunk_words: int = 40
    n_queries: int = 900

    def __post_init__(self) -> None:
        check_params(n_topics=(self.n_topics, 1), concepts=(self.concepts, self.facts_per_doc),
                     chunk_words=(self.chunk_words, 8), n_queries=(self.n_queries, 10))  # fmt: skip

    def generate(self, rows: int, seed: int) -> RetrievalData:
        """About ``rows`` passages; questions in time order (earlier ones train a re-ranker)."""
        rng = np.random.default_rng(seed)
        words_per_fact = 8
        n_docs = max(rows * self.chunk_words // (self.facts_per_doc * words_per_fact), 10)
        texts: list[str] = []
        owner: list[int] = []
        facts: list[tuple[int, int, int, int]] = []  # (doc, topic, concept, passage)
        for d in range(n_docs):
            topic = int(rng.integers(0, self.n_topics))
            words: list[str] = []
            fact_at: list[tuple[int, int]] = []
            for k, c in enumerate(rng.choice(self.concepts, self.facts_per_doc, replace=False)):
                fact_at.append((int(c), len(words)))
                # the document names its subject once, up front, as real documents do
                words += ([f"entity{d}"] if k == 0 else []) + [_word(topic, c, rng.random() < 0.5)]
                words += [f"t{topic}filler{int(w)}" for w in rng.integers(0, 30, 3)]
                words += [f"common{int(w)}" for w in rng.zipf(1.5, words_per_fact - 5) % 200]
            first = len(texts)
            for start in range(0, len(words), self.chunk_words):
                texts.append(" ".join(words[start : start + self.chunk_words]))
                owner.append(d)
            facts += [(d, topic, c, first + pos // self.chunk_words) for c, pos in fact_at]
        owner_arr = np.array(owner)
        picks = rng.choice(len(facts), min(self.n_queries, len(facts)), replace=False)
        payloads, judged = [], []
        for i in picks.tolist():
            d, topic, c, passage = facts[i]
            payloads.append(f"entity{d} {_word(topic, c, rng.random() < 0.5)}")
            ids = np.flatnonzero(owner_arr == d)
            grades = np.where(ids == passage, 3.0, 1.0)
            order = np.concatenate([[passage], ids[ids != passage]])
            judged.append(((ids, grades), order))
        cut = int(len(payloads) * 2 / 3)
        sets = [QuerySet(payloads[a:b], [j[0] for j in judged[a:b]], [j[1] for j in judged[a:b]],
                         relevant_grade=3)
                for a, b in ((0, cut), (cut, len(payloads)))]  # fmt: skip
        corpus = Corpus(len(texts), texts=tuple(texts),
                        popularity=rng.lognormal(3.0, 1.0, len(texts)),
                        extra={"age_days": rng.exponential(300.0, len(texts))})  # fmt: skip
        return RetrievalData(
            corpus, sets[0], sets[1],
            f"{len(texts):,} passages of {self.chunk_words} words from {n_docs:,} documents; "
            f"{len(payloads):,} questions",
            "passages as word tokens (synthetic vocabulary with synonyms)",
        )  # fmt: skip
