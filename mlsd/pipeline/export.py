"""Export trained models to ONNX (skl2onnx for scikit-learn, onnxmltools for LightGBM).

Pitfalls handled here (see DESIGN.md): zipmap off so probabilities come back as a
tensor, float32 input, opset 17 for skl2onnx and 15 for onnxmltools.
"""

from __future__ import annotations

import warnings
from typing import Any

SKL2ONNX_OPSET = 17
ONNXMLTOOLS_OPSET = 15


def to_onnx(model: Any, n_features: int) -> bytes | None:
    """Serialized ONNX model for ``model``, or None where there is no ONNX form."""
    kind = getattr(model, "kind", "")
    if kind == "lookup":
        return None
    if kind in ("gbdt", "gbdt-ranker"):
        return _lightgbm(model.estimator, n_features)
    return _sklearn(model.estimator, n_features)


def _sklearn(estimator: Any, n_features: int) -> bytes:
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    proto = convert_sklearn(
        estimator,
        initial_types=[("input", FloatTensorType([None, n_features]))],
        options={id(estimator): {"zipmap": False}} if hasattr(estimator, "predict_proba") else None,
        target_opset={"": SKL2ONNX_OPSET, "ai.onnx.ml": 3},
    )
    return bytes(proto.SerializeToString())


def _lightgbm(estimator: Any, n_features: int) -> bytes:
    from onnxmltools.convert import convert_lightgbm
    from onnxmltools.convert.common.data_types import FloatTensorType

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proto = convert_lightgbm(
            estimator,
            initial_types=[("input", FloatTensorType([None, n_features]))],
            zipmap=False,
            target_opset=ONNXMLTOOLS_OPSET,
        )
    return bytes(proto.SerializeToString())
