"""`mlsd compress`: smaller variants of a case's models, and what each one costs.

The case's logistic regression, MLP and LightGBM are trained as the pipeline trains
them (time split, same encoder, the case's own parameters) and exported to ONNX.
Each is then compressed the ways that apply to it:

- float16: weight tensors halved with onnxruntime's converter (inputs stay float32);
- int8: dynamic quantization (weights stored as int8, activations quantized per call);
- pruning: the first N trees of the trained booster, nothing retrained;
- shallow trees: the ensemble retrained with depth-2 trees;
- distillation: a logistic regression fit to the teacher's probabilities.

Every variant, the uncompressed ones included, is judged from its own ONNX outputs
on the test period (what would ship is what is measured): file size, single-row
latency through onnxruntime, ROC AUC and its gap to the source model, and parity,
the largest score change against the source's ONNX model. A technique that does not
apply to a model's ONNX graph is tried anyway and listed as skipped, with the reason
the attempt revealed.
"""

from __future__ import annotations

import logging
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from mlsd.content.schema import Case, ModelSpec
from mlsd.pipeline import evaluate
from mlsd.pipeline.generators.base import Dataset
from mlsd.pipeline.measure import Latency
from mlsd.pipeline.models import Inputs
from mlsd.pipeline.serving import OnnxScorer

Progress = Callable[[str], None]
METRIC = "roc_auc"
LATENCY_CALLS = 2000
SOURCES = ("logistic-regression", "mlp", "lightgbm")
TEACHERS = ("lightgbm", "mlp")  # the distillation teacher: the first of these the case has
STUDENT = "logistic-regression"
PRUNE_SHARES = (3, 6)  # keep the first third, then the first sixth, of the trees
SHALLOW_DEPTH = 2
ML_DOMAIN = "ai.onnx.ml"
INTEGER_OPS = frozenset({"MatMulInteger", "ConvInteger", "DynamicQuantizeMatMul", "QLinearMatMul",
                         "QGemm", "QLinearConv", "MatMulIntegerToFloat"})  # fmt: skip


@dataclass(frozen=True)
class Variant:
    """One model as it would ship, measured on the test period.

    ``parity`` is the largest |score - source's ONNX score| over the test rows (0 for
    an uncompressed model); ``export_parity`` the largest |ONNX score - training
    library's score| where that library can score the variant (None for float16 and
    int8, which exist only as ONNX). ``size_ratio`` is the source's bytes over these
    bytes (above 1: smaller). ``tensor_bytes`` counts the graph's weight tensors;
    ai.onnx.ml operators (linear, tree ensembles) keep their parameters in node
    attributes instead, so it is near 0 for them.
    """

    name: str
    source: str
    technique: str  # none, float16, int8, pruning, shallow, distillation
    detail: str
    bytes: int
    tensor_bytes: int
    p50_us: float
    p99_us: float
    roc_auc: float
    pr_auc: float
    log_loss: float
    gap: float
    parity: float
    export_parity: float | None
    size_ratio: float
    train_seconds: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "technique": self.technique,
            "detail": self.detail,
            "bytes": self.bytes,
            "tensor_bytes": self.tensor_bytes,
            "size_ratio": self.size_ratio,
            "p50_us": self.p50_us,
            "p99_us": self.p99_us,
            "roc_auc": self.roc_auc,
            "gap": self.gap,
            "pr_auc": self.pr_auc,
            "log_loss": self.log_loss,
            "parity": self.parity,
            "export_parity": self.export_parity,
            "train_seconds": self.train_seconds,
        }


@dataclass(frozen=True)
class Skipped:
    """A variant that was not built, and why."""

    name: str
    source: str
    technique: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "technique": self.technique,
                "reason": self.reason}  # fmt: skip


