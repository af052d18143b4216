"""Tests for loading a user's CSV as a pipeline Dataset."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from mlsd.content.schema import ModelSpec
from mlsd.errors import UsageError
from mlsd.pipeline.csvdata import NO_TIME_NOTE, CsvData, load_csv
from mlsd.pipeline.run import Experiment, run


def write(tmp_path: Path, text: str, name: str = "data.csv", bom: bool = False) -> Path:
    """Write ``text`` as UTF-8 (optionally with a BOM) and return the path."""
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def csv_text(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    """A CSV document from a header and rows (no quoting needed by these tests)."""
    return "\n".join([",".join(header)] + [",".join(str(v) for v in r) for r in rows]) + "\n"


def clean_rows(n: int = 200) -> list[list[object]]:
    """``n`` rows of (x1, x2, color, y) with a 0/1 target, 30 % positive."""
    colors = ["red", "green", "blue"]
    return [[i * 0.5, i % 7, colors[i % 3], int(i % 10 < 3)] for i in range(n)]


def load_text(tmp_path: Path, text: str, target: str = "y", **kwargs: object) -> CsvData:
    """Write ``text`` and load it."""
    return load_csv(write(tmp_path, text), target, **kwargs)  # type: ignore[arg-type]


def has_note(data: CsvData, phrase: str) -> bool:
    """Whether any note contains ``phrase``."""
    return any(phrase in note for note in data.notes)


# ---------------------------------------------------------------- clean and messy files


def test_clean_file_types_codes_and_shapes(tmp_path: Path) -> None:
    text = csv_text(["x1", "x2", "color", "y"], clean_rows())
    out = load_csv(write(tmp_path, text, name="churn.csv"), "y")
    ds = out.dataset
    assert ds.numeric == ("x1", "x2")
    assert ds.categorical == ("color",)
    assert ds.ids == ()
    assert len(ds) == 200
    assert all(len(v) == 200 for v in ds.columns.values())
    assert ds.columns["x1"].dtype == np.float64
    assert ds.columns["x1"][3] == pytest.approx(1.5)
    assert ds.levels["color"] == ("blue", "green", "red")
    assert ds.columns["color"][:3].tolist() == [2, 1, 0]  # red, green, blue
    assert ds.y.tolist() == [int(i % 10 < 3) for i in range(200)]
    assert ds.y.mean() == pytest.approx(0.3)
    assert out.positive_label == "1"
    assert np.isnan(ds.truth).all() and ds.truth.shape == (200,)
    assert ds.time.tolist() == list(range(200))
    assert NO_TIME_NOTE in out.notes
    assert has_note(out, "'1' is the positive class")
    assert ds.description == "200 rows from churn.csv: 2 numeric, 1 categorical, 0 id columns"


def test_messy_file_imputes_and_keeps_missing_level(tmp_path: Path) -> None:
    rows = []
    for i in range(120):
        x = " NA " if i % 10 == 0 else ("?" if i == 1 else f" {i} ")
        city = "" if i % 4 == 0 else (" Paris " if i % 2 else "Oslo")
        rows.append([x, city, "Yes" if i % 3 == 0 else "no"])
    rows[5][0] = "null"
    out = load_csv(write(tmp_path, csv_text([" x ", "city", " target "], rows), bom=True), "target")
    ds = out.dataset
    assert ds.numeric == ("x",) and ds.categorical == ("city",)
    present = [i for i in range(120) if i % 10 != 0 and i not in (1, 5)]
    median = float(np.median(present))
    imputed = ds.columns["x"][[0, 1, 5, 10]]
    assert imputed.tolist() == [median] * 4
    assert ds.columns["x"][7] == 7.0
    assert has_note(out, f"'x': 14 missing values imputed with the median ({median:g})")
    assert ds.levels["city"] == ("(missing)", "Oslo", "Paris")
    assert ds.columns["city"][:4].tolist() == [0, 2, 1, 2]
    assert has_note(out, "30 missing values kept as a '(missing)' level")
    assert out.positive_label == "Yes"
    assert ds.y.tolist() == [int(i % 3 == 0) for i in range(120)]


@pytest.mark.parametrize(
    ("labels", "positive"),
    [
        (("true", "False"), "true"),
        (("0.0", "1.0"), "1.0"),
        (("YES", "No"), "YES"),
    ],
)
def test_boolean_targets_map_to_one(tmp_path: Path, labels: tuple[str, str], positive: str) -> None:
    rows = [[i, labels[0] if i % 4 == 0 else labels[1]] for i in range(120)]
    out = load_text(tmp_path, csv_text(["x", "y"], rows))
    assert out.positive_label == positive
    assert out.dataset.y.sum() == (30 if labels[0] == positive else 90)


def test_string_target_minority_is_positive(tmp_path: Path) -> None:
    rows = [[i, "churned" if i % 5 == 0 else "stayed"] for i in range(150)]
    out = load_text(tmp_path, csv_text(["x", "y"], rows))
    assert out.positive_label == "churned"
    assert out.dataset.y.sum() == 30
    assert has_note(out, "'churned' is the positive class (y = 1), 20.0% of rows")
    rows = [[i, "stayed" if i % 5 == 0 else "churned"] for i in range(150)]
    assert load_text(tmp_path, csv_text(["x", "y"], rows)).positive_label == "stayed"


def test_string_target_tie_picks_second_sorted(tmp_path: Path) -> None:
    rows = [[i, "b" if i % 2 else "a"] for i in range(120)]
    out = load_text(tmp_path, csv_text(["x", "y"], rows))
    assert out.positive_label == "b"
    assert out.dataset.y.tolist() == [i % 2 for i in range(120)]


def test_rows_with_missing_target_are_dropped(tmp_path: Path) -> None:
    rows = clean_rows(130)
    for i in (0, 7, 8):
        rows[i][3] = "NA"
    out = load_text(tmp_path, csv_text(["x1", "x2", "color", "y"], rows))
    assert len(out.dataset) == 127
    assert has_note(out, "dropped 3 rows with a missing target 'y'")


def test_blank_lines_and_crlf_are_fine(tmp_path: Path) -> None:
    text = csv_text(["x1", "x2", "color", "y"], clean_rows()).replace("\n", "\r\n") + "\r\n\r\n"
    assert len(load_text(tmp_path, text).dataset) == 200


# ---------------------------------------------------------------- column kinds


def test_high_cardinality_column_becomes_id(tmp_path: Path) -> None:
    rows = [[i, f"user{i % 40:02d}", "a" if i % 2 else "b", i % 3 == 0] for i in range(200)]
    out = load_text(tmp_path, csv_text(["x", "user", "kind", "y"], rows))
    ds = out.dataset
    assert ds.ids == ("user",) and ds.categorical == ("kind",)
    assert ds.columns["user"].dtype == np.int64
    assert ds.columns["user"][:3].tolist() == [0, 1, 2]
    assert has_note(out, "'user' has 40 distinct values (more than 30)")
    assert ds.description.endswith("1 numeric, 1 categorical, 1 id column")
    again = load_csv(
        write(tmp_path, csv_text(["x", "user", "kind", "y"], rows)), "y", max_levels=50
    )
    assert again.dataset.categorical == ("user", "kind")


def test_constant_and_empty_columns_are_dropped(tmp_path: Path) -> None:
    rows = [[i, "same", "", 3 if i % 2 else "3.0", i % 2] for i in range(120)]
    out = load_text(tmp_path, csv_text(["x", "const", "empty", "num", "y"], rows))
    assert set(out.dataset.columns) == {"x"}
    assert has_note(out, "dropped column 'const': it has a single value 'same'")
    assert has_note(out, "dropped column 'empty': it has no values (all missing)")
    assert has_note(out, "dropped column 'num'")


# ---------------------------------------------------------------- time


def test_iso_time_sorts_rows_and_gives_day_offsets(tmp_path: Path) -> None:
    days = [(i * 37) % 120 for i in range(120)]  # a permutation of 0..119
    rows = [
        [
            "2024-01-01T00:00:00Z"
            if d == 0
            else (np.datetime64("2024-01-01") + np.timedelta64(d, "D")).astype(str),
            d,
            d % 2,
        ]
        for d in days
    ]
    rows[1][0] = f"{rows[1][0]}T12:00:00+02:00"  # 10:00 UTC
    out = load_text(tmp_path, csv_text(["when", "x", "y"], rows), time_col="when")
    ds = out.dataset
    assert "when" not in ds.columns
    assert np.all(np.diff(ds.time) >= 0)
    expected = np.arange(120.0)
    expected[days[1]] += 10 / 24
    assert ds.time == pytest.approx(expected)
    assert ds.columns["x"].tolist() == list(range(120))  # rows travel with their time
    assert ds.y.tolist() == [d % 2 for d in range(120)]
    assert has_note(out, "time 'when': ISO dates") and has_note(out, "rows sorted by it")
    assert NO_TIME_NOTE not in out.notes


def test_numeric_time_is_relative_to_minimum(tmp_path: Path) -> None:
    rows = [[100.5 + (119 - i), i, i % 2] for i in range(120)]
    out = load_text(tmp_path, csv_text(["t", "x", "y"], rows), time_col="t")
    assert out.dataset.time.tolist() == [float(i) for i in range(120)]
    assert out.dataset.columns["x"][:2].tolist() == [119.0, 118.0]


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("yesterday", "line 6: cannot read 'yesterday'"),
        ("NA", "line 6: cannot read ''"),
        ("2024-13-01", "line 6: cannot read '2024-13-01'"),
    ],
)
def test_bad_time_value_names_its_line(tmp_path: Path, bad: str, expected: str) -> None:
    rows: list[list[object]] = [[f"2024-02-{i % 28 + 1:02d}", i, i % 2] for i in range(120)]
    rows[4][0] = bad
    with pytest.raises(UsageError, match="time column 'day'") as info:
        load_text(tmp_path, csv_text(["day", "x", "y"], rows), time_col="day")
    assert expected in str(info.value)


def test_bad_numeric_time_value(tmp_path: Path) -> None:
    rows: list[list[object]] = [[i, i, i % 2] for i in range(120)]
    rows[9][0] = "2024-01-01"
    with pytest.raises(UsageError, match="line 11: cannot read '2024-01-01' as a number"):
        load_text(tmp_path, csv_text(["t", "x", "y"], rows), time_col="t")


# ---------------------------------------------------------------- errors


def _good(n: int = 120) -> str:
    return csv_text(["x1", "x2", "color", "y"], clean_rows(n))


def _with_target(values: Callable[[int], str], n: int = 120) -> str:
    return csv_text(["x", "y"], [[i, values(i)] for i in range(n)])


ERRORS: dict[str, tuple[bytes | None, dict[str, object], str]] = {
    "missing file": (None, {}, "no such file"),
    "empty": (b"", {}, "is empty"),
    "whitespace only": (b"\n  \n", {}, "is empty"),
    "header only": (b"x,y\n", {}, "has a header but no data rows"),
    "not utf-8": ("x,y\ncafé,1\n".encode("latin-1"), {}, "is not UTF-8 text"),
    "ragged": (
        _good().replace("\n3.5,", "\n3.5,1,", 1).encode(),
        {},
        "line 9: 5 fields, but the header has 4",
    ),
    "target missing": (
        _good().encode(),
        {"target": "label"},
        "target column 'label' is not in data.csv; pick --target from: x1, x2, color, y",
    ),
    "time missing": (_good().encode(), {"time_col": "ts"}, "time column 'ts' is not in"),
    "time is target": (_good().encode(), {"time_col": "y"}, "cannot be the target"),
    "single class": (
        _with_target(lambda i: "no").encode(),
        {},
        "target 'y' has a single class 'no'",
    ),
    "single class mixed case": (
        _with_target(lambda i: "No" if i else "no").encode(),
        {},
        "has a single class",
    ),
    "three classes": (
        _with_target(lambda i: "abc"[i % 3]).encode(),
        {},
        "3 classes ('a', 'b', 'c'); only binary targets are supported",
    ),
    "many classes": (
        _with_target(lambda i: f"k{i % 9}").encode(),
        {},
        "9 classes ('k0', 'k1', 'k2', 'k3', 'k4' and 4 more)",
    ),
    "too few rows": (_good(99).encode(), {}, "only 99 rows have a target 'y'; at least 100"),
    "too few after dropping": (_good(120).replace(",0\n", ",\n", 25).encode(), {}, "only 95 rows"),
    "too few positives": (
        _with_target(lambda i: "1" if i < 4 else "0").encode(),
        {},
        "only 4 positive ('1') rows",
    ),
    "too few negatives": (
        _with_target(lambda i: "0" if i < 3 else "1").encode(),
        {},
        "only 3 negative rows",
    ),
    "duplicate header": (
        csv_text(["a", "b", "a", "y"], [[1, 2, 3, 0]] * 120).encode(),
        {},
        "duplicate column name(s) 'a'",
    ),
    "empty header name": (
        csv_text(["a", " ", "y"], [[1, 2, 0]] * 120).encode(),
        {},
        "column 2 of the header has no name",
    ),
    "no features": (
        csv_text(["c", "y"], [["k", i % 2] for i in range(120)]).encode(),
        {},
        "no usable feature columns",
    ),
    "only target": (
        csv_text(["y"], [[i % 2] for i in range(120)]).encode(),
        {},
        "no usable feature columns",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_are_usage_errors(tmp_path: Path, case: str) -> None:
    content, kwargs, phrase = ERRORS[case]
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_bytes(content)
    args: dict[str, object] = {"target": "y", **kwargs}
    with pytest.raises(UsageError) as info:
        load_csv(path, **args)  # type: ignore[arg-type]
    message = str(info.value)
    assert phrase in message
    assert "\n" not in message
    assert info.value.exit_code == 2


def test_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        load_csv(tmp_path, "y")


def test_bom_alone_is_empty(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is empty"):
        load_csv(write(tmp_path, "", bom=True), "y")


# ---------------------------------------------------------------- end to end


@pytest.mark.slow
def test_generated_csv_runs_through_the_pipeline(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 2000
    age = rng.normal(40, 10, n)
    plan = rng.choice(["basic", "plus", "pro"], n)
    user = rng.integers(0, 300, n)
    logit = 0.08 * (age - 40) + np.where(plan == "pro", 1.2, 0.0) - 1.0
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    start = np.datetime64("2024-01-01")
    rows = []
    for i in range(n):
        shown_age = "" if i % 50 == 0 else f"{age[i]:.2f}"
        when = str(start + np.timedelta64(int(i * 365 / n), "D"))
        rows.append([when, shown_age, plan[i], f"u{user[i]}", "churned" if y[i] else "stayed"])
    order = rng.permutation(n)
    path = write(
        tmp_path,
        csv_text(["signup", "age", "plan", "user", "status"], [rows[i] for i in order]),
        name="churn.csv",
    )
    out = load_csv(path, "status", time_col="signup")
    ds = out.dataset
    assert ds.numeric == ("age",) and ds.categorical == ("plan",) and ds.ids == ("user",)
    assert out.positive_label == "churned"
    exp = Experiment(
        name="churn",
        task="binary",
        data=ds,
        models=(ModelSpec(name="logistic-regression"),),
        metrics=("roc_auc", "log_loss"),
        has_oracle=False,
    )
    report = run(exp, latency_calls=100)
    assert report.oracle is None
    assert report.models[0].metrics["roc_auc"] > 0.6
