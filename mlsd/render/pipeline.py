"""Render pipeline reports: data summary, quality table, cost table, model notes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from mlsd.pipeline.measure import Latency
from mlsd.pipeline.report import ModelResult, PipelineReport
from mlsd.render.console import err, out

LABELS = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "log_loss": "log loss",
    "normalized_entropy": "NE",
    "ece": "ECE",
    "ndcg_at_10": "nDCG@10",
    "mrr": "MRR",
    "recall_at_10": "recall@10",
    "precision_at_10": "precision@10",
    "ap_50": "AP@0.5 (detection)",
    "precision_at_recall_80": "precision @ recall 0.8",
    "precision_at_5pct": "precision @ top 5 %",
    "group_auc_gap": "ROC AUC gap between groups",
    "recall_at_fpr_1pct": "recall @ 1 % FPR",
    "ndcg_at_10_judged": "nDCG@10 (raters)",
    "event_recall": "events caught",
    "detection_delay": "delay (points)",
    "mae": "MAE",
    "rmse": "RMSE",
    "wape": "WAPE",
    "pinball_90": "pinball P90",
    "coverage_90": "coverage P90",
    "accuracy": "accuracy",
    "macro_f1": "macro-F1",
    "top2_accuracy": "top-2 accuracy",
}
NOTES = {
    "ndcg_at_10_judged": "nDCG@10 (raters) scores against rater grades, free of the position "
    "bias in the logged clicks that nDCG@10 uses.",
    "coverage_90": "coverage P90: share of actuals at or below the prediction; a P90 forecast "
    "should land near 0.90, a mean forecast near 0.5-0.6. Gap = distance from 0.90.",
    "pinball_90": "pinball P90: the loss a P90 forecast minimises (late costs 9x early).",
    "detection_delay": "events caught / delay: at the threshold where 1 % of normal points "
    "alert; delay counts points (hours) from an event's start to its first alert.",
    "recall_at_fpr_1pct": "recall @ 1 % FPR: share of positives caught while at most 1 % of "
    "negatives are flagged.",
    "wape": "WAPE: total absolute error over total actual units.",
}
"""One line under the quality table for metrics whose meaning is not obvious."""


@contextmanager
def progress() -> Iterator[Callable[[str], None]]:
    """A spinner with the current stage on stderr; yields the callback the runner calls."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err(),
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None)
        yield lambda message: bar.update(task, description=message)


def data_summary(r: PipelineReport) -> None:
    """What was generated, how it was split and encoded."""
    o = out()

    def label(rate: float) -> str:
        if r.task == "binary":
            return f"{rate:.2%} positive"
        if r.task == "multiclass":
            return f"largest class {rate:.1%}"
        return f"mean label {rate:.2f}" if r.task == "ranking" else f"mean target {rate:,.2f}"

    o.print(f"[bold]{r.case}[/] · {r.task} · {r.data_description}")
    if r.task == "retrieval":
        o.print(f"Split {r.split}; {r.rows_train:,} items indexed")
        o.print(f"Indexed: {r.encoding}")
    else:
        o.print(
            f"Split {r.split}: train {r.rows_train:,} rows ({label(r.positive_rate_train)}),"
            f" test {r.rows_test:,} ({label(r.positive_rate_test)})"
        )
        o.print(f"Features: {r.encoding}")
    if r.oracle is None:
        o.print(
            "[yellow]Your own data has no known ground truth: there is no oracle row and "
            "no gap column.[/]"
        )


def quality_table(r: PipelineReport) -> None:
    """Metrics per model on the test period, the oracle first, gap to it on the primary."""
    primary = r.primary_metric
    table = Table(title="Quality on the test period", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("model", style="bold", no_wrap=True)
    for metric in r.metrics:
        table.add_column(LABELS.get(metric, metric), justify="right", overflow="fold")
        if metric == primary and r.oracle is not None:
            table.add_column("gap", justify="right", overflow="fold")
    if r.oracle is not None:
        truth = {"binary": "the truth", "ranking": "true relevance",
                 "regression": "true mean, P90"}.get(r.task, "true posterior")  # fmt: skip
        table.add_row(f"oracle ({truth})", *_cells(r.oracle, None, r), style="green")
    for m in r.models:
        table.add_row(m.name, *_cells(m.metrics, m.oracle_gap, r))
    out().print(table)
    for metric in r.metrics:
        if metric in NOTES:
            out().print(f"[dim]{NOTES[metric]}[/]")


def _cells(metrics: dict[str, float], gap: dict[str, float] | None, r: PipelineReport) -> list[str]:
    cells = []
    for name in r.metrics:
        value = metrics.get(name, float("nan"))
        cells.append(f"{value:,.2f}" if abs(value) >= 100 else f"{value:.4f}")
        if name == r.primary_metric and r.oracle is not None:
            cells.append("—" if gap is None else f"{gap[name]:+.4f}")
    return cells


def cost_table(r: PipelineReport) -> None:
    """Training time, latency native vs ONNX, throughput, size and parity, all measured."""
    table = Table(
        title="Cost, measured in this run", box=box.SIMPLE_HEAD, title_justify="left", min_width=60
    )
    table.add_column("model", no_wrap=True)
    for col in (
        "train\ns",
        "native µs\np50 / p99",
        "onnx µs\np50 / p99",
        "p99\nspeed-up",
        "batch per s\nnative / onnx",
        "onnx\nsize",
        "parity\nmax diff",
    ):
        table.add_column(col, justify="right", overflow="fold")
    for m in r.models:
        table.add_row(
            m.name,
            f"{m.train_seconds:.2f}",
            _lat(m.latency_native),
            _lat(m.latency_onnx),
            _speedup(m),
            f"{_rate(m.rows_per_second_native)} / {_rate(m.rows_per_second_onnx)}",
            _size(m.onnx_bytes),
            _parity(m, r.task),
        )
    out().print(table)
    out().print(
        f"[dim]Latency: one {r.request} per call (feature lookup excluded); onnx = "
        "onnxruntime with 1 thread. Size in KiB/MiB. Parity: max |native − onnx| on "
        "the test set. Compare within one run: this machine's noise is about ±30 %.[/]"
    )


def _lat(x: Latency | None) -> str:
    return "—" if x is None else f"{x.p50:,.0f} / {x.p99:,.0f}"


def _speedup(m: ModelResult) -> str:
    if m.latency_onnx is None:
        return "—"
    return f"{m.latency_native.p99 / max(m.latency_onnx.p99, 1e-9):.1f}x"


def _rate(x: float | None) -> str:
    if x is None:
        return "—"
    if x >= 1e6:
        return f"{x / 1e6:.0f}M" if x >= 1e7 else f"{x / 1e6:.1f}M"
    return f"{x / 1e3:.0f}k" if x >= 1e4 else f"{x:,.0f}"


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    return f"{n / 1024:.1f}K" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f}M"


