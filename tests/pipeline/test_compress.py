"""`run_compress` and its converters: every variant is measured, and sizes and parity hold."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.content.loader import Catalog
from mlsd.errors import UsageError
from mlsd.pipeline.compress import (
    INTEGER_OPS,
    CompressReport,
    run_compress,
    tensor_bytes,
    to_float16,
    to_int8,
)

pytestmark = pytest.mark.slow
SOURCES = ("logistic-regression", "mlp", "lightgbm")
BUILT = (
    "logistic-regression",
    "mlp",
    "mlp-fp16",
    "mlp-int8",
    "lightgbm",
    "lightgbm-pruned-100-trees",
    "lightgbm-pruned-50-trees",
    "lightgbm-shallow-depth-2",
    "distilled-logistic-regression",
)


@pytest.fixture(scope="module")
def report() -> CompressReport:
    case = Catalog([]).case("ad-click-prediction")
    return run_compress(case, seed=0, rows=20_000, latency_calls=300)


def test_every_variant_is_built_and_measured(report: CompressReport) -> None:
    assert tuple(v.name for v in report.variants) == BUILT
    for v in report.variants:
        assert v.bytes > 0 and v.p50_us > 0 and v.p99_us >= v.p50_us, v.name
        assert 0.6 < v.roc_auc <= 1 and 0 < v.pr_auc <= 1 and v.log_loss > 0, v.name
        assert np.isfinite(v.parity) and v.parity >= 0, v.name


def test_uncompressed_models_are_their_own_source(report: CompressReport) -> None:
    for name in SOURCES:
        v = report.variant(name)
        assert v is not None and v.source == name and v.technique == "none"
        assert v.gap == 0 and v.parity == 0 and v.size_ratio == 1
        assert v.export_parity is not None and v.export_parity < 1e-4  # ONNX matches the library
        assert v.train_seconds is not None and v.train_seconds > 0


def test_gap_and_size_ratio_are_against_the_source(report: CompressReport) -> None:
    for v in report.variants:
        src = report.variant(v.source)
        assert src is not None, v.name
        assert v.gap == pytest.approx(v.roc_auc - src.roc_auc, abs=1e-12), v.name
        assert v.size_ratio == pytest.approx(src.bytes / v.bytes), v.name


def test_float16_halves_the_mlp_weights_and_keeps_its_scores(report: CompressReport) -> None:
    mlp, half = report.variant("mlp"), report.variant("mlp-fp16")
    assert mlp is not None and half is not None
    # every float weight goes from 4 bytes to 2; only the int64 class labels stay
    assert 0.45 < half.tensor_bytes / mlp.tensor_bytes < 0.55
    assert half.bytes < mlp.bytes
    assert half.parity < 1e-2 and abs(half.gap) < 1e-3
    assert half.export_parity is None  # exists only as ONNX


def test_int8_quantizes_the_mlp_weights_within_tolerance(report: CompressReport) -> None:
    mlp, q = report.variant("mlp"), report.variant("mlp-int8")
    assert mlp is not None and q is not None
    assert q.tensor_bytes < mlp.tensor_bytes / 3  # int8 weights plus float biases and scales
    assert q.parity < 0.1 and q.gap > -0.01


def test_pruned_lightgbm_is_smaller_in_proportion_to_its_trees(report: CompressReport) -> None:
    full = report.variant("lightgbm")
    third, sixth = (
        report.variant("lightgbm-pruned-100-trees"),
        report.variant("lightgbm-pruned-50-trees"),
    )
    shallow = report.variant("lightgbm-shallow-depth-2")
    assert full is not None and third is not None and sixth is not None and shallow is not None
    assert sixth.bytes < third.bytes < shallow.bytes < full.bytes
    assert 2.5 < third.size_ratio < 3.5 and 5 < sixth.size_ratio < 7
    for v in (third, sixth, shallow):
        assert v.export_parity is not None and v.export_parity < 1e-4
        assert v.parity > 0  # a different model, not a re-encoding of the same one
    assert third.train_seconds is None and shallow.train_seconds is not None


def test_distilled_student_is_a_logistic_regression_judged_against_its_teacher(
    report: CompressReport,
) -> None:
    student, lr = (
        report.variant("distilled-logistic-regression"),
        report.variant("logistic-regression"),
    )
    assert student is not None and lr is not None
    assert report.teacher == "lightgbm" and student.source == "lightgbm"
    assert student.bytes == lr.bytes  # same architecture, different labels
    assert student.train_seconds is not None and student.train_seconds > 0
    assert student.export_parity is not None and student.export_parity < 1e-4


def test_techniques_that_do_not_apply_are_skipped_with_the_reason(report: CompressReport) -> None:
    reasons = {s.name: s.reason for s in report.skipped}
    assert set(reasons) == {"logistic-regression-fp16", "logistic-regression-int8",
                            "lightgbm-fp16", "lightgbm-int8"}  # fmt: skip
    assert "LinearClassifier" in reasons["logistic-regression-fp16"]
    assert "LinearClassifier" in reasons["logistic-regression-int8"]
    assert "TreeEnsembleClassifier" in reasons["lightgbm-fp16"]
    assert "TreeEnsembleClassifier" in reasons["lightgbm-int8"]


def test_to_json_has_the_documented_shape(report: CompressReport) -> None:
    data = report.to_json()
    assert data["case"] == "ad-click-prediction" and data["metric"] == "roc_auc"
    for v in data["variants"]:
        assert {"name", "source", "bytes", "p99_us", "roc_auc", "gap", "parity"} <= set(v)
    assert all({"name", "reason"} <= set(s) for s in data["skipped"])


def _wide_mlp_onnx() -> tuple[bytes, np.ndarray]:
    """A 100-input, 128x64 MLP: weights dominate its file, as in a real network."""
    from sklearn.neural_network import MLPClassifier

    from mlsd.pipeline.export import to_onnx
    from mlsd.pipeline.models import SklearnClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 100)).astype(np.float32)
    y = (X[:, :5].sum(axis=1) > 0).astype(int)
    est = MLPClassifier(hidden_layer_sizes=(128, 64), max_iter=300, random_state=0).fit(X, y)
    onnx = to_onnx(SklearnClassifier("mlp", est, "mlp"), X.shape[1])
    assert onnx is not None
    return onnx, X


def test_int8_and_float16_shrink_a_model_whose_weights_dominate() -> None:
    import onnx

    from mlsd.pipeline.serving import OnnxScorer

    model, X = _wide_mlp_onnx()
    half, why_half = to_float16(model)
    q, why_q = to_int8(model)
    assert half is not None and q is not None, (why_half, why_q)
    assert 0.45 < len(half) / len(model) < 0.6  # about half
    assert len(q) < len(model) / 3  # about a quarter, plus scales and extra nodes
    assert tensor_bytes(q) < tensor_bytes(model) / 3
    assert any(n.op_type in INTEGER_OPS for n in onnx.load_from_string(q).graph.node)
    ref = OnnxScorer(model, online=False).predict(X)
    assert np.max(np.abs(OnnxScorer(half, online=False).predict(X) - ref)) < 1e-2
    assert np.max(np.abs(OnnxScorer(q, online=False).predict(X) - ref)) < 0.1


@pytest.mark.parametrize("case", ["eta-prediction", "rag-retrieval", "support-ticket-routing"])
def test_non_binary_cases_are_usage_errors(case: str) -> None:
    with pytest.raises(UsageError, match="compress runs on binary cases"):
        run_compress(Catalog([]).case(case))


def test_too_few_rows_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="at least 500"):
        run_compress(Catalog([]).case("credit-risk"), rows=100)
