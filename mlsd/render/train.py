"""Render `mlsd train`: the engines side by side, and what this run's figures mean."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table

from mlsd.render.console import out
from mlsd.render.pipeline import LABELS

PARITY_TOLERANCE = 1e-4
SAME_SPEED = 1.15  # within this ratio, two timings on this machine are "about the same"


def train(r: Any) -> None:
    """The comparison table, then a few lines reading its figures."""
    o = out()
    o.print(f"[bold]{r.case}[/] · LightGBM with the case's parameters · {r.rows_train:,} "
            f"training rows, {r.rows_test:,} test rows, {r.features} features")  # fmt: skip
    o.print(f"[dim]{escape(_setting(r))}[/]")
    o.print(_table(r))
    if r.single_process is not None:
        o.print("[dim]Cluster start: until every worker is up with LightGBM loaded. Partition: "
                "dealing the rows to the workers and persisting them. ONNX parity: max "
                "|LightGBM − onnxruntime| over the test set.[/]")  # fmt: skip
    for line in _reading(r):
        o.print(line)


def _setting(r: Any) -> str:
    res = r.result
    if r.single_process is None:
        return f"Local: one process with {res.threads} threads on {r.cpu_count} cores."
    where = (f"a running cluster at {r.scheduler}" if r.scheduler else
             f"a LocalCluster on this machine ({r.cpu_count} cores)")  # fmt: skip
    parts = ", ".join(map(str, r.partitions_per_worker or ()))
    return (f"Dask: {where}, {res.workers} workers, {res.threads} threads in all; "
            f"persisted partitions per worker: {parts}.")  # fmt: skip


def _table(r: Any) -> Table:
    """One column per engine, one row per figure: fits 80 columns whatever the metrics."""
    table = Table(title="Training, measured in this run", box=box.SIMPLE_HEAD,
                  title_justify="left")  # fmt: skip
    dask = r.single_process is not None
    runs = [(f"dask ({r.result.workers} workers)", r.result), ("single process",
            r.single_process)] if dask else [("single process", r.result)]  # fmt: skip
    table.add_column("", no_wrap=True)
    for name, _ in runs:
        table.add_column(name, justify="right", no_wrap=True)

    def threads(res: Any) -> str:
        if res.threads % max(res.workers, 1):  # a remote cluster's workers may differ
            return f"{res.workers}, {res.threads} threads"
        return f"{res.workers} × {res.threads // max(res.workers, 1)}"

    def parity(res: Any) -> str:
        flag = "" if res.onnx_parity < PARITY_TOLERANCE else " [red]DIFFERS[/]"
        return f"{res.onnx_parity:.0e}{flag}"

    table.add_row("workers × threads", *(threads(res) for _, res in runs))
    if dask:
        table.add_row("cluster start s", _seconds(r.cluster_start_seconds), "—")
        table.add_row("partition s", _seconds(r.partition_seconds), "—")
    table.add_row("train s", *(_seconds(res.train_seconds) for _, res in runs))
    for metric in r.metrics:
        table.add_row(
            LABELS.get(metric, metric), *(_metric(res.metrics[metric]) for _, res in runs)
        )
    table.add_row("ONNX parity", *(parity(res) for _, res in runs))
    return table


def _metric(x: float) -> str:
    return f"{x:,.2f}" if abs(x) >= 100 else f"{x:.4f}"


def _seconds(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _reading(r: Any) -> list[str]:
    res, single = r.result, r.single_process
    onnx = (f"ONNX: the model exports to {res.onnx_bytes / 1024:.0f} KiB and onnxruntime scores "
            f"the test set within {res.onnx_parity:.0e} of LightGBM.")  # fmt: skip
    if single is None:
        extra = escape('pip install "mlsd[distributed]"')
        return [onnx, f"[dim]Run --engine dask to train the same model on a Dask cluster beside "
                f"this single-process run (needs {extra}).[/]"]  # fmt: skip
    return [_speed(r), _why(r), _quality(r),
            onnx.replace("the model exports", "the Dask model (.to_local()) exports"),
            _cluster(r)]  # fmt: skip


def _speed(r: Any) -> str:
    res, single = r.result, r.single_process
    ratio = res.train_seconds / max(single.train_seconds, 1e-9)
    if ratio > SAME_SPEED:
        verdict = f"{ratio:.1f}x slower than"
    elif ratio < 1 / SAME_SPEED:
        verdict = f"{1 / ratio:.1f}x faster than"
    else:
        verdict = "about as fast as"
    total = (r.cluster_start_seconds or 0) + (r.partition_seconds or 0) + res.train_seconds
    return (f"[bold]Speed[/]: Dask trained in {res.train_seconds:.2f} s, {verdict} the single "
            f"process ({single.train_seconds:.2f} s); {total:.2f} s counting the cluster start "
            "and partitioning.")  # fmt: skip


def _why(r: Any) -> str:
    res, single = r.result, r.single_process
    mib = r.histogram_bytes() / 2**20
    trees = r.params.get("n_estimators", "?")
    if res.workers == 1:
        sync = "with one worker there is nothing to sum, only Dask's scheduling and data hand-off"
    else:
        sync = (f"every split the workers sum their gradient histograms (features × bins), up "
                f"to about {mib:,.0f} MiB per worker over {trees} trees, and LightGBM connects "
                "the workers before the first tree")  # fmt: skip
    if r.scheduler:
        return (f"[bold]Why[/]: the Dask run had the cluster's {res.threads} threads, the single "
                f"process {single.threads} on this machine; distribution costs network time: "
                f"{sync}.")  # fmt: skip
    workers = f"{res.workers} worker process{'es' if res.workers > 1 else ''} × 1 thread"
    hardware = (f"on one machine with {r.cpu_count} cores, {workers} share the cores the single "
                f"process used with {single.threads} threads")  # fmt: skip
    if res.train_seconds * SAME_SPEED < single.train_seconds:
        return (f"[bold]Why[/]: not more hardware: {hardware}. The gap is threading overhead "
                "and noise: one process synchronises its threads many times per tree, which "
                "costs most when other programs compete for the cores. Distribution itself "
                f"only adds cost: {sync}.")  # fmt: skip
    return (f"[bold]Why no speed-up[/]: {hardware}, so there is no extra hardware to gain from, "
            f"only the cost of distribution: {sync}.")  # fmt: skip


def _quality(r: Any) -> str:
    res, single = r.result, r.single_process
    metric = "roc_auc" if "roc_auc" in r.metrics else r.primary
    label = LABELS.get(metric, metric)
    a, b = res.metrics[metric], single.metrics[metric]
    return (f"[bold]Quality[/]: {label} {a:.4f} with Dask against {b:.4f} ({a - b:+.4f}). The "
            "trees are close, not identical: each worker bags its own rows and bins its share "
            "of the features from its own rows.")  # fmt: skip


def _cluster(r: Any) -> str:
    per_worker = r.rows_train / max(r.result.workers, 1)
    head = ("[bold]At scale[/]: " if r.scheduler else "[bold]On a real cluster[/]: the same code "
            "runs unchanged (--scheduler tcp://host:port). ")  # fmt: skip
    return (f"{head}Each worker holds only its partition (here {per_worker:,.0f} rows), so data "
            "too large for one machine still trains; histogram building spreads over the "
            "workers while the all-reduce per split stays the same size, so distribution pays "
            "off with many rows per worker and a fast network.")  # fmt: skip
