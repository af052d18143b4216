"""`mlsd serve`: online vs batch prediction, a feature store, and a prediction cache.

One run on a binary case's synthetic data, split by time (the first 80 % is history,
the last 20 % the future that gets served):

1. **Feature store.** Each row is an event of an *entity* (the case's id column with the
   most distinct values, e.g. the user; a case without ids gets synthetic entities).
   Per-entity counters are kept in a SQLite feature store (see
   :mod:`mlsd.serve.featurestore`). Two logistic regressions are trained on the
   history, one on a naive join (today's counter values) and one on a point-in-time
   join, each scored offline (a later slice of the history, joined the same way) and
   on the truly future rows, whose counters are what the online store held at request
   time.
2. **Online vs batch.** The point-in-time model, exported to ONNX, serves the future
   rows online (store read + onnxruntime per request) and from a daily batch
   (every known entity scored at midnight with its last-seen context).
3. **Cache.** A Zipf request stream over entities whose features change in virtual
   time goes through a TTL cache in front of the online path (see
   :mod:`mlsd.serve.cache`).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from mlsd.content.schema import Case
from mlsd.errors import UsageError
from mlsd.pipeline import evaluate
from mlsd.pipeline.generators.base import TEST_SHARE, Dataset, zipf_ids
from mlsd.pipeline.measure import Latency, latency, throughput
from mlsd.pipeline.models import Inputs, build_model
from mlsd.serve.cache import CacheResult, replay, zipf_stream
from mlsd.serve.featurestore import SMOOTHING, FeatureStore, entity_features, table_bytes

Progress = Callable[[str], None]
OFFLINE_VALID_SHARE = 0.25  # the latest quarter of the history is the offline validation slice
TIMED_REQUESTS = 3000  # future requests timed through the online and batch paths
COMMIT_EVERY = 500  # streamed events per commit, as a consumer commits micro-batches
CACHE_ENTITIES = 10_000
REQUEST_RATE = 20.0  # virtual requests per second in the cache replay
UPDATE_EVERY_S = 600.0  # mean virtual seconds between changes to one entity's features
SYNTHETIC_ROWS_PER_ENTITY = 10
DAY = 1.0  # the generators' time unit is the day
MODEL = "logistic-regression"


@dataclass(frozen=True)
class Join:
    """One way of joining entity features to the history, and what it led to."""

    offline_auc: float  # validation slice of the history, joined the same way
    future_auc: float  # future rows, features as the online store served them


@dataclass(frozen=True)
class FeatureStoreResult:
    entity: str
    synthetic_entities: bool
    entities: int
    history_rows: int
    history_bytes: int
    naive: Join
    point_in_time: Join
    lookup: Latency
    online_matches_point_in_time: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "synthetic_entities": self.synthetic_entities,
            "entities": self.entities,
            "history_rows": self.history_rows,
            "history_bytes": self.history_bytes,
            "naive_join": {"roc_auc": self.naive.offline_auc,
                           "future_roc_auc": self.naive.future_auc},
            "point_in_time": {"roc_auc": self.point_in_time.offline_auc,
                              "future_roc_auc": self.point_in_time.future_auc},
            "future": {"roc_auc": self.point_in_time.future_auc,
                       "naive_model_roc_auc": self.naive.future_auc},
            "online_lookup_us": {"p50": self.lookup.p50, "p99": self.lookup.p99},
            "online_matches_point_in_time": self.online_matches_point_in_time,
        }  # fmt: skip


@dataclass(frozen=True)
class ModeResult:
    """Online or batch prediction, measured on the same future requests."""

    name: str
    p50_us: float
    p99_us: float
    roc_auc: float
    storage_bytes: int
    coverage: float  # share of requests that got a model prediction (not a fallback)
    staleness_hours_median: float
    staleness_hours_max: float
    details: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "p50_us": self.p50_us, "p99_us": self.p99_us,
                "roc_auc": self.roc_auc, "storage_bytes": self.storage_bytes,
                "coverage": self.coverage,
                "staleness_hours": {"median": self.staleness_hours_median,
                                    "max": self.staleness_hours_max},
                **self.details}  # fmt: skip


@dataclass(frozen=True)
class ServeReport:
    """Everything `mlsd serve` prints."""

    case: str
    rows: int
    history_rows: int
    future_rows: int
    model: str
    modes: tuple[ModeResult, ...]
    feature_store: FeatureStoreResult
    cache: tuple[CacheResult, ...]
    cache_setup: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "model": self.model,
            "rows": {"history": self.history_rows, "future": self.future_rows},
            "modes": [m.to_json() for m in self.modes],
            "feature_store": self.feature_store.to_json(),
            "cache_setup": self.cache_setup,
            "cache": [c.to_json() for c in self.cache],
        }


def parse_floats(text: str, option: str, minimum: float, allow_inf: bool = False) -> list[float]:
    """``"0,10,60"`` as floats, each at least ``minimum``; a one-line usage error otherwise."""
    values = []
    for part in text.split(","):
        word = part.strip().lower()
        try:
            value = float("inf") if allow_inf and word in ("inf", "never") else float(word)
        except ValueError:
            raise UsageError(
                f"{option} takes comma-separated numbers (got {part.strip()!r})"
            ) from None
        if np.isnan(value) or (np.isinf(value) and not allow_inf):
            raise UsageError(f"{option} values must be finite numbers (got {part.strip()})")
        if value < minimum:
            raise UsageError(f"{option} values must be at least {minimum:g} (got {part.strip()})")
        values.append(value)
    return sorted(set(values))


def _entities(data: Dataset, seed: int) -> tuple[str, np.ndarray, bool]:
    """The entity column (most distinct values), as int codes; synthetic when there is none."""
    if data.ids:
        col = max(data.ids, key=lambda c: len(np.unique(data.columns[c])))
        return col, np.unique(data.columns[col], return_inverse=True)[1].astype(np.int64), False
    n = max(len(data) // SYNTHETIC_ROWS_PER_ENTITY, 50)
    keys = zipf_ids(np.random.default_rng(seed + 7), len(data), n, 1.0).astype(np.int64)
    return "entity (synthetic)", keys, True


@dataclass
class _Frame:
    """The encoded request context of every row, and everything the steps share."""

    data: Dataset
    keys: np.ndarray
    X: np.ndarray  # encoded context (the case's inputs without ids)
    history: np.ndarray  # row indices of the history (time order)
    future: np.ndarray
    prior: float


def _frame(data: Dataset, keys: np.ndarray, seed: int) -> _Frame:
    from mlsd.pipeline.features import TabularEncoder

    order = np.argsort(data.time, kind="mergesort")
    data, keys = data.take(order), keys[order]
    cut = round(len(data) * (1 - TEST_SHARE))
    context = replace(data, ids=())  # entity history comes from the feature store instead
    encoder = TabularEncoder(random_state=seed)
    hist = context.take(np.arange(cut))
    encoder.fit_transform(hist)
    X = encoder.transform(context)
    return _Frame(data, keys, X, np.arange(cut), np.arange(cut, len(data)),
                  float(data.y[:cut].mean()))  # fmt: skip


def _fit(frame: _Frame, rows: np.ndarray, counts: np.ndarray, seed: int, params: dict[str, Any],
         ) -> Any:  # fmt: skip
    X = np.hstack([frame.X[rows], entity_features(counts, frame.prior)])
    model = build_model(MODEL, params, seed)
    return model.fit(Inputs(X, frame.data.take(rows)))


def _auc(model: Any, frame: _Frame, rows: np.ndarray, counts: np.ndarray) -> float:
    X = np.hstack([frame.X[rows], entity_features(counts, frame.prior)])
    return evaluate.roc_auc(frame.data.y[rows], model.predict(Inputs(X, frame.data.take(rows))))


def _feature_store(frame: _Frame, store: FeatureStore, entity: str, synthetic: bool,
                   params: dict[str, Any], seed: int, tell: Progress,
                   ) -> tuple[FeatureStoreResult, Any, np.ndarray]:  # fmt: skip
    d, keys, hist, fut = frame.data, frame.keys, frame.history, frame.future
    tell("writing the history to the feature store")
    written = store.ingest(keys[hist], d.time[hist], d.y[hist])
    valid_from = round(len(hist) * (1 - OFFLINE_VALID_SHARE))
    fit_rows, valid_rows = hist[:valid_from], hist[valid_from:]
    tell("building training sets: naive and point-in-time joins")
    naive_counts = store.latest(keys[hist])
    pit_counts = store.point_in_time(keys[hist], d.time[hist])
    naive = _fit(frame, fit_rows, naive_counts[:valid_from], seed, params)
    pit = _fit(frame, fit_rows, pit_counts[:valid_from], seed, params)
    tell("serving the future from the online store")
    served, lookup_lat = _replay_online(store, keys[fut], d.time[fut], d.y[fut])
    future_counts = store.point_in_time(keys[fut], d.time[fut])
    result = FeatureStoreResult(
        entity, synthetic, len(np.unique(keys)), written + len(fut), store.bytes("feature_history"),
        Join(_auc(naive, frame, valid_rows, naive_counts[valid_from:]),
             _auc(naive, frame, fut, future_counts)),
        Join(_auc(pit, frame, valid_rows, pit_counts[valid_from:]),
             _auc(pit, frame, fut, future_counts)),
        lookup_lat, bool(np.array_equal(served, future_counts)),
    )  # fmt: skip
    return result, pit, np.hstack([frame.X[fut], entity_features(future_counts, frame.prior)])


def _replay_online(store: FeatureStore, keys: np.ndarray, times: np.ndarray, labels: np.ndarray,
                   ) -> tuple[np.ndarray, Latency]:  # fmt: skip
    """Read each future request's counters by key, then record its event as it happens."""
    clock = time.perf_counter_ns
    served = np.empty((len(keys), 2))
    took = []
    for i, (k, t, y) in enumerate(zip(keys.tolist(), times.tolist(), labels.tolist(),
                                      strict=True)):  # fmt: skip
        start = clock()
        served[i] = store.lookup(k)
        took.append(clock() - start)
        store.record(k, t, y)
        if i % COMMIT_EVERY == COMMIT_EVERY - 1:
            store.commit()
    store.commit()
    p50, p99 = np.percentile(np.asarray(took) / 1000.0, [50, 99])
    return served, Latency(float(p50), float(p99), len(took))


