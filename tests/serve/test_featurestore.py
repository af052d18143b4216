"""The SQLite feature store: running counters, point-in-time joins, and the naive join's leak."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd.serve.featurestore import FeatureStore, entity_features, running_counts, table_bytes

events = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 50), st.integers(0, 1)), min_size=1, max_size=40
)
asks = st.lists(st.tuples(st.integers(0, 4), st.integers(-1, 52)), min_size=1, max_size=20)


def brute(log: list[tuple[int, float, int]], entity: int, t: float) -> tuple[int, int]:
    """Events and positives of ``entity`` strictly before ``t``."""
    seen = [y for e, ts, y in log if e == entity and ts < t]
    return len(seen), sum(seen)


def distinct_times(raw: list[tuple[int, int, int]]) -> list[tuple[int, float, int]]:
    return [(e, t + i / 1000.0, y) for i, (e, t, y) in enumerate(raw)]


@settings(max_examples=60, deadline=None)
@given(events, asks)
def test_point_in_time_never_sees_the_future(raw: list, ask: list) -> None:  # type: ignore[type-arg]
    log = distinct_times(raw)
    store = FeatureStore()
    ent, ts, y = (np.array(c) for c in zip(*log, strict=True))
    store.ingest(ent, ts, y)
    qe = np.array([e for e, _ in ask])
    qt = np.array([float(t) for _, t in ask])
    got = store.point_in_time(qe, qt)
    want = np.array([brute(log, e, t) for e, t in ask], dtype=float)
    assert np.array_equal(got, want)


@settings(max_examples=40, deadline=None)
@given(events)
def test_the_naive_join_includes_each_rows_own_label(raw: list) -> None:  # type: ignore[type-arg]
    log = distinct_times(raw)
    ent, ts, y = (np.array(c) for c in zip(*log, strict=True))
    store = FeatureStore()
    store.ingest(ent, ts, y)
    pit, latest = store.point_in_time(ent, ts), store.latest(ent)
    # today's values count the row itself (and everything after it): a leak
    assert np.all(latest[:, 0] >= pit[:, 0] + 1)
    assert np.all(latest[:, 1] >= pit[:, 1] + y)
    # ... while the point-in-time join never counts the row's own event
    for i, (e, t, _) in enumerate(log):
        assert tuple(pit[i]) == brute(log, e, t)


def test_running_counts_match_a_loop() -> None:
    rng = np.random.default_rng(0)
    ent, lab = rng.integers(0, 5, 200), rng.integers(0, 2, 200)
    events, positives = running_counts(ent, lab)
    for i in range(200):
        mine = ent[: i + 1] == ent[i]
        assert events[i] == mine.sum() and positives[i] == lab[: i + 1][mine].sum()


def test_online_store_follows_streamed_events() -> None:
    store = FeatureStore()
    store.ingest(np.array([1, 1, 2]), np.array([1.0, 2.0, 3.0]), np.array([1, 0, 1]))
    assert store.lookup(1) == (2, 1) and store.lookup(2) == (1, 1) and store.lookup(9) == (0, 0)
    store.record(1, 4.0, 1)
    assert store.lookup(1) == (3, 2)
    # the history keeps the old value for a join just before the new event
    assert store.point_in_time(np.array([1, 1]), np.array([4.0, 4.5])).tolist() == [
        [2.0, 1.0],
        [3.0, 2.0],
    ]
    assert table_bytes(store.db, "feature_history") > 0 and store.bytes() > 0


def test_entity_features_smooth_toward_the_prior() -> None:
    f = entity_features(np.array([[0.0, 0.0], [100.0, 50.0]]), prior=0.1)
    assert np.allclose(f[:, 0], [0.1, (50 + 2) / 120]) and np.allclose(f[:, 1], [0, np.log(101)])


@settings(max_examples=40, deadline=None)
@given(events, st.integers(-1, 52))
def test_snapshot_equals_point_in_time_for_every_entity(raw: list, at: int) -> None:  # type: ignore[type-arg]
    log = distinct_times(raw)
    ent, ts, y = (np.array(c) for c in zip(*log, strict=True))
    store = FeatureStore()
    store.ingest(ent, ts, y)
    entities, counts = store.snapshot(float(at))
    assert entities.tolist() == sorted({e for e, t, _ in log if t < at})
    for e, c in zip(entities.tolist(), counts, strict=True):
        assert tuple(c) == brute(log, e, at)


def test_a_second_ingest_continues_the_counts() -> None:
    store = FeatureStore()
    store.ingest(np.array([1, 2]), np.array([1.0, 2.0]), np.array([1, 0]))
    store.ingest(np.array([1, 1]), np.array([3.0, 4.0]), np.array([0, 1]))
    assert store.lookup(1) == (3, 2) and store.lookup(2) == (1, 0)
    assert store.point_in_time(np.array([1]), np.array([3.5])).tolist() == [[2.0, 1.0]]


def test_an_incremental_snapshot_reads_only_what_changed() -> None:
    store = FeatureStore()
    store.ingest(np.array([1, 2, 1]), np.array([1.0, 2.0, 5.0]), np.array([1, 0, 0]))
    entities, counts = store.snapshot(6.0, since=3.0)
    assert entities.tolist() == [1] and counts.tolist() == [[2.0, 1.0]]
