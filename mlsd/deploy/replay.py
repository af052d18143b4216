"""`mlsd redeploy`: a champion and a challenger replayed over the same post-drift traffic.

The stream (see :mod:`mlsd.drift.stream`) has 8 windows with drift from window 4.
The champion is trained on window 0 (before the drift); window 1 is its labelled
reference. The challenger is retrained on window 4 once its labels are in. Windows
5-7 are the traffic every strategy replays, in time order, with each request given
to one of ``len / 5`` synthetic users (about five requests each).

Both models are exported to ONNX and timed with onnxruntime, one request at a time,
for the shadow's latency cost and blue-green's smoke test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsd.content.schema import Case
from mlsd.deploy import strategies as st
from mlsd.drift.monitor import prepare, train
from mlsd.errors import UsageError
from mlsd.pipeline.generators.base import Dataset, concat
from mlsd.pipeline.models import Inputs
from mlsd.pipeline.run import require_binary

Progress = Callable[[str], None]
STRATEGIES = ("shadow", "canary", "ab", "blue-green")
WINDOWS = 8
REQUESTS_PER_USER = 5
LATENCY_CALLS = 400
PARITY_TOLERANCE = 1e-4
LATENCY_BUDGET_MS = 10.0  # blue-green's smoke test: green's p99 must fit a 10 ms budget


@dataclass(frozen=True)
class RedeployReport:
    """Everything `mlsd redeploy` prints."""

    case: str
    scenario: str
    model: str
    stream: str
    requests: int
    users: int
    champion_window: int
    challenger_window: int
    latency_ms: dict[str, float]
    strategies: tuple[st.StrategyResult, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "scenario": self.scenario,
            "model": self.model,
            "stream": self.stream,
            "requests": self.requests,
            "users": self.users,
            "champion_trained_on_window": self.champion_window,
            "challenger_trained_on_window": self.challenger_window,
            "latency_ms": self.latency_ms,
            "strategies": [s.to_json() for s in self.strategies],
        }


Timing = tuple[dict[str, float], str, bool]


def _latency(champion: Any, challenger: Any, rows: Dataset, seed: int) -> Timing:
    """ONNX single-request latency of each model and of both in sequence, and green's smoke test."""
    from mlsd.pipeline.export import to_onnx
    from mlsd.pipeline.measure import latency
    from mlsd.pipeline.serving import OnnxScorer

    xa, xb = champion.encoder.transform(rows), challenger.encoder.transform(rows)
    oa, ob = to_onnx(champion.model, xa.shape[1]), to_onnx(challenger.model, xb.shape[1])
    if oa is None or ob is None:
        return {}, "no ONNX export for this model", True
    sa, sb = OnnxScorer(oa, online=True), OnnxScorer(ob, online=True)
    batch = OnnxScorer(ob, online=False)
    native = np.asarray(challenger.model.predict(Inputs(xb, rows)))
    parity = float(np.max(np.abs(batch.predict(xb) - native)))
    picks = np.random.default_rng(seed).integers(0, len(xa), LATENCY_CALLS)
    a = latency(lambda i: sa.predict(xa[i : i + 1]), list(picks))
    b = latency(lambda i: sb.predict(xb[i : i + 1]), list(picks))
    both = latency(lambda i: (sa.predict(xa[i : i + 1]), sb.predict(xb[i : i + 1])), list(picks))
    figures = {}
    for name, lat in (("champion", a), ("challenger", b), ("shadow_in_path", both)):
        figures[f"{name}_p50_ms"] = lat.p50 / 1000
        figures[f"{name}_p99_ms"] = lat.p99 / 1000
    ok = parity <= PARITY_TOLERANCE and b.p99 / 1000 <= LATENCY_BUDGET_MS
    checks = (f"ONNX parity {parity:.1e} (max {PARITY_TOLERANCE:g}), "
              f"p99 {b.p99 / 1000:.2f} ms (budget {LATENCY_BUDGET_MS:g} ms)")  # fmt: skip
    return figures, checks, ok


def run_redeploy(
    case: Case,
    scenario: str,
    strategy: str,
    seed: int,
    rows: int | None,
    model: str | None,
    progress: Progress | None = None,
) -> RedeployReport:
    """Train the champion and challenger, replay the traffic, and run the chosen strategies."""
    require_binary(case, "redeploy")
    if strategy not in (*STRATEGIES, "all"):
        raise UsageError(f"unknown strategy {strategy!r}; choose from {', '.join(STRATEGIES)}, all")
    names = STRATEGIES if strategy == "all" else (strategy,)
    tell = progress or (lambda _msg: None)
    spec, stream = prepare(case, scenario, WINDOWS, seed, rows, model, tell)
    start = WINDOWS // 2
    tell(f"training the champion ({spec.name}) on window 0")
    champion = train(spec.name, spec.params, stream.windows[0], seed)
    tell(f"training the challenger on window {start}")
    challenger = train(spec.name, spec.params, stream.windows[start], seed)
    served = concat(stream.windows[start + 1 :])
    users = np.random.default_rng(seed + 1).integers(0, max(len(served) // REQUESTS_PER_USER, 1),
                                                     len(served))  # fmt: skip
    traffic = st.Traffic(served.y, champion.scores(served), challenger.scores(served), users)
    ref = stream.windows[1]
    flag_share = float(ref.y.mean())
    lat: dict[str, float] = {}
    checks, ok = "", True
    if {"shadow", "blue-green"} & set(names):
        tell("exporting both to ONNX and timing them")
        lat, checks, ok = _latency(champion, challenger, served, seed)
    before = stream.windows[start]
    blue_before = float(st.log_loss_rows(before.y, champion.scores(before)).mean())
    run = {
        "shadow": lambda: st.shadow(traffic, flag_share, lat),
        "canary": lambda: st.canary(traffic),
        "ab": lambda: st.ab_test(traffic),
        "blue-green": lambda: st.blue_green(traffic, blue_before, (ok, checks)),
    }
    results = []
    for name in names:
        tell(f"replaying {name}")
        results.append(run[name]())
    return RedeployReport(case.id, scenario, spec.name, stream.describe(), len(traffic),
                          len(np.unique(users)), 0, start, lat, tuple(results))  # fmt: skip
