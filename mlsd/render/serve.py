"""Render `mlsd serve`: online vs batch, the feature-store joins, and the cache replay."""

from __future__ import annotations

import math
from typing import Any

from rich import box
from rich.table import Table

from mlsd.render.console import out

MODE_NOTES = {
    "online": (
        "pick it when the answer depends on the request (query, ad, context) or on "
        "features fresher than a day; costs a feature read and a model call on every "
        "request, and a serving fleet sized for peak traffic"
    ),
    "batch": (
        "pick it when entities are few and known ahead (daily recommendations, risk "
        "scores, email targeting); serving is a key read, but scores are hours old, new "
        "entities get a fallback, and most precomputed scores are never read"
    ),
}


def _us(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.1f}"


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"


def _ttl_phrase(ttl: float) -> str:
    return "no expiry" if math.isinf(ttl) else f"a {ttl:g} s TTL"


def _ttl(ttl: float) -> str:
    if math.isinf(ttl):
        return "never expires"
    return "no cache" if ttl == 0 else f"{ttl:g} s"


def serve(r: Any) -> None:
    """All three sections, each with what this run's figures show."""
    o = out()
    o.print(f"[bold]{r.case}[/] · {r.model} · {r.history_rows:,} history rows, "
            f"{r.future_rows:,} future rows served")  # fmt: skip
    modes(r)
    feature_store(r.feature_store)
    cache(r)


def modes(r: Any) -> None:
    o = out()
    t = Table(title="Online vs batch prediction, on the same future requests",
              box=box.SIMPLE_HEAD, title_justify="left")  # fmt: skip
    for col in ("mode", "p50 µs", "p99 µs", "ROC AUC", "input age", "coverage", "storage"):
        t.add_column(col, justify="left" if col == "mode" else "right")
    for m in r.modes:
        age = "at request time"
        if m.staleness_hours_max > 0:
            age = f"median {m.staleness_hours_median:.1f} h, max {m.staleness_hours_max:.1f} h"
        t.add_row(m.name, _us(m.p50_us), _us(m.p99_us), f"{m.roc_auc:.3f}", age,
                  f"{m.coverage:.1%}", _bytes(m.storage_bytes))  # fmt: skip
    o.print(t)
    by = {m.name: m for m in r.modes}
    online, batch = by["online"], by["batch"]
    d = online.details
    share = d["inference_p50_us"] / online.p50_us if online.p50_us else 0.0
    most = "the model call" if share >= 0.5 else "the feature read and building the row"
    o.print(f"Online: a store read plus onnxruntime per request; the model call alone is "
            f"p50 {_us(d['inference_p50_us'])} µs, p99 {_us(d['inference_p99_us'])} µs "
            f"({share:.0%} of the median request), so {most} is most of the cost.")  # fmt: skip
    b = batch.details
    o.print(
        f"Batch: {b['batch_runs']:.0f} nightly runs scored every known entity; the model "
        f"scores {b['rows_per_second']:,.0f} rows/s and a whole run (as-of join, scoring, "
        f"writing the table) took {b['job_seconds_per_run']:.2f} s. {b['unused_share']:.0%} "
        f"of those scores were never requested before the next run, and "
        f"{1 - batch.coverage:.1%} of requests came from entities the batch had not seen "
        f"(they got the base rate)."
    )
    gap = batch.roc_auc - online.roc_auc
    o.print(f"Batch ROC AUC is {gap:+.3f} against online: a midnight score knows only the "
            f"entity's last-seen context, not this request's, and its counters are "
            f"{batch.staleness_hours_median:.0f} h old at the median.")  # fmt: skip
    for name, note in MODE_NOTES.items():
        o.print(f"[dim]{name}: {note}.[/]")


def feature_store(fs: Any) -> None:
    o = out()
    o.print()
    what = "synthetic entities (this case has no id column)" if fs.synthetic_entities \
        else f"entity = {fs.entity}"  # fmt: skip
    t = Table(title=f"Feature store: how the training join changes what you measure ({what})",
              box=box.SIMPLE_HEAD, title_justify="left")  # fmt: skip
    for col in ("training data built with", "offline ROC AUC", "future ROC AUC",
                "offline − future"):  # fmt: skip
        t.add_column(col, justify="left" if col.startswith("training") else "right")
    for name, j in (("naive join (today's values)", fs.naive),
                    ("point-in-time join", fs.point_in_time)):  # fmt: skip
        t.add_row(name, f"{j.offline_auc:.3f}", f"{j.future_auc:.3f}",
                  f"{j.offline_auc - j.future_auc:+.3f}")  # fmt: skip
    o.print(t)
    inflated = fs.naive.offline_auc - fs.point_in_time.offline_auc
    cost = fs.naive.future_auc - fs.point_in_time.future_auc
    o.print(f"The naive join looked {inflated:+.3f} better offline and was {cost:+.3f} on future "
            f"traffic: today's counters include each training row's own label and every later "
            f"one, a signal no request ever has.")  # fmt: skip
    check = "equal" if fs.online_matches_point_in_time else "DO NOT equal"
    o.print(f"Online reads by key: p50 {_us(fs.lookup.p50)} µs, p99 {_us(fs.lookup.p99)} µs over "
            f"{fs.lookup.calls:,} requests; they {check} the point-in-time join for the same "
            f"requests, which is what makes training and serving consistent.")  # fmt: skip
    size = _bytes(fs.history_bytes)
    o.print(f"[dim]Offline history: {fs.history_rows:,} timestamped rows ({size}) "
            f"for {fs.entities:,} entities, in SQLite. At scale Redis or DynamoDB (or Feast's "
            f"online store) take the online table's place and a warehouse holds the history; "
            f"the contract stays: latest by key online, as-of joins offline.[/]")  # fmt: skip


