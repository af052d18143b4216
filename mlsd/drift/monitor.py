"""`mlsd drift`: monitor a deployed model over a drifting stream, and compare retraining policies.

Window 0 trains the model; window 1 is the labelled reference (held out from
training, as a monitoring tool's reference period is): feature and score
distributions, the CBPE calibration and the scale of the per-row loss come from
it. Every later window is monitored:

- each input column is tested against the reference (see :mod:`mlsd.drift.stats`);
- the model's score distribution is tested the same way (prediction drift);
- the primary metric is estimated without labels (CBPE) and computed once the
  window's labels arrive, ``label_delay`` windows later;
- a Page-Hinkley test watches the per-row loss as labels arrive.

Three retraining policies then replay the same stream: ``never``, ``periodic``
(every ``every`` windows, on the newest labelled window) and ``triggered`` (when
Page-Hinkley alarms on the deployed model's own loss).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from mlsd.content.schema import Case, ModelSpec
from mlsd.drift.cbpe import CBPE
from mlsd.drift.detectors import PageHinkley
from mlsd.drift.stats import P_VALUE, choose_test, drift_test
from mlsd.drift.stream import Stream, build_stream
from mlsd.errors import UsageError
from mlsd.pipeline import evaluate
from mlsd.pipeline.features import TabularEncoder
from mlsd.pipeline.generators.base import Dataset
from mlsd.pipeline.models import Inputs, build_model
from mlsd.pipeline.run import require_binary

Progress = Callable[[str], None]
ID_LEVELS = 20  # ids are tested as their 20 most common reference values plus "other"
LOSS_CHUNK = 250  # labelled rows averaged into one Page-Hinkley observation
PH_DELTA = 0.25  # Page-Hinkley tolerance, in standard errors of a chunk's mean loss
PH_THRESHOLD = 15.0  # evidence needed, in the same units
REFERENCE_WINDOWS = 2  # window 0 trains, window 1 is the labelled reference


@dataclass(frozen=True)
class FeatureDrift:
    """One column's test in one window."""

    feature: str
    test: str
    statistic: float
    threshold: float
    drifted: bool

    def to_json(self) -> dict[str, Any]:
        return {"feature": self.feature, "test": self.test, "statistic": self.statistic,
                "threshold": self.threshold, "drifted": self.drifted}  # fmt: skip


@dataclass(frozen=True)
class Alarm:
    """A Page-Hinkley alarm raised when the labels of ``labels_of`` arrived."""

    detector: str
    labels_of: int

    def to_json(self) -> dict[str, Any]:
        return {"detector": self.detector, "labels_of_window": self.labels_of}


@dataclass(frozen=True)
class WindowReport:
    """What monitoring saw in one window."""

    index: int
    drifted: bool  # the scenario drifted this window (the truth, for the reader)
    features: tuple[FeatureDrift, ...]
    prediction: FeatureDrift
    estimated: float
    actual: float
    labels_at: int  # the window at whose end this window's labels arrive
    alarms: tuple[Alarm, ...]

    @property
    def flagged(self) -> tuple[str, ...]:
        return tuple(f.feature for f in self.features if f.drifted)


@dataclass(frozen=True)
class PolicyResult:
    """One retraining policy replayed over the stream."""

    name: str
    rule: str
    per_window: tuple[float, ...]
    retrains: tuple[int, ...]  # windows at whose end a retrain happened
    train_seconds: float
    detection_delay: int | None  # windows from drift onset to the first retrain
    false_alarms: int  # retrains before the drift began (or at all, without drift)

    @property
    def mean(self) -> float:
        return float(np.nanmean(self.per_window))


