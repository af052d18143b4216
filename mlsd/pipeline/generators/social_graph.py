"""Friend-of-friend candidate pairs in a community graph; ~2 % connect next period.

A graph with communities and companies is sampled; candidate pairs are people at
distance two. Graph features (common neighbours, Adamic-Adar, Jaccard, degrees)
are computed on the graph as it stood, and the truth of "they connect next
period" rises with Adamic-Adar with diminishing returns, is damped for very
high-degree (celebrity-like) people, and jumps for shared communities and
employers — an interaction trees find and a linear model only approximates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import Dataset, check_params, intercept_for_rate, sigmoid


@dataclass(frozen=True)
class FriendGraph:
    """Parameters of the friend-graph generator."""

    positive_rate: float = 0.02
    n_people: int = 20_000
    n_communities: int = 200
    companies_per_community: int = 5
    mean_degree: float = 12.0
    days: float = 30.0

    def __post_init__(self) -> None:
        check_params(self.positive_rate, n_people=(self.n_people, 100),
                     n_communities=(self.n_communities, 1))  # fmt: skip

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample a graph, then ``rows`` distance-two candidate pairs in time order."""
        rng = np.random.default_rng(seed)
        community = rng.integers(0, self.n_communities, self.n_people)
        company = community * self.companies_per_community + rng.integers(
            0, self.companies_per_community, self.n_people
        )
        neighbours = self._graph(rng, community)
        degree = np.array([len(n) for n in neighbours], dtype=float)
        a, b = self._candidates(rng, neighbours, rows)
        cn, aa, jac = _pair_features(neighbours, degree, a, b)
        cols = {
            "common_neighbors": cn,
            "adamic_adar": aa,
            "jaccard": jac,
            "degree_a": degree[a],
            "degree_b": degree[b],
            "same_community": (community[a] == community[b]).astype(float),
            "same_company": (company[a] == company[b]).astype(float),
            "profile_views": rng.poisson(0.3 + 0.5 * (community[a] == community[b])).astype(float),
        }
        logit = self._logit(cols)
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        y = (rng.random(rows) < truth).astype(np.int8)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        return Dataset(
            cols, y, truth, time,
            numeric=tuple(cols), categorical=(), ids=(),
            description=(f"{rows:,} friend-of-friend candidate pairs from a graph of "
                         f"{self.n_people:,} people ({int(degree.sum() / 2):,} edges, "
                         f"{self.n_communities} communities)"),
        )  # fmt: skip

    def _graph(self, rng: np.random.Generator, community: np.ndarray) -> list[set[int]]:
        """80 % of edges inside a community, the rest anywhere; heavy-tailed sociability."""
        n = self.n_people
        edges = int(n * self.mean_degree / 2)
        social = rng.pareto(2.5, n) + 1.0
        p = social / social.sum()
        src = rng.choice(n, edges, p=p)
        members = [np.flatnonzero(community == c) for c in range(self.n_communities)]
        inside = rng.random(edges) < 0.8
        dst = rng.choice(n, edges, p=p)
        for i in np.flatnonzero(inside):
            group = members[community[src[i]]]
            dst[i] = group[rng.integers(0, len(group))]
        neighbours: list[set[int]] = [set() for _ in range(n)]
        for s, d in zip(src.tolist(), dst.tolist(), strict=True):
            if s != d:
                neighbours[s].add(d)
                neighbours[d].add(s)
        return neighbours

    @staticmethod
    def _candidates(rng: np.random.Generator, neighbours: list[set[int]], rows: int
                    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Random two-hop walks a -> m -> b with b not already a friend of a."""
        people = np.flatnonzero([len(n) > 0 for n in neighbours])
        a_out: list[int] = []
        b_out: list[int] = []
        lists = [list(n) for n in neighbours]
        while len(a_out) < rows:
            a = int(people[rng.integers(0, len(people))])
            m = lists[a][rng.integers(0, len(lists[a]))]
            b = lists[m][rng.integers(0, len(lists[m]))]
            if b != a and b not in neighbours[a]:
                a_out.append(a)
                b_out.append(b)
        return np.array(a_out), np.array(b_out)

    @staticmethod
    def _logit(c: dict[str, np.ndarray]) -> np.ndarray:
        # Shared context matters mostly when there is also some graph evidence; people
        # with thousands of connections (recruiters, celebrities) accept almost anyone
        # but are rarely the ones a suggestion helps.
        hub = np.maximum(c["degree_a"], c["degree_b"]) > 40
        evidence = 1.0 - np.exp(-c["adamic_adar"] / 0.7)
        context = c["same_community"] + 1.5 * c["same_company"]
        return (
            3.0 * evidence
            + 1.4 * context * evidence
            + 1.2 * (c["jaccard"] > 0.15)
            - 1.5 * hub
            + 0.4 * np.log1p(c["profile_views"])
        )


def _pair_features(neighbours: list[set[int]], degree: np.ndarray, a: np.ndarray,
                   b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Common neighbours, Adamic-Adar and Jaccard for each pair."""
    inv_log = 1.0 / np.log(np.maximum(degree, 2.0))
    cn, aa, jac = (np.empty(len(a)) for _ in range(3))
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        common = neighbours[x] & neighbours[y]
        cn[i] = len(common)
        aa[i] = float(inv_log[list(common)].sum()) if common else 0.0
        union = len(neighbours[x] | neighbours[y])
        jac[i] = cn[i] / union if union else 0.0
    return cn, aa, jac