def _online_mode(frame: _Frame, store: FeatureStore, scorer: Any, pit_auc: float,
                 seed: int) -> ModeResult:  # fmt: skip
    """Per request: read the entity's counters from the online store, build the row, score."""
    fut = frame.future
    picks = np.random.default_rng(seed).choice(fut, size=min(TIMED_REQUESTS, len(fut)))
    x = np.empty((1, frame.X.shape[1] + 2), dtype=np.float32)
    prior = frame.prior
    width = frame.X.shape[1]

    def handle(i: int) -> float:
        events, positives = store.lookup(int(frame.keys[i]))
        x[0, :width] = frame.X[i]
        x[0, width] = (positives + SMOOTHING * prior) / (events + SMOOTHING)
        x[0, width + 1] = np.log1p(events)
        return float(scorer.predict(x)[0])

    lat = latency(handle, list(picks))
    inference = latency(lambda i: scorer.predict(x), list(picks))
    return ModeResult("online", lat.p50, lat.p99, pit_auc, store.bytes("online_features"), 1.0,
                      0.0, 0.0,
                      {"inference_p50_us": inference.p50, "inference_p99_us": inference.p99,
                       "requests_timed": float(lat.calls)})  # fmt: skip


def _batch_mode(frame: _Frame, store: FeatureStore, batch: Any, folder: Path,
                seed: int) -> ModeResult:  # fmt: skip
    """Score every known entity at each midnight; serve the newest score by key."""
    import sqlite3

    d, keys, fut = frame.data, frame.keys, frame.future
    t_fut = d.time[fut]
    runs = np.arange(np.floor(t_fut.min() / DAY) * DAY, t_fut.max(), DAY)
    served = np.full(len(fut), frame.prior)
    covered = np.zeros(len(fut), dtype=bool)
    age = np.zeros(len(fut))
    scored = used = 0
    seconds = 0.0
    db = sqlite3.connect(str(folder / "batch_predictions.sqlite"))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE predictions (entity INTEGER PRIMARY KEY, scored_at REAL, score REAL)")
    biggest = np.zeros((0, frame.X.shape[1] + 2), dtype=np.float32)
    job = time.perf_counter()
    known: dict[int, tuple[float, float]] = {}  # the job's entity table, kept between runs
    previous = -np.inf
    for k, start in enumerate(runs):
        before = np.flatnonzero(d.time < start)
        if len(before) == 0:
            continue
        changed, fresh = store.snapshot(float(start), since=previous)  # incremental read
        known.update(zip(changed.tolist(), map(tuple, fresh.tolist()), strict=True))
        previous = float(start)
        ents, last = np.unique(keys[before][::-1], return_index=True)
        last_rows = before[::-1][last]  # each entity's newest row before the run
        counts = np.array([known[e] for e in ents.tolist()], dtype=np.float64)
        X = np.hstack([frame.X[last_rows], entity_features(counts, frame.prior)])
        began = time.perf_counter()
        scores = batch.predict(X)
        seconds += time.perf_counter() - began
        if len(X) > len(biggest):
            biggest = X
        with db:
            db.execute("DELETE FROM predictions")
            db.executemany("INSERT INTO predictions VALUES (?, ?, ?)",
                           zip(ents.tolist(), [float(start)] * len(ents), scores.tolist(),
                               strict=True))  # fmt: skip
        end = runs[k + 1] if k + 1 < len(runs) else np.inf
        today = (t_fut >= start) & (t_fut < end)
        pos = np.clip(np.searchsorted(ents, keys[fut][today]), 0, len(ents) - 1)
        hit = ents[pos] == keys[fut][today]
        idx = np.flatnonzero(today)
        served[idx[hit]] = scores[pos[hit]]
        covered[idx[hit]] = True
        age[idx] = (t_fut[today] - start) * 24.0
        scored += len(ents)
        used += len(np.unique(keys[fut][today][hit]))
    job_seconds = time.perf_counter() - job
    storage = table_bytes(db, "predictions")
    sample = np.random.default_rng(seed).choice(fut, size=min(TIMED_REQUESTS, len(fut)))

    def lookup(i: int) -> float | None:
        row = db.execute("SELECT score FROM predictions WHERE entity = ?",
                         (int(keys[i]),)).fetchone()  # fmt: skip
        return None if row is None else float(row[0])

    lat = latency(lookup, list(sample))
    rows_per_s = throughput(lambda: batch.predict(biggest), len(biggest)) if len(biggest) else 0.0
    db.close()
    auc = evaluate.roc_auc(d.y[fut], served)
    return ModeResult("batch", lat.p50, lat.p99, auc, storage, float(covered.mean()),
                      float(np.median(age)), float(age.max()),
                      {"batch_runs": float(len(runs)), "rows_per_second": rows_per_s,
                       "batch_score_seconds": seconds,
                       "job_seconds_per_run": job_seconds / max(len(runs), 1),
                       "unused_share": 1.0 - used / scored if scored else 0.0})  # fmt: skip


