"""Rolling-origin backtesting: retrain at several cut-offs, test on the window after each.

One time split gives one number; a forecast (or any model that will be retrained
on a schedule) should be judged over several windows, each model trained only on
what came before its window, never on a random shuffle. The spread across
windows shows how much of a difference between models is noise.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsd.errors import UsageError
from mlsd.pipeline.generators.base import TEST_SHARE, Dataset
from mlsd.pipeline.models import build_model
from mlsd.pipeline.run import check_labels, encode, score

MAX_FOLDS = 6


@dataclass(frozen=True)
class Fold:
    """One origin: train on rows before ``start``, test on [start, end)."""

    train_rows: int
    test_rows: int
    start: float
    end: float


@dataclass(frozen=True)
class BacktestResult:
    """The primary metric of every model (and the oracle) in every fold."""

    metric: str
    folds: tuple[Fold, ...]
    scores: dict[str, tuple[float, ...]]  # model name (or "oracle") -> one score per fold

    def rows(self) -> list[tuple[str, tuple[float, ...], float, float]]:
        """(name, scores, mean, population sd) per model, the oracle first."""
        return [(name, vals, float(np.mean(vals)), float(np.std(vals)))
                for name, vals in self.scores.items()]  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of a backtest."""
        return {
            "metric": self.metric,
            "folds": [
                {
                    "train_rows": f.train_rows,
                    "test_rows": f.test_rows,
                    "from_day": round(f.start, 2),
                    "to_day": round(f.end, 2),
                }
                for f in self.folds
            ],
            "models": [
                {
                    "name": name,
                    "scores": [round(v, 5) for v in vals],
                    "mean": round(mean, 5),
                    "sd": round(sd, 5),
                }
                for name, vals, mean, sd in self.rows()
            ],
        }


def windows(data: Dataset, folds: int, span: float = 2 * TEST_SHARE) -> list[tuple[int, int]]:
    """Row ranges of ``folds`` equal test windows covering the last ``span`` of the rows.

    Rows must be in time order; a window never cuts through a request (ranking).
    """
    n = len(data)
    cuts = [round(n * (1 - span + span * k / folds)) for k in range(folds + 1)]
    if data.group is not None:
        for i, c in enumerate(cuts[:-1]):
            while 0 < c < n and data.group[c] == data.group[c - 1]:
                c += 1
            cuts[i] = c
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def backtest(exp: Any, folds: int, seed: int, tell: Any) -> BacktestResult:
    """Retrain every model of ``exp`` at each origin and score its next window.

    Args:
        exp: a tabular :class:`~mlsd.pipeline.run.Experiment`.
        folds: number of windows (2 to ``MAX_FOLDS``).
        seed: random state for encoders and models.
        tell: progress callback.
    """
    if not 2 <= folds <= MAX_FOLDS:
        raise UsageError(f"--backtest takes 2 to {MAX_FOLDS} windows (got {folds})")
    data: Dataset = exp.data
    order = np.argsort(data.time, kind="mergesort")
    data = data.take(order)
    metric = exp.metrics[0]
    out: dict[str, list[float]] = {"oracle": []} if exp.has_oracle else {}
    made: list[Fold] = []
    for k, (a, b) in enumerate(windows(data, folds)):
        train, test = data.take(np.arange(a)), data.take(np.arange(a, b))
        check_labels(train, test)
        made.append(Fold(a, b - a, float(test.time[0]), float(test.time[-1])))
        tr, te, _ = encode(train, test, seed)
        base = float(train.y.mean())
        if exp.has_oracle:
            out["oracle"].append(score(exp, test, test.truth, base, True)[metric])
        for spec in exp.models:
            tell(f"backtest window {k + 1}/{folds}: {spec.name}")
            model = build_model(spec.name, spec.params, seed, exp.task).fit(tr)
            out.setdefault(spec.name, []).append(score(exp, test, model.predict(te), base,
                                                       False)[metric])  # fmt: skip
    return BacktestResult(metric, tuple(made), {k: tuple(v) for k, v in out.items()})
