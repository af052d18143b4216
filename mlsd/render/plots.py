"""Terminal plots (plotext) for `compare-models`, `drift` and `serve`.

Every ``*_plots`` function takes a report and returns its plots as strings (given
``width`` and ``color`` it reads nothing else, and plotext's state is cleared after use),
each at most ``width`` columns wide (the results console's width, capped at 100) and
about ``HEIGHT`` rows tall, so two fit a 100x40 terminal. Series differ by their marker
character as well as their colour, and the legend is a line of text under the plot,
so a plot reads the same without colour: with ``color=False`` (the default when
NO_COLOR is set or stdout has no colour) the very same characters are returned without
ANSI escapes. :func:`show` prints plots through the shared console and :func:`wanted`
decides whether to draw them at all. plotext is imported only while a plot is built.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mlsd.render.console import note, out
from mlsd.render.pipeline import LABELS

HEIGHT = 16  # rows of one plot: title, canvas, tick labels and axis label; the legend follows
MAX_WIDTH = 100
MIN_WIDTH = 40
SKIPPED = "plots skipped: stdout is not a terminal; pass --plot to draw them anyway"
P_FLOOR = 1e-30  # p-values are drawn as -log10 p, at most 30

# (marker, colour) pairs: each series' marker alone tells it apart when colour is off
SERIES = (("*", "blue+"), ("+", "orange"), ("x", "magenta+"), ("#", "cyan+"), ("%", "red+"),
          ("@", "yellow"), ("&", "blue"), ("=", "magenta"))  # fmt: skip
ORACLE = ("o", "green+")
GUIDE = (".", "gray")
ONSET = (":", "red")
ALARM = ("!", "yellow")
INDENT = "    "  # the legend starts under the plot's frame
LEGEND_GAP = "   "
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


@dataclass(frozen=True)
class Series:
    """One line of a plot; an empty ``label`` keeps it out of the legend."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    marker: str
    color: str