def _cache(rows: np.ndarray, scorer: Any, folder: Path, zipfs: Sequence[float],
           ttls: Sequence[float], requests: int, seed: int, tell: Progress,
           ) -> tuple[tuple[CacheResult, ...], dict[str, float]]:  # fmt: skip
    """Replay each skew's stream through each TTL, with the real online path on a miss.

    An entity's feature vector is one of the future rows' model inputs; a feature change
    swaps it for another row's, as a profile or counter update would.
    """
    import sqlite3

    rng = np.random.default_rng(seed + 3)
    n_entities = min(CACHE_ENTITIES, max(len(rows) // 2, 100))
    initial = rng.integers(0, len(rows), n_entities)
    db = sqlite3.connect(str(folder / "online_vectors.sqlite"))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE vectors (entity INTEGER PRIMARY KEY, vector BLOB)")
    width = rows.shape[1]

    def reset() -> None:
        with db:
            db.execute("DELETE FROM vectors")
            db.executemany(
                "INSERT INTO vectors VALUES (?, ?)",
                ((e, rows[r].tobytes()) for e, r in enumerate(initial.tolist())),
            )

    def serve(entity: int) -> float:
        blob = db.execute("SELECT vector FROM vectors WHERE entity = ?", (entity,)).fetchone()[0]
        return float(scorer.predict(np.frombuffer(blob, dtype=np.float32).reshape(1, width))[0])

    reset()
    for entity in rng.integers(0, n_entities, 200).tolist():  # warm the page cache and session
        serve(entity)
    results = []
    for z in zipfs:
        stream = zipf_stream(requests, n_entities, z, REQUEST_RATE, UPDATE_EVERY_S, seed)
        new_rows = rng.integers(0, len(rows), len(stream.update_keys))
        for ttl in ttls:
            tell(f"cache replay: zipf {z:g}, TTL {ttl:g} s")
            reset()
            pending = iter(new_rows.tolist())

            def update(entity: int, pending: Any = pending) -> None:
                db.execute("UPDATE vectors SET vector = ? WHERE entity = ?",
                           (rows[next(pending)].tobytes(), entity))  # fmt: skip

            results.append(replay(stream, ttl, serve, update))
    db.close()
    setup = {"entities": float(n_entities), "requests": float(requests),
             "virtual_requests_per_second": REQUEST_RATE,
             "mean_seconds_between_feature_changes": UPDATE_EVERY_S,
             "virtual_span_seconds": requests / REQUEST_RATE}  # fmt: skip
    return tuple(results), setup


def run_serve(case: Case, requests: int = 20_000, zipfs: Sequence[float] = (0.8, 1.1),
              ttls: Sequence[float] = (0, 10, 60, 300), seed: int = 0, rows: int | None = None,
              progress: Progress | None = None) -> ServeReport:  # fmt: skip
    """Measure feature-store joins, online vs batch serving, and caching on ``case``."""
    from mlsd.pipeline.export import to_onnx
    from mlsd.pipeline.run import generate, require_binary
    from mlsd.pipeline.serving import OnnxScorer

    require_binary(case, "serve")
    if not 1_000 <= requests <= 1_000_000:
        raise UsageError(f"--requests takes 1000 to 1000000 (got {requests})")
    if not zipfs or not ttls:
        raise UsageError("--zipf and --ttl each need at least one value")
    tell = progress or (lambda _msg: None)
    params = next((m.params for m in case.pipeline.models if m.name == MODEL), {})
    tell("generating data")
    data = generate(case, rows, seed)
    assert isinstance(data, Dataset)
    entity, keys, synthetic = _entities(data, seed)
    tell("encoding the request context")
    frame = _frame(data, keys, seed)
    with tempfile.TemporaryDirectory(prefix="mlsd-serve-") as tmp:
        folder = Path(tmp)
        store = FeatureStore(folder / "features.sqlite")
        try:
            fs, model, future_rows = _feature_store(frame, store, entity, synthetic, params, seed,
                                                    tell)  # fmt: skip
            tell("exporting the point-in-time model to ONNX")
            onnx = to_onnx(model, frame.X.shape[1] + 2)
            assert onnx is not None
            online, batch = OnnxScorer(onnx, online=True), OnnxScorer(onnx, online=False)
            tell("timing online requests")
            online_mode = _online_mode(frame, store, online, fs.point_in_time.future_auc, seed)
            tell("running the daily batch")
            modes = (online_mode, _batch_mode(frame, store, batch, folder, seed))
        finally:
            store.close()
        cache, setup = _cache(future_rows, online, folder, zipfs, ttls, requests, seed, tell)
    return ServeReport(case.id, len(data), len(frame.history), len(frame.future), MODEL, modes,
                       fs, cache, setup)  # fmt: skip
