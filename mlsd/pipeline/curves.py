"""Compact curve data for `mlsd compare-models --plot`, computed from test-period scores.

Binary tasks get an ROC or a precision-recall curve (at most ``MAX_POINTS`` operating
points) and a reliability diagram over ``RELIABILITY_BINS`` equal-mass bins; ranking
tasks get mean nDCG@k for k = 1 .. ``NDCG_KS``. Other tasks have no curve yet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlsd.pipeline import evaluate
from mlsd.pipeline.generators.base import Dataset
from mlsd.pipeline.report import Curves, ReliabilityBin

MAX_POINTS = 100
RELIABILITY_BINS = 10
NDCG_KS = 20
RARE_POSITIVES = 0.05  # below this positive rate a precision-recall curve is drawn
ROUND = 5


def curve_kind(task: str, metrics: Sequence[str], positive_rate: float) -> str | None:
    """Which curve a task's plot shows, or None when it has none yet.

    Binary: a precision-recall curve (``"pr"``) when the case's first metric is
    ``pr_auc`` or positives make up under 5 % of the test period, else ROC (``"roc"``).
    With rare positives an ROC curve hugs the top-left corner however many false alarms
    the top of the list holds; precision shows them. Ranking: ``"ndcg"`` (nDCG@k
    across k). Regression, multiclass and retrieval: None.
    """
    if task == "binary":
        first = metrics[0] if metrics else ""
        return "pr" if first == "pr_auc" or positive_rate < RARE_POSITIVES else "roc"
    if task == "ranking":
        return "ndcg"
    return None


def compute(kind: str | None, data: Dataset, scores: np.ndarray, judged: bool = False,
            ) -> Curves | None:  # fmt: skip
    """The ``kind`` curve (see :func:`curve_kind`) of ``scores`` against ``data``'s labels.

    With ``judged``, ranking curves use the rater grades (``data.columns["judged"]``).
    """
    if kind in ("roc", "pr"):
        y = np.asarray(data.y, dtype=np.float64)
        p = np.asarray(scores, dtype=np.float64)
        x_pts, y_pts = roc_points(y, p) if kind == "roc" else pr_points(y, p)
        xs, ys = thin(x_pts, y_pts, MAX_POINTS, at_most=kind == "roc")
        return Curves(kind, _tuple(xs), _tuple(ys), reliability_bins(y, p, RELIABILITY_BINS))
    if kind == "ndcg" and data.group is not None:
        labels = data.columns.get("judged") if judged else None
        ks, values = ndcg_curve(data.y if labels is None else labels, np.asarray(scores),
                                data.group, NDCG_KS)  # fmt: skip
        return Curves(kind, _tuple(ks), _tuple(values))
    return None


def _operating_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True positives and rows flagged at each distinct threshold, highest first (ties
    form one threshold, as in :func:`mlsd.pipeline.evaluate.pr_auc`)."""
    order = np.argsort(-p, kind="mergesort")
    ys, ps = y[order], p[order]
    last = np.r_[np.flatnonzero(np.diff(ps)), len(ps) - 1]
    return np.cumsum(ys)[last], (last + 1).astype(np.float64)


def roc_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False and true positive rates at every threshold, from (0, 0) to (1, 1)."""
    tp, flagged = _operating_points(y, p)
    n_pos = max(float(y.sum()), 1.0)
    n_neg = max(float(len(y) - y.sum()), 1.0)
    return np.r_[0.0, (flagged - tp) / n_neg], np.r_[0.0, tp / n_pos]


def pr_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recall and precision at every threshold, highest threshold first."""
    tp, flagged = _operating_points(y, p)
    return tp / max(float(y.sum()), 1.0), tp / flagged


def thin(x: np.ndarray, y: np.ndarray, n: int, at_most: bool = False,
         ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """At most ``n`` points of a curve whose ``x`` never decreases, spread evenly along x.

    At each of ``n - 1`` evenly spaced x values the operating point is the first one
    reaching it (precision at a recall), or with ``at_most`` the last one not passing it
    (the best true positive rate at a false positive rate); the last point is kept.
    """
    if len(x) <= n:
        return x, y
    grid = np.linspace(x[0], x[-1], n - 1)
    if at_most:
        picks = np.searchsorted(x, grid, side="right") - 1
    else:
        picks = np.searchsorted(x, grid, side="left")
    idx = np.unique(np.r_[picks.clip(0, len(x) - 1), len(x) - 1])
    return x[idx], y[idx]


def reliability_bins(y: np.ndarray, p: np.ndarray, bins: int) -> tuple[ReliabilityBin, ...]:
    """Mean score, observed positive rate and rows of ``bins`` equal-mass bins of ``p``
    (the binning of :func:`mlsd.pipeline.evaluate.ece`)."""
    order = np.argsort(p, kind="mergesort")
    return tuple(
        ReliabilityBin(round(float(p[c].mean()), ROUND), round(float(y[c].mean()), ROUND), len(c))
        for c in np.array_split(order, min(bins, len(p)))
        if len(c)
    )


def ndcg_curve(y: np.ndarray, score: np.ndarray, group: np.ndarray,
               max_k: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Mean nDCG@k for k = 1 .. ``max_k`` over requests with a relevant item.

    Same gains, discounts and tie-breaking (against the model) as
    :func:`mlsd.pipeline.evaluate.ndcg_at`, one sort per request for every k.
    """
    ks = np.arange(1, max_k + 1)
    discount = 1.0 / np.log2(ks + 1.0)
    total, requests = np.zeros(max_k), 0
    for s in evaluate.group_slices(group):
        labels, scores = np.asarray(y[s], dtype=np.float64), np.asarray(score[s])
        ideal = np.sort(labels)[::-1][:max_k]
        if ideal.sum() <= 0:
            continue
        ranked = labels[np.lexsort((labels, -scores))][:max_k]

        def cumulative(rel: np.ndarray) -> np.ndarray:
            gains = np.zeros(max_k)
            gains[: len(rel)] = (2.0**rel - 1.0) * discount[: len(rel)]
            return np.cumsum(gains)

        total += cumulative(ranked) / cumulative(ideal)
        requests += 1
    values = total / requests if requests else np.full(max_k, np.nan)
    return ks.astype(np.float64), values


def _tuple(a: np.ndarray) -> tuple[float, ...]:
    return tuple(round(float(v), ROUND) for v in a)
