"""`mlsd run-baseline` and `mlsd compare-models`: run a case's reference pipeline."""

from __future__ import annotations

from pathlib import Path

import typer

from mlsd.cli.common import JSON_OPTION, PLOT_OPTION, catalog
from mlsd.errors import UsageError
from mlsd.render import console

CASE_ARG = typer.Argument(None, metavar="[CASE]", help="Case id (or use --data for your own CSV).")
ROWS = typer.Option(None, "--rows", "-n", min=500, help="Rows to generate (default: the case's).")
SEED = typer.Option(0, "--seed", help="Seed for data and models: same seed, same data.")
DATA = typer.Option(None, "--data", metavar="FILE.csv", help="Your own CSV instead of a case.")
TARGET = typer.Option(None, "--target", metavar="COL", help="Binary target column of --data.")
TIME_COL = typer.Option(
    None,
    "--time-col",
    metavar="COL",
    help="Time column of --data (numbers or ISO dates); else file order.",
)


def _experiment(
    ctx: typer.Context,
    case_id: str | None,
    data: Path | None,
    target: str | None,
    time_col: str | None,
    rows: int | None,
    seed: int,
    models: list[str] | None,
    baseline_only: bool,
) -> object:
    from mlsd.pipeline.byo import experiment_from_csv
    from mlsd.pipeline.run import baseline_name, experiment_for

    if (case_id is None) == (data is None):
        raise UsageError("give a case id or --data FILE.csv (not both); see 'mlsd list'")
    if data is not None:
        if target is None:
            raise UsageError("--data needs --target COL (the 0/1 column to predict)")
        return experiment_from_csv(data, target, time_col, models, baseline_only)
    if target is not None or time_col is not None:
        raise UsageError("--target and --time-col go with --data")
    case = catalog(ctx).case(case_id)  # type: ignore[arg-type]
    only = [baseline_name(case)] if baseline_only else models
    return experiment_for(case, rows, seed, only)


def _run_and_show(exp: object, seed: int, as_json: bool, baseline: bool, backtest: int = 0,
                  plot: bool | None = False) -> None:  # fmt: skip
    """Run with a progress spinner on stderr; print JSON, or the tables and the plots."""
    from mlsd.pipeline.run import backtest_experiment, run
    from mlsd.render import pipeline as render

    with render.progress() as tell:
        report = run(exp, seed=seed, progress=tell)  # type: ignore[arg-type]
        bt = backtest_experiment(exp, backtest, seed, tell) if backtest else None  # type: ignore[arg-type]
    if as_json:
        data = report.to_json()
        if bt is not None:
            data["backtest"] = bt.to_json()
        console.print_json(data)
        return
    if baseline:
        render.baseline(report)
    else:
        render.comparison(report)
    if bt is not None:
        render.backtest_table(bt)
    from mlsd.render import plots

    plots.draw(plot, plots.comparison_plots, report, plots.comparison_missing(report))


def run_baseline(
    ctx: typer.Context,
    case_id: str | None = CASE_ARG,
    rows: int | None = ROWS,
    seed: int = SEED,
    data: Path | None = DATA,
    target: str | None = TARGET,
    time_col: str | None = TIME_COL,
    as_json: bool = JSON_OPTION,
) -> None:
    """Run the case's floor on its synthetic data (or logistic regression on your CSV).

    The floor is logistic regression, or the simplest index for retrieval cases. Shows
    the data, the floor's metrics beside the oracle (the best any model can do, scored
    with the generator's truth), and its largest coefficients where it has them.
    """
    exp = _experiment(ctx, case_id, data, target, time_col, rows, seed, None, True)
    _run_and_show(exp, seed, as_json, baseline=True)


def compare_models(
    ctx: typer.Context,
    case_id: str | None = CASE_ARG,
    models: str | None = typer.Option(
        None, "--models", "-m", metavar="A,B", help="Comma-separated subset of the case's models."
    ),
    rows: int | None = ROWS,
    seed: int = SEED,
    data: Path | None = DATA,
    target: str | None = TARGET,
    time_col: str | None = TIME_COL,
    backtest: int = typer.Option(
        0,
        "--backtest",
        metavar="K",
        help="Also retrain at K rolling origins (2-6) and score each model on the window "
        "after each: the spread shows which differences are noise.",
    ),
    as_json: bool = JSON_OPTION,
    plot: bool | None = PLOT_OPTION,
) -> None:
    """Compare the case's models on quality, gap to the oracle, and measured cost.

    Every model is trained on the same time-split data, exported to ONNX, served with
    onnxruntime and timed beside its native predict in the same run. With
    --backtest K, each model is also retrained at K cut-offs over the last 40 % of
    the period (rolling origin) and scored on the window that follows each. Plots:
    ROC or precision-recall curves and calibration (binary), nDCG@k (ranking).
    """
    names = [m.strip() for m in models.split(",") if m.strip()] if models is not None else None
    if names is not None and not names:
        raise UsageError("--models needs at least one model name")
    if backtest and not 2 <= backtest <= 6:
        raise UsageError(f"--backtest takes 2 to 6 windows (got {backtest})")
    exp = _experiment(ctx, case_id, data, target, time_col, rows, seed, names, False)
    _run_and_show(exp, seed, as_json, baseline=False, backtest=backtest, plot=plot)


def register(app: typer.Typer) -> None:
    """Attach the pipeline commands to ``app``."""
    app.command("run-baseline")(run_baseline)
    app.command("compare-models")(compare_models)
