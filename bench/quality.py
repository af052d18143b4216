"""Quality and wall time of `mlsd compare-models ad-click-prediction` at the default size.

Goals (issue 3): LightGBM within 0.01 ROC AUC of the oracle and visibly above
logistic regression; the whole command under 10 s on 2 cores. Runs the real CLI
in subprocesses, one per seed, and prints per-seed figures and medians.

Run: .venv/bin/python bench/quality.py [--seeds 5] [--case ad-click-prediction]
"""

from __future__ import annotations

import argparse
import statistics

from _cli import mlsd


def run_once(case: str, seed: int) -> tuple[float, dict]:
    """Wall time and JSON report of one compare-models run."""
    return mlsd("compare-models", case, "--seed", str(seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--case", default="ad-click-prediction")
    args = parser.parse_args()
    walls, gaps = [], {}
    print(f"{'seed':>4} {'wall s':>7} {'oracle':>7}  model gaps (oracle - model, primary metric)")
    for seed in range(args.seeds):
        wall, report = run_once(args.case, seed)
        walls.append(wall)
        primary = next(iter(report["oracle"]))
        row = {m["name"]: m["oracle_gap"][primary] for m in report["models"]}
        for name, gap in row.items():
            gaps.setdefault(name, []).append(gap)
        cells = "  ".join(f"{n}={g:+.4f}" for n, g in row.items())
        print(f"{seed:>4} {wall:7.2f} {report['oracle'][primary]:7.4f}  {cells}")
    print(f"\nmedian wall time: {statistics.median(walls):.2f} s (goal < 10 s)")
    for name, values in gaps.items():
        print(f"median gap {name:22} {statistics.median(values):+.4f}  max {max(values):+.4f}")


if __name__ == "__main__":
    main()
