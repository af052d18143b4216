"""`mlsd train`: the case's LightGBM trained on a Dask cluster, beside a single process."""

from __future__ import annotations

from enum import Enum

import typer

from mlsd.cli.common import JSON_OPTION, catalog
from mlsd.render import console


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def train(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="CASE", help="A binary case id (see 'mlsd list')."),
    engine: Engine = typer.Option(
        ...,
        "--engine",
        "-e",
        case_sensitive=False,
        help="dask: LightGBM's Dask estimator on a Dask cluster, beside a single-process run; "
        "local: the single process alone.",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-w",
        help="Worker processes of the local Dask cluster, 1-16 (default 2; one thread each). "
        "Dask only, and not with --scheduler.",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        metavar="ADDRESS",
        help="Train on a running Dask cluster, e.g. tcp://10.0.0.5:8786, instead of starting "
        "one. Its workers need lightgbm installed.",
    ),
    rows: int | None = typer.Option(
        None, "--rows", "-n", help="Rows to generate, at least 500 (default: the case's)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for the data, the partitioning and LightGBM."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Train the case's LightGBM on a Dask cluster and compare it with a single process.

    With --engine dask, the training rows are dealt at random to the workers of a local
    Dask cluster (--workers processes, one thread each) or of the cluster at --scheduler,
    persisted there, and LightGBM trains data-parallel with DaskLGBMClassifier. The
    result comes back as a plain LightGBM model, is exported to ONNX and evaluated like
    any other. A single-process run with the same parameters on the same data is shown
    beside it: training time, cluster start, partitioning, the case's metrics and ONNX
    parity. On a small machine expect no speed-up; the point is that the same code runs
    on a cluster.

    --engine dask needs the optional extra: pip install "mlsd[distributed]".
    --workers and --scheduler are rejected with --engine local.
    """
    from mlsd.pipeline.distributed import run_train
    from mlsd.render import train as render
    from mlsd.render.pipeline import progress

    case = catalog(ctx).case(case_id)
    with progress() as tell:
        report = run_train(case, engine.value, workers, scheduler, seed, rows, tell)
    if as_json:
        console.print_json(report.to_json())
    else:
        render.train(report)


def register(app: typer.Typer) -> None:
    """Attach `mlsd train` to ``app``."""
    app.command("train")(train)
