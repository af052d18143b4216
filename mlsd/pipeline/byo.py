"""Bring your own data: a CSV with a binary target becomes an Experiment (no oracle)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlsd.content.schema import ModelSpec
from mlsd.pipeline.run import Experiment, select_models

GENERIC_MODELS = (
    ModelSpec(
        name="historical-rate",
        interpretability="A lookup of the first id column's smoothed positive rate.",
    ),
    ModelSpec(
        name="logistic-regression", interpretability="One signed weight per standardised feature."
    ),
    ModelSpec(
        name="lightgbm",
        interpretability="Feature gain shares globally; per-row SHAP values if needed.",
    ),
    ModelSpec(name="mlp", interpretability="A black box: weights do not map to features."),
)
BYO_METRICS = ("roc_auc", "pr_auc", "log_loss", "normalized_entropy", "ece")


def experiment_from_csv(
    path: Path, target: str, time_col: str | None, only: Sequence[str] | None, baseline_only: bool
) -> Experiment:
    """Load ``path`` and compare the generic models on it (there is no oracle)."""
    from mlsd.pipeline.csvdata import load_csv

    loaded = load_csv(path, target, time_col)
    specs = [s for s in GENERIC_MODELS if s.name != "historical-rate" or loaded.dataset.ids]
    if baseline_only:
        only = ["logistic-regression"]
    chosen = select_models(specs, only)
    return Experiment(path.stem, "binary", loaded.dataset, chosen, BYO_METRICS, has_oracle=False)
