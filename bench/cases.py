"""Every shipped case's `mlsd compare-models` at its default size: wall time and figures.

Goal (issue 7): each case's run-baseline and compare-models in under 15 s on 2
cores. Prints, per case, the wall time of the real CLI (a subprocess, imports
included), the oracle's primary metric, and each model's primary metric and
online p99 latency (onnxruntime where the model exports, else native).

Run: .venv/bin/python bench/cases.py [--repeats 1] [--case ID ...]
"""

from __future__ import annotations

import argparse
import statistics

from _cli import mlsd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs per case (median wall)")
    parser.add_argument("--case", nargs="*", help="only these cases")
    args = parser.parse_args()
    _, listing = mlsd("list")
    cases = [c["id"] for c in listing]
    walls_all = []
    for case in args.case or cases:
        walls, report = [], {}
        for _ in range(args.repeats):
            wall, report = mlsd("compare-models", case)
            walls.append(wall)
        wall = statistics.median(walls)
        walls_all.append(wall)
        oracle = report.get("oracle") or {}
        metric = next(iter(oracle)) if oracle else next(iter(report["models"][0]["metrics"]))
        flag = "" if wall < 15 else "  (over the 15 s goal)"
        best = oracle.get(metric, float("nan"))
        print(f"\n{case}: {wall:.1f} s{flag}; {metric}, oracle {best:.4f}")
        for m in report["models"]:
            lat = m["latency_us"]["onnx"] or m["latency_us"]["native"]
            where = "onnx" if m["latency_us"]["onnx"] else "native"
            value = m["metrics"][metric]
            print(f"  {m['name']:22} {value:9.4f}   p99 {lat['p99']:9.1f} µs ({where})")
    median, worst = statistics.median(walls_all), max(walls_all)
    print(f"\nmedian wall over cases: {median:.1f} s; max {worst:.1f} s")


if __name__ == "__main__":
    main()
