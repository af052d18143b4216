"""Posts on a social platform, ~1 % of them violating policy.

Each post carries the scores of upstream classifiers (text toxicity, image
nudity), early engagement and reports, and its author's history. The truth
bends in ways a linear model misses: the upstream scores act as steep
thresholds, the text score is less reliable for low-resource languages, the
image score matters only when the post has an image, and brand-new accounts
posting links are the spam pattern. A latent harm level drives both the truth
and the reports (models see reports only, so they sense it through reach).
Authors have latent propensities and power-law activity.
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

LANGUAGES = ("en", "es", "pt", "hi", "ar", "id", "tl", "sw")
LOW_RESOURCE = (5, 6, 7)  # id, tl, sw: the text model saw little training data for them
POST_TYPES = ("text", "image", "video", "link")


@dataclass(frozen=True)
class ContentModeration:
    """Parameters of the content-moderation generator."""

    positive_rate: float = 0.01
    n_authors: int = 30_000
    days: float = 28.0
    author_effect_sd: float = 0.3

    def __post_init__(self) -> None:
        check_params(self.positive_rate, n_authors=(self.n_authors, 10))

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` posts in time order."""
        rng = np.random.default_rng(seed)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        author = zipf_ids(rng, rows, self.n_authors, 0.9)
        a_age = rng.lognormal(5.0, 1.5, self.n_authors)
        a_lang = rng.choice(
            len(LANGUAGES), self.n_authors, p=[0.4, 0.15, 0.1, 0.1, 0.08, 0.07, 0.05, 0.05]
        )
        a_strikes = rng.poisson(0.15, self.n_authors).astype(float)
        post_type = rng.choice(len(POST_TYPES), rows, p=[0.45, 0.3, 0.1, 0.15])
        views = rng.lognormal(4.0, 1.6, rows)
        harm = rng.normal(0.0, 1.0, rows)  # latent: what reviewers see and models only sense
        cols = {
            "text_toxicity": rng.beta(1.2, 6.0, rows),
            "image_nudity": np.where(
                (post_type == 1) | (post_type == 2), rng.beta(1.0, 8.0, rows), 0.0
            ),
            "views_first_hour": np.round(views),
            "reports_first_hour": rng.poisson(views * 0.002 * np.exp(1.5 * harm)).astype(float),
            "account_age_days": a_age[author] + time,
            "author_strikes": a_strikes[author],
            "language": a_lang[author],
            "post_type": post_type,
            "author_id": author,
        }
        logit = (
            self._logit(cols)
            + 0.5 * harm
            + rng.normal(0, self.author_effect_sd, self.n_authors)[author]
        )
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        y = (rng.random(rows) < truth).astype(np.int8)
        return Dataset(
            cols,
            y,
            truth,
            time,
            numeric=(
                "text_toxicity",
                "image_nudity",
                "views_first_hour",
                "reports_first_hour",
                "account_age_days",
                "author_strikes",
            ),
            categorical=("language", "post_type"),
            ids=("author_id",),
            description=(
                f"{rows:,} posts over {self.days:g} days from "
                f"{self.n_authors:,} authors with power-law activity"
            ),
            levels={"language": LANGUAGES, "post_type": POST_TYPES},
        )

    @staticmethod
    def _logit(c: dict[str, np.ndarray]) -> np.ndarray:
        # Upstream scores act like thresholds (a post is hateful or not), so their effect
        # is a steep step, not a line; a linear model can only approximate it.
        low_resource = np.isin(c["language"], LOW_RESOURCE)
        text_step = sigmoid((c["text_toxicity"] - np.where(low_resource, 0.55, 0.4)) / 0.05)
        has_image = (c["post_type"] == 1) | (c["post_type"] == 2)
        image_step = sigmoid((c["image_nudity"] - 0.3) / 0.04)
        new_account = c["account_age_days"] < 7.0
        return (
            np.where(low_resource, 3.0, 5.0) * text_step
            + np.where(has_image, 5.0 * image_step, 0.0)
            + 3.0 * new_account * (c["post_type"] == 3)
            + 0.8 * np.log1p(c["author_strikes"])
            - 0.15 * np.log1p(c["account_age_days"])
        )
