"""Ranking data: feed requests, each a list of ~40 retrieved candidates with graded labels.

Labels are graded engagement (0 ignored, 1 clicked, 2 deeper engagement, 3 the
strongest action) sampled as a chain: a click first, then deeper actions given
the click. The truth of each row is the expected grade, so ranking a request by
it is the oracle. Both generators put the item id first (the popularity key).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import (
    Dataset,
    check_params,
    intercept_for_rate,
    sigmoid,
    zipf_ids,
)

POST_TYPES = ("text", "photo", "video", "link")
SOURCES = ("friend", "group", "page")
CATEGORIES = ("music", "gaming", "news", "sports", "comedy", "howto", "science", "food")


def _requests(rng: np.random.Generator, rows: int, per: int, days: float
              ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Request id and time of every row; a request's rows are contiguous."""
    n = max(rows // per, 2)
    t = np.sort(rng.uniform(0.0, days, n))
    group = np.repeat(np.arange(n), per)
    return group, t[group]


def _graded(rng: np.random.Generator, p_click: np.ndarray, p_deep: np.ndarray,
            p_top: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Sample the click -> deeper -> top chain; return grades and their expectation."""
    click = rng.random(len(p_click)) < p_click
    deep = click & (rng.random(len(p_click)) < p_deep)
    top = deep & (rng.random(len(p_click)) < p_top)
    grade = click.astype(np.int8) + deep + top
    expected = p_click * (1 + p_deep * (1 + p_top))
    return grade.astype(np.int8), expected


@dataclass(frozen=True)
class VideoFeed:
    """Home-feed requests over videos retrieved by a two-tower model."""

    n_users: int = 20_000
    n_videos: int = 5_000
    candidates: int = 40
    click_rate: float = 0.12
    dims: int = 8
    days: float = 28.0

    def __post_init__(self) -> None:
        check_params(n_users=(self.n_users, 10), n_videos=(self.n_videos, 50),
                     candidates=(self.candidates, 2), dims=(self.dims, 1))  # fmt: skip

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample about ``rows`` (request, candidate) rows."""
        rng = np.random.default_rng(seed)
        group, time = _requests(rng, rows, self.candidates, self.days)
        n = len(group)
        users = zipf_ids(rng, int(group[-1]) + 1, self.n_users, 0.8)[group]
        u_vec = rng.normal(0, 1, (self.n_users, self.dims)) / np.sqrt(self.dims)
        v_vec = rng.normal(0, 1, (self.n_videos, self.dims)) / np.sqrt(self.dims)
        video = zipf_ids(rng, n, self.n_videos, 0.7)
        affinity = np.einsum("ij,ij->i", u_vec[users], v_vec[video]) * 2.0
        v_views = rng.lognormal(8.0, 2.0, self.n_videos) / (1 + np.arange(self.n_videos)) ** 0.3
        v_cat = rng.integers(0, len(CATEGORIES), self.n_videos)
        u_cat = rng.integers(0, len(CATEGORIES), self.n_users)
        cols = {
            "candidate_score": affinity + rng.normal(0, 0.6, n),
            "log_views": np.log1p(v_views[video]),
            "video_age_days": rng.exponential(30.0, n),
            "duration_min": rng.lognormal(2.0, 0.8, n),
            "category_match": (v_cat[video] == u_cat[users]).astype(float),
            "subscribed": (rng.random(n) < sigmoid(affinity * 2 - 2.5)).astype(float),
            "user_history_len": np.log1p(rng.lognormal(3.0, 1.2, self.n_users))[users],
            "video_id": video,
            "user_id": users,
        }
        z = self._propensity(cols, affinity)
        p_click = sigmoid(z + intercept_for_rate(z, self.click_rate))
        grade, truth = _graded(rng, p_click, sigmoid(0.8 * z - 0.2), sigmoid(0.6 * z - 1.0))
        return Dataset(
            cols, grade, truth, time,
            numeric=("candidate_score", "log_views", "video_age_days", "duration_min",
                     "category_match", "subscribed", "user_history_len"),
            categorical=(), ids=("video_id", "user_id"),
            description=(f"{int(group[-1]) + 1:,} home-feed requests x {self.candidates} "
                         f"candidates; {self.n_users:,} users, {self.n_videos:,} videos"),
            group=group,
        )  # fmt: skip

    @staticmethod
    def _propensity(c: dict[str, np.ndarray], affinity: np.ndarray) -> np.ndarray:
        fresh = np.exp(-c["video_age_days"] / 3.0)
        return (
            1.5 * affinity
            + 0.25 * (c["log_views"] - 6.0)
            - 0.6 * (np.log(c["duration_min"] / 8.0)) ** 2
            + 0.7 * c["category_match"]
            + c["subscribed"] * (0.5 + 1.5 * fresh)  # subscribers want the new upload
            - 0.2 * np.log1p(c["video_age_days"])
        )


@dataclass(frozen=True)
class FeedEngagement:
    """Social feed requests; the label combines click, like, comment/share and hide."""

    n_viewers: int = 20_000
    n_authors: int = 8_000
    candidates: int = 40
    click_rate: float = 0.15
    days: float = 28.0

    def __post_init__(self) -> None:
        check_params(n_viewers=(self.n_viewers, 10), n_authors=(self.n_authors, 10),
                     candidates=(self.candidates, 2))  # fmt: skip

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample about ``rows`` (request, post) rows."""
        rng = np.random.default_rng(seed)
        group, time = _requests(rng, rows, self.candidates, self.days)
        n = len(group)
        viewer = zipf_ids(rng, int(group[-1]) + 1, self.n_viewers, 0.8)[group]
        author = zipf_ids(rng, n, self.n_authors, 0.9)
        a_quality = rng.normal(0, 0.5, self.n_authors)
        cols = {
            "author_affinity": rng.gamma(0.6, 2.0, n),
            "post_age_hours": rng.exponential(10.0, n),
            "velocity": rng.lognormal(1.0, 1.2, n) * np.exp(a_quality[author]),
            "seen_before": (rng.random(n) < 0.2).astype(float),
            "viewer_activity": np.log1p(rng.lognormal(2.0, 1.0, self.n_viewers))[viewer],
            "post_type": rng.choice(len(POST_TYPES), n, p=[0.3, 0.35, 0.2, 0.15]),
            "source": rng.choice(len(SOURCES), n, p=[0.5, 0.25, 0.25]),
            "author_id": author,
            "viewer_id": viewer,
        }
        z = self._propensity(cols)
        p_click = sigmoid(z + intercept_for_rate(z, self.click_rate))
        social = np.where(cols["source"] == 0, 0.8, -0.6)  # friends get comments, pages don't
        grade, truth = _graded(rng, p_click, sigmoid(0.7 * z), sigmoid(social + 0.5 * z - 1.5))
        return Dataset(
            cols, grade, truth, time,
            numeric=("author_affinity", "post_age_hours", "velocity", "seen_before",
                     "viewer_activity"),
            categorical=("post_type", "source"), ids=("author_id", "viewer_id"),
            description=(f"{int(group[-1]) + 1:,} feed loads x {self.candidates} candidate "
                         f"posts; {self.n_viewers:,} viewers, {self.n_authors:,} authors"),
            levels={"post_type": POST_TYPES, "source": SOURCES},
            group=group,
        )  # fmt: skip

    @staticmethod
    def _propensity(c: dict[str, np.ndarray]) -> np.ndarray:
        video = c["post_type"] == 2
        return (
            1.6 * np.log1p(c["author_affinity"])
            - 1.2 * (1.0 - np.exp(-c["post_age_hours"] / 6.0))  # freshness decays, then flat
            + 0.5 * np.log1p(c["velocity"])
            - 2.0 * c["seen_before"]
            + np.where(video, 0.25 * c["viewer_activity"] - 0.6, 0.0)  # heavy users watch video
            + np.where(c["source"] == 0, 0.6, 0.0)
        )
