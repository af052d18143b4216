"""`mlsd compress`: shrink a case's models and measure what each technique costs."""

from __future__ import annotations

import typer

from mlsd.cli.common import JSON_OPTION, catalog
from mlsd.render import console


def compress(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="CASE", help="A binary case id (see 'mlsd list')."),
    rows: int | None = typer.Option(
        None, "--rows", "-n", help="Rows to generate, at least 500 (default: the case's)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for the data, the models and the timing."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Compress a case's models and measure size, latency and ROC AUC of every variant.

    The case's logistic regression, MLP and LightGBM are trained on the earlier part of
    the data and exported to ONNX, then compressed:

    float16 stores weight tensors in half precision (inputs stay float32). int8 dynamic
    quantization stores weights as 8-bit integers with a scale and zero point, and
    quantizes each input as it arrives. Pruning keeps only the first third, then the
    first sixth, of the boosted trees, with no retraining; the shallow variant retrains
    the ensemble with depth-2 trees. Distillation fits a logistic regression to the
    LightGBM teacher's probabilities instead of the 0/1 labels.

    Every variant, the uncompressed models included, is measured from its own ONNX file
    on the later test period: size in bytes, single-row p50/p99 latency in onnxruntime,
    ROC AUC and its gap to the source model, and parity (the largest score change). A
    technique that does not apply to a model's ONNX operators (float16 and int8 on
    linear and tree operators) is tried and listed as not built, with the reason.
    """
    from mlsd.pipeline.compress import run_compress
    from mlsd.render import compress as render
    from mlsd.render.pipeline import progress

    case = catalog(ctx).case(case_id)
    with progress() as tell:
        report = run_compress(case, seed=seed, rows=rows, progress=tell)
    if as_json:
        console.print_json(report.to_json())
    else:
        render.compress(report)


def register(app: typer.Typer) -> None:
    """Attach `mlsd compress` to ``app``."""
    app.command("compress")(compress)
