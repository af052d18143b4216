"""Run a case's reference pipeline: generate, split by time, encode, train, export, measure."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import import_module
from typing import Any

import numpy as np

from mlsd.content.schema import Case, ModelSpec
from mlsd.errors import UsageError
from mlsd.pipeline import curves, evaluate, registry
from mlsd.pipeline.detection import detection_ap
from mlsd.pipeline.features import TabularEncoder
from mlsd.pipeline.generators.base import TEST_SHARE, Dataset, build
from mlsd.pipeline.measure import latency, throughput
from mlsd.pipeline.models import Inputs, build_model
from mlsd.pipeline.report import Curves, ModelResult, PipelineReport
from mlsd.pipeline.retrieval import RetrievalData, run_retrieval

Progress = Callable[[str], None]
DETECTION_SCENES = 150
NATIVE_BUDGET_S = 0.3  # per model: slow native predictors stop early (>= 200 calls)


@dataclass(frozen=True)
class Experiment:
    """What to run: a dataset (with or without truth) and the models to compare."""

    name: str
    task: str
    data: Dataset | RetrievalData
    models: tuple[ModelSpec, ...]
    metrics: tuple[str, ...]
    has_oracle: bool
    detector: Any = None  # a generator that can render whole scenes (for AP@0.5)
    scenes: tuple[Any, ...] = ()


def _generator(case: Case) -> Any:
    module, cls_name = registry.GENERATORS[case.pipeline.generator].split(":")
    return build(getattr(import_module(module), cls_name), case.pipeline.params)


def generate(case: Case, rows: int | None, seed: int) -> Dataset | RetrievalData:
    """Sample the case's synthetic data with its registered generator."""
    n = rows if rows is not None else case.pipeline.default_rows
    if n < 500:
        raise UsageError(f"--rows must be at least 500 (got {n})")
    return _generator(case).generate(n, seed)


def experiment_for(
    case: Case, rows: int | None, seed: int, only: Sequence[str] | None = None
) -> Experiment:
    """The case's pipeline as an Experiment, optionally restricted to ``only`` models."""
    specs = select_models(case.pipeline.models, only)
    data = generate(case, rows, seed)
    exp = Experiment(case.id, case.pipeline.task, data, specs, tuple(case.pipeline.metrics),
                     has_oracle=True)  # fmt: skip
    if "ap_50" in exp.metrics:  # a patch classifier, judged as a detector on whole scenes
        gen = _generator(case)
        exp = replace(exp, detector=gen, scenes=tuple(gen.scenes(DETECTION_SCENES, seed)))
    return exp


def baseline_name(case: Case) -> str:
    """The case's floor: its first model that is not a rule-of-thumb heuristic."""
    return next(m.name for m in case.pipeline.models if m.name not in registry.HEURISTICS)


def require_binary(case: Case, command: str) -> None:
    """``command`` replays one 0/1 label per row, so it runs on binary cases only."""
    if case.pipeline.task != "binary":
        raise UsageError(f"'{case.id}' is a {case.pipeline.task} case; {command} runs on binary "
                         "cases (see 'mlsd list')")  # fmt: skip


def select_models(specs: Sequence[ModelSpec], only: Sequence[str] | None) -> tuple[ModelSpec, ...]:
    """Keep the models named in ``only`` (in the case's order); unknown names are errors."""
    if not only:
        return tuple(specs)
    known = [s.name for s in specs]
    unknown = [n for n in only if n not in known]
    if unknown:
        raise UsageError(
            f"unknown model(s) {', '.join(unknown)}; this case has: {', '.join(known)}"
        )
    return tuple(s for s in specs if s.name in only)


def split_by_time(data: Dataset, test_share: float = TEST_SHARE) -> tuple[Dataset, Dataset]:
    """The earliest rows train, the latest ``test_share`` test: never shuffled across time."""
    order = np.argsort(data.time, kind="mergesort")
    cut = round(len(order) * (1 - test_share))
    if data.group is not None:  # never cut through a request's candidate list
        grp = data.group[order]
        while 0 < cut < len(order) and grp[cut] == grp[cut - 1]:
            cut += 1
    train, test = data.take(order[:cut]), data.take(order[cut:])
    check_labels(train, test)
    return train, test