@dataclass(frozen=True)
class CompressReport:
    """Everything `mlsd compress` prints."""

    case: str
    seed: int
    train_rows: int
    test_rows: int
    features: int
    positive_rate: float
    teacher: str | None
    latency_calls: int
    variants: tuple[Variant, ...]
    skipped: tuple[Skipped, ...]

    def variant(self, name: str) -> Variant | None:
        """The variant called ``name``, if it was built."""
        return next((v for v in self.variants if v.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "metric": METRIC,
            "seed": self.seed,
            "train_rows": self.train_rows,
            "test_rows": self.test_rows,
            "features": self.features,
            "test_positive_rate": self.positive_rate,
            "teacher": self.teacher,
            "latency_calls": self.latency_calls,
            "variants": [v.to_json() for v in self.variants],
            "skipped": [s.to_json() for s in self.skipped],
        }


@dataclass(frozen=True)
class _Built:
    """A variant before measurement: its ONNX bytes and, if any, its library's scores."""

    name: str
    source: str
    technique: str
    detail: str
    onnx: bytes
    native: np.ndarray | None
    train_seconds: float | None = None


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence advice the ONNX tools log on the root logger (e.g. 'run pre-processing')."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


def tensor_bytes(model: bytes) -> int:
    """Bytes of the graph's weight tensors (initializers), as stored in memory."""
    import onnx
    from onnx import numpy_helper

    proto = onnx.load_from_string(model)
    return int(sum(numpy_helper.to_array(t).nbytes for t in proto.graph.initializer))


def _attribute_ops(proto: Any) -> tuple[list[str], int]:
    """ai.onnx.ml operators that hold float parameters as attributes, and how many floats."""
    ops: list[str] = []
    count = 0
    for node in proto.graph.node:
        n = sum(len(a.floats) + (int(np.prod(a.t.dims)) if a.HasField("t") else 0)
                for a in node.attribute)  # fmt: skip
        if node.domain == ML_DOMAIN and n:
            count += n
            if node.op_type not in ops:
                ops.append(node.op_type)
    return ops, count


def _loads(model: bytes) -> str:
    """'' if onnxruntime can load ``model``, else the first line of its complaint."""
    try:
        OnnxScorer(model, online=False)
    except Exception as exc:  # onnxruntime raises its own exception classes
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return text.split(" : FAIL : ")[-1][:120]
    return ""


def to_float16(model: bytes) -> tuple[bytes | None, str]:
    """The model with float16 weight tensors and float32 inputs/outputs, or None and why.

    The converter writes float16 values into ``int32_data``, one varint each (2-3 bytes),
    so converted tensors are repacked as raw bytes (2 bytes a value).
    """
    import onnx
    from onnx import numpy_helper
    from onnxruntime.transformers.float16 import convert_float_to_float16

    proto = onnx.load_from_string(model)
    ops, kept = _attribute_ops(proto)
    before = {t.name: t.data_type for t in proto.graph.initializer}
    with _quiet():
        half = convert_float_to_float16(proto, keep_io_types=True)
    converted = [t for t in half.graph.initializer
                 if t.data_type == onnx.TensorProto.FLOAT16
                 and before.get(t.name) == onnx.TensorProto.FLOAT]  # fmt: skip
    halved = sum(int(np.prod(t.dims)) for t in converted)
    for t in converted:
        t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t), t.name))
    out = bytes(half.SerializeToString())
    problem = _loads(out)
    if halved > kept and not problem:
        return out, ""
    if kept:
        reason = (
            f"{', '.join(ops)} ({ML_DOMAIN}) holds its {kept:,} parameters as float32 node "
            "attributes, not tensors, and the float16 converter leaves that op in float32"
        )
    else:
        reason = "the graph has no float32 weight tensor to convert"
    if problem:
        reason += f" (and the graph it wrote does not load: {problem})"
    return None, reason