def cache(r: Any) -> None:
    o = out()
    o.print()
    s = r.cache_setup
    t = Table(title="Prediction cache in front of the online path", box=box.SIMPLE_HEAD,
              title_justify="left")  # fmt: skip
    for col in ("zipf", "TTL", "hit rate", "stale answers", "p50 µs", "p99 µs", "mean µs"):
        t.add_column(col, justify="right")
    for c in r.cache:
        t.add_row(f"{c.zipf:g}", _ttl(c.ttl_seconds), f"{c.hit_rate:.1%}", f"{c.stale_rate:.2%}",
                  _us(c.percentile(50)), _us(c.percentile(99)),
                  _us(float(c.latencies_us.mean())))  # fmt: skip
    o.print(t)
    o.print(f"[dim]{s['requests']:,.0f} requests over {s['entities']:,.0f} entities at "
            f"{s['virtual_requests_per_second']:g}/s of virtual time "
            f"({s['virtual_span_seconds']:,.0f} s); each entity's features change every "
            f"{s['mean_seconds_between_feature_changes']:g} s on average. A hit is a dict read; "
            f"a miss reads SQLite and calls onnxruntime. Stale = answered from features that "
            f"had changed since the cached score.[/]")  # fmt: skip
    for line in cache_lessons(r.cache, s):
        o.print(line)


def cache_lessons(results: Any, setup: dict[str, float] | None = None) -> list[str]:
    """Sentences drawn from this run's cache figures (empty where a comparison is missing)."""
    lines = []
    by_zipf: dict[float, list[Any]] = {}
    for c in results:
        by_zipf.setdefault(c.zipf, []).append(c)
    skew = max(by_zipf)
    rows = sorted(by_zipf[skew], key=lambda c: c.ttl_seconds)
    base = next((c for c in rows if c.ttl_seconds == 0), None)
    cached = [c for c in rows if c.ttl_seconds > 0]
    finite = [c for c in cached if not math.isinf(c.ttl_seconds)]
    if base is not None and cached:
        best = (finite or cached)[-1]
        lines.append(
            f"p50 moves, p99 does not: at zipf {skew:g} with {_ttl_phrase(best.ttl_seconds)}, "
            f"the cache answered {best.hit_rate:.0%} of requests, so p50 went from "
            f"{_us(base.percentile(50))} to {_us(best.percentile(50))} µs, but p99 was "
            f"{_us(best.percentile(99))} µs, still a miss (misses took p50 "
            f"{_us(best.percentile(50, 'miss'))}, p99 {_us(best.percentile(99, 'miss'))} µs). "
            f"With {1 - best.hit_rate:.0%} misses, the slowest 1% are all misses: only a hit "
            f"rate above 99% moves p99."
        )
    if len(cached) >= 2:
        lo, hi = cached[0], cached[-1]
        lines.append(
            f"TTL trades freshness for hits: from {_ttl_phrase(lo.ttl_seconds)} to "
            f"{_ttl_phrase(hi.ttl_seconds)}, the hit rate rose from {lo.hit_rate:.0%} to "
            f"{hi.hit_rate:.0%} and stale answers from {lo.stale_rate:.1%} to {hi.stale_rate:.1%}."
        )
    forever = next((c for c in cached if math.isinf(c.ttl_seconds)), None)
    if forever is not None and forever.hits:
        share = forever.stale / forever.hits
        if share > 0.5:
            why = "a cache without a TTL (or invalidation on update) mostly serves old answers"
        else:
            span = (setup or {}).get("virtual_span_seconds", float("nan"))
            why = (
                f"the share only grows the longer it runs (this replay spans {span:,.0f} s "
                f"of virtual time), so a cache without a TTL needs invalidation on update"
            )
        lines.append(f"With no expiry, {share:.0%} of cache hits were stale: {why}.")
    if len(by_zipf) >= 2:
        flat = min(by_zipf)
        ttl = max(c.ttl_seconds for c in cached) if cached else None
        a = next((c for c in by_zipf[flat] if c.ttl_seconds == ttl), None)
        b = next((c for c in by_zipf[skew] if c.ttl_seconds == ttl), None)
        if a is not None and b is not None and ttl:
            lines.append(
                f"Skew decides what a cache can do: with {_ttl_phrase(ttl)} the hit rate was "
                f"{a.hit_rate:.0%} at zipf {flat:g} against {b.hit_rate:.0%} at zipf {skew:g}."
            )
    return lines
