"""Regression data: delivery times (ETA) and daily store-item demand.

Both record the truth twice: the expected value (``truth``, the oracle's point
forecast) and the true 90th percentile (``true_p90`` column, never a feature),
so a P90 model can be judged against the best possible interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import Dataset, check_params, zipf_ids

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VEHICLES = ("bike", "scooter", "car")
CATEGORIES = ("produce", "dairy", "bakery", "drinks", "snacks", "household")
Z90 = 1.2815515655446004  # standard normal 90th percentile


def _peak(hour: np.ndarray) -> np.ndarray:
    """0..1 busyness: lunch and dinner rushes."""
    return np.exp(-0.5 * ((hour - 12.5) / 1.1) ** 2) + np.exp(-0.5 * ((hour - 19.3) / 1.4) ** 2)


@dataclass(frozen=True)
class DeliveryTrips:
    """Food-delivery orders: minutes from order to door, right-skewed and heteroscedastic."""

    n_restaurants: int = 2_000
    days: float = 60.0
    noise: float = 0.18  # log-scale spread of a quiet, dry order

    def __post_init__(self) -> None:
        check_params(n_restaurants=(self.n_restaurants, 10), days=(self.days, 2),
                     noise=(self.noise, 0.01))  # fmt: skip

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` orders in time order."""
        rng = np.random.default_rng(seed)
        which = rng.random(rows)
        hour = np.where(which < 0.35, rng.normal(12.5, 1.2, rows),
                        np.where(which < 0.8, rng.normal(19.3, 1.5, rows),
                                 rng.uniform(10.0, 23.5, rows)))  # fmt: skip
        hour = np.clip(hour, 9.0, 23.9)
        day = rng.integers(0, int(self.days), rows)
        order = np.argsort(day + hour / 24.0, kind="mergesort")
        hour, day = hour[order], day[order]
        time = day + hour / 24.0
        rest = zipf_ids(rng, rows, self.n_restaurants, 0.9)
        prep_mu = rng.lognormal(math.log(11.0), 0.35, self.n_restaurants)[rest]
        peak = _peak(hour)
        rain_day = rng.random(int(self.days) + 1) < 0.2
        rain = np.where(rain_day[day] & (rng.random(rows) < 0.8), rng.exponential(3.0, rows), 0.0)
        vehicle = rng.choice(3, size=rows, p=[0.45, 0.4, 0.15])
        cols = {
            "distance_km": np.clip(rng.lognormal(1.0, 0.5, rows), 0.3, 15.0),
            "hour_of_day": hour,
            "items_count": 1.0 + rng.poisson(1.5, rows),
            "kitchen_backlog": rng.poisson(1.5 + 5.0 * peak).astype(float),
            "courier_load": np.clip(rng.gamma(4.0, (0.6 + 0.5 * peak + 0.04 * rain) / 4.0), 0.1, 6),
            "rain_mm": rain,
            "weekday": day % 7,
            "vehicle": vehicle,
            "restaurant_id": rest,
        }
        prep = prep_mu * (1 + 0.05 * cols["items_count"]) * (1 + 0.07 * cols["kitchen_backlog"])
        wait = 3.0 + 5.0 * np.maximum(cols["courier_load"] - 1.0, 0.0) ** 1.5
        speed = np.array([14.0, 22.0, 24.0])[vehicle]
        traffic = 1.0 + np.where(vehicle == 2, 0.5, 0.15) * peak + np.where(
            vehicle == 0, 0.05, 0.02) * rain  # fmt: skip
        travel = cols["distance_km"] / speed * 60.0 * traffic
        mean = np.maximum(prep, wait) + travel + 4.0  # the courier waits for food or vice versa
        sigma = self.noise + 0.03 * np.sqrt(rain) + 0.08 * np.maximum(cols["courier_load"] - 1, 0)
        y = mean * np.exp(rng.normal(0.0, sigma) - sigma**2 / 2)
        cols["true_p90"] = mean * np.exp(Z90 * sigma - sigma**2 / 2)
        return Dataset(
            cols, y, mean, time,
            numeric=("distance_km", "hour_of_day", "items_count", "kitchen_backlog",
                     "courier_load", "rain_mm"),
            categorical=("weekday", "vehicle"), ids=("restaurant_id",),
            description=(f"{rows:,} food deliveries over {self.days:g} days; minutes from order "
                         "to door, skewed by rain and courier shortage"),
            levels={"weekday": WEEKDAYS, "vehicle": VEHICLES},
        )  # fmt: skip


