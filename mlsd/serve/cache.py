"""Replay a request stream through a prediction cache with a time-to-live.

The stream lives in virtual time: requests name an entity drawn with Zipf popularity,
and each entity's features change at random moments (a Poisson process). The replay
runs the real serving path on every miss (an online-store read and an onnxruntime
call, passed in as ``serve``) and a dictionary lookup on every hit, and times each
request with the wall clock. A hit is *stale* when the entity's features changed
after the cached prediction was computed: the user got an answer for a state that no
longer exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RequestStream:
    """Requests and feature updates in virtual seconds, each sorted by time."""

    times: np.ndarray
    keys: np.ndarray
    update_times: np.ndarray
    update_keys: np.ndarray
    entities: int
    zipf: float

    @property
    def span_seconds(self) -> float:
        return float(self.times[-1] - self.times[0]) if len(self.times) else 0.0


def zipf_stream(requests: int, entities: int, zipf: float, rate: float, update_every: float,
                seed: int) -> RequestStream:  # fmt: skip
    """``requests`` at ``rate`` per virtual second over ``entities`` with Zipf(``zipf``)
    popularity (entity 0 the most popular); each entity's features change on average
    every ``update_every`` seconds."""
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(1.0 / rate, requests))
    weights = 1.0 / np.arange(1, entities + 1) ** zipf
    keys = rng.choice(entities, size=requests, p=weights / weights.sum())
    span = float(times[-1])
    n_updates = rng.poisson(entities * span / update_every)
    update_times = np.sort(rng.uniform(0.0, span, n_updates))
    update_keys = rng.integers(0, entities, n_updates)
    return RequestStream(times, keys, update_times, update_keys, entities, zipf)


@dataclass(frozen=True)
class CacheResult:
    """What one TTL did to one stream."""

    zipf: float
    ttl_seconds: float  # 0: no cache; inf: never expires
    requests: int
    hits: int
    stale: int
    latencies_us: np.ndarray
    hit_latencies_us: np.ndarray
    miss_latencies_us: np.ndarray

    @property
    def hit_rate(self) -> float:
        return self.hits / self.requests if self.requests else 0.0

    @property
    def stale_rate(self) -> float:
        """Share of all requests answered with a prediction from out-of-date features."""
        return self.stale / self.requests if self.requests else 0.0

    def percentile(self, q: float, which: str = "all") -> float:
        values = {"all": self.latencies_us, "hit": self.hit_latencies_us,
                  "miss": self.miss_latencies_us}[which]  # fmt: skip
        return float(np.percentile(values, q)) if len(values) else float("nan")

    def to_json(self) -> dict[str, float | None]:
        return {
            "zipf": self.zipf,
            "ttl_seconds": None if np.isinf(self.ttl_seconds) else self.ttl_seconds,
            "hit_rate": self.hit_rate,
            "stale_rate": self.stale_rate,
            "p50_us": self.percentile(50),
            "p99_us": self.percentile(99),
            "mean_us": float(self.latencies_us.mean()) if len(self.latencies_us) else None,
            "miss_p50_us": self.percentile(50, "miss"),
            "hit_p50_us": self.percentile(50, "hit"),
        }


def replay(stream: RequestStream, ttl: float, serve: Callable[[int], float],
           on_update: Callable[[int], None] | None = None,
           clock: Callable[[], int] = time.perf_counter_ns) -> CacheResult:  # fmt: skip
    """Serve every request of ``stream`` through a TTL cache in front of ``serve``.

    An entry written at ``w`` answers requests at ``t`` with ``t - w < ttl``, so a TTL of
    0 never hits. ``on_update(entity)`` is called for each feature change, in time
    order with the requests (an update at the same instant as a request comes first), so
    the store ``serve`` reads is always current.
    """
    cache: dict[int, tuple[float, int, float]] = {}  # entity -> (written at, version, score)
    version = np.zeros(stream.entities, dtype=np.int64)
    n = len(stream.times)
    took = np.empty(n, dtype=np.float64)
    hit = np.zeros(n, dtype=bool)
    stale = 0
    u, n_up = 0, len(stream.update_times)
    for i in range(n):
        now, key = float(stream.times[i]), int(stream.keys[i])
        while u < n_up and stream.update_times[u] <= now:
            k = int(stream.update_keys[u])
            version[k] += 1
            if on_update is not None:
                on_update(k)
            u += 1
        start = clock()
        entry = cache.get(key)
        if entry is not None and now - entry[0] < ttl:
            _score = entry[2]
            end = clock()
            hit[i] = True
            stale += entry[1] != version[key]
        else:
            cache[key] = (now, int(version[key]), serve(key))
            end = clock()
        took[i] = (end - start) / 1000.0
    return CacheResult(stream.zipf, ttl, n, int(hit.sum()), int(stale), took, took[hit],
                       took[~hit])  # fmt: skip
