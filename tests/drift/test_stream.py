"""Drift streams: what each scenario changes, and what it leaves alone."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.content.loader import Catalog
from mlsd.drift.stream import build_stream
from mlsd.errors import UsageError
from mlsd.pipeline.run import generate


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return generate(Catalog([]).case("credit-risk"), 36000, 0)


def test_windows_are_equal_and_drift_starts_in_the_middle(data) -> None:  # type: ignore[no-untyped-def]
    s = build_stream(data, "data", 12, 0)
    assert len(s.windows) == 12 and s.drift_start == 6
    assert {len(w) for w in s.windows} == {36000 // 18}
    assert build_stream(data, "none", 12, 0).drift_start is None


def test_concept_drift_keeps_inputs_and_base_rate_but_changes_labels(data) -> None:  # type: ignore[no-untyped-def]
    none, concept = build_stream(data, "none", 12, 0), build_stream(data, "concept", 12, 0)
    for a, b in zip(none.windows, concept.windows, strict=True):
        for name in a.numeric:
            np.testing.assert_array_equal(a.columns[name], b.columns[name])
    before = none.windows[8].truth
    after = concept.windows[8].truth
    assert abs(after.mean() - before.mean()) < 0.005  # the base rate is restored
    assert np.corrcoef(before, after)[0, 1] < 0.5  # but who is positive has changed
    np.testing.assert_array_equal(none.windows[3].y, concept.windows[3].y)  # not before onset


def test_data_drift_moves_inputs_and_keeps_each_rows_label_model(data) -> None:  # type: ignore[no-untyped-def]
    s = build_stream(data, "data", 12, 0)
    feature = s.shifted[0]
    ref = s.windows[0].columns[feature]
    late = s.windows[9].columns[feature]
    assert (late.mean() - ref.mean()) / ref.std() > 0.3
    # rows are resampled whole, so each row keeps the probability its label was drawn from
    key = {(float(a), float(t)) for a, t in zip(data.columns[feature], data.truth, strict=True)}
    assert all((float(a), float(t)) in key
               for a, t in zip(late, s.windows[9].truth, strict=True))  # fmt: skip


def test_bad_scenario_and_tiny_windows_are_usage_errors(data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="unknown scenario"):
        build_stream(data, "sideways", 12, 0)
    with pytest.raises(UsageError, match="too small"):
        build_stream(data.take(np.arange(3000)), "none", 12, 0)
