"""The TTL cache replay: hand-checked counts on a tiny stream, and TTL's trade-off."""

from __future__ import annotations

import math

import numpy as np

from mlsd.serve.cache import RequestStream, replay, zipf_stream


def tiny() -> RequestStream:
    """Entity 0 at t = 0, 5, 12, 30 and entity 1 at t = 20; entity 0 changes at t = 8."""
    return RequestStream(np.array([0.0, 5.0, 12.0, 20.0, 30.0]), np.array([0, 0, 0, 1, 0]),
                         np.array([8.0]), np.array([0]), entities=2, zipf=1.0)  # fmt: skip


def run(ttl: float) -> tuple[int, int, list[int], list[int]]:
    served: list[int] = []
    updated: list[int] = []

    def serve(k: int) -> float:
        served.append(k)
        return float(k)

    r = replay(tiny(), ttl, serve, updated.append)
    assert r.requests == 5 and len(r.latencies_us) == 5
    assert len(r.hit_latencies_us) == r.hits and len(r.miss_latencies_us) == 5 - r.hits
    return r.hits, r.stale, served, updated


def test_no_cache_serves_every_request() -> None:
    assert run(0) == (0, 0, [0, 0, 0, 1, 0], [0])


def test_short_ttl_by_hand() -> None:
    # t=0 miss (written at 0); t=5 hit, fresh; update at 8; t=12 expired (12 - 0 >= 10): miss,
    # written at 12 with the new features; t=20 entity 1 miss; t=30 expired (18): miss.
    assert run(10) == (1, 0, [0, 0, 1, 0], [0])


def test_long_ttl_by_hand() -> None:
    # t=5 hit fresh; t=12 hit but the features changed at 8: stale; t=30 hit, stale again.
    assert run(100) == (3, 2, [0, 1], [0])


def test_never_expiring_cache() -> None:
    assert run(math.inf)[:2] == (3, 2)


def test_an_update_at_the_request_instant_comes_first() -> None:
    s = RequestStream(np.array([0.0, 8.0]), np.array([0, 0]), np.array([8.0]), np.array([0]),
                      entities=1, zipf=1.0)  # fmt: skip
    r = replay(s, 100, lambda k: 0.0)
    assert (r.hits, r.stale) == (1, 1)


def test_stale_and_hit_rates_rise_with_ttl() -> None:
    stream = zipf_stream(20_000, 2_000, 1.0, rate=20.0, update_every=300.0, seed=1)
    results = [replay(stream, ttl, lambda k: 0.0) for ttl in (0, 5, 30, 120, 600, math.inf)]
    hits = [r.hit_rate for r in results]
    stale = [r.stale_rate for r in results]
    assert hits == sorted(hits) and stale == sorted(stale)
    assert stale[0] == 0 and stale[-1] > 0.2 and hits[-1] > 0.8


def test_zipf_stream_shape() -> None:
    s = zipf_stream(5_000, 1_000, 1.1, rate=10.0, update_every=100.0, seed=0)
    assert len(s.times) == 5_000 and np.all(np.diff(s.times) >= 0)
    assert np.all(np.diff(s.update_times) >= 0) and s.keys.max() < 1_000
    assert abs(s.span_seconds - 500) < 50  # 5,000 requests at 10 per second
    # entity 0 is the most popular: with s = 1.1 over 1,000 entities it draws about 16 %
    assert 0.12 < np.mean(s.keys == 0) < 0.2
    assert abs(len(s.update_times) - 1_000 * s.times[-1] / 100) < 200


def test_json_names_no_expiry_as_null() -> None:
    r = replay(tiny(), math.inf, lambda k: 0.0)
    data = r.to_json()
    assert data["ttl_seconds"] is None and data["hit_rate"] == 0.6 and data["stale_rate"] == 0.4