def to_int8(model: bytes) -> tuple[bytes | None, str]:
    """The model with dynamically quantized int8 weights, or None and why not.

    onnxruntime's ``quantize_dynamic`` rewrites MatMul/Gemm/Conv-style nodes: weights
    become int8 with a scale and zero point, and each input is quantized on the fly.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    proto = onnx.load_from_string(model)
    ops, kept = _attribute_ops(proto)
    failure = ""
    out = None
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "model.onnx", Path(tmp) / "model.int8.onnx"
        src.write_bytes(model)
        try:
            with _quiet():
                quantize_dynamic(src, dst, weight_type=QuantType.QInt8)
            out = dst.read_bytes()
        except Exception as exc:  # the quantizer raises bare ValueErrors and friends
            failure = str(exc).strip().splitlines()[0][:160] or type(exc).__name__
    if out is not None:
        quantized = onnx.load_from_string(out)
        if any(n.op_type in INTEGER_OPS for n in quantized.graph.node):
            problem = _loads(out)
            if not problem:
                return out, ""
            return None, f"the quantized graph does not load in onnxruntime ({problem})"
    reason = "dynamic quantization converts MatMul/Gemm/Conv weight tensors and this graph has none"
    if kept:
        reason += f": {', '.join(ops)} ({ML_DOMAIN}) holds its parameters as float node attributes"
    if failure:
        reason += f" (quantize_dynamic stopped: {failure})"
    else:
        reason += " (quantize_dynamic returned the graph unchanged)"
    return None, reason


CONVERTERS: tuple[tuple[Callable[[bytes], tuple[bytes | None, str]], str, str, str], ...] = (
    (to_float16, "float16", "-fp16", "weights stored as float16; inputs and outputs stay float32"),
    (to_int8, "int8", "-int8", "dynamic quantization: int8 weights, each input quantized per call"),
)


def _export(model: Any, n_features: int) -> bytes:
    from mlsd.pipeline.export import to_onnx

    onnx = to_onnx(model, n_features)
    assert onnx is not None  # every source and student here is sklearn or LightGBM
    return onnx


def _train(spec: ModelSpec, train: Inputs, test: Inputs, seed: int) -> tuple[Any, _Built]:
    from mlsd.pipeline.models import build_model

    model = build_model(spec.name, spec.params, seed, "binary")
    start = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - start
    built = _Built(spec.name, spec.name, "none", "the case's model as trained, exported to ONNX",
                   _export(model, train.X.shape[1]), model.predict(test), seconds)  # fmt: skip
    return model, built


def _pruned(model: Any, test: Inputs) -> list[_Built]:
    """The first N trees of the trained booster, for each share in PRUNE_SHARES."""
    import lightgbm

    booster = model.estimator.booster_
    trees = int(booster.current_iteration())
    keep = sorted({max(1, round(trees / share)) for share in PRUNE_SHARES} - {trees},
                  reverse=True)  # fmt: skip
    out = []
    for n in keep:
        pruned = lightgbm.Booster(model_str=booster.model_to_string(num_iteration=n))
        onnx = _export(SimpleNamespace(kind="gbdt", estimator=pruned), test.X.shape[1])
        out.append(_Built(f"{model.name}-pruned-{n}-trees", model.name, "pruning",
                          f"the first {n} of {trees} trees, no retraining", onnx,
                          np.asarray(pruned.predict(test.X))))  # fmt: skip
    return out


def _shallow(spec: ModelSpec, train: Inputs, test: Inputs, seed: int) -> _Built | str:
    """The ensemble retrained with depth-2 trees (4 leaves), same rounds; or why not."""
    from mlsd.pipeline.models import build_model

    leaves = 2**SHALLOW_DEPTH
    model = build_model(spec.name, {**spec.params, "max_depth": SHALLOW_DEPTH,
                                    "num_leaves": leaves}, seed, "binary")  # fmt: skip
    source_leaves = build_model(spec.name, spec.params, seed, "binary").estimator.num_leaves
    if source_leaves <= leaves:
        return f"the case's trees already have at most {source_leaves} leaves"
    start = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - start
    trees = int(model.estimator.booster_.current_iteration())
    return _Built(f"{spec.name}-shallow-depth-{SHALLOW_DEPTH}", spec.name, "shallow",
                  f"retrained with {trees} trees of depth {SHALLOW_DEPTH} ({leaves} leaves; "
                  f"the case's have {source_leaves})", _export(model, train.X.shape[1]),
                  model.predict(test), seconds)  # fmt: skip


def _distilled(teacher: Any, spec: ModelSpec | None, train: Inputs, test: Inputs,
               seed: int) -> _Built:  # fmt: skip
    """A logistic regression fit to the teacher's probabilities on the training rows.

    Soft labels: every training row appears twice, as a positive weighted by the
    teacher's p and as a negative weighted by 1 - p, so the log loss it minimises is
    the cross-entropy against the teacher's scores instead of the 0/1 labels.
    """
    from sklearn.exceptions import ConvergenceWarning

    from mlsd.pipeline.models import build_model

    student = build_model(STUDENT, spec.params if spec else {}, seed, "binary")
    p = np.clip(np.asarray(teacher.predict(train), dtype=np.float64), 0.0, 1.0)
    X = np.vstack([train.X, train.X])
    y = np.r_[np.ones(len(p)), np.zeros(len(p))].astype(np.int8)
    weight = np.r_[p, 1.0 - p]
    start = time.perf_counter()
    with warnings.catch_warnings():  # same epoch cap as the case's own model
        warnings.simplefilter("ignore", ConvergenceWarning)
        student.estimator.fit(X, y, sample_weight=weight)
    seconds = time.perf_counter() - start
    return _Built(f"distilled-{STUDENT}", teacher.name,
                  "distillation", f"{STUDENT} fit to {teacher.name}'s probabilities on the "
                  f"{len(p):,} training rows (soft labels)", _export(student, train.X.shape[1]),
                  student.predict(test), seconds)  # fmt: skip


def _latencies(
    scorers: list[OnnxScorer], requests: list[np.ndarray], warmup: int = 50
) -> list[Latency]:
    """Single-row latency of every scorer, interleaved: each request goes through all of
    them in turn (rotating who goes first), so a busy moment on the machine hits every
    variant alike instead of whichever happened to be timed then."""
    for req in requests[:warmup]:
        for scorer in scorers:
            scorer.predict(req)
    n = len(scorers)
    samples = np.empty((n, len(requests)))
    clock = time.perf_counter_ns
    for k, req in enumerate(requests):
        for j in range(n):
            i = (j + k) % n
            start = clock()
            scorers[i].predict(req)
            samples[i, k] = clock() - start
    out = []
    for row in samples / 1000.0:
        p50, p99 = np.percentile(row, [50, 99])
        out.append(Latency(float(p50), float(p99), len(requests)))
    return out


def _measure(built: _Built, source: Variant | None, source_scores: np.ndarray | None,
             y: np.ndarray, scores: np.ndarray, lat: Latency) -> Variant:  # fmt: skip
    """The variant's figures from its test-period scores and its latency."""
    auc = evaluate.roc_auc(y, scores)
    parity = 0.0 if source_scores is None else float(np.max(np.abs(scores - source_scores)))
    export = None if built.native is None else float(np.max(np.abs(scores - built.native)))
    size = len(built.onnx)
    return Variant(
        built.name, built.source, built.technique, built.detail, size, tensor_bytes(built.onnx),
        lat.p50, lat.p99, auc, evaluate.pr_auc(y, scores), evaluate.log_loss(y, scores),
        0.0 if source is None else auc - source.roc_auc, parity, export,
        1.0 if source is None else source.bytes / size, built.train_seconds,
    )  # fmt: skip


