"""Generators: deterministic, shaped as the case says, and the oracle is never beaten."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.errors import UsageError
from mlsd.pipeline import registry
from mlsd.pipeline.generators.base import build, intercept_for_rate, sigmoid, zipf_ids
from mlsd.pipeline.generators.click_log import ClickLog
from mlsd.pipeline.generators.moderation import ContentModeration

GENERATORS = [ClickLog(), ContentModeration()]


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: type(g).__name__)
def test_same_seed_same_data(gen: object) -> None:
    a, b = gen.generate(3000, seed=7), gen.generate(3000, seed=7)  # type: ignore[attr-defined]
    assert np.array_equal(a.y, b.y) and np.array_equal(a.truth, b.truth)
    for col in a.columns:
        assert np.array_equal(a.columns[col], b.columns[col])
    c = gen.generate(3000, seed=8)  # type: ignore[attr-defined]
    assert not np.array_equal(a.truth, c.truth)


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: type(g).__name__)
def test_schema_time_order_and_rate(gen: object) -> None:
    ds = gen.generate(20_000, seed=1)  # type: ignore[attr-defined]
    assert np.all(np.diff(ds.time) >= 0)
    assert set(ds.numeric) | set(ds.categorical) | set(ds.ids) == set(ds.columns)
    assert all(len(v) == len(ds) for v in ds.columns.values())
    assert np.all((ds.truth > 0) & (ds.truth < 1))
    target = gen.positive_rate  # type: ignore[attr-defined]
    assert abs(ds.truth.mean() - target) < 1e-3  # the intercept is solved for the rate
    assert abs(ds.y.mean() - target) < 4 * np.sqrt(target / len(ds)) + 1e-3


def test_every_registered_generator_resolves() -> None:
    from importlib import import_module

    from mlsd.pipeline.retrieval import RetrievalData

    for name, path in registry.GENERATORS.items():
        module, cls = path.split(":")
        gen = getattr(import_module(module), cls)()
        ds = gen.generate(1000, seed=0)
        if isinstance(ds, RetrievalData):
            assert ds.corpus.n_items > 0 and len(ds.test) > 0, name
            assert all(len(o) > 0 for o in ds.test.oracle), name
        else:
            assert abs(len(ds) - 1000) < 50, name  # whole requests, days or hours
            task = "ranking" if ds.group is not None else "multiclass" if ds.classes else None
            task = task or ("regression" if ds.y.dtype.kind == "f" else "binary")
            assert registry.GENERATOR_TASKS[name] == task, name


def test_ids_are_power_law() -> None:
    ids = zipf_ids(np.random.default_rng(0), 50_000, 1000, 1.0)
    counts = np.bincount(ids, minlength=1000)
    assert counts[0] > 10 * np.median(counts)


def test_cold_start_ads_appear_only_late() -> None:
    gen = ClickLog(new_ad_share=0.3)
    ds = gen.generate(20_000, seed=3)
    assert np.all(ds.columns["ad_age_days"] >= 0)
    early_ads = set(ds.columns["ad_id"][ds.time < 0.7 * gen.days])
    late_ads = set(ds.columns["ad_id"][ds.time > 0.75 * gen.days])
    assert late_ads - early_ads, "some ads should be new in the last quarter"


def test_intercept_hits_rate() -> None:
    z = np.random.default_rng(0).normal(0, 2, 10_000)
    b = intercept_for_rate(z, 0.02)
    assert sigmoid(z + b).mean() == pytest.approx(0.02, abs=1e-6)


def test_build_rejects_unknown_and_bad_params() -> None:
    with pytest.raises(UsageError, match="unknown generator parameter"):
        build(ClickLog, {"colour": 1})
    with pytest.raises(UsageError, match="positive_rate"):
        build(ClickLog, {"positive_rate": 0.9})


def test_payment_labels_arrive_late_only_in_training() -> None:
    from mlsd.pipeline.generators.risk import Payments

    ds = Payments().generate(200_000, seed=0)
    cut = round(len(ds) * 0.8)
    recent = (ds.time[:cut] > ds.time[cut] - 10) & (np.arange(cut) < cut)
    # recent training fraud is under-reported; the test period's labels have matured
    assert ds.y[:cut][recent].mean() < 0.7 * ds.truth[:cut][recent].mean()
    assert abs(ds.y[cut:].mean() - ds.truth[cut:].mean()) < 0.0006


def test_protected_group_is_audited_but_never_a_feature() -> None:
    from mlsd.pipeline.generators.risk import LoanApplications

    ds = LoanApplications().generate(5_000, seed=0)
    assert "group" in ds.columns
    assert "group" not in (*ds.numeric, *ds.categorical, *ds.ids)
    # income is a proxy: it differs by group
    incomes = ds.columns["income"]
    assert np.median(incomes[ds.columns["group"] == 1]) < np.median(
        incomes[ds.columns["group"] == 0]
    )
