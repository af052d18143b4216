"""The results a pipeline run returns: plain frozen dataclasses with a JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlsd.pipeline.measure import Latency


@dataclass(frozen=True)
class ReliabilityBin:
    """One equal-mass bin of a reliability diagram: mean score, observed rate, rows."""

    predicted: float
    observed: float
    rows: int


@dataclass(frozen=True)
class Curves:
    """Compact curve data of one scorer on the test period, for terminal plots.

    ``kind`` says what ``x`` and ``y`` hold: ``"roc"`` (false positive rate, true
    positive rate), ``"pr"`` (recall, precision) or ``"ndcg"`` (k, mean nDCG@k).
    ``reliability`` holds binary scores' calibration bins (empty for ranking).
    """

    kind: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    reliability: tuple[ReliabilityBin, ...] = ()


@dataclass(frozen=True)
class ModelResult:
    """Everything measured for one model in one run."""

    name: str
    metrics: dict[str, float]
    oracle_gap: dict[str, float] | None
    train_seconds: float
    latency_native: Latency
    latency_onnx: Latency | None
    rows_per_second_native: float
    rows_per_second_onnx: float | None
    onnx_bytes: int | None
    parity_max_abs_diff: float | None
    interpretability: str
    explanation: tuple[tuple[str, float], ...] = ()
    pros: tuple[str, ...] = ()
    cons: tuple[str, ...] = ()
    curves: Curves | None = None  # for plots only; not part of the JSON

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of one model."""

        def lat(x: Latency | None) -> dict[str, float] | None:
            return None if x is None else {"p50": round(x.p50, 2), "p99": round(x.p99, 2)}

        return {
            "name": self.name,
            "metrics": _round(self.metrics),
            "oracle_gap": None if self.oracle_gap is None else _round(self.oracle_gap),
            "train_seconds": round(self.train_seconds, 4),
            "latency_us": {"native": lat(self.latency_native), "onnx": lat(self.latency_onnx)},
            "batch_rows_per_second": {
                "native": round(self.rows_per_second_native),
                "onnx": _maybe_round(self.rows_per_second_onnx),
            },
            "onnx_bytes": self.onnx_bytes,
            "parity_max_abs_diff": self.parity_max_abs_diff,
            "interpretability": self.interpretability,
            "top_features": [{"feature": f, "weight": round(w, 5)} for f, w in self.explanation],
        }


@dataclass(frozen=True)
class PipelineReport:
    """A whole comparison: the data, the oracle and every model."""

    case: str
    task: str
    rows_train: int
    rows_test: int
    positive_rate_train: float  # mean target (regression), majority share (multiclass)
    positive_rate_test: float
    data_description: str
    encoding: str
    split: str
    metrics: tuple[str, ...]
    oracle: dict[str, float] | None
    models: tuple[ModelResult, ...] = field(default_factory=tuple)
    request: str = "row"
    oracle_curves: Curves | None = None  # for plots only; not part of the JSON

    @property
    def primary_metric(self) -> str:
        """The first metric the case lists."""
        return self.metrics[0]

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of a run."""
        return {
            "case": self.case,
            "task": self.task,
            "rows": {"train": self.rows_train, "test": self.rows_test},
            _LABEL_KEYS.get(self.task, "positive_rate"): None
            if self.task == "retrieval"
            else {
                "train": round(self.positive_rate_train, 5),
                "test": round(self.positive_rate_test, 5),
            },
            "data": self.data_description,
            "encoding": self.encoding,
            "split": self.split,
            "latency_unit": self.request,
            "oracle": None if self.oracle is None else _round(self.oracle),
            "models": [m.to_json() for m in self.models],
        }


_LABEL_KEYS = {"regression": "target_mean", "multiclass": "majority_class_share"}
"""What ``positive_rate_*`` holds for tasks whose labels are not 0/1."""


def _round(d: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 5) for k, v in d.items()}


def _maybe_round(x: float | None) -> float | None:
    return None if x is None else round(x)
