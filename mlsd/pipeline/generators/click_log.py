"""Ad impressions and clicks: ~2 % CTR, power-law users and ads, cold-start ads.

The true click probability mixes effects a linear model can learn (ad quality,
slot position) with ones it cannot: the match between the ad's category and the
user's favourite category, a video-on-mobile interaction, an evening peak in the
hour of day, saturating activity and a peaked age curve. Per-user and per-ad
latent effects reward ids with history; ads launched in the last quarter of the
log are cold-start ids in the test period.
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

CATEGORIES = ("apparel", "auto", "beauty", "finance", "food", "games", "home", "travel")
DEVICES = ("mobile", "desktop", "tablet")
FORMATS = ("image", "video", "carousel")


@dataclass(frozen=True)
class ClickLog:
    """Parameters of the click-log generator (all optional in the YAML)."""

    positive_rate: float = 0.02
    n_users: int = 20_000
    n_ads: int = 1_500
    days: float = 14.0
    new_ad_share: float = 0.15
    user_effect_sd: float = 0.05
    ad_effect_sd: float = 0.1

    def __post_init__(self) -> None:
        check_params(self.positive_rate, n_users=(self.n_users, 10), n_ads=(self.n_ads, 10))

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` impressions in time order."""
        rng = np.random.default_rng(seed)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        user = zipf_ids(rng, rows, self.n_users, 1.0)
        ad, ad_age = self._ads(rng, time)
        u_top = rng.integers(0, len(CATEGORIES), self.n_users)
        u_age = 18 + rng.gamma(3.0, 6.0, self.n_users)
        u_activity = rng.lognormal(0.0, 0.8, self.n_users)
        u_mobile = rng.random(self.n_users) < 0.7
        a_cat = rng.integers(0, len(CATEGORIES), self.n_ads)
        a_fmt = rng.choice(len(FORMATS), self.n_ads, p=[0.55, 0.3, 0.15])
        a_quality = rng.beta(4.0, 4.0, self.n_ads)
        device = np.where(
            rng.random(rows) < 0.85, np.where(u_mobile[user], 0, 1), rng.integers(0, 3, rows)
        )
        cols = {
            "user_age": u_age[user],
            "past_clicks_7d": rng.poisson(u_activity[user] * 2.0).astype(float),
            "ad_quality": a_quality[ad],
            "hour": (time % 1.0) * 24.0,
            "position": rng.choice(4, rows, p=[0.4, 0.3, 0.2, 0.1]) + 1.0,
            "ad_age_days": ad_age,
            "device": device,
            "ad_format": a_fmt[ad],
            "ad_category": a_cat[ad],
            "category_match": (a_cat[ad] == u_top[user]).astype(float),
            "user_id": user,
            "ad_id": ad,
        }
        latent = (
            rng.normal(0, self.user_effect_sd, self.n_users)[user]
            + rng.normal(0, self.ad_effect_sd, self.n_ads)[ad]
        )
        logit = self._logit(cols) + latent
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        y = (rng.random(rows) < truth).astype(np.int8)
        return Dataset(
            cols,
            y,
            truth,
            time,
            numeric=(
                "user_age",
                "past_clicks_7d",
                "ad_quality",
                "hour",
                "position",
                "ad_age_days",
                "category_match",
            ),
            categorical=("device", "ad_format", "ad_category"),
            ids=("user_id", "ad_id"),
            description=(
                f"{rows:,} ad impressions over {self.days:g} days; "
                f"{self.n_users:,} users and {self.n_ads:,} ads with power-law popularity"
            ),
            levels={"device": DEVICES, "ad_format": FORMATS, "ad_category": CATEGORIES},
        )

    def _ads(self, rng: np.random.Generator, time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ads by popularity; new ads launch late and cannot be shown before launch."""
        launch = np.where(
            rng.random(self.n_ads) < self.new_ad_share,
            rng.uniform(0.75 * self.days, self.days, self.n_ads),
            0.0,
        )
        ad = zipf_ids(rng, len(time), self.n_ads, 0.9)
        for _ in range(100):
            early = time < launch[ad]
            if not early.any():
                break
            ad[early] = zipf_ids(rng, int(early.sum()), self.n_ads, 0.9)
        ad[time < launch[ad]] = int(np.argmin(launch))  # launch == 0: an ad live from the start
        return ad, time - launch[ad]

    @staticmethod
    def _logit(c: dict[str, np.ndarray]) -> np.ndarray:
        match = c["category_match"]
        video_mobile = (c["ad_format"] == 1) & (c["device"] == 0)
        video_desktop = (c["ad_format"] == 1) & (c["device"] == 1)
        return (
            1.4 * match
            + 1.0 * video_mobile
            - 0.6 * video_desktop
            + 1.6 * (1.0 - np.exp(-c["past_clicks_7d"] / 3.0))
            + 0.7 * np.cos(2 * np.pi * (c["hour"] - 20.0) / 24.0)
            - 0.4 * (c["position"] - 1.0)
            + 4.0 * (c["ad_quality"] - 0.5)
            - 0.8 * ((c["user_age"] - 30.0) / 12.0) ** 2
            + 0.6 * np.exp(-c["ad_age_days"] / 2.0)
        )
