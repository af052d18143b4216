"""Page-Hinkley: quiet on a stable error rate, alarm soon after it rises."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.drift.detectors import PageHinkley


def _first_alarm(detector: object, stream: np.ndarray) -> int | None:
    for i, x in enumerate(stream):
        if detector.update(x):  # type: ignore[attr-defined]
            return i
    return None


@pytest.mark.parametrize("seed", range(8))
def test_stable_stream_raises_no_alarm(seed: int) -> None:
    errors = (np.random.default_rng(seed).random(5000) < 0.1).astype(int)
    assert _first_alarm(PageHinkley(), errors) is None


@pytest.mark.parametrize("seed", range(8))
def test_rising_error_rate_is_caught_after_the_change(seed: int) -> None:
    rng = np.random.default_rng(seed)
    errors = np.r_[rng.random(2000) < 0.1, rng.random(2000) < 0.3].astype(int)
    at = _first_alarm(PageHinkley(), errors)
    assert at is not None and 2000 <= at < 2600, at


def test_page_hinkley_by_hand() -> None:
    ph = PageHinkley(delta=0.0, threshold=1.5)
    # means 0, 0, 1/3, 1/2: cumulative deviations 0, 0, 2/3, 2/3 + 1/2 = 7/6 < 1.5
    assert [ph.update(x) for x in (0, 0, 1, 1)] == [False] * 4
    assert ph.cumulative == pytest.approx(7 / 6)
    assert ph.update(1)  # + (1 - 3/5) = 1.5667 > 1.5
    assert ph.n == 0  # reset after the alarm
