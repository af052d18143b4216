"""`run_serve` end to end on small data: the leak shows, online equals point-in-time, shapes."""

from __future__ import annotations

from typing import Any

import pytest

from mlsd.content.loader import Catalog
from mlsd.serve.run import run_serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report() -> Any:
    case = Catalog([]).case("ad-click-prediction")
    return run_serve(case, requests=3000, zipfs=(0.8, 1.1), ttls=(0, 60), rows=20_000)


def test_the_naive_join_inflates_offline_auc(report: Any) -> None:
    fs = report.feature_store
    assert fs.entity == "user_id" and not fs.synthetic_entities
    assert fs.naive.offline_auc > fs.point_in_time.offline_auc + 0.01
    # the naive model's offline figure overstates its future one by more than the honest one
    naive_gap = fs.naive.offline_auc - fs.naive.future_auc
    honest_gap = fs.point_in_time.offline_auc - fs.point_in_time.future_auc
    assert naive_gap > honest_gap + 0.01


def test_online_reads_equal_the_point_in_time_join(report: Any) -> None:
    fs = report.feature_store
    assert fs.online_matches_point_in_time
    assert fs.history_rows == 20_000 and fs.lookup.calls == 4_000
    assert 0 < fs.lookup.p50 <= fs.lookup.p99


def test_modes_are_measured(report: Any) -> None:
    online, batch = report.modes
    assert (online.name, batch.name) == ("online", "batch")
    assert online.roc_auc == report.feature_store.point_in_time.future_auc
    assert online.coverage == 1.0 and online.staleness_hours_max == 0
    assert 0 < batch.coverage < 1 and 0 < batch.staleness_hours_median < 24
    assert batch.staleness_hours_max <= 24 and batch.details["batch_runs"] >= 2
    assert batch.storage_bytes > 0 and online.storage_bytes > 0
    assert batch.details["rows_per_second"] > 0 and 0 < batch.details["unused_share"] < 1
    for m in report.modes:
        assert 0 < m.p50_us <= m.p99_us


def test_cache_grid_and_json(report: Any) -> None:
    data = report.to_json()
    assert [(c["zipf"], c["ttl_seconds"]) for c in data["cache"]] == [
        (0.8, 0), (0.8, 60), (1.1, 0), (1.1, 60),
    ]  # fmt: skip
    no_cache = [c for c in data["cache"] if c["ttl_seconds"] == 0]
    assert all(c["hit_rate"] == 0 and c["stale_rate"] == 0 for c in no_cache)
    hot = {c["zipf"]: c["hit_rate"] for c in data["cache"] if c["ttl_seconds"] == 60}
    assert hot[1.1] > hot[0.8] > 0
    assert {"p50_us", "p99_us"} <= set(data["cache"][0])
    fs = data["feature_store"]
    for key in ("naive_join", "point_in_time", "future"):
        assert 0.5 < fs[key]["roc_auc"] < 1
    assert set(fs["online_lookup_us"]) == {"p50", "p99"}
    assert [m["name"] for m in data["modes"]] == ["online", "batch"]


def test_a_case_without_ids_gets_synthetic_entities() -> None:
    case = Catalog([]).case("credit-risk")
    r = run_serve(case, requests=1000, zipfs=(1.0,), ttls=(30,), rows=8_000)
    assert r.feature_store.synthetic_entities and r.feature_store.online_matches_point_in_time
    assert len(r.cache) == 1 and r.cache[0].hits > 0