def check_labels(train: Dataset, test: Dataset) -> None:
    """Both periods need two label values, and training needs every class (multiclass)."""
    for part, name in ((train, "training"), (test, "test")):
        if part.y.min() == part.y.max():
            raise UsageError(f"the {name} period has only one class; use more rows")
    if train.classes and len(np.unique(train.y)) < len(train.classes):
        raise UsageError("some classes never occur in the training period; use more rows")


def encode(train: Dataset, test: Dataset, seed: int) -> tuple[Inputs, Inputs, TabularEncoder]:
    """Fit the encoder on ``train`` (out of fold) and apply it to ``test``."""
    encoder = TabularEncoder(random_state=seed)
    return (Inputs(encoder.fit_transform(train), train), Inputs(encoder.transform(test), test),
            encoder)  # fmt: skip


@dataclass(frozen=True)
class _Context:
    """What every model of one run shares."""

    exp: Experiment
    train: Inputs
    test: Inputs
    feature_names: list[str]
    oracle: dict[str, float] | None
    base_rate: float
    seed: int
    calls: int
    encoder: TabularEncoder
    curve: str | None = None  # the plot's curve kind (see mlsd.pipeline.curves.curve_kind)
    judged: bool = False  # ranking curves use rater grades (the case's first metric does)

    def score(self, p: np.ndarray) -> dict[str, float]:
        """The experiment's metrics of predictions ``p`` on the test period."""
        return score(self.exp, self.test.data, p, self.base_rate)

    def curve_data(self, p: np.ndarray) -> Curves | None:
        """Curve data of predictions ``p`` on the test period, for plots."""
        return curves.compute(self.curve, self.test.data, p, self.judged)

    def requests(self) -> list[Inputs]:
        """What one online call carries: a row, or a request's candidate list (ranking)."""
        rng = np.random.default_rng(self.seed)
        group = self.test.data.group
        if group is None:
            return [self.test.row(int(i)) for i in rng.integers(0, len(self.test.X), self.calls)]
        slices = evaluate.group_slices(group)
        picks = rng.integers(0, len(slices), self.calls)
        return [self.test.rows(slices[int(i)]) for i in picks]


def score(exp: Experiment, data: Dataset, p: np.ndarray, base_rate: float,
          oracle: bool = False) -> dict[str, float]:  # fmt: skip
    """Task-appropriate metrics of predictions ``p`` against ``data``'s labels.

    With ``oracle``, quantile metrics of a regression use the true P90 the generator
    recorded (``true_p90``), since the truth itself is the expected value.
    """
    names = list(exp.metrics)
    if exp.task == "ranking":
        assert data.group is not None
        return evaluate.ranking_metrics(data.y, p, data.group, names, data.columns.get("judged"))
    if exp.task == "regression":
        p90 = data.columns.get("true_p90") if oracle else None
        return evaluate.regression_metrics(data.y, p, names, p90)
    if exp.task == "multiclass":
        return evaluate.multiclass_metrics(data.y, p, names)
    return evaluate.binary_metrics(data.y, p, names, base_rate, data.columns, data.time)


