"""`mlsd drift` and `mlsd redeploy` on every binary case: wall time and what they found.

Goal (issue 8): both commands in seconds at each case's default size. Prints, per
case, the wall time of the real CLI (a subprocess, imports included), then for
drift under each scenario: the windows flagged by input tests, score drift and
Page-Hinkley (the false-alarm control should flag at most one), the largest gap
between the label-free estimate and the actual metric after the onset, and each
retraining policy's mean metric; for redeploy, each strategy's decision.

Run: .venv/bin/python bench/production.py [--case ID ...] [--scenario none data concept]
"""

from __future__ import annotations

import argparse
import statistics

from _cli import mlsd


def windows(report: dict, test: str) -> list[int]:
    """Indices of windows where ``test`` (inputs, scores or alarm) fired."""
    hits = {
        "inputs": lambda w: any(f["drifted"] for f in w["feature_drift"]),
        "scores": lambda w: w["prediction_drift"]["drifted"],
        "alarm": lambda w: bool(w["alarms"]),
    }[test]
    return [w["index"] for w in report["windows"] if hits(w)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs="*", help="only these cases")
    parser.add_argument("--scenario", nargs="*", default=["none", "data", "concept"])
    args = parser.parse_args()
    _, listing = mlsd("list")
    cases = args.case or [c["id"] for c in listing if c.get("task") == "binary"]
    walls: dict[str, list[float]] = {"drift": [], "redeploy": []}
    for case in cases:
        print(f"\n{case}")
        for scenario in args.scenario:
            wall, r = mlsd("drift", case, "--scenario", scenario)
            walls["drift"].append(wall)
            m = r["metric"]
            late = [w for w in r["windows"] if w["drift_injected"]] or r["windows"]
            gap = max(abs(w["estimated"][m] - w["actual"][m]) for w in late)
            policies = ", ".join(f"{p['name']} {p[f'mean_{m}']:.3f}" for p in r["policies"])
            print(
                f"  drift {scenario:<8} {wall:5.1f} s  inputs {windows(r, 'inputs')} "
                f"scores {windows(r, 'scores')} alarm {windows(r, 'alarm')}  "
                f"|est-actual| max {gap:.3f}  {m}: {policies}"
            )
        wall, r = mlsd("redeploy", case)
        walls["redeploy"].append(wall)
        decisions = ", ".join(f"{s['name']} {s['decision']}" for s in r["strategies"])
        print(f"  redeploy        {wall:5.1f} s  {decisions}")
    for name, values in walls.items():
        if values:
            print(f"\n{name}: median {statistics.median(values):.1f} s, max {max(values):.1f} s "
                  f"over {len(values)} runs")  # fmt: skip


if __name__ == "__main__":
    main()