def _parity(m: ModelResult, task: str) -> str:
    if m.parity_max_abs_diff is None:
        return "—"
    # float32 sums of hundreds of trees drift by ~1e-4 on targets in the tens (minutes, units)
    tolerance = 1e-3 if task == "regression" else 1e-4
    flag = "" if m.parity_max_abs_diff < tolerance else " [red]DIFFERS[/]"
    return f"{m.parity_max_abs_diff:.0e}{flag}"


def top_features(m: ModelResult, title: str) -> None:
    """The model's largest coefficients or gain shares."""
    if not m.explanation:
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", min_width=60)
    table.add_column("feature")
    table.add_column("weight", justify="right")
    for name, weight in m.explanation:
        table.add_row(name, f"{weight:+.3f}")
    out().print(table)


def model_notes(r: PipelineReport) -> None:
    """The case's own interpretability note, pros and cons for each model."""
    for m in r.models:
        if not (m.interpretability or m.pros or m.cons):
            continue
        out().print(f"[bold]{m.name}[/]  [dim]{m.interpretability}[/]")
        for p in m.pros:
            out().print(f"  [green]+[/] {p}")
        for c in m.cons:
            out().print(f"  [red]−[/] {c}")


def baseline(r: PipelineReport) -> None:
    """`mlsd run-baseline`: the floor beside the oracle, its coefficients, what it means."""
    data_summary(r)
    quality_table(r)
    lr = r.models[0]
    what = {"regression": "+ raises the estimate", "multiclass": "largest across classes",
            "ranking": "+ raises the score"}.get(r.task, "+ raises the odds")  # fmt: skip
    top_features(lr, f"Largest coefficients (standardised features; {what})")
    primary = r.primary_metric
    label = LABELS.get(primary, primary)
    if r.oracle is not None and lr.oracle_gap is not None:
        msg = (
            f"The floor: {lr.name} reaches {label} {lr.metrics[primary]:.4f} against the "
            f"oracle's {r.oracle[primary]:.4f}. Any stronger model must beat this to earn "
            f"its extra cost; at most {lr.oracle_gap[primary]:.4f} is left to win."
        )
        if lr.oracle_gap[primary] <= 0:
            msg = (
                f"The floor: {lr.name} reaches {label} {lr.metrics[primary]:.4f}, level with "
                f"the oracle's {r.oracle[primary]:.4f}: on a test set this small the "
                "difference is noise (no model can beat the truth); try more --rows."
            )
    else:
        msg = (
            f"The floor: {lr.name} reaches {label} {lr.metrics[primary]:.4f}. Any stronger "
            "model must beat this to earn its extra latency, size and opacity."
        )
    out().print(msg)
    out().print("[dim]Next: mlsd compare-models to see what the stronger models buy and cost.[/]")


def comparison(r: PipelineReport) -> None:
    """`mlsd compare-models`: data, quality, cost, and the case's notes per model."""
    data_summary(r)
    quality_table(r)
    cost_table(r)
    gbdt = next((m for m in r.models if m.name == "lightgbm"), None)
    if gbdt is not None:
        top_features(gbdt, "LightGBM: share of total split gain")
    model_notes(r)


def backtest_table(bt: Any) -> None:
    """Each model's primary metric per rolling-origin window, with mean and spread."""
    label = LABELS.get(bt.metric, bt.metric)
    table = Table(title=f"Backtest: {label} per window (rolling origin)", box=box.SIMPLE_HEAD,
                  title_justify="left")  # fmt: skip
    table.add_column("model", style="bold", no_wrap=True)
    for i, f in enumerate(bt.folds, 1):
        table.add_column(f"window {i}\nday {f.start:.0f}-{f.end:.0f}", justify="right")
    table.add_column("mean", justify="right")
    table.add_column("sd", justify="right")
    for name, vals, mean, sd in bt.rows():
        cells = [f"{v:.4f}" for v in vals]
        table.add_row(name, *cells, f"{mean:.4f}", f"{sd:.4f}",
                      style="green" if name == "oracle" else None)  # fmt: skip
    out().print(table)
    first = bt.folds[0]
    out().print(
        f"[dim]Each window's models train only on the rows before it ({first.train_rows:,} "
        "rows for window 1, more for later ones) and are scored on it. A gap between two "
        "models smaller than their sd is not yet evidence.[/]"
    )
