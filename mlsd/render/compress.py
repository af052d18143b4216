"""Render `mlsd compress`: one table of variants, what this run's figures show, and when
to reach for each technique."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table

from mlsd.render.console import out

TITLE = "Compressed variants: size, single-row latency and ROC AUC"
WHEN = (
    ("float16", "halves weight storage and barely moves scores; it is faster only on "
     "hardware with float16 arithmetic (GPUs, recent ARM), and ai.onnx.ml operators "
     "(linear models, tree ensembles) stay float32."),
    ("int8", "dynamic quantization stores weights in a quarter of the space and needs no "
     "calibration data, but every call pays to quantize its input, which only large layers "
     "win back; scores move more than with float16, so check the metric. Static "
     "quantization (activation ranges fixed from sample data) removes the per-call step."),
    ("pruning", "keeping the first N trees needs no retraining, and size and latency fall "
     "with the tree count; the later trees carry the fine corrections, so the loss grows as "
     "you cut. Pick N on validation data (early stopping does this at training time)."),
    ("shallow", "shallower trees retrained: fewer nodes per tree and fewer feature "
     "interactions. It costs a retrain, and only a measurement tells whether depth was "
     "earning its bytes on this data."),
    ("distillation", "the student can be a cheaper family than the teacher and can learn "
     "from unlabelled rows the teacher scores; it needs its own training pipeline, and its "
     "capacity caps how much of the teacher it can copy."),
)  # fmt: skip


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def _ratio(r: float) -> str:
    if r >= 1:
        return f"{r:,.0f}×" if r >= 10 else f"{r:.1f}×"
    return f"[red]{r:.2f}×[/]"  # under 1: the variant is larger than its source


def _signed(g: float) -> str:
    """A metric change: 4 decimals, or 1 significant digit when it rounds to zero."""
    return f"{g:+.4f}" if g == 0 or abs(g) >= 5e-5 else f"{g:+.0e}"


def _gap(g: float) -> str:
    style = "red" if g <= -0.01 else "yellow" if g < -0.002 else ""
    return f"[{style}]{_signed(g)}[/]" if style else _signed(g)


def _grid(title: str, rows: list[tuple[str, str]]) -> None:
    """A bold heading and label/text rows, the text wrapping under itself."""
    out().print(f"[bold]{title}[/]")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    for label, text in rows:
        grid.add_row(f"  {label}", text)
    out().print(grid)


def compress(r: Any) -> None:
    """The variants table, then the run's findings and the techniques' trade-offs."""
    o = out()
    o.print(
        f"[bold]{r.case}[/] · {r.train_rows:,} training rows, {r.test_rows:,} test rows "
        f"({r.positive_rate:.2%} positive) · {r.features} features · seed {r.seed}"
    )
    o.print(
        f"[dim]Each row is measured from the variant's own ONNX file: its size, one-row "
        f"latency in onnxruntime (one thread, {r.latency_calls:,} calls), ROC AUC on the test "
        "period. gap = variant − source ROC AUC. parity = largest |score − source's score| "
        "over the test rows; on an uncompressed row (italic), ONNX against the training "
        "library.[/]"
    )
    teacher = next((v.source for v in r.variants if v.technique == "distillation"), None)
    caption = "Rows are grouped by source model; smaller = source size / variant size."
    if teacher:
        caption += f" The distilled student's teacher is {teacher}."
    table = Table(title=TITLE, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False,
                  caption=caption, caption_justify="left", caption_style="dim")  # fmt: skip
    table.add_column("variant", no_wrap=True)
    for col in ("size", "smaller", "p50 µs", "p99 µs", "ROC AUC", "gap", "parity"):
        table.add_column(col, justify="right")
    previous = None
    for v in r.variants:
        family = v.source if v.technique != "distillation" else "distillation"
        if previous is not None and family != previous:
            table.add_section()
        previous = family
        own = v.technique == "none"
        parity = v.export_parity if own else v.parity
        table.add_row(
            f"[bold]{v.name}[/]" if own else v.name, _kb(v.bytes),
            "" if own else _ratio(v.size_ratio), f"{v.p50_us:.0f}", f"{v.p99_us:.0f}",
            f"{v.roc_auc:.4f}", "" if own else _gap(v.gap),
            "" if parity is None else (f"[italic]{parity:.0e}[/]" if own else f"{parity:.0e}"),
        )  # fmt: skip
    o.print(table)
    findings = _findings(r)
    if findings:
        _grid("What this run shows", findings)
    if r.skipped:
        _grid("Not built", [(escape(x.name), escape(x.reason)) for x in r.skipped])
    _grid("When to use each", [(name, text[0].upper() + text[1:]) for name, text in WHEN])
    o.print("[dim]Latency: the variants take turns on the same rows, so a busy moment hits all "
            "of them; it still varies by about ±30 % between runs, so compare within one run. "
            "Sizes and scores repeat for a seed.[/]")  # fmt: skip


def _latency(src: Any, v: Any) -> str:
    return f"p50 {src.p50_us:.0f} → {v.p50_us:.0f} µs, p99 {src.p99_us:.0f} → {v.p99_us:.0f} µs"


def _findings(r: Any) -> list[tuple[str, str]]:
    """(variant, what its figures show) for each compressed variant of this run."""
    explain = {"float16": _float16, "int8": _int8, "pruning": _pruning, "shallow": _shallow}
    lines: list[tuple[str, str]] = []
    for v in r.variants:
        src = r.variant(v.source)
        if src is None or v.technique == "none":
            continue
        if v.technique == "distillation":
            lines.append((v.name, _distillation(r, v, src)))
        elif v.technique in explain:
            lines.append((v.name, explain[v.technique](v, src)))
    return lines


def _size(src: Any, v: Any) -> str:
    a, b = _kb(src.bytes), _kb(v.bytes)
    return f"{src.bytes:,} → {v.bytes:,} bytes" if a == b else f"{a} → {b}"


def _float16(v: Any, src: Any) -> str:
    why = ("close to the 2× of halving every weight" if v.size_ratio >= 1.6 else
           "the graph's nodes and names, not its weights, make up most of a file this "
           "small")  # fmt: skip
    if v.bytes > src.bytes:
        why = ("the Cast nodes that keep the inputs and outputs float32 outweigh the bytes "
               "saved in a file this small")  # fmt: skip
    change = "grew" if v.bytes > src.bytes else f"went ({v.size_ratio:.2f}× smaller)"
    return (f"Halved {v.source}'s weight tensors ({src.tensor_bytes:,} → {v.tensor_bytes:,} "
            f"bytes); the file {change} {_size(src, v)}: {why}. ROC AUC "
            f"{_signed(v.gap)}, scores within {v.parity:.0e}; {_latency(src, v)}.")  # fmt: skip


def _int8(v: Any, src: Any) -> str:
    text = f"Cut {v.source}'s weight tensors {src.tensor_bytes:,} → {v.tensor_bytes:,} bytes"
    if v.bytes > src.bytes:
        text += (f", but the file grew {_size(src, v)}: each quantized layer adds a scale, a "
                 "zero point and nodes to quantize its input and rescale its output, more than "
                 f"the {src.tensor_bytes - v.tensor_bytes:,} bytes saved")  # fmt: skip
    else:
        text += f"; the file shrank {_size(src, v)} ({v.size_ratio:.1f}× smaller)"
    text += f". ROC AUC {_signed(v.gap)}, scores within {v.parity:.2f}; {_latency(src, v)}"
    if v.p50_us > src.p50_us:
        return text + (" (quantizing each input at run time costs more than the integer "
                       "products save at this size).")  # fmt: skip
    return text + "."


def _pruning(v: Any, src: Any) -> str:
    verdict = (" (no loss: the dropped trees were not helping on the test period)"
               if v.gap >= 0 else "")  # fmt: skip
    return (f"{v.detail.split(',')[0].capitalize()}: {_size(src, v)} ({v.size_ratio:.1f}× "
            f"smaller), ROC AUC {_signed(v.gap)}{verdict}; {_latency(src, v)}.")  # fmt: skip


def _shallow(v: Any, src: Any) -> str:
    verdict = ("the case's deeper trees were not earning their bytes in this run" if v.gap >= 0
               else "the deeper trees' interactions were worth that much")  # fmt: skip
    return (f"{v.detail.capitalize()}: {_size(src, v)} ({v.size_ratio:.1f}× smaller), ROC AUC "
            f"{_signed(v.gap)}: {verdict}; {_latency(src, v)}.")  # fmt: skip


def _distillation(r: Any, v: Any, teacher: Any) -> str:
    text = (f"The student reaches ROC AUC {v.roc_auc:.4f}, {_signed(v.gap)} against its "
            f"teacher {teacher.name}, at {v.size_ratio:,.0f}× smaller")  # fmt: skip
    hard = r.variant("logistic-regression")
    if hard is None:
        return text + "."
    diff = v.roc_auc - hard.roc_auc
    if abs(diff) < 0.002:
        verdict = ("soft labels bought almost nothing, since a linear student cannot represent "
                   f"{teacher.name}'s interactions whatever labels it learns from")  # fmt: skip
    elif diff > 0:
        verdict = "the teacher's scores carried signal the 0/1 labels did not"
    else:
        verdict = "copying the teacher cost more than it taught"
    return (
        f"{text}; the same model fit to the 0/1 labels scored {hard.roc_auc:.4f} "
        f"({_signed(diff)}): {verdict}."
    )