def run(
    exp: Experiment, seed: int = 0, latency_calls: int = 1000, progress: Progress | None = None
) -> PipelineReport:
    """Train, export, serve and measure every model of ``exp``.

    Args:
        exp: the experiment to run.
        seed: random state for models (the data is already sampled).
        latency_calls: online calls timed per model and runtime.
        progress: called with a short description before each stage.
    """
    if isinstance(exp.data, RetrievalData):
        return run_retrieval(exp.name, exp.data, exp.models, exp.metrics, seed,
                             min(latency_calls, 300), progress)  # fmt: skip
    tell = progress or (lambda _msg: None)
    tell("splitting by time and encoding features")
    train_data, test_data = split_by_time(exp.data)
    train, test, encoder = encode(train_data, test_data, seed)
    base_rate = float(train_data.y.mean())
    oracle = None
    if exp.has_oracle:
        oracle = score(exp, test_data, test_data.truth, base_rate, oracle=True)
    if oracle is not None and exp.detector is not None:
        oracle["ap_50"] = detection_ap(list(exp.scenes), exp.detector.window_truth)
    kind = curves.curve_kind(exp.task, exp.metrics, float(test_data.y.mean()))
    judged = exp.metrics[0] in evaluate.JUDGED and "judged" in test_data.columns
    ctx = _Context(exp, train, test, encoder.feature_names_, oracle, base_rate, seed,
                   latency_calls, encoder, kind, judged)  # fmt: skip
    results = []
    for spec in exp.models:
        tell(f"{spec.name}: training, exporting to ONNX and timing")
        results.append(_run_model(spec, ctx))
    return PipelineReport(
        exp.name, exp.task, len(train_data), len(test_data), *_label_summary(train_data, test_data),
        exp.data.description, encoder.describe(train_data),
        f"by time: first {1 - TEST_SHARE:.0%} of the period trains, last {TEST_SHARE:.0%} tests",
        exp.metrics, oracle, tuple(results),
        request="request (one candidate list)" if test_data.group is not None else "row",
        oracle_curves=ctx.curve_data(test_data.truth) if exp.has_oracle else None,
    )  # fmt: skip


def backtest_experiment(exp: Experiment, folds: int, seed: int,
                        progress: Progress | None = None) -> Any:  # fmt: skip
    """Rolling-origin backtest of ``exp`` (see :mod:`mlsd.pipeline.backtest`)."""
    from mlsd.pipeline.backtest import backtest

    if isinstance(exp.data, RetrievalData):
        raise UsageError("--backtest needs a time-ordered tabular case, not retrieval")
    return backtest(exp, folds, seed, progress or (lambda _msg: None))


def _label_summary(train: Dataset, test: Dataset) -> tuple[float, float]:
    """Positive rate or mean label; for multiclass, the training majority class's share."""
    if train.classes:
        major = int(np.bincount(train.y).argmax())
        return float(np.mean(train.y == major)), float(np.mean(test.y == major))
    return float(train.y.mean()), float(test.y.mean())


def _detection(model: Any, ctx: _Context) -> float:
    """AP@0.5 of ``model`` used as a sliding-window detector on the experiment's scenes."""
    encoder, detector = ctx.encoder, ctx.exp.detector

    def score(blocks: Any) -> Any:
        windows = detector.window_dataset(blocks)
        return model.predict(Inputs(encoder.transform(windows), windows))

    return detection_ap(list(ctx.exp.scenes), score)


def _run_model(spec: ModelSpec, ctx: _Context) -> ModelResult:
    from mlsd.pipeline.export import to_onnx
    from mlsd.pipeline.serving import OnnxScorer

    model = build_model(spec.name, spec.params, ctx.seed, ctx.exp.task)
    start = time.perf_counter()
    model.fit(ctx.train)
    train_seconds = time.perf_counter() - start
    test = ctx.test
    p = model.predict(test)
    metrics = ctx.score(p)
    if ctx.exp.detector is not None:
        metrics["ap_50"] = _detection(model, ctx)
    requests = ctx.requests()
    native = latency(model.predict, requests, budget_s=NATIVE_BUDGET_S)
    native_tp = throughput(lambda: model.predict(test), len(test.X))
    onnx = to_onnx(model, test.X.shape[1])
    onnx_lat = onnx_tp = parity = None
    if onnx is not None:
        multi = ctx.exp.task == "multiclass"
        online = OnnxScorer(onnx, online=True, multiclass=multi)
        batch = OnnxScorer(onnx, online=False, multiclass=multi)
        parity = float(np.max(np.abs(batch.predict(test.X) - p)))
        onnx_lat = latency(lambda r: online.predict(r.X), requests)
        onnx_tp = throughput(lambda: batch.predict(test.X), len(test.X))
    return ModelResult(
        spec.name, metrics, None if ctx.oracle is None else evaluate.gap(metrics, ctx.oracle),
        train_seconds, native, onnx_lat, native_tp, onnx_tp,
        None if onnx is None else len(onnx), parity, spec.interpretability,
        tuple(model.explain(ctx.feature_names)), tuple(spec.pros), tuple(spec.cons),
        ctx.curve_data(p),
    )  # fmt: skip