def finite_points(xs: Iterable[float], ys: Iterable[float]) -> tuple[list[float], list[float]]:
    """The (x, y) pairs whose coordinates are both finite numbers (NaN points skipped)."""
    pairs = [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
    kept = [(x, y) for x, y in pairs if math.isfinite(x) and math.isfinite(y)]
    return [x for x, _ in kept], [y for _, y in kept]


def plot_width() -> int:
    """The results console's width, capped at ``MAX_WIDTH`` (COLUMNS, or 120 when piped)."""
    return max(MIN_WIDTH, min(out().width, MAX_WIDTH))


def color_enabled() -> bool:
    """Colour unless NO_COLOR is set (non-empty) or the results console has no colour."""
    return os.environ.get("NO_COLOR", "") == "" and out().color_system is not None


def figure(title: str, series: Sequence[Series], *, width: int, color: bool, xlabel: str = "",
           xticks: tuple[Sequence[float], Sequence[str]] | None = None,
           xlim: tuple[float, float] | None = None, ylim: tuple[float, float] | None = None,
           yticks: tuple[Sequence[float], Sequence[str]] | None = None,
           height: int = HEIGHT) -> str:  # fmt: skip
    """Build one plot with plotext and return it, legend line(s) last.

    The legend lists ``series`` in order, and the first is drawn last, on top: put the
    main series first and guides (chance, thresholds, markers) last. Non-finite points
    are skipped; a series left with no point is neither drawn nor listed.
    """
    import plotext as plt

    plt.clf()
    plt.limitsize(False, False)
    plt.plotsize(width, height - 1)  # the title is a line of its own, above
    plt.theme("clear")
    drawn: list[Series] = []
    for s in reversed(series):
        xs, ys = finite_points(s.x, s.y)
        if not xs:
            continue
        plt.plot(xs, ys, marker=s.marker, color=s.color)
        drawn.insert(0, s)
    heading = (title if len(title) <= width else title[: width - 1] + "…").center(width).rstrip()
    if not drawn:
        plt.clf()
        return f"{heading}\n{INDENT}(nothing to plot: no finite values)"
    if xlabel:
        plt.xlabel(xlabel)
    if xticks is not None:
        plt.xticks(list(xticks[0]), list(xticks[1]))
    if yticks is not None:
        plt.yticks(list(yticks[0]), list(yticks[1]))
    if xlim is not None:
        plt.xlim(*xlim)
    if ylim is not None:
        plt.ylim(*ylim)
    text = plt.build()
    plt.clf()
    text = TRAILING.sub(r"\1", text.rstrip("\n"))
    legend = _legend([s for s in drawn if s.label], width, color)
    if color:
        heading = heading.replace(heading.strip(), f"\x1b[1m{heading.strip()}\x1b[0m")
    full = heading + "\n" + text + ("\n" + legend if legend else "")
    return full if color else ANSI.sub("", full)


def _legend(series: Sequence[Series], width: int, color: bool) -> str:
    """``marker label`` items packed into lines of ``width``, each marker in its colour."""
    if not series:
        return ""
    room = width - len(INDENT)
    lines: list[list[tuple[str, Series]]] = [[]]
    used = 0
    for s in series:
        label = s.label if len(s.label) <= room - 3 else s.label[: room - 4] + "…"
        size = len(label) + 3 + (len(LEGEND_GAP) if lines[-1] else 0)
        if lines[-1] and used + size > room:
            lines.append([])
            used, size = 0, len(label) + 3
        lines[-1].append((label, s))
        used += size
    marks = {id(s): s.marker * 2 for s in series}
    if color:
        from plotext import colorize

        marks = {id(s): str(colorize(s.marker * 2, s.color)) for s in series}
    return "\n".join(INDENT + LEGEND_GAP.join(f"{marks[id(s)]} {label}" for label, s in line)
                     for line in lines)  # fmt: skip


def _span(values: Iterable[float], floor: float | None = None, ceiling: float | None = None,
          pad: float = 0.05) -> tuple[float, float]:  # fmt: skip
    """A y range around the finite ``values`` with a little room, clipped to the bounds."""
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    room = (hi - lo) * pad or max(abs(hi) * pad, 0.01)
    lo, hi = lo - room, hi + room
    if floor is not None:
        lo = max(lo, floor)
    if ceiling is not None:
        hi = min(hi, ceiling)
    return lo, hi


def _vertical(label: str, x: float, ylim: tuple[float, float], style: tuple[str, str]) -> Series:
    return Series(label, [x, x], list(ylim), *style)


def _int_ticks(values: Sequence[int], width: int) -> tuple[list[float], list[str]]:
    """Every value as a tick, or every n-th one when their labels would not fit."""
    if not values:
        return [], []
    room = max((width - 8) // (max(len(str(v)) for v in values) + 2), 1)
    step = max(1, math.ceil(len(values) / room))
    picked = list(values[::step])
    return [float(v) for v in picked], [str(v) for v in picked]


def _styles(n: int) -> list[tuple[str, str]]:
    return [SERIES[i % len(SERIES)] for i in range(n)]


# --- compare-models ---------------------------------------------------------------------------


def comparison_missing(r: Any) -> str | None:
    """Why a compare-models report has no plot, or None when it has one."""
    if any(m.curves is not None for m in r.models) or r.oracle_curves is not None:
        return None
    return f"no plot for {r.task} tasks yet: plots cover binary and ranking cases"


def comparison_plots(r: Any, width: int | None = None, color: bool | None = None) -> list[str]:
    """Binary: the ROC or precision-recall curve and the reliability diagram of every model
    and the oracle. Ranking: nDCG@k across k. Other tasks: none.

    The oracle is listed after the models and drawn under them, so they stay visible
    where they touch it.
    """
    width = plot_width() if width is None else width
    color = color_enabled() if color is None else color
    models = [m for m in r.models if m.curves is not None]
    scorers = [(m.name, m.curves, style) for m, style in zip(models, _styles(len(models)),
                                                              strict=True)]  # fmt: skip
    if r.oracle_curves is not None:
        scorers.append(("oracle", r.oracle_curves, ORACLE))
    if not scorers:
        return []
    curves = [Series(name, c.x, c.y, *style) for name, c, style in scorers]
    kind = scorers[0][1].kind
    if kind == "ndcg":
        grades = "judged grades" if r.primary_metric.endswith("_judged") else "labels"
        ks = [int(k) for k in scorers[0][1].x]
        return [figure(f"nDCG@k on the test requests ({grades}), every model and the oracle",
                       curves, width=width, color=color, xlabel="k (top results counted)",
                       xticks=_int_ticks(ks, width), xlim=(0.5, max(ks) + 0.5),
                       ylim=_span(v for s in curves for v in s.y))]  # fmt: skip
    if kind == "roc":
        guide = Series("chance", [0.0, 1.0], [0.0, 1.0], *GUIDE)
        title, xlabel = "ROC curve, test period: true positive rate", "false positive rate"
    else:
        rate = r.positive_rate_test
        guide = Series(f"chance (positive rate {rate:.1%})", [0.0, 1.0], [rate, rate], *GUIDE)
        title, xlabel = "Precision-recall curve, test period: precision", "recall"
    first = figure(title, [*curves, guide], width=width, color=color, xlabel=xlabel,
                   xlim=(0.0, 1.0), ylim=(0.0, 1.0))  # fmt: skip
    return [first, calibration_plot(scorers, width, color)]


def calibration_plot(scorers: Sequence[tuple[str, Any, tuple[str, str]]], width: int,
                     color: bool) -> str:  # fmt: skip
    """Observed positive rate against the mean score per equal-mass bin, with the diagonal."""
    values = [v for _, c, _ in scorers for b in c.reliability for v in (b.predicted, b.observed)]
    hi = _span([*values, 0.0], floor=0.0, ceiling=1.0)[1]
    series = [Series(name, [b.predicted for b in c.reliability],
                     [b.observed for b in c.reliability], *style)
              for name, c, style in scorers]  # fmt: skip
    series.append(Series("perfectly calibrated", [0.0, hi], [0.0, hi], *GUIDE))
    rows = sorted({b.rows for _, c, _ in scorers for b in c.reliability})
    size = f"{rows[0]:,}" if len(rows) == 1 else f"{rows[0]:,}-{rows[-1]:,}" if rows else "0"
    n_bins = max(len(c.reliability) for _, c, _ in scorers)
    return figure(f"Calibration, test period: observed positive rate ({n_bins} bins of {size} "
                  "rows)", series, width=width, color=color, xlabel="mean predicted probability",
                  xlim=(0.0, hi), ylim=(0.0, hi))  # fmt: skip


# --- drift ------------------------------------------------------------------------------------


def _severity(f: Any) -> float:
    """What plot 2 draws: the distance, or -log10 p for p-value tests (at most 30)."""
    if f.test in ("ks", "chi_square"):
        return -math.log10(min(max(f.statistic, P_FLOOR), 1.0))
    return float(f.statistic)


def _line_threshold(f: Any) -> float:
    return -math.log10(max(f.threshold, P_FLOOR)) if f.test in ("ks", "chi_square") else f.threshold


def drift_plots(r: Any, width: int | None = None, color: bool | None = None) -> list[str]:
    """The primary metric per window (actual, estimated, each policy) and the drift
    statistic of the three most drifted inputs, with the onset and the alarms marked."""
    width = plot_width() if width is None else width
    color = color_enabled() if color is None else color
    return [drift_metric_plot(r, width, color), drift_feature_plot(r, width, color)]


def drift_metric_plot(r: Any, width: int, color: bool) -> str:
    """Actual and estimated metric per monitored window, and each policy's per window.

    ``PolicyResult.per_window[i]`` is the window ``r.windows[i]`` (both start at the
    first monitored window, 2). Every policy serves the monitored model until it first
    retrains, so its values equal the actual ones up to that window: a policy is drawn
    from its first retrain on, and one that never retrains is named beside "actual"
    instead of drawn over it (checked on the values, not assumed). Where a policy has
    the very values of one drawn over it, its legend says so.
    """
    label = LABELS.get(r.metric, r.metric)
    xs = [w.index for w in r.windows]
    actual = [w.actual for w in r.windows]
    policies = [p for p in r.policies if len(p.per_window) == len(xs)]
    same = [p.name for p in policies if _same(p.per_window, actual)]
    also = f" (= polic{'y' if len(same) == 1 else 'ies'} {', '.join(same)})" if same else ""
    series = [
        Series("actual" + also, xs, actual, *SERIES[0]),
        Series("estimated (CBPE)", xs, [w.estimated for w in r.windows], *SERIES[1]),
    ]
    above: list[tuple[str, int, Sequence[float]]] = []  # policies drawn so far (on top)
    for p, style in zip((p for p in policies if p.name not in same), SERIES[2:], strict=False):
        start = xs.index(p.retrains[0]) if p.retrains and p.retrains[0] in xs else 0
        if not _same(p.per_window[:start], actual[:start]):
            start = 0
        notes = [f"retrains {', '.join(map(str, p.retrains))}"] if p.retrains else []
        for name, other_start, values in above:
            hidden = [xs[i] for i in range(max(start, other_start) + 1, len(xs))
                      if _same(p.per_window[i : i + 1], values[i : i + 1])]  # fmt: skip
            if hidden:
                notes.append(f"= {name} in {_windows(hidden)}")
        name = f"policy {p.name}" + (f" ({'; '.join(notes)})" if notes else "")
        series.append(Series(name, xs[start:], list(p.per_window[start:]), *style))
        above.append((p.name, start, p.per_window))
    ylim = _span([v for s in series for v in s.y] + [r.reference_actual])
    guide = Series(f"reference {r.reference_actual:.3f}", [xs[0], xs[-1]],
                   [r.reference_actual] * 2, *GUIDE)  # fmt: skip
    marks = [guide]
    if r.drift_start is not None:
        marks.append(_vertical("drift onset", r.drift_start, ylim, ONSET))
    return figure(f"{label} per window: actual, estimated without labels, per retraining policy",
                  [*series, *marks], width=width, color=color, xlabel="window",
                  xticks=_int_ticks(xs, width), xlim=(xs[0] - 0.5, xs[-1] + 0.5),
                  ylim=ylim)  # fmt: skip


def _windows(indices: Sequence[int]) -> str:
    """``[3, 4, 5, 8]`` as ``"3-5, 8"``."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _same(a: Sequence[float], b: Sequence[float]) -> bool:
    return len(a) == len(b) and all(
        (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, abs_tol=1e-12)
        for x, y in zip(a, b, strict=True)
    )


def drift_feature_plot(r: Any, width: int, color: bool, top: int = 3) -> str:
    """The drift statistic of the ``top`` most drifted inputs per window, the threshold,
    the drift onset and the windows where Page-Hinkley alarmed on the labelled loss."""
    xs = [w.index for w in r.windows]
    names = [f.feature for f in r.windows[0].features] if r.windows else []
    if not names:
        return "Input drift: no input columns were tested"
    by_name = {n: [next(f for f in w.features if f.feature == n) for w in r.windows]
               for n in names}  # fmt: skip
    ranked = sorted(names, key=lambda n: -max(_severity(f) for f in by_name[n]))[:top]
    first = by_name[ranked[0]][0]
    p_test = first.test in ("ks", "chi_square")
    threshold = _line_threshold(first)
    series = [Series(n, xs, [_severity(f) for f in by_name[n]], *style)
              for n, style in zip(ranked, SERIES, strict=False)]  # fmt: skip
    ylim = _span([v for s in series for v in s.y] + [threshold, 0.0], floor=0.0)
    bar = f"p = {first.threshold:.2g}" if p_test else f"{threshold:g}"
    marks = [Series(f"drift threshold {bar}", [xs[0], xs[-1]], [threshold] * 2, *GUIDE)]
    if r.drift_start is not None:
        marks.append(_vertical("drift onset", r.drift_start, ylim, ONSET))
    alarms = [w.index for w in r.windows if w.alarms]
    for k, x in enumerate(alarms):
        marks.append(_vertical("Page-Hinkley alarm (labels)" if k == 0 else "", x, ylim, ALARM))
    what = ("-log10 p (higher: stronger evidence)" if p_test
            else "normalized distance from the reference")  # fmt: skip
    return figure(f"Input drift, {len(ranked)} most drifted inputs: {what}",
                  [*series, *marks], width=width, color=color, xlabel="window",
                  xticks=_int_ticks(xs, width), xlim=(xs[0] - 0.5, xs[-1] + 0.5),
                  ylim=ylim)  # fmt: skip


# --- serve ------------------------------------------------------------------------------------


def _ttl_label(ttl: float) -> str:
    if math.isinf(ttl):
        return "never"
    return "0 (off)" if ttl == 0 else f"{ttl:g} s"


def serve_plots(r: Any, width: int | None = None, color: bool | None = None) -> list[str]:
    """Hit rate and stale rate against the TTL, one line each per popularity skew."""
    width = plot_width() if width is None else width
    color = color_enabled() if color is None else color
    ttls: list[float] = []
    for c in r.cache:
        if c.ttl_seconds not in ttls:
            ttls.append(c.ttl_seconds)
    zipfs: list[float] = []
    for c in r.cache:
        if c.zipf not in zipfs:
            zipfs.append(c.zipf)
    if not ttls:
        return []
    pos = {t: i for i, t in enumerate(ttls)}
    hit_styles, stale_styles = SERIES[0::2], SERIES[1::2]
    series = []
    for k, z in enumerate(zipfs):
        rows = sorted((c for c in r.cache if c.zipf == z), key=lambda c: pos[c.ttl_seconds])
        x = [float(pos[c.ttl_seconds]) for c in rows]
        series.append(Series(f"hit rate, zipf {z:g}", x, [100 * c.hit_rate for c in rows],
                             *hit_styles[k % len(hit_styles)]))  # fmt: skip
        series.append(Series(f"stale, zipf {z:g}", x, [100 * c.stale_rate for c in rows],
                             *stale_styles[k % len(stale_styles)]))  # fmt: skip
    highest = max(100 * max(c.hit_rate, c.stale_rate) for c in r.cache)
    step = 10 if highest <= 45 else 20
    top = min(100, max(step, math.ceil(highest * 1.05 / step) * step))
    ticks = list(range(0, top + 1, step))
    return [figure("Prediction cache: hit rate and stale answers (share of requests) by TTL",
                   series, width=width, color=color, xlabel="cache TTL",
                   xticks=(list(map(float, range(len(ttls)))), [_ttl_label(t) for t in ttls]),
                   xlim=(-0.3, len(ttls) - 0.7), ylim=(0.0, float(top)),
                   yticks=([float(t) for t in ticks], [f"{t}%" for t in ticks]))]  # fmt: skip


# --- printing and the decision ----------------------------------------------------------------


def show(plots: Sequence[str]) -> None:
    """Print plots through the shared results console, a blank line before each."""
    from rich.text import Text

    o = out()
    for plot in plots:
        o.print()
        o.print(Text.from_ansi(plot), soft_wrap=True, no_wrap=True, overflow="ignore")


def draw(flag: bool | None, build: Callable[[Any], Sequence[str]], report: Any,
         missing: str | None = None) -> None:  # fmt: skip
    """Build and print ``report``'s plots with ``build`` when :func:`wanted` says so."""
    if wanted(flag, missing):
        show(build(report))


def wanted(flag: bool | None, missing: str | None = None) -> bool:
    """Whether to draw: ``flag`` is --plot (True), --no-plot (False) or neither (None).

    Neither draws when stdout is a terminal and otherwise notes the skip on stderr.
    ``missing`` says why this report has no plot: noted when --plot was given, silent
    otherwise. (Callers never draw with --json.)
    """
    if flag is False:
        return False
    if missing is not None:
        if flag:
            note(missing)
        return False
    if flag or out().is_terminal:
        return True
    note(SKIPPED)
    return False
