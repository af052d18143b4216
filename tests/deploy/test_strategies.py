"""Rollout strategies decide correctly on constructed traffic where the answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.deploy import strategies as st


def _traffic(challenger: str, n: int = 40000, seed: int = 0) -> st.Traffic:
    """Calibrated champion; a challenger that is ``better``, the ``same``, or ``broken``."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    truth = 1 / (1 + np.exp(-(1.5 * x1 + 1.5 * x2 - 3)))
    y = (rng.random(n) < truth).astype(int)
    champion = 1 / (1 + np.exp(-(1.5 * x1 - 2.6)))  # misses x2
    other = {"better": truth, "same": champion, "broken": rng.random(n)}[challenger]
    users = rng.integers(0, n // 5, n)
    return st.Traffic(y, champion, other, users)


def test_user_bucket_is_stable_and_uniform() -> None:
    users = np.arange(100000)
    b = st.user_bucket(users, 1)
    np.testing.assert_array_equal(b, st.user_bucket(users, 1))
    assert abs(np.mean(b < 0.05) - 0.05) < 0.005
    assert not np.array_equal(b, st.user_bucket(users, 2))


def test_mcnemar_by_hand() -> None:
    a = np.array([True] * 10 + [False] * 2 + [True] * 5)
    b = np.array([False] * 10 + [True] * 2 + [True] * 5)
    only_a, only_b, p = st.mcnemar(a, b)
    assert (only_a, only_b) == (10, 2)
    assert p == pytest.approx(0.03857, abs=1e-4)  # 2 * P(Binomial(12, 0.5) <= 2)
    assert st.mcnemar(a, a)[2] == 1.0


def test_sample_size_by_hand() -> None:
    # 2 * ((1.96 + 0.8416) * 1 / 0.1) ** 2 = 1569.8 per arm
    assert st.sample_size_per_arm(1.0, 0.1) == pytest.approx(1569.8, rel=1e-3)
    assert st.sample_size_per_arm(1.0, 0.0) == float("inf")


@pytest.mark.parametrize(
    ("challenger", "shadow", "canary", "ab", "blue_green"),
    [
        ("better", "promote", "promote", "promote", "promote"),
        ("broken", "rollback", "rollback", "rollback", "rollback"),
        ("same", "inconclusive", "promote", "inconclusive", "promote"),
    ],
)
def test_decisions(challenger: str, shadow: str, canary: str, ab: str, blue_green: str) -> None:
    t = _traffic(challenger, n=200000 if challenger == "same" else 40000)
    blue_before = float(st.log_loss_rows(t.y, t.champion).mean())
    assert st.shadow(t, float(t.y.mean())).decision == shadow
    assert st.canary(t).decision == canary
    assert st.ab_test(t).decision == ab
    assert st.blue_green(t, blue_before, (True, "checks")).decision == blue_green


def test_broken_canary_rolls_back_at_the_first_stage_with_few_users_exposed() -> None:
    r = st.canary(_traffic("broken"))
    assert r.decision == "rollback" and r.exposed_share == 0.01
    assert r.requests_to_decision == 10000 and len(r.stages) == 1


def test_ab_with_too_little_traffic_continues_and_says_how_much_it_needs() -> None:
    t = _traffic("better", n=40000).part(slice(0, 1500))
    r = st.ab_test(t)
    assert r.decision == "continue" and r.p_value is not None and r.p_value > 0.05
    assert 1500 < r.requests_to_decision == r.figures["sample_size_requests"] <= 15000


def test_shadow_exposes_nobody_and_blue_green_everybody() -> None:
    t = _traffic("better")
    assert st.shadow(t, 0.1).exposed_share == 0.0
    assert st.blue_green(t, 1.0, (True, "ok")).exposed_share == 1.0


def test_failed_smoke_test_never_swaps() -> None:
    r = st.blue_green(_traffic("better"), 1.0, (False, "parity 0.3"))
    assert r.decision == "rollback" and r.requests_to_decision == 0 and "parity 0.3" in r.reason
