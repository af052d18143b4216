"""Payments (fraud, with chargeback delays) and push-notification candidates.

Fraud labels arrive late: a chargeback is filed days to weeks after the payment.
The generator knows where the time split falls, and in the training period keeps
a fraud label only if its chargeback would have arrived before the split, as a
model trained that day would see it. Test labels are fully matured. The truth is
unaffected, so the oracle shows what the under-labelled training data costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import (
    TEST_SHARE,
    Dataset,
    check_params,
    intercept_for_rate,
    sigmoid,
    zipf_ids,
)

MERCHANT_CATEGORIES = ("grocery", "fuel", "restaurants", "travel", "electronics",
                       "gift-cards", "fashion", "digital-goods", "pharmacy", "other")  # fmt: skip
RISKY = (4, 5, 7)  # electronics, gift cards, digital goods resell easily
NOTIFICATION_TYPES = ("friend-post", "message", "price-drop", "new-episode", "reminder", "promo")


@dataclass(frozen=True)
class Payments:
    """Card payments, ~0.2 % fraud, with chargeback-delayed labels."""

    positive_rate: float = 0.002
    n_cards: int = 150_000
    n_merchants: int = 3_000
    days: float = 60.0
    chargeback_days: float = 12.0  # mean delay before fraud is reported

    def __post_init__(self) -> None:
        check_params(self.positive_rate, n_cards=(self.n_cards, 10),
                     n_merchants=(self.n_merchants, 10))  # fmt: skip

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` payments in time order."""
        rng = np.random.default_rng(seed)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        card = zipf_ids(rng, rows, self.n_cards, 0.6)
        merchant = zipf_ids(rng, rows, self.n_merchants, 1.0)
        m_cat = rng.integers(0, len(MERCHANT_CATEGORIES), self.n_merchants)
        burst = rng.random(rows) < 0.03  # card-testing bursts raise velocity
        cols = {
            "amount": rng.lognormal(3.5, 1.1, rows),
            "card_age_days": rng.lognormal(5.5, 1.3, self.n_cards)[card],
            "txn_last_hour": rng.poisson(np.where(burst, 4.0, 0.3)).astype(float),
            "txn_last_day": rng.poisson(np.where(burst, 12.0, 2.0)).astype(float),
            "distance_km": rng.lognormal(2.5, 1.8, rows),
            "new_device": (rng.random(rows) < 0.08).astype(float),
            "card_not_present": (rng.random(rows) < 0.45).astype(float),
            "hour": (time % 1.0) * 24.0,
            "merchant_category": m_cat[merchant],
            "merchant_id": merchant,
            "card_id": card,
        }
        logit = self._logit(cols) + rng.normal(0, 0.5, self.n_merchants)[merchant]
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        fraud = rng.random(rows) < truth
        y = self._reported(rng, fraud, time)
        return Dataset(
            cols, y, truth, time,
            numeric=("amount", "card_age_days", "txn_last_hour", "txn_last_day", "distance_km",
                     "new_device", "card_not_present", "hour"),
            categorical=("merchant_category",), ids=("merchant_id", "card_id"),
            description=(f"{rows:,} card payments over {self.days:g} days; fraud labels "
                         f"arrive after ~{self.chargeback_days:g} days (chargebacks)"),
            levels={"merchant_category": MERCHANT_CATEGORIES},
        )  # fmt: skip

    def _reported(self, rng: np.random.Generator, fraud: np.ndarray, time: np.ndarray
                  ) -> np.ndarray:  # fmt: skip
        """Fraud known at the split: test labels have matured, recent training ones not."""
        cutoff = time[min(round(len(time) * (1 - TEST_SHARE)), len(time) - 1)]
        arrives = time + rng.exponential(self.chargeback_days, len(time))
        known = (time >= cutoff) | (arrives < cutoff)
        return (fraud & known).astype(np.int8)

    @staticmethod
    def _logit(c: dict[str, np.ndarray]) -> np.ndarray:
        log_amount = np.log(c["amount"])
        return (
            2.2 * np.log1p(c["txn_last_hour"]) * (1.0 + c["card_not_present"])
            + 2.4 * (c["distance_km"] > 300)
            + 3.0 * c["new_device"] * (c["card_age_days"] < 30)
            + 1.6 * ((log_amount > 4.5) & (log_amount < 6.5))
            + 1.5 * ((c["hour"] > 0.5) & (c["hour"] < 5.5))
            + 2.0 * np.isin(c["merchant_category"], RISKY)
            - 0.3 * np.log1p(c["card_age_days"])
        )