def run_compress(case: Case, seed: int = 0, rows: int | None = None,
                 progress: Progress | None = None,
                 latency_calls: int = LATENCY_CALLS) -> CompressReport:  # fmt: skip
    """Train the case's models, compress them every way that applies, and measure each.

    Args:
        case: a binary case.
        seed: seed for the data, the models and the timed rows.
        rows: rows to generate (default: the case's).
        progress: called with a short description before each stage.
        latency_calls: single-row calls timed per variant.
    """
    from mlsd.pipeline.run import encode, generate, require_binary, split_by_time

    require_binary(case, "compress")
    assert case.pipeline is not None
    tell = progress or (lambda _msg: None)
    tell("generating data, splitting by time and encoding features")
    data = generate(case, rows, seed)
    assert isinstance(data, Dataset)
    train_data, test_data = split_by_time(data)
    train, test, _encoder = encode(train_data, test_data, seed)
    y = (test_data.y > 0).astype(np.int8)
    specs = {s.name: s for s in case.pipeline.models}

    built: list[_Built] = []
    skipped: list[Skipped] = []
    models: dict[str, Any] = {}
    for name in SOURCES:
        if name not in specs:
            why = f"this case has no {name} model"
            for suffix, technique in _techniques(name):
                skipped.append(Skipped(name + suffix, name, technique, why))
            continue
        tell(f"{name}: training and exporting to ONNX")
        model, source = _train(specs[name], train, test, seed)
        models[name] = model
        built.append(source)
        tell(f"{name}: trying float16 and int8")
        for converter, technique, suffix, detail in CONVERTERS:
            onnx, reason = converter(source.onnx)
            if onnx is None:
                skipped.append(Skipped(name + suffix, name, technique, reason))
            else:
                built.append(_Built(name + suffix, name, technique, detail, onnx, None))
        if name == "lightgbm":
            tell(f"{name}: pruning trees and retraining shallow")
            built.extend(_pruned(model, test))
            shallow = _shallow(specs[name], train, test, seed)
            if isinstance(shallow, str):
                skipped.append(Skipped(f"{name}-shallow-depth-{SHALLOW_DEPTH}", name, "shallow",
                                       shallow))  # fmt: skip
            else:
                built.append(shallow)
    teacher = next((t for t in TEACHERS if t in models), None)
    if teacher is None:
        skipped.append(
            Skipped(
                f"distilled-{STUDENT}",
                "",
                "distillation",
                "this case has no lightgbm or mlp model to act as teacher",
            )
        )
    else:
        tell(f"distilling {teacher} into a {STUDENT}")
        built.append(_distilled(models[teacher], specs.get(STUDENT), train, test, seed))

    tell(f"scoring the test period and timing {len(built)} variants, one row per call")
    scores = {b.name: OnnxScorer(b.onnx, online=False).predict(test.X).astype(np.float64)
              for b in built}  # fmt: skip
    rng = np.random.default_rng(seed)
    requests = [np.ascontiguousarray(test.X[i : i + 1])
                for i in rng.integers(0, len(test.X), latency_calls)]  # fmt: skip
    lats = _latencies([OnnxScorer(b.onnx, online=True) for b in built], requests)
    measured: dict[str, Variant] = {}
    for b, lat in zip(built, lats, strict=True):
        own = b.source == b.name
        src = None if own else measured.get(b.source)
        src_scores = None if own else scores.get(b.source)
        measured[b.name] = _measure(b, src, src_scores, y, scores[b.name], lat)
    return CompressReport(
        case.id, seed, len(train_data), len(test_data), int(train.X.shape[1]), float(y.mean()),
        teacher, latency_calls, tuple(measured.values()), tuple(skipped),
    )  # fmt: skip


def _techniques(name: str) -> list[tuple[str, str]]:
    """The variant-name suffixes (and techniques) a source model would get."""
    out = [("", "none"), ("-fp16", "float16"), ("-int8", "int8")]
    if name == "lightgbm":
        out += [("-pruned", "pruning"), (f"-shallow-depth-{SHALLOW_DEPTH}", "shallow")]
    return out
