"""Ranking data for search: marketplace results with position-biased clicks, and
query autocomplete, where one of the prefix index's candidates is picked.

Search results are logged in the order the old ranker showed them, and a result
is only clicked if it was looked at, which is less likely further down the page.
Raters also grade every result (``judged``, 0-3) from its true relevance, free of
position bias; neither the position nor the grade is a feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import (
    Dataset,
    check_params,
    intercept_for_rate,
    sample_rows,
    sigmoid,
    softmax_rows,
    zipf_ids,
)
from mlsd.pipeline.generators.feeds import _requests

DEVICES = ("mobile", "desktop")


@dataclass(frozen=True)
class SearchSessions:
    """Searches on a stays marketplace, 20 results each, logged in the shown order."""

    n_listings: int = 8_000
    per_page: int = 20
    position_bias: float = 1.0  # P(look at position k) = 1 / k ** position_bias
    click_rate: float = 0.25  # P(click | looked at), on average
    days: float = 28.0

    def __post_init__(self) -> None:
        check_params(n_listings=(self.n_listings, 50), per_page=(self.per_page, 2),
                     position_bias=(self.position_bias, 0.0))  # fmt: skip
        if not 0.0 < self.click_rate < 1.0:
            raise ValueError("click_rate must be in (0, 1)")

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample about ``rows`` (search, result) rows."""
        rng = np.random.default_rng(seed)
        group, time = _requests(rng, rows, self.per_page, self.days)
        n, searches = len(group), int(group[-1]) + 1
        listing = zipf_ids(rng, n, self.n_listings, 0.6)
        quality = rng.normal(0.0, 0.7, self.n_listings)
        mobile = (rng.random(searches) < 0.65)[group]
        cols = {
            "text_match": rng.beta(2.0, 2.0, n),
            "price_ratio": rng.lognormal(0.0, 0.35, n),
            "rating": np.clip(
                4.3 + 0.35 * quality + rng.normal(0, 0.25, self.n_listings), 1.0, 5.0
            )[listing],
            "log_reviews": np.log1p(rng.lognormal(3.0, 1.3, self.n_listings))[listing],
            "distance_km": rng.lognormal(1.3, 0.8, n),
            "quality_photos": sigmoid(quality + rng.normal(0, 0.8, self.n_listings))[listing],
            "device": (~mobile).astype(np.int64),
            "listing_id": listing,
        }
        trust = np.minimum(cols["log_reviews"] / 4.0, 1.0)  # a rating counts once reviewed
        price_pain = (0.9 + 0.8 * mobile) * np.abs(np.log(cols["price_ratio"]))
        z = (2.4 * cols["text_match"] + 0.7 * quality[listing]
             + 1.2 * (cols["rating"] - 4.3) * trust - price_pain
             - 0.3 * np.log(cols["distance_km"]) + 0.6 * cols["quality_photos"])  # fmt: skip
        p_rel = sigmoid(z + intercept_for_rate(z, self.click_rate))
        p_book = sigmoid(0.9 * z - 2.0)
        # the old ranker: text match plus a noisy read of quality; rows in shown order
        old = 1.6 * cols["text_match"] + 0.4 * quality[listing] + rng.normal(0, 0.8, n)
        order = np.lexsort((-old, group))
        cols = {k: v[order] for k, v in cols.items()}
        z, p_rel, p_book = z[order], p_rel[order], p_book[order]
        position = np.tile(np.arange(1.0, self.per_page + 1), searches)  # rows are whole pages
        looked = rng.random(n) < 1.0 / position**self.position_bias
        click = looked & (rng.random(n) < p_rel)
        book = click & (rng.random(n) < p_book)
        grade = (click.astype(np.int8) + book).astype(np.int8)
        cols["position"] = position
        rated = 3.0 * sigmoid(1.2 * (z - np.median(z))) + rng.normal(0, 0.35, n)
        cols["judged"] = np.clip(np.round(rated), 0, 3)
        return Dataset(
            cols, grade, p_rel * (1 + p_book), time,
            numeric=("text_match", "price_ratio", "rating", "log_reviews", "distance_km",
                     "quality_photos"),
            categorical=("device",), ids=("listing_id",),
            description=(f"{searches:,} searches x {self.per_page} results in the old ranker's "
                         f"order; clicks fall off as 1/position^{self.position_bias:g}; "
                         "0 = skipped, 1 = clicked, 2 = booked"),
            levels={"device": DEVICES}, group=group,
        )  # fmt: skip


@dataclass(frozen=True)
class QueryLog:
    """Autocomplete keystrokes: a prefix, the index's top candidates, the one picked."""

    n_completions: int = 20_000
    candidates: int = 20
    days: float = 14.0

    def __post_init__(self) -> None:
        check_params(n_completions=(self.n_completions, 100),
                     candidates=(self.candidates, 2))  # fmt: skip

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample about ``rows`` (keystroke, candidate) rows; one pick per keystroke."""
        rng = np.random.default_rng(seed)
        group, time = _requests(rng, rows, self.candidates, self.days)
        n, requests = len(group), int(group[-1]) + 1
        comp = zipf_ids(rng, n, self.n_completions, 0.9)
        pop = 1e6 / (1.0 + np.arange(self.n_completions)) ** 0.9
        appeal = rng.normal(0.0, 0.5, self.n_completions)  # unobserved: learnt from picks
        trending = rng.random(self.n_completions) < 0.03
        trend = np.where(trending, rng.lognormal(1.5, 0.6, self.n_completions),
                         rng.lognormal(0.0, 0.2, self.n_completions))  # fmt: skip
        prefix_len = rng.integers(1, 7, requests)[group].astype(float)
        mobile = (rng.random(requests) < 0.6)[group]
        cols = {
            "log_popularity": np.log1p(pop[comp] * rng.lognormal(0, 0.1, n)),
            "trend_ratio": trend[comp],
            "prefix_len": prefix_len,
            "completion_len": rng.integers(prefix_len.astype(int) + 2, 40).astype(float),
            "in_user_history": (rng.random(n) < 0.06).astype(float),
            "region_share": rng.beta(1.2, 4.0, n),
            "device": (~mobile).astype(np.int64),
            "completion_id": comp,
        }
        # short prefixes say little about intent, so popularity decides more there
        w_pop = 1.1 - 0.14 * prefix_len
        u = (w_pop * cols["log_popularity"] / 5.0 + 0.9 * np.log(cols["trend_ratio"])
             + 2.2 * cols["in_user_history"] + 2.5 * cols["region_share"]
             - (0.02 + 0.03 * mobile) * cols["completion_len"] + appeal[comp])  # fmt: skip
        share = softmax_rows(u.reshape(requests, self.candidates))  # rows are whole lists
        pick = np.zeros((requests, self.candidates), dtype=np.int8)
        pick[np.arange(requests), sample_rows(rng, share)] = 1
        return Dataset(
            cols, pick.ravel(), share.ravel(), time,
            numeric=("log_popularity", "trend_ratio", "prefix_len", "completion_len",
                     "in_user_history", "region_share"),
            categorical=("device",), ids=("completion_id",),
            description=(f"{requests:,} keystrokes x {self.candidates} candidates from the "
                         f"prefix index; one completion picked per keystroke"),
            levels={"device": DEVICES}, group=group,
        )  # fmt: skip
