"""Timing helpers: single-row latency percentiles and batch throughput."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Latency:
    """Single-call latency percentiles in microseconds."""

    p50: float
    p99: float
    calls: int


def latency(
    fn: Callable[[Any], object],
    requests: Sequence[Any],
    warmup: int = 50,
    budget_s: float | None = None,
    min_calls: int = 200,
) -> Latency:
    """Time one call of ``fn`` per request, after ``warmup`` untimed calls.

    With ``budget_s``, stop once that much time is spent and ``min_calls`` are done, so
    slow native predictors do not dominate a run; the call count is reported.
    """
    for req in requests[:warmup]:
        fn(req)
    samples = np.empty(len(requests))
    clock = time.perf_counter_ns
    deadline = clock() + int(budget_s * 1e9) if budget_s else None
    n = 0
    for req in requests:
        start = clock()
        fn(req)
        end = clock()
        samples[n] = end - start
        n += 1
        if deadline is not None and n >= min_calls and end > deadline:
            break
    p50, p99 = np.percentile(samples[:n] / 1000.0, [50, 99])
    return Latency(float(p50), float(p99), n)


def throughput(fn: Callable[[], object], rows: int, repeats: int = 3) -> float:
    """Rows per second of a batch call, from the median of ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return rows / max(float(np.median(times)), 1e-9)
