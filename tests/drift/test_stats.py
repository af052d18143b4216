"""Drift statistics against hand-computed values (and scipy where it has one)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlsd.drift import stats


def test_psi_by_hand() -> None:
    ref = np.arange(1000.0)  # deciles of 100 rows each
    assert stats.psi(ref, ref) == pytest.approx(0.0)
    cur = np.r_[np.arange(100.0), np.arange(100.0), np.arange(200.0, 1000.0)]  # decile 2 empty
    expected = (0.2 - 0.1) * math.log(2) + (1e-6 - 0.1) * math.log(1e-6 / 0.1)
    assert stats.psi(ref, cur) == pytest.approx(expected)


def test_ks_by_hand_and_against_scipy() -> None:
    assert stats.ks_statistic(np.array([1.0, 2, 3]), np.array([2.0, 3, 4])) == pytest.approx(1 / 3)
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 500), rng.normal(0.3, 1, 700)
    from scipy.stats import ks_2samp

    assert stats.ks_statistic(a, b) == pytest.approx(ks_2samp(a, b).statistic)
    assert stats.ks_test(a, b)[1] < 0.05


def test_chi_square_by_hand() -> None:
    ref = np.array(["a"] * 50 + ["b"] * 50)
    cur = np.array(["a"] * 70 + ["b"] * 30)
    stat, p = stats.chi_square(ref, cur)
    assert stat == pytest.approx(2 * (100 / 60 + 100 / 40))  # expected counts 60 / 40 per row
    assert p == pytest.approx(0.003892, rel=1e-3)


def test_jensen_shannon_by_hand() -> None:
    assert stats.jensen_shannon(np.array([1, 0]), np.array([0, 1])) == pytest.approx(1.0)
    assert stats.jensen_shannon(np.array([3, 5]), np.array([3, 5])) == pytest.approx(0.0)
    kl_p = 0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)
    kl_q = math.log2(1 / 0.75)
    expected = math.sqrt((kl_p + kl_q) / 2)
    assert stats.jensen_shannon(np.array([1, 1]), np.array([1, 0])) == pytest.approx(expected)


def test_wasserstein_by_hand_and_against_scipy() -> None:
    ref = np.array([0.0, 1, 2, 3])
    assert stats.wasserstein_normalized(ref, ref + 1) == pytest.approx(1 / np.std(ref))
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 2, 300), rng.exponential(1, 400)
    from scipy.stats import wasserstein_distance

    assert stats.wasserstein_normalized(a, b) == pytest.approx(
        wasserstein_distance(a, b) / np.std(a)
    )


def test_test_choice_follows_sample_size() -> None:
    assert stats.choose_test(500, categorical=False) == "ks"
    assert stats.choose_test(500, categorical=True) == "chi_square"
    assert stats.choose_test(50_000, categorical=False) == "wasserstein"
    assert stats.choose_test(50_000, categorical=True) == "jensen_shannon"


def test_large_samples_tiny_shift_p_value_flags_distance_does_not() -> None:
    """Why the choice matters: at n = 200k a 0.02-sd shift is 'significant' but trivial."""
    rng = np.random.default_rng(2)
    ref, cur = rng.normal(0, 1, 200_000), rng.normal(0.02, 1, 200_000)
    assert stats.drift_test(ref, cur, categorical=False, test="ks").drifted
    assert not stats.drift_test(ref, cur, categorical=False).drifted  # wasserstein
    big = rng.normal(0.5, 1, 200_000)
    assert stats.drift_test(ref, big, categorical=False).drifted


def test_unknown_test_name() -> None:
    with pytest.raises(ValueError):
        stats.drift_test(np.zeros(3), np.zeros(3), False, test="magic")