@dataclass(frozen=True)
class PushCandidates:
    """(user, notification) candidates; ~4 % opened; fatigue after the second push."""

    positive_rate: float = 0.04
    n_users: int = 30_000
    days: float = 28.0

    def __post_init__(self) -> None:
        check_params(self.positive_rate, n_users=(self.n_users, 10))

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` candidates in time order."""
        rng = np.random.default_rng(seed)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        user = zipf_ids(rng, rows, self.n_users, 0.7)
        ntype = rng.choice(len(NOTIFICATION_TYPES), rows, p=[0.25, 0.2, 0.15, 0.1, 0.1, 0.2])
        cols = {
            "days_since_open": rng.exponential(3.0, self.n_users)[user],
            "sessions_last_week": rng.poisson(rng.lognormal(1.2, 0.9, self.n_users))[user].astype(
                float
            ),
            "pushes_today": rng.poisson(1.2, rows).astype(float),
            "content_relevance": rng.beta(2.0, 3.0, rows),
            "local_hour": rng.uniform(0.0, 24.0, rows),
            "recently_active": (rng.random(rows) < 0.3).astype(float),
            "notification_type": ntype,
            "user_id": user,
        }
        logit = self._logit(cols) + rng.normal(0, 0.4, self.n_users)[user]
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        y = (rng.random(rows) < truth).astype(np.int8)
        return Dataset(
            cols, y, truth, time,
            numeric=("days_since_open", "sessions_last_week", "pushes_today",
                     "content_relevance", "local_hour", "recently_active"),
            categorical=("notification_type",), ids=("user_id",),
            description=(f"{rows:,} push candidates over {self.days:g} days for "
                         f"{self.n_users:,} users"),
            levels={"notification_type": NOTIFICATION_TYPES},
        )  # fmt: skip

    @staticmethod
    def _logit(c: dict[str, np.ndarray]) -> np.ndarray:
        hour = c["local_hour"]
        personal = np.isin(c["notification_type"], (0, 1))  # from people, not from us
        return (
            3.0 * (c["content_relevance"] - 0.4) * np.where(personal, 1.5, 1.0)
            - 0.8 * np.maximum(c["pushes_today"] - 1.0, 0.0) ** 1.3  # fatigue
            + 0.6 * np.cos(2 * np.pi * (hour - 20.0) / 24.0)
            - 2.0 * ((hour > 0.5) & (hour < 6.5))  # asleep
            + 0.5 * np.log1p(c["sessions_last_week"])
            - 0.4 * np.log1p(c["days_since_open"])
            - 0.5 * c["recently_active"]  # they are in the app already
            + 0.8 * (c["notification_type"] == 1)
        )


HOME_OWNERSHIP = ("rent", "mortgage", "own")
PURPOSES = ("debt-consolidation", "credit-card", "home-improvement", "car", "medical", "other")
REGIONS = ("north", "south", "east", "west", "central")


@dataclass(frozen=True)
class LoanApplications:
    """Loan applications, ~8 % default; a protected group that is not a feature.

    The group shifts income and region (proxies) but not the default process itself,
    so any difference in how well a model ranks within each group comes from the data
    it sees, and shows in ``group_auc_gap``.
    """

    positive_rate: float = 0.08
    days: float = 365.0

    def __post_init__(self) -> None:
        check_params(self.positive_rate)

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` applications in time order."""
        rng = np.random.default_rng(seed)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        group = (rng.random(rows) < 0.3).astype(int)  # 0 majority, 1 minority
        region_p = np.where(group[:, None] == 1, [0.1, 0.45, 0.15, 0.1, 0.2],
                            [0.25, 0.1, 0.25, 0.25, 0.15])  # fmt: skip
        region = (rng.random(rows)[:, None] > np.cumsum(region_p, axis=1)).sum(axis=1)
        income = rng.lognormal(np.where(group == 1, 10.7, 11.0), 0.5)
        cols = {
            "income": income,
            "debt_to_income": np.clip(rng.gamma(2.0, 0.09, rows), 0, 1.2),
            "credit_history_years": rng.gamma(2.5, 4.0, rows),
            "open_accounts": rng.poisson(6.0, rows).astype(float),
            "recent_inquiries": rng.poisson(0.8, rows).astype(float),
            "delinquencies_2y": rng.poisson(0.25, rows).astype(float),
            "loan_amount": np.round(rng.lognormal(9.3, 0.7, rows), -2),
            "employment_years": rng.gamma(1.5, 3.0, rows),
            "home_ownership": rng.choice(3, rows, p=[0.45, 0.4, 0.15]),
            "purpose": rng.choice(len(PURPOSES), rows, p=[0.45, 0.2, 0.1, 0.1, 0.05, 0.1]),
            "region": region,
            "group": group,  # protected: kept for the fairness audit, never a feature
        }
        logit = self._logit(cols)
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        y = (rng.random(rows) < truth).astype(np.int8)
        return Dataset(
            cols, y, truth, time,
            numeric=("income", "debt_to_income", "credit_history_years", "open_accounts",
                     "recent_inquiries", "delinquencies_2y", "loan_amount", "employment_years"),
            categorical=("home_ownership", "purpose", "region"), ids=(),
            description=(f"{rows:,} loan applications over {self.days:g} days; a protected "
                         f"group (30 %) is audited but never used as a feature"),
            levels={"home_ownership": HOME_OWNERSHIP, "purpose": PURPOSES, "region": REGIONS},
        )  # fmt: skip

    @staticmethod
    def _logit(c: dict[str, np.ndarray]) -> np.ndarray:
        payment_burden = c["loan_amount"] / c["income"]
        return (
            4.0 * np.maximum(c["debt_to_income"] - 0.35, 0.0) * 3.0  # a cliff past 35 % DTI
            + 1.3 * np.log1p(c["delinquencies_2y"])
            + 0.35 * c["recent_inquiries"]
            - 0.6 * np.log1p(c["credit_history_years"])
            + 2.5 * np.minimum(payment_burden, 0.8)
            - 0.25 * np.log1p(c["employment_years"])
            + 0.4 * (c["purpose"] == 4)  # medical
            - 0.3 * (c["home_ownership"] == 2)
        )
