"""Distribution-shift statistics, in numpy (p-values from scipy, imported lazily).

Each compares a reference sample with a current one:

- PSI (population stability index) over reference-quantile bins;
- two-sample Kolmogorov-Smirnov statistic and p-value (numeric);
- chi-square test of homogeneity and p-value (categorical);
- Jensen-Shannon distance (base 2, in [0, 1]) between category or bin frequencies;
- Wasserstein-1 distance divided by the reference standard deviation.

:func:`choose_test` picks one per feature the way mature monitoring tools do:
with few reference rows a p-value test (distances are noisy on small samples);
with many, a distance with a fixed threshold (at large n a p-value test flags
shifts too small to matter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-6
SMALL_SAMPLE = 1000  # reference rows below which a p-value test is used
P_VALUE = 0.05
DISTANCE_THRESHOLD = 0.1  # normalized Wasserstein and Jensen-Shannon


def psi(ref: np.ndarray, cur: np.ndarray, bins: int = 10) -> float:
    """Population stability index over ``bins`` reference-quantile bins.

    Sum over bins of (cur% - ref%) * ln(cur% / ref%), empty bins floored at 1e-6.
    Rules of thumb: < 0.1 stable, 0.1-0.25 moderate, > 0.25 a major shift.
    """
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    rp = np.maximum(r / len(ref), EPS)
    cp = np.maximum(c / len(cur), EPS)
    return float(np.sum((cp - rp) * np.log(cp / rp)))


def ks_statistic(ref: np.ndarray, cur: np.ndarray) -> float:
    """Largest gap between the two empirical CDFs."""
    a, b = np.sort(ref), np.sort(cur)
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def ks_test(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """KS statistic and its two-sided p-value (asymptotic, from scipy)."""
    from scipy.stats import ks_2samp

    res = ks_2samp(ref, cur)
    return float(res.statistic), float(res.pvalue)


def frequencies(ref: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of every category seen in either sample, aligned."""
    cats = np.union1d(np.unique(ref), np.unique(cur))
    return (np.array([np.sum(ref == c) for c in cats], dtype=float),
            np.array([np.sum(cur == c) for c in cats], dtype=float))  # fmt: skip


def chi_square(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """Chi-square test of homogeneity on the category counts: statistic and p-value."""
    from scipy.stats import chi2

    r, c = frequencies(ref, cur)
    table = np.vstack([r, c])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    stat = float(np.sum((table - expected) ** 2 / np.maximum(expected, EPS)))
    dof = max(table.shape[1] - 1, 1)
    return stat, float(chi2.sf(stat, dof))


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance (square root of the divergence, log base 2): 0 to 1."""
    p = np.asarray(p, dtype=float) / np.sum(p)
    q = np.asarray(q, dtype=float) / np.sum(q)
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        nz = a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / m[nz])))

    return float(np.sqrt(max((kl(p) + kl(q)) / 2, 0.0)))


def wasserstein_normalized(ref: np.ndarray, cur: np.ndarray) -> float:
    """Earth mover's distance between the samples, in reference standard deviations."""
    a, b = np.sort(ref.astype(float)), np.sort(cur.astype(float))
    grid = np.sort(np.concatenate([a, b]))
    cdf_a = np.searchsorted(a, grid[:-1], side="right") / len(a)
    cdf_b = np.searchsorted(b, grid[:-1], side="right") / len(b)
    distance = float(np.sum(np.abs(cdf_a - cdf_b) * np.diff(grid)))
    return distance / max(float(np.std(a)), EPS)


@dataclass(frozen=True)
class TestResult:
    """One feature's drift verdict."""

    test: str  # "ks", "chi_square", "wasserstein", "jensen_shannon"
    statistic: float  # the p-value for p-value tests, else the distance
    threshold: float
    drifted: bool


def choose_test(n_reference: int, categorical: bool) -> str:
    """The test for a feature: p-value tests on small references, distances on large."""
    if n_reference <= SMALL_SAMPLE:
        return "chi_square" if categorical else "ks"
    return "jensen_shannon" if categorical else "wasserstein"


def drift_test(ref: np.ndarray, cur: np.ndarray, categorical: bool,
               test: str | None = None, alpha: float = P_VALUE) -> TestResult:  # fmt: skip
    """Run the chosen (or given) test: p-value tests drift below ``alpha`` (0.05 unless
    corrected for many features), distances above 0.1."""
    name = test or choose_test(len(ref), categorical)
    if name == "ks":
        return TestResult(name, p := ks_test(ref, cur)[1], alpha, p < alpha)
    if name == "chi_square":
        return TestResult(name, p := chi_square(ref, cur)[1], alpha, p < alpha)
    if name == "jensen_shannon":
        d = jensen_shannon(*frequencies(ref, cur))
    elif name == "wasserstein":
        d = wasserstein_normalized(ref, cur)
    else:
        raise ValueError(f"unknown drift test {name!r}")
    return TestResult(name, d, DISTANCE_THRESHOLD, d > DISTANCE_THRESHOLD)
