"""Metrics, implemented with numpy so they are exact, testable and light to import.

Binary: ROC AUC (tie-aware), PR AUC (average precision), log loss, normalized
cross-entropy (log loss over the entropy of the training base rate, as in
He et al., 2014) and expected calibration error over equal-mass bins (with rare
positives, equal-width bins would put almost every prediction in the first bin).
Regression: MAE, RMSE, WAPE, and for quantile forecasts the pinball loss and the
coverage (share of actuals at or below the forecast). Multiclass: accuracy,
macro-F1, top-2 accuracy and log loss. Ranking: per-request nDCG, MRR, recall.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EPS = 1e-12
HIGHER_IS_BETTER = {  # metrics not listed here are higher-is-better
    "roc_auc": True,
    "pr_auc": True,
    "log_loss": False,
    "normalized_entropy": False,
    "ece": False,
    "group_auc_gap": False,
    "mae": False,
    "rmse": False,
    "wape": False,
    "pinball_90": False,
    "detection_delay": False,
}
TARGETS = {"coverage_90": 0.9}
"""Metrics judged by their distance from a target, not by their size."""


def average_ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank."""
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_x)) + 1]
    ends = np.r_[starts[1:], len(x)]
    avg = (starts + ends + 1) / 2.0  # mean of ranks start+1 .. end
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(avg, ends - starts)
    return ranks


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Probability a random positive scores above a random negative (ties count half)."""
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = average_ranks(p)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def pr_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Average precision: mean precision at each positive, ties handled as one threshold."""
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-p, kind="mergesort")
    ys, ps = y[order], p[order]
    last = np.r_[np.flatnonzero(np.diff(ps)), len(ps) - 1]  # last index of each tie group
    tp = np.cumsum(ys)[last]
    precision = tp / (last + 1)
    recall_gain = np.diff(np.r_[0, tp]) / n_pos
    return float((precision * recall_gain).sum())


def row_log_loss(y: np.ndarray, p: np.ndarray, floor: float = 1e-4) -> np.ndarray:
    """Each row's log loss, scores clipped to [floor, 1 - floor] (at most 9.2 per row by
    default): what monitors and rollout tests average, so one confident miss is bounded."""
    q = np.clip(p, floor, 1 - floor)
    return -(y * np.log(q) + (1 - y) * np.log(1 - q))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    """Mean negative log-likelihood, probabilities clipped away from 0 and 1."""
    q = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)  # float32 would round to 1
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def normalized_entropy(y: np.ndarray, p: np.ndarray, base_rate: float | None = None) -> float:
    """Log loss divided by the log loss of always predicting ``base_rate`` (< 1 beats it)."""
    rate = float(np.mean(y)) if base_rate is None else base_rate
    rate = min(max(rate, EPS), 1 - EPS)
    entropy = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    return log_loss(y, p) / entropy