@dataclass(frozen=True)
class DriftReport:
    """Everything `mlsd drift` prints."""

    case: str
    scenario: str
    model: str
    metric: str
    stream: str
    window_rows: int
    label_delay: int
    drift_start: int | None
    reference_actual: float
    reference_positive_rate: float
    windows: tuple[WindowReport, ...]
    policies: tuple[PolicyResult, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        m = self.metric
        return {
            "case": self.case,
            "scenario": self.scenario,
            "model": self.model,
            "metric": m,
            "stream": self.stream,
            "window_rows": self.window_rows,
            "label_delay": self.label_delay,
            "drift_start": self.drift_start,
            "reference": {
                m: self.reference_actual,
                "positive_rate": self.reference_positive_rate,
            },
            "windows": [
                {
                    "index": w.index,
                    "drift_injected": w.drifted,
                    "feature_drift": [f.to_json() for f in w.features],
                    "prediction_drift": w.prediction.to_json(),
                    "estimated": {m: w.estimated},
                    "actual": {m: w.actual},
                    "labels_at_window": w.labels_at,
                    "alarms": [a.to_json() for a in w.alarms],
                }
                for w in self.windows
            ],
            "policies": [
                {
                    "name": p.name,
                    "rule": p.rule,
                    f"mean_{m}": p.mean,
                    "per_window": list(p.per_window),
                    "retrains": len(p.retrains),
                    "retrain_windows": list(p.retrains),
                    "train_seconds": p.train_seconds,
                    "detection_delay": p.detection_delay,
                    "false_alarms": p.false_alarms,
                }
                for p in self.policies
            ],
        }


def primary_metric(case: Case) -> str:
    """The case's first metric that a window's labels and scores alone determine."""
    for name in case.pipeline.metrics:
        if name in evaluate.BINARY and evaluate.HIGHER_IS_BETTER.get(name, True):
            return name
    return "roc_auc"


def monitored_columns(ref: Dataset) -> list[tuple[str, bool, Callable[[Dataset], np.ndarray]]]:
    """(name, categorical, extractor) for every input column a monitor would test."""
    cols: list[tuple[str, bool, Callable[[Dataset], np.ndarray]]] = []

    def numeric(d: Dataset, n: str) -> np.ndarray:
        return d.columns[n].astype(float)

    def raw(d: Dataset, n: str) -> np.ndarray:
        return d.columns[n]

    def words(d: Dataset, n: str) -> np.ndarray:
        return np.array([len(t.split()) for t in d.columns[n]], dtype=float)

    for name in ref.numeric:
        cols.append((name, False, partial(numeric, n=name)))
    for name in ref.categorical:
        cols.append((name, True, partial(raw, n=name)))
    for name in ref.ids:
        values, counts = np.unique(ref.columns[name], return_counts=True)
        top = np.sort(values[np.argsort(-counts)[:ID_LEVELS]])

        def bucket(d: Dataset, n: str = name, top: np.ndarray = top) -> np.ndarray:
            x = d.columns[n]
            pos = np.clip(np.searchsorted(top, x), 0, len(top) - 1)
            return np.where(top[pos] == x, pos, -1)

        cols.append((f"{name} (top {ID_LEVELS})", True, bucket))
    for name in ref.text:
        cols.append((f"{name} (words)", False, partial(words, n=name)))
    return cols


@dataclass
class _Deployed:
    """An encoder and model trained on one window."""

    encoder: TabularEncoder
    model: Any
    seconds: float
    _by_window: dict[int, np.ndarray] = field(default_factory=dict)

    def scores(self, data: Dataset) -> np.ndarray:
        return np.asarray(self.model.predict(Inputs(self.encoder.transform(data), data)))

    def window(self, stream: Stream, index: int) -> np.ndarray:
        """Scores of one window of ``stream``, computed once: the monitor and every policy
        that still serves this model read the same windows."""
        if index not in self._by_window:
            self._by_window[index] = self.scores(stream.windows[index])
        return self._by_window[index]


def train(spec_name: str, params: dict[str, Any], data: Dataset, seed: int) -> _Deployed:
    """Fit an encoder and the named binary model on ``data``; time it."""
    if data.y.min() == data.y.max():
        raise UsageError("a training window has only one class; use more --rows or fewer --windows")
    start = time.perf_counter()
    encoder = TabularEncoder(random_state=seed)
    model = build_model(spec_name, params, seed, "binary")
    model.fit(Inputs(encoder.fit_transform(data), data))
    return _Deployed(encoder, model, time.perf_counter() - start)


# The detector watches log loss rather than the Brier score: with rare positives the
# Brier score barely moves when the ranking breaks (measured on ad-click, a reversed
# concept raised the mean Brier score by 0.5 standard errors per 250 rows, log loss by 1).
row_loss = evaluate.row_log_loss


@dataclass(frozen=True)
class LossScale:
    """The reference window's per-row loss: its mean and standard deviation."""

    mean: float
    sd: float

    def signal(self, y: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Mean loss of each run of ``LOSS_CHUNK`` labelled rows, in standard errors above
        the reference mean: near N(0, 1) without drift, whatever the base rate (per-row
        losses of rare positives are too skewed for the test's thresholds)."""
        loss = row_loss(y, p)
        n = max(len(loss) // LOSS_CHUNK, 1)
        chunks = np.array_split(loss, n)
        return np.array([(c.mean() - self.mean) / (self.sd / np.sqrt(len(c))) for c in chunks])


Monitored = tuple[list[WindowReport], float, LossScale]


def _windows_report(stream: Stream, deployed: _Deployed, metric: Callable[..., float],
                    label_delay: int, seed: int, tell: Progress) -> Monitored:  # fmt: skip
    ref = stream.windows[1]
    ref_scores = deployed.window(stream, 1)
    cbpe = CBPE(metric, seed=seed).fit(ref_scores, ref.y)
    ref_loss = row_loss(ref.y, ref_scores)
    loss_scale = LossScale(float(ref_loss.mean()), max(float(ref_loss.std()), 1e-9))
    columns = monitored_columns(ref)
    n_tests = len(columns)
    # p-value tests are Bonferroni-corrected for the number of columns tested together
    alpha = P_VALUE / n_tests if choose_test(len(ref), False) == "ks" else P_VALUE
    ref_values = [(name, cat, fn(ref)) for name, cat, fn in columns]
    ph = PageHinkley(delta=PH_DELTA, threshold=PH_THRESHOLD)
    reports = []
    n = len(stream.windows)
    for t in range(REFERENCE_WINDOWS, n):
        tell(f"monitoring window {t} of {n - 1}")
        w = stream.windows[t]
        s = deployed.window(stream, t)
        features = tuple(
            FeatureDrift(name, *_verdict(drift_test(r, fn(w), cat, alpha=alpha)))
            for (name, cat, r), (_, _, fn) in zip(ref_values, columns, strict=True)
        )
        pred = FeatureDrift("score", *_verdict(drift_test(ref_scores, s, False, alpha=alpha)))
        alarms = []
        arrived = t - label_delay
        if arrived >= REFERENCE_WINDOWS:
            lab = stream.windows[arrived]
            if any(
                ph.update(v) for v in loss_scale.signal(lab.y, deployed.window(stream, arrived))
            ):
                alarms.append(Alarm("page_hinkley", arrived))
        drifted = stream.drift_start is not None and t >= stream.drift_start
        reports.append(WindowReport(t, drifted, features, pred, cbpe.estimate(s),
                                    metric(w.y, s), t + label_delay, tuple(alarms)))  # fmt: skip
    return reports, metric(ref.y, ref_scores), loss_scale


def _verdict(r: Any) -> tuple[str, float, float, bool]:
    return r.test, r.statistic, r.threshold, r.drifted


def replay_policy(name: str, stream: Stream, first: _Deployed, retrain: Callable[[int], _Deployed],
                  metric: Callable[..., float], label_delay: int, every: int,
                  loss_scale: LossScale) -> PolicyResult:  # fmt: skip
    """Score every monitored window with the model the policy has deployed at that time.

    At the end of window ``t`` the labels of window ``t - label_delay`` arrive; a retrain
    uses that newest labelled window and serves from window ``t + 1``.
    """
    deployed, seconds, retrains = first, 0.0, []
    ph = PageHinkley(delta=PH_DELTA, threshold=PH_THRESHOLD)
    values = []
    for t in range(REFERENCE_WINDOWS, len(stream.windows)):
        w = stream.windows[t]
        values.append(metric(w.y, deployed.window(stream, t)))
        arrived = t - label_delay
        if arrived < REFERENCE_WINDOWS:
            continue
        due = False
        if name == "periodic":
            due = (t - REFERENCE_WINDOWS + 1) % every == 0
        elif name == "triggered":
            lab = stream.windows[arrived]
            losses = loss_scale.signal(lab.y, deployed.window(stream, arrived))
            due = any(ph.update(v) for v in losses)
        if due:
            deployed = retrain(arrived)
            seconds += deployed.seconds
            retrains.append(t)
            ph.reset()
    start = stream.drift_start
    after = [t for t in retrains if start is not None and t >= start]
    delay = after[0] - start if after and start is not None else None
    false = len([t for t in retrains if start is None or t < start])
    rules = {
        "never": "keep the first model",
        "periodic": f"retrain every {every} windows on the newest labelled window",
        "triggered": "retrain when Page-Hinkley alarms on the model's labelled loss",
    }
    return PolicyResult(name, rules[name], tuple(values), tuple(retrains), seconds, delay,
                        false if name == "triggered" else 0)  # fmt: skip


def prepare(case: Case, scenario: str, windows: int, seed: int, rows: int | None,
            model: str | None, tell: Progress) -> tuple[ModelSpec, Stream]:  # fmt: skip
    """The model to deploy (the case's floor unless named) and the drifting stream."""
    from mlsd.pipeline.run import baseline_name, generate, select_models

    spec = select_models(case.pipeline.models, [model or baseline_name(case)])[0]
    tell("generating the stream")
    data = generate(case, rows, seed)
    assert isinstance(data, Dataset)
    return spec, build_stream(data, scenario, windows, seed)


def run_drift(case: Case, scenario: str, windows: int, label_delay: int, every: int, seed: int,
              rows: int | None, model: str | None, progress: Progress | None = None,
              ) -> DriftReport:  # fmt: skip
    """Build the stream, monitor the deployed model, and replay the retraining policies."""
    require_binary(case, "drift")
    if not 4 <= windows <= 52:
        raise UsageError(f"--windows takes 4 to 52 (got {windows})")
    if not 0 <= label_delay <= windows // 2 - 1:
        raise UsageError(f"--label-delay takes 0 to {windows // 2 - 1} windows with "
                         f"{windows} windows (got {label_delay})")  # fmt: skip
    if every < 1:
        raise UsageError(f"--every must be at least 1 (got {every})")
    tell = progress or (lambda _msg: None)
    spec, stream = prepare(case, scenario, windows, seed, rows, model, tell)
    metric_name = primary_metric(case)
    metric = evaluate.BINARY[metric_name]
    tell(f"training {spec.name} on window 0")
    first = train(spec.name, spec.params, stream.windows[0], seed)
    reports, ref_actual, loss_scale = _windows_report(stream, first, metric, label_delay, seed,
                                                      tell)  # fmt: skip

    def retrain(window: int) -> _Deployed:
        tell(f"retraining on window {window}")
        return train(spec.name, spec.params, stream.windows[window], seed)

    policies = tuple(
        replay_policy(name, stream, first, retrain, metric, label_delay, every, loss_scale)
        for name in ("never", "periodic", "triggered")
    )
    return DriftReport(case.id, scenario, spec.name, metric_name, stream.describe(),
                       len(stream.windows[0]), label_delay, stream.drift_start, ref_actual,
                       float(stream.windows[1].y.mean()), tuple(reports), policies)  # fmt: skip
