"""Online-path latency: sklearn vs onnxruntime vs a numpy floor, in one run.

Goals (issue 3): onnxruntime single-row p99 at least 10x lower than scikit-learn
``predict_proba`` p99 for logistic regression, and within 3x of a bare numpy
dot-product floor. Each method is timed in interleaved rounds so slow drift of a
shared machine hits them all alike; the medians over rounds are printed.

Run: .venv/bin/python bench/latency.py [--rows 20000] [--calls 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

import numpy as np

from mlsd.content.loader import Catalog
from mlsd.pipeline.export import to_onnx
from mlsd.pipeline.features import TabularEncoder
from mlsd.pipeline.measure import latency
from mlsd.pipeline.models import Inputs, build_model
from mlsd.pipeline.run import experiment_for, split_by_time
from mlsd.pipeline.serving import OnnxScorer


def main() -> None:
    args = _args()
    exp = experiment_for(Catalog().case("ad-click-prediction"), args.rows, 0)
    train_ds, test_ds = split_by_time(exp.data)
    enc = TabularEncoder()
    train = Inputs(enc.fit_transform(train_ds), train_ds)
    X = enc.transform(test_ds)
    rows = [X[i : i + 1] for i in np.random.default_rng(0).integers(0, len(X), args.calls)]
    methods = _methods(train, X.shape[1])
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in methods}
    for _ in range(args.rounds):
        for name, fn in methods.items():
            lat = latency(fn, rows)
            results[name].append((lat.p50, lat.p99))
    _report(results, args)


def _methods(train: Inputs, d: int) -> dict[str, Callable[[np.ndarray], object]]:
    lr = build_model("logistic-regression", {}, 0).fit(train)
    gbm = build_model("lightgbm", {}, 0).fit(train)
    w = lr.estimator.coef_[0].astype(np.float32)
    b = np.float32(lr.estimator.intercept_[0])
    lr_ort = OnnxScorer(to_onnx(lr, d) or b"", online=True)
    gbm_ort = OnnxScorer(to_onnx(gbm, d) or b"", online=True)
    booster = gbm.estimator.booster_
    return {
        "LR sklearn predict_proba": lambda x: lr.estimator.predict_proba(x),
        "LR numpy dot+sigmoid (floor)": lambda x: 1.0 / (1.0 + np.exp(-(x @ w + b))),
        "LR onnxruntime": lr_ort.predict,
        "LightGBM predict_proba": lambda x: gbm.estimator.predict_proba(x),
        "LightGBM Booster.predict": lambda x: booster.predict(x),
        "LightGBM onnxruntime": gbm_ort.predict,
    }


def _report(results: dict[str, list[tuple[float, float]]], args: argparse.Namespace) -> None:
    med = {
        k: (statistics.median(p for p, _ in v), statistics.median(q for _, q in v))
        for k, v in results.items()
    }
    print(f"single-row latency, µs: median over {args.rounds} rounds of {args.calls} calls")
    print(f"{'method':32} {'p50':>9} {'p99':>9}")
    for name, (p50, p99) in med.items():
        print(f"{name:32} {p50:9.1f} {p99:9.1f}")
    skl, ort = med["LR sklearn predict_proba"][1], med["LR onnxruntime"][1]
    floor = med["LR numpy dot+sigmoid (floor)"][1]
    print(
        f"\nLR: sklearn p99 / onnxruntime p99 = {skl / ort:.1f}x (goal >= 10x) "
        f"{'MET' if skl / ort >= 10 else 'NOT MET'}"
    )
    print(
        f"LR: onnxruntime p99 / numpy floor p99 = {ort / floor:.1f}x (goal <= 3x) "
        f"{'MET' if ort / floor <= 3 else 'NOT MET'}"
    )
    g_skl, g_ort = med["LightGBM predict_proba"][1], med["LightGBM onnxruntime"][1]
    print(f"LightGBM: predict_proba p99 / onnxruntime p99 = {g_skl / g_ort:.1f}x")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


if __name__ == "__main__":
    main()
