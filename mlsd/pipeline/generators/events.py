"""Users shown local events; ~3 % register. Most events are new, so ids help little.

The truth mixes a steep distance decay (people rarely travel far for a meetup),
a price effect that depends on the category match, a preference for events a
few days out over ones that are hours or months away, a strong but saturating
pull from friends attending, and weekend uplift. Events launch throughout the
log and live for about two weeks, so most test-period events are cold-start.
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

CATEGORIES = ("music", "tech", "sports", "food", "arts", "business", "family", "wellness")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class EventRsvp:
    """Parameters of the event-rsvp generator."""

    positive_rate: float = 0.03
    n_users: int = 30_000
    n_events: int = 4_000
    days: float = 60.0
    event_effect_sd: float = 0.2

    def __post_init__(self) -> None:
        check_params(self.positive_rate, n_users=(self.n_users, 10),
                     n_events=(self.n_events, 10))  # fmt: skip

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` (user, event) impressions in time order."""
        rng = np.random.default_rng(seed)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        user = zipf_ids(rng, rows, self.n_users, 0.8)
        e_start = np.sort(rng.uniform(0.0, self.days, self.n_events))  # launch day
        # each impression shows an event launched in the previous two weeks
        lo = np.searchsorted(e_start, time - 14.0)
        hi = np.maximum(np.searchsorted(e_start, time), lo + 1)
        event = np.minimum(lo + (rng.random(rows) * (hi - lo)).astype(int), self.n_events - 1)
        u_fav = rng.integers(0, len(CATEGORIES), self.n_users)
        e_cat = rng.integers(0, len(CATEGORIES), self.n_events)
        e_price = np.where(
            rng.random(self.n_events) < 0.35, 0.0, rng.lognormal(3.0, 0.8, self.n_events)
        )
        e_when = e_start + rng.uniform(2.0, 45.0, self.n_events)  # the event date
        e_day = rng.choice(7, self.n_events, p=[0.1, 0.1, 0.12, 0.13, 0.17, 0.22, 0.16])
        cols = {
            "distance_km": rng.lognormal(1.6, 1.0, rows),
            "price": e_price[event],
            "hours_until_event": np.maximum(e_when[event] - time, 0.05) * 24.0,
            "friends_attending": rng.poisson(rng.gamma(0.4, 1.0, rows)).astype(float),
            "category_match": (e_cat[event] == u_fav[user]).astype(float),
            "event_age_days": np.maximum(time - e_start[event], 0.0),
            "user_past_registrations": rng.poisson(rng.lognormal(0.0, 1.0, self.n_users))[
                user
            ].astype(float),
            "day_of_week": e_day[event],
            "category": e_cat[event],
            "user_id": user,
            "event_id": event,
        }
        logit = self._logit(cols) + rng.normal(0, self.event_effect_sd, self.n_events)[event]
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        y = (rng.random(rows) < truth).astype(np.int8)
        return Dataset(
            cols, y, truth, time,
            numeric=("distance_km", "price", "hours_until_event", "friends_attending",
                     "category_match", "event_age_days", "user_past_registrations"),
            categorical=("day_of_week", "category"),
            ids=("user_id", "event_id"),
            description=(f"{rows:,} event impressions over {self.days:g} days; {self.n_users:,} "
                         f"users, {self.n_events:,} short-lived events (mostly cold-start)"),
            levels={"day_of_week": DAYS, "category": CATEGORIES},
        )  # fmt: skip

    @staticmethod
    def _logit(c: dict[str, np.ndarray]) -> np.ndarray:
        days_out = c["hours_until_event"] / 24.0
        weekend = np.isin(c["day_of_week"], (4, 5, 6))
        price_pain = np.log1p(c["price"]) * np.where(c["category_match"] > 0, 0.15, 0.6)
        return (
            -1.8 * np.log1p(c["distance_km"] / 5.0)
            - price_pain
            - 0.9 * (np.log(days_out / 5.0)) ** 2 / 2.0
            + 2.0 * (1.0 - np.exp(-c["friends_attending"] / 1.5))
            + 1.2 * c["category_match"]
            + 0.5 * weekend
            + 0.4 * np.log1p(c["user_past_registrations"])
        )
