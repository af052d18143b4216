"""`mlsd serve`: online vs batch prediction, a feature store and a cache, measured."""

from __future__ import annotations

import typer

from mlsd.cli.common import JSON_OPTION, PLOT_OPTION, catalog
from mlsd.render import console


def serve(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="CASE", help="A binary case id (see 'mlsd list')."),
    requests: int = typer.Option(
        20_000, "--requests", "-r", help="Requests in each cache replay (1000-1000000)."
    ),
    zipf: str = typer.Option(
        "0.8,1.1",
        "--zipf",
        help="Popularity skews to replay, comma-separated: entity k gets traffic "
        "proportional to 1/k^s (0.8 is mild, 1.1 is a few very hot entities).",
    ),
    ttl: str = typer.Option(
        "0,10,60,300",
        "--ttl",
        help="Cache time-to-live values in seconds, comma-separated; 0 means no cache and "
        "'inf' a cache that never expires.",
    ),
    rows: int | None = typer.Option(
        None, "--rows", "-n", min=500, help="Rows to generate (default: the case's)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for the data, the streams and the model."),
    as_json: bool = JSON_OPTION,
    plot: bool | None = PLOT_OPTION,
) -> None:
    """Measure how a case's model is served: online vs batch, a feature store, a cache.

    Online: each request reads the entity's features from a SQLite online store and is
    scored by onnxruntime. Batch: every known entity is scored each midnight and served
    by key. The feature store keeps a timestamped history; a naive join on today's
    values and a point-in-time join train two models, whose offline and future ROC AUC
    show what leakage does. Last, a Zipf request stream replays through a prediction
    cache for each TTL: hit rate, stale answers and latency percentiles (plotted
    against the TTL, per skew).
    """
    from mlsd.render import serve as render
    from mlsd.render.pipeline import progress
    from mlsd.serve.run import parse_floats, run_serve

    zipfs = parse_floats(zipf, "--zipf", minimum=0.0)
    ttls = parse_floats(ttl, "--ttl", minimum=0.0, allow_inf=True)
    case = catalog(ctx).case(case_id)
    with progress() as tell:
        report = run_serve(case, requests, zipfs, ttls, seed, rows, tell)
    if as_json:
        console.print_json(report.to_json())
        return
    render.serve(report)
    from mlsd.render import plots

    plots.draw(plot, plots.serve_plots, report)


def register(app: typer.Typer) -> None:
    """Attach `serve` to ``app``."""
    app.command("serve")(serve)
