"""Render `mlsd drift` and `mlsd redeploy` reports as tables that read as a lesson."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table

from mlsd.render.console import out
from mlsd.render.pipeline import LABELS

DECISION_STYLE = {"promote": "green", "rollback": "red", "continue": "yellow",
                  "inconclusive": "yellow"}  # fmt: skip
TESTS = {"ks": "KS p", "chi_square": "chi2 p", "wasserstein": "W1/sd", "jensen_shannon": "JS"}


def _severity(f: Any) -> float:
    """Larger for stronger evidence: the distance, or how far the p-value is below its bar."""
    return f.statistic if f.test in ("wasserstein", "jensen_shannon") else -f.statistic


def _first(windows: Any, pick: Any) -> int | None:
    return next((w.index for w in windows if pick(w)), None)


def _when(index: int | None, start: int | None) -> str:
    if index is None:
        return "never"
    if start is None:
        return f"window {index} (a false alarm: nothing drifted)"
    lag = index - start
    return (
        f"window {index} ({'before the drift: a false alarm' if lag < 0 else f'{lag} after onset'})"
    )


def drift(r: Any) -> None:
    """The monitoring table, what was detected when, and the retraining policies."""
    o = out()
    label = LABELS.get(r.metric, r.metric)
    o.print(f"[bold]{r.case}[/] · {r.model} · {label} · scenario [bold]{r.scenario}[/]: "
            f"{escape(r.stream)}")  # fmt: skip
    first = r.windows[0]
    test = first.features[0].test if first.features else "ks"
    o.print(
        f"[dim]Window 0 ({r.window_rows:,} rows) trains the model; window 1 is the labelled "
        f"reference ({label} {r.reference_actual:.3f}). Labels arrive {r.label_delay} "
        f"window(s) late.[/]"
    )
    table = Table(title="Monitoring, window by window", box=box.SIMPLE_HEAD, title_justify="left")
    for col, just in (("window", "right"), ("drift\ninjected", "center"),
                      (f"inputs flagged\n(of {len(first.features)})", "left"),
                      ("score\ndrift", "right"), (f"estimated\n{label}", "right"),
                      (f"actual\n{label}", "right"), ("labels\narrive", "right"),
                      ("Page-Hinkley", "left")):  # fmt: skip
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for w in r.windows:
        flagged = sorted((f for f in w.features if f.drifted), key=_severity, reverse=True)
        names = ", ".join(f"{f.feature} {f.statistic:.2g}" for f in flagged[:3])
        names += f" +{len(flagged) - 3}" if len(flagged) > 3 else ""
        pred = f"{w.prediction.statistic:.3f}" + (" [red]drift[/]" if w.prediction.drifted else "")
        gap = abs(w.estimated - w.actual)
        est = f"{w.estimated:.3f}" + (" [red]![/]" if gap > 0.05 else "")
        alarm = ", ".join(f"[red]alarm[/] on window {a.labels_of}" for a in w.alarms)
        table.add_row(str(w.index), "yes" if w.drifted else "", escape(names) or "[dim]none[/]",
                      pred, est, f"{w.actual:.3f}", f"w{w.labels_at}", alarm)  # fmt: skip
    o.print(table)
    start = r.drift_start
    o.print("[bold]What was detected, and when[/]")
    o.print(f"  inputs:  {_when(_first(r.windows, lambda w: w.flagged), start)}")
    o.print(f"  scores:  {_when(_first(r.windows, lambda w: w.prediction.drifted), start)}")
    o.print(f"  labels:  {_when(_first(r.windows, lambda w: w.alarms), start)} "
            "(Page-Hinkley on the log loss, counted when the labels arrive)")  # fmt: skip
    worst = max(r.windows, key=lambda w: abs(w.estimated - w.actual))
    o.print(f"  largest estimate error: {worst.estimated - worst.actual:+.3f} in window "
            f"{worst.index}")  # fmt: skip
    positives = r.reference_positive_rate * r.window_rows
    if positives < 100:
        o.print(
            f"[yellow]Each window holds about {positives:.0f} positives: a {label} from so few "
            "swings from window to window, estimated or actual. Use more --rows or fewer "
            "--windows for steadier figures.[/]"
        )
    o.print(
        f"[dim]Tests: {'KS / chi-square p-values (Bonferroni-corrected)' if test in ('ks', 'chi_square') else 'normalized Wasserstein / Jensen-Shannon distances, drift above 0.1'}"  # noqa: E501
        f" - with a reference of {r.window_rows:,} rows. At large n a p-value test flags shifts "
        "too small to matter, so distances are used above 1,000 rows; below it distances are "
        "noisy, so p-values are used.[/]"
    )
    o.print(
        "[dim]The estimate is CBPE: the metric's expected value if the reference-calibrated "
        "scores are true probabilities. It follows covariate shift and is blind to concept "
        "drift: when the relation between inputs and label changes, the scores look the "
        "same and the estimate does not move. Only labels reveal it.[/]"
    )
    _policies(r, label)


def _policies(r: Any, label: str) -> None:
    table = Table(title="Retraining policies on the same stream", box=box.SIMPLE_HEAD,
                  title_justify="left")  # fmt: skip
    for col, just in (("policy", "left"), ("rule", "left"), (f"mean {label}", "right"),
                      ("retrains", "right"), ("at windows", "left"), ("train s", "right"),
                      ("delay\n(windows)", "right"), ("false\nalarms", "right")):  # fmt: skip
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    best = max(r.policies, key=lambda p: p.mean)
    for p in r.policies:
        delay = "-" if p.detection_delay is None else str(p.detection_delay)
        table.add_row(p.name, p.rule, f"{p.mean:.4f}", str(len(p.retrains)),
                      ", ".join(map(str, p.retrains)) or "-", f"{p.train_seconds:.2f}", delay,
                      str(p.false_alarms), style="green" if p is best else None)  # fmt: skip
    out().print(table)
    out().print(
        "[dim]Each retrain uses the newest labelled window and serves from the next one. "
        "Delay: windows from the drift's onset to the first retrain after it. Triggered "
        "retraining spends compute only when the labels say the model got worse; periodic "
        "retraining pays every time and reacts on its schedule.[/]"
    )


def redeploy(r: Any) -> None:
    """One table row per strategy, its stages, and what a replay cannot show."""
    o = out()
    o.print(f"[bold]{r.case}[/] · {r.model} · scenario [bold]{r.scenario}[/]: {escape(r.stream)}")
    o.print(
        f"[dim]Champion trained on window {r.champion_window} (before the drift), challenger "
        f"on window {r.challenger_window}; both replayed on the same {r.requests:,} later "
        f"requests from {r.users:,} users, assigned by user. Loss = log loss per request.[/]"
    )
    table = Table(title="Rollout strategies", box=box.SIMPLE_HEAD, title_justify="left")
    for col, just in (("strategy", "left"), ("decision", "left"), ("p-value", "right"),
                      ("requests to\ndecision", "right"), ("users\nexposed", "right"),
                      ("why", "left")):  # fmt: skip
        table.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
    for s in r.strategies:
        p = "-" if s.p_value is None else f"{s.p_value:.3g}"
        style = DECISION_STYLE.get(s.decision, "")
        table.add_row(s.name, f"[{style}]{s.decision}[/]", p, f"{s.requests_to_decision:,}",
                      f"{s.exposed_share:.0%}", escape(s.reason))  # fmt: skip
    o.print(table)
    decided = {s.decision for s in r.strategies if s.decision in ("promote", "rollback")}
    if len(decided) > 1:
        o.print(
            "[yellow]The strategies disagree. The shadow judges decisions at the flag threshold "
            "(the top share of scores, as many as the reference's positives); the others judge "
            "log loss over every request. Which one to trust is a product question: what the "
            "model's output is used for.[/]"
        )
    for s in r.strategies:
        if s.stages:
            _stages(s)
    if r.latency_ms and any(s.name == "shadow" for s in r.strategies):
        lat = r.latency_ms
        o.print(
            f"Shadow cost on the request path (onnxruntime, one request): champion p99 "
            f"{lat['champion_p99_ms']:.3f} ms, both in sequence p99 "
            f"{lat['shadow_in_path_p99_ms']:.3f} ms; run the shadow asynchronously and the "
            "user pays nothing."
        )
    o.print(
        "[dim]What a replay cannot show: feedback loops. These labels came from users who "
        "saw the old system; a model that changes what users see changes the labels it "
        "will be judged on. Only a live canary or A/B test measures that.[/]"
    )


def _stages(s: Any) -> None:
    table = Table(title=f"{s.name}: stages", box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("users on challenger", "requests", "on challenger", "champion loss",
                "challenger loss", "p (worse)", "verdict"):  # fmt: skip
        table.add_column(col, justify="left" if col == "verdict" else "right")
    for st in s.stages:

        def num(key: str, fmt: str, st: dict[str, Any] = st) -> str:
            return format(st[key], fmt) if key in st else "-"

        table.add_row(f"{st['share']:.0%}", f"{st['requests']:,}", f"{st['challenger_requests']:,}",
                      num("champion_loss", ".4f"), num("challenger_loss", ".4f"),
                      num("p_worse", ".3g"), st["verdict"])  # fmt: skip
    out().print(table)
