"""`mlsd drift` and `mlsd redeploy`: what happens after launch, run on a case's stream."""

from __future__ import annotations

from enum import Enum

import typer

from mlsd.cli.common import JSON_OPTION, PLOT_OPTION, catalog
from mlsd.render import console

CASE = typer.Argument(..., metavar="CASE", help="A binary case id (see 'mlsd list').")
ROWS = typer.Option(
    None, "--rows", "-n", min=500, help="Rows to generate for the stream (default: the case's)."
)
SEED = typer.Option(0, "--seed", help="Seed for the stream and the models.")
MODEL = typer.Option(None, "--model", "-m",
                     help="Which of the case's models to deploy (default: its floor, "
                     "usually logistic regression).")  # fmt: skip


class Scenario(str, Enum):
    none = "none"
    data = "data"
    concept = "concept"
    both = "both"


class Strategy(str, Enum):
    shadow = "shadow"
    canary = "canary"
    ab = "ab"
    blue_green = "blue-green"
    all = "all"


def drift(
    ctx: typer.Context,
    case_id: str = CASE,
    scenario: Scenario = typer.Option(
        Scenario.both,
        "--scenario",
        "-s",
        case_sensitive=False,
        help="What drifts from the middle of the stream: data (covariate shift), concept "
        "(the label's relation to the inputs), both, or none (the false-alarm control).",
    ),
    windows: int = typer.Option(12, "--windows", "-w", help="Time windows in the stream (4-52)."),
    label_delay: int = typer.Option(
        1, "--label-delay", "-d", help="Windows before a window's labels arrive."
    ),
    every: int = typer.Option(3, "--every", help="The periodic policy retrains every N windows."),
    rows: int | None = ROWS,
    seed: int = SEED,
    model: str | None = MODEL,
    as_json: bool = JSON_OPTION,
    plot: bool | None = PLOT_OPTION,
) -> None:
    """Detect data and concept drift on a stream, and compare retraining policies.

    Window 0 trains the model and window 1 is its labelled reference. Every later window
    gets a drift test per input (KS / chi-square p-values on small references, Wasserstein
    / Jensen-Shannon distances on large ones), a test on the score distribution, a
    label-free estimate of the case's metric (CBPE) beside the actual one, and a
    Page-Hinkley test on the log loss once labels arrive. Then three retraining
    policies replay the same stream: never, periodic and triggered by the alarms.
    Plots: the metric per window, and the most drifted inputs with the alarms.
    """
    from mlsd.drift.monitor import run_drift
    from mlsd.render import drift as render
    from mlsd.render.pipeline import progress

    case = catalog(ctx).case(case_id)
    with progress() as tell:
        report = run_drift(case, scenario.value, windows, label_delay, every, seed, rows, model,
                           tell)  # fmt: skip
    if as_json:
        console.print_json(report.to_json())
        return
    render.drift(report)
    from mlsd.render import plots

    plots.draw(plot, plots.drift_plots, report)


def redeploy(
    ctx: typer.Context,
    case_id: str = CASE,
    strategy: Strategy = typer.Option(
        Strategy.all,
        "--strategy",
        case_sensitive=False,
        help="shadow, canary, ab, blue-green, or all of them on the same traffic.",
    ),
    scenario: Scenario = typer.Option(
        Scenario.concept,
        "--scenario",
        "-s",
        case_sensitive=False,
        help="The drift between the champion's training data and the traffic "
        "(none: the challenger is only a retrain on fresher data of the same kind).",
    ),
    rows: int | None = ROWS,
    seed: int = SEED,
    model: str | None = MODEL,
    as_json: bool = JSON_OPTION,
) -> None:
    """Roll out a retrained model: shadow, canary, A/B or blue-green, each with a decision.

    A champion trained before a drift and a challenger retrained after it are replayed on
    the same later traffic, assigned by user. Each strategy ends with promote, rollback,
    continue or inconclusive, and says why: McNemar's test for the shadow, guardrails per
    ramp stage for the canary, the p-value and sample size for the A/B test, a smoke
    test and a watched swap for blue-green.
    """
    from mlsd.deploy.replay import run_redeploy
    from mlsd.render import drift as render
    from mlsd.render.pipeline import progress

    case = catalog(ctx).case(case_id)
    with progress() as tell:
        report = run_redeploy(case, scenario.value, strategy.value, seed, rows, model, tell)
    if as_json:
        console.print_json(report.to_json())
    else:
        render.redeploy(report)


def register(app: typer.Typer) -> None:
    """Attach the production commands to ``app``."""
    app.command("drift")(drift)
    app.command("redeploy")(redeploy)
