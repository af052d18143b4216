"""Serve ONNX models with onnxruntime: an online session (1 thread) and a batch one."""

from __future__ import annotations

import os
from typing import Any

import numpy as np


class OnnxScorer:
    """Scores float32 rows with an onnxruntime session, returning P(y=1) (or the value).

    Online sessions use one intra-op thread (a request is one row; threads only add
    hand-off cost); batch sessions use every core. Only the probability output is
    fetched, and logging is quietened (the LightGBM export declares a label shape
    that makes onnxruntime warn on every batch call).
    """

    def __init__(self, model_bytes: bytes, online: bool = True, multiclass: bool = False) -> None:
        self.multiclass = multiclass  # return every class's probability, not P(y=1)
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1 if online else (os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        outputs = [o.name for o in self.session.get_outputs()]
        self.output_name = next((o for o in outputs if "prob" in o.lower()), outputs[-1])
        self._fetch = [self.output_name]
        # The Python wrapper re-validates the input names on every run(), which costs more
        # than a one-row linear model itself (~10 us of ~20); inputs are fixed here, so call
        # the bound session directly, falling back to the public API if that ever changes.
        bound: Any = getattr(self.session, "_sess", None)
        self._run = getattr(bound, "run", None)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """P(y=1) for each row of ``X`` (float32); the raw score for a ranker."""
        feeds = {self.input_name: X}
        if self._run is not None:
            out = np.asarray(self._run(self._fetch, feeds, None)[0])
        else:  # pragma: no cover - only if onnxruntime drops its private binding
            out = np.asarray(self.session.run(self._fetch, feeds)[0])
        if self.multiclass:
            return out
        return out[:, 1] if out.ndim == 2 and out.shape[1] == 2 else out.reshape(-1)