def ece(y: np.ndarray, p: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error over ``bins`` equal-mass bins of the predictions."""
    p = np.asarray(p, dtype=np.float64)
    order = np.argsort(p, kind="mergesort")
    total = 0.0
    for chunk in np.array_split(order, min(bins, len(p))):
        if len(chunk):
            total += len(chunk) * abs(float(p[chunk].mean()) - float(y[chunk].mean()))
    return total / len(p)


def precision_at_recall(y: np.ndarray, p: np.ndarray, recall: float) -> float:
    """Precision at the highest threshold that still catches ``recall`` of the positives."""
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    tp = np.cumsum(y[np.argsort(-p, kind="mergesort")])
    k = int(np.searchsorted(tp, np.ceil(recall * n_pos))) + 1  # rows needed to reach it
    return float(tp[k - 1] / k)


def precision_at_top(y: np.ndarray, p: np.ndarray, share: float) -> float:
    """Precision among the top ``share`` of rows by score (a fixed send or review budget)."""
    k = max(1, int(np.ceil(share * len(y))))
    return float(y[np.argsort(-p, kind="mergesort")[:k]].mean())


BINARY: dict[str, Callable[..., float]] = {
    "roc_auc": roc_auc,
    "pr_auc": pr_auc,
    "log_loss": log_loss,
    "normalized_entropy": normalized_entropy,
    "ece": ece,
    "precision_at_recall_80": lambda y, p: precision_at_recall(y, p, 0.8),
    "precision_at_5pct": lambda y, p: precision_at_top(y, p, 0.05),
    "recall_at_fpr_1pct": lambda y, p: recall_at_fpr(y, p, 0.01),
}


def recall_at_fpr(y: np.ndarray, p: np.ndarray, fpr: float) -> float:
    """Share of positives scored above the threshold that flags ``fpr`` of the negatives.

    The threshold is the highest score such that at most ``fpr`` of negatives lie
    strictly above it; ties at the threshold are not flagged.
    """
    if (y == 0).sum() == 0 or not (y == 1).any():
        return float("nan")
    return float(np.mean(p[y == 1] > threshold_flagging(p[y == 0], fpr)))


def threshold_flagging(negatives: np.ndarray, share: float) -> float:
    """The score above which at most ``share`` of ``negatives`` lie (ties not flagged)."""
    neg = np.sort(np.asarray(negatives, dtype=np.float64))[::-1]
    allowed = int(np.floor(share * len(neg)))  # negatives that may be flagged
    return float(neg[allowed]) if allowed < len(neg) else -np.inf


def event_metrics(y: np.ndarray, p: np.ndarray, event: np.ndarray, time: np.ndarray,
                  false_alarm_rate: float = 0.01) -> dict[str, float]:  # fmt: skip
    """Per-event recall and mean detection delay at a fixed alert budget.

    The threshold lets ``false_alarm_rate`` of normal points alert. An event
    (rows sharing an ``event`` id >= 0, in ``time`` order) is caught if any of its
    points alerts; its delay is the number of points before the first alert, a
    missed event counting its full length.
    """
    threshold = threshold_flagging(p[y == 0], false_alarm_rate)
    caught, delays = [], []
    for e in np.unique(event[event >= 0]):
        rows = np.flatnonzero(event == e)
        rows = rows[np.argsort(time[rows], kind="mergesort")]
        alerts = np.flatnonzero(p[rows] > threshold)
        caught.append(len(alerts) > 0)
        delays.append(alerts[0] if len(alerts) else len(rows))
    if not caught:
        return {"event_recall": float("nan"), "detection_delay": float("nan")}
    return {"event_recall": float(np.mean(caught)), "detection_delay": float(np.mean(delays))}


def group_auc_gap(y: np.ndarray, p: np.ndarray, groups: np.ndarray) -> float:
    """Largest difference in ROC AUC between groups (0 = the model ranks all alike)."""
    aucs = [roc_auc(y[groups == g], p[groups == g]) for g in np.unique(groups)]
    kept = [a for a in aucs if not np.isnan(a)]
    return float(max(kept) - min(kept)) if len(kept) > 1 else float("nan")


def binary_metrics(
    y: np.ndarray,
    p: np.ndarray,
    names: list[str],
    base_rate: float,
    columns: dict[str, np.ndarray] | None = None,
    time: np.ndarray | None = None,
) -> dict[str, float]:
    """Compute the named binary metrics; NE uses the training ``base_rate``.

    ``group_auc_gap`` needs ``columns["group"]``: the protected attribute, audited,
    never a feature. ``event_recall`` and ``detection_delay`` need ``columns["event"]``
    (the anomaly event each row belongs to, -1 for none) and ``time``.
    """
    cols = columns or {}
    out = {}
    for name in (n for n in names if n in BINARY):  # others (e.g. ap_50) come from elsewhere
        fn = BINARY[name]
        out[name] = fn(y, p, base_rate) if name == "normalized_entropy" else fn(y, p)
    if "group_auc_gap" in names and "group" in cols:
        out["group_auc_gap"] = group_auc_gap(y, p, cols["group"])
    if {"event_recall", "detection_delay"} & set(names) and "event" in cols and time is not None:
        events = event_metrics(y, p, cols["event"], time)
        out.update({k: v for k, v in events.items() if k in names})
    return out


def pinball(y: np.ndarray, q: np.ndarray, alpha: float) -> float:
    """Mean quantile (pinball) loss of forecasts ``q`` for the ``alpha`` quantile."""
    diff = np.asarray(y, dtype=np.float64) - q
    return float(np.mean(np.maximum(alpha * diff, (alpha - 1) * diff)))


REGRESSION: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "mae": lambda y, q: float(np.mean(np.abs(y - q))),
    "rmse": lambda y, q: float(np.sqrt(np.mean((y - q) ** 2))),
    "wape": lambda y, q: float(np.abs(y - q).sum() / max(float(np.abs(y).sum()), EPS)),
    "pinball_90": lambda y, q: pinball(y, q, 0.9),
    "coverage_90": lambda y, q: float(np.mean(y <= q)),
}
QUANTILE_METRICS = ("pinball_90", "coverage_90")


def regression_metrics(y: np.ndarray, pred: np.ndarray, names: list[str],
                       p90: np.ndarray | None = None) -> dict[str, float]:  # fmt: skip
    """The named regression metrics; quantile metrics use ``p90`` when given (the oracle)."""
    y = np.asarray(y, dtype=np.float64)
    point = np.asarray(pred, dtype=np.float64)
    quant = point if p90 is None else np.asarray(p90, dtype=np.float64)
    return {n: REGRESSION[n](y, quant if n in QUANTILE_METRICS else point) for n in names}


def macro_f1(y: np.ndarray, label: np.ndarray, n_classes: int) -> float:
    """Unweighted mean of per-class F1 (a class never predicted nor present is skipped)."""
    scores = []
    for k in range(n_classes):
        tp = float(np.sum((label == k) & (y == k)))
        fp = float(np.sum((label == k) & (y != k)))
        fn = float(np.sum((label != k) & (y == k)))
        if tp + fp + fn > 0:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def multiclass_metrics(y: np.ndarray, proba: np.ndarray, names: list[str]) -> dict[str, float]:
    """Accuracy, macro-F1, top-2 accuracy and log loss of class probabilities ``proba``."""
    y = np.asarray(y, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    label = np.argmax(proba, axis=1)
    fns: dict[str, Callable[[], float]] = {
        "accuracy": lambda: float(np.mean(label == y)),
        "macro_f1": lambda: macro_f1(y, label, proba.shape[1]),
        "top2_accuracy": lambda: float(
            np.mean((np.argsort(-proba, axis=1, kind="mergesort")[:, :2] == y[:, None]).any(1))
        ),
        "log_loss": lambda: float(-np.mean(np.log(np.clip(proba[np.arange(len(y)), y], EPS, 1.0)))),
    }
    return {n: fns[n]() for n in names if n in fns}


def gap(metrics: dict[str, float], oracle: dict[str, float]) -> dict[str, float]:
    """How far each metric is from the oracle, positive meaning worse than the oracle.

    For a metric with a target (interval coverage), the gap is how much further
    from the target the model lands than the oracle does.
    """
    out = {}
    for k, v in metrics.items():
        if k not in oracle:
            continue
        if k in TARGETS:
            out[k] = abs(v - TARGETS[k]) - abs(oracle[k] - TARGETS[k])
        else:
            out[k] = (oracle[k] - v) if HIGHER_IS_BETTER.get(k, True) else (v - oracle[k])
    return out


def group_slices(group: np.ndarray) -> list[slice]:
    """Contiguous runs of equal group ids (rows of a request are contiguous)."""
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    ends = np.r_[starts[1:], len(group)]
    return [slice(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def dcg(relevance: np.ndarray, k: int) -> float:
    """Discounted cumulative gain of relevances in ranked order, gain 2^rel - 1."""
    rel = relevance[:k].astype(float)
    return float(((2.0**rel - 1.0) / np.log2(np.arange(2, len(rel) + 2))).sum())


def _ranked(y: np.ndarray, score: np.ndarray) -> np.ndarray:
    # ties are broken against the model (worst order) so a constant score earns nothing
    order = np.lexsort((y, -score))
    return y[order]


def ndcg_at(y: np.ndarray, score: np.ndarray, k: int) -> float | None:
    """nDCG@k of one request; None when it has no relevant item."""
    ideal = dcg(np.sort(y)[::-1], k)
    return None if ideal == 0 else dcg(_ranked(y, score), k) / ideal


def reciprocal_rank(y: np.ndarray, score: np.ndarray) -> float | None:
    """1 / rank of the first relevant item; None when there is none."""
    hits = np.flatnonzero(_ranked(y, score) > 0)
    return None if len(hits) == 0 else 1.0 / (hits[0] + 1)


def recall_at(y: np.ndarray, score: np.ndarray, k: int) -> float | None:
    """Share of the relevant items that make the top k; None when there is none."""
    total = int((y > 0).sum())
    return None if total == 0 else float((_ranked(y, score)[:k] > 0).sum()) / total


RANKING: dict[str, Callable[[np.ndarray, np.ndarray], float | None]] = {
    "ndcg_at_10": lambda y, s: ndcg_at(y, s, 10),
    "mrr": reciprocal_rank,
    "recall_at_10": lambda y, s: recall_at(y, s, 10),
}
JUDGED = {"ndcg_at_10_judged": "ndcg_at_10"}
"""Ranking metrics scored against rater judgments (a ``judged`` column) instead of y."""


def ranking_metrics(y: np.ndarray, score: np.ndarray, group: np.ndarray, names: list[str],
                    judged: np.ndarray | None = None) -> dict[str, float]:  # fmt: skip
    """Mean of each per-request metric over requests that have a relevant item.

    ``*_judged`` metrics use the ``judged`` relevance grades in place of ``y``.
    """
    slices = group_slices(group)
    out = {}
    for name in names:
        if name in JUDGED and judged is None:
            continue
        labels, fn = (judged, RANKING[JUDGED[name]]) if name in JUDGED else (y, RANKING[name])
        assert labels is not None
        values = [fn(labels[s], score[s]) for s in slices]
        kept = [v for v in values if v is not None]
        out[name] = float(np.mean(kept)) if kept else float("nan")
    return out
