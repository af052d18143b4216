"""`mlsd serve`, `mlsd compress` and `mlsd train` on every binary case: wall time and figures.

Goal (issue 9): each command in seconds at a case's default size. Prints, per case,
the wall time of the real CLI (a subprocess, imports included), then:

- serve: online and batch p50/p99 and ROC AUC, the naive and point-in-time joins'
  offline vs future ROC AUC, and for the most skewed stream each TTL's hit rate,
  stale rate and p50/p99;
- compress: each variant's size ratio, p99 and ROC AUC gap;
- train: Dask vs single-process training seconds and ROC AUC (skipped without the
  distributed extra).

Latencies vary by about ±30 % between runs on a shared machine: compare within a run.

Run: .venv/bin/python bench/serving.py [--case ID ...] [--skip serve compress train]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics

from _cli import mlsd


def serve(case: str) -> float:
    wall, r = mlsd("serve", case)
    for m in r["modes"]:
        print(f"  serve {m['name']:<7} p50 {m['p50_us']:6.1f} µs  p99 {m['p99_us']:7.1f} µs  "
              f"ROC AUC {m['roc_auc']:.3f}  coverage {m['coverage']:.1%}")  # fmt: skip
    fs = r["feature_store"]
    print(f"  feature store ({fs['entity']}): naive {fs['naive_join']['roc_auc']:.3f} offline / "
          f"{fs['naive_join']['future_roc_auc']:.3f} future; point-in-time "
          f"{fs['point_in_time']['roc_auc']:.3f} / {fs['point_in_time']['future_roc_auc']:.3f}; "
          f"lookup p50 {fs['online_lookup_us']['p50']:.1f} µs")  # fmt: skip
    skew = max(c["zipf"] for c in r["cache"])
    for c in r["cache"]:
        if c["zipf"] == skew:
            print(f"  cache zipf {skew:g} TTL {c['ttl_seconds']!s:>5}: hit {c['hit_rate']:.1%} "
                  f"stale {c['stale_rate']:.2%} p50 {c['p50_us']:.1f} µs "
                  f"p99 {c['p99_us']:.1f} µs")  # fmt: skip
    print(f"  serve {wall:.1f} s")
    return wall


def compress(case: str) -> float:
    wall, r = mlsd("compress", case)
    for v in r["variants"]:
        print(f"  compress {v['name']:<30} {v['bytes']:>8,} B  x{v['size_ratio']:<6.2f} "
              f"p99 {v['p99_us']:6.1f} µs  gap {v['gap']:+.4f}")  # fmt: skip
    print(f"  compress {wall:.1f} s")
    return wall


def train(case: str) -> float:
    wall, r = mlsd("train", case, "--engine", "dask", "--workers", "2")
    single = r["single_process"]
    print(f"  train dask {r['train_seconds']:.2f} s (+ start {r['cluster_start_seconds']:.2f} s) "
          f"ROC AUC {r['metrics']['roc_auc']:.4f}; single process {single['train_seconds']:.2f} s "
          f"ROC AUC {single['metrics']['roc_auc']:.4f}; wall {wall:.1f} s")  # fmt: skip
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs="*", help="only these cases")
    parser.add_argument("--skip", nargs="*", default=[], choices=["serve", "compress", "train"])
    args = parser.parse_args()
    _, listing = mlsd("list")
    cases = args.case or [c["id"] for c in listing if c.get("task") == "binary"]
    commands = {"serve": serve, "compress": compress, "train": train}
    if importlib.util.find_spec("distributed") is None:
        print('train skipped: pip install "mlsd[distributed]"')
        args.skip.append("train")
    walls: dict[str, list[float]] = {name: [] for name in commands if name not in args.skip}
    for case in cases:
        print(f"\n{case}")
        for name in walls:
            walls[name].append(commands[name](case))
    for name, values in walls.items():
        if values:
            print(f"\n{name}: median {statistics.median(values):.1f} s, max {max(values):.1f} s "
                  f"over {len(values)} cases")  # fmt: skip


if __name__ == "__main__":
    main()