def nb_quantile(mean: np.ndarray, k: float, q: float) -> np.ndarray:
    """The ``q`` quantile of a negative binomial with ``mean`` and dispersion ``k``."""
    p = (k / (k + mean)) ** k
    cdf = p.copy()
    out = np.zeros(len(mean))
    done = cdf >= q
    n = 0
    ratio = mean / (k + mean)
    while not done.all():
        p = p * (n + k) / (n + 1) * ratio
        n += 1
        cdf = cdf + p
        newly = (~done) & (cdf >= q)
        out[newly] = n
        done |= newly
    return out


@dataclass(frozen=True)
class StoreDemand:
    """Units sold per store-item-day, forecast 7 days ahead from lagged sales."""

    n_series: int = 200
    dispersion: float = 6.0  # negative binomial k: variance = mean + mean^2 / k
    promo_rate: float = 0.08

    def __post_init__(self) -> None:
        check_params(n_series=(self.n_series, 2), dispersion=(self.dispersion, 0.1))
        if not 0.0 <= self.promo_rate < 1.0:
            raise ValueError("promo_rate must be in [0, 1)")

    def generate(self, rows: int, seed: int) -> Dataset:
        """About ``rows`` store-item-days (whole days for every series), in time order."""
        rng = np.random.default_rng(seed)
        s = max(min(self.n_series, rows // 10), 2)  # small samples: fewer series, 10+ days
        days = math.ceil(rows / s)
        burn = 35  # history the lag features need before the first emitted day
        total = days + burn
        cat = rng.integers(0, len(CATEGORIES), s)
        base = rng.lognormal(math.log(7.0), 0.8, s)
        weekly = 1.0 + rng.normal(0, 0.25, (len(CATEGORIES), 7))
        weekly[:, 5:] += rng.uniform(0.1, 0.5, (len(CATEGORIES), 1))  # weekend lift
        weekly = np.clip(weekly, 0.3, None)
        slope = rng.normal(0.0, 0.25, s)
        lift = rng.uniform(0.3, 1.2, len(CATEGORIES))[cat]
        t = np.arange(total)
        holidays = np.sort(rng.choice(np.arange(10, total), size=max(total // 45, 1),
                                      replace=False))  # fmt: skip
        nxt = np.searchsorted(holidays, t)
        to_holiday = np.where(nxt < len(holidays),
                              holidays[np.minimum(nxt, len(holidays) - 1)] - t, 60)  # fmt: skip
        to_holiday = np.minimum(to_holiday, 30).astype(float)
        holiday_mult = np.where(to_holiday == 0, 1.7, np.where(to_holiday <= 2, 1.25, 1.0))
        promo = rng.random((total, s)) < self.promo_rate
        promo[1:] |= promo[:-1] & (rng.random((total - 1, s)) < 0.6)  # promos last a few days
        discount = np.where(promo, rng.choice([10.0, 20.0, 30.0, 40.0], size=(total, s)), 0.0)
        mean = (base[None, :] * weekly[cat][:, t % 7].T * (1 + slope[None, :] * t[:, None] / 365)
                * (1 + lift[None, :] * discount / 25.0) * holiday_mult[:, None])  # fmt: skip
        mean = np.clip(mean, 0.05, None)
        units = rng.poisson(rng.gamma(self.dispersion, mean / self.dispersion)).astype(float)
        keep = slice(burn, total)
        lag7, lag14 = units[burn - 7 : total - 7], units[burn - 14 : total - 14]
        csum = np.vstack([np.zeros((1, s)), np.cumsum(units, axis=0)])
        roll28 = (csum[burn - 6 : total - 6] - csum[burn - 34 : total - 34]) / 28.0
        day_idx = np.repeat(np.arange(days, dtype=float), s)
        cols = {
            "lag_7": lag7.ravel(),
            "lag_14": lag14.ravel(),
            "rolling_mean_28": roll28.ravel(),
            "promo": promo[keep].astype(float).ravel(),
            "discount_pct": discount[keep].ravel(),
            "days_to_holiday": np.repeat(to_holiday[keep], s),
            "weekday": np.repeat(t[keep] % 7, s),
            "category": np.tile(cat, days),
            "store_item_id": np.tile(np.arange(s), days),
        }
        mu = mean[keep].ravel()
        cols["true_p90"] = nb_quantile(mu, self.dispersion, 0.9)
        return Dataset(
            cols, units[keep].ravel(), mu, day_idx,
            numeric=("lag_7", "lag_14", "rolling_mean_28", "promo", "discount_pct",
                     "days_to_holiday"),
            categorical=("weekday", "category"), ids=(),
            description=(f"{days * s:,} store-item-days ({s} series × {days} days); units "
                         "sold, forecast 7 days ahead from lags, promotions and holidays"),
            levels={"weekday": WEEKDAYS, "category": CATEGORIES},
        )  # fmt: skip
