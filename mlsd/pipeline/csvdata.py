"""Load a user's own CSV (binary target) as a :class:`Dataset` the pipeline can run.

Columns whose non-missing values all parse as numbers are numeric (missing values get
the column median); the rest are categoricals (missing is a level of its own), and a
categorical with more than ``max_levels`` values becomes a high-cardinality id. There
is no ground truth for user data, so ``Dataset.truth`` is all NaN.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mlsd.errors import UsageError
from mlsd.pipeline.generators.base import Dataset

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
MISSING_LEVEL = "(missing)"
MIN_ROWS = 100
MIN_PER_CLASS = 5
NO_TIME_NOTE = "no --time-col: rows are assumed to be in time order; the last 20 % are the test set"
# (positive, negative) spellings of boolean targets, compared lower-cased
BOOLEAN_PAIRS = (("1", "0"), ("true", "false"), ("yes", "no"))
EPOCH = datetime(1970, 1, 1)
Feature = tuple[str, str, np.ndarray, tuple[str, ...]]  # (column, kind, values, levels)


@dataclass(frozen=True)
class CsvData:
    """A loaded CSV: the dataset, which target label counts as positive, and notes."""

    dataset: Dataset
    positive_label: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    name: str
    header: list[str]
    rows: list[list[str | None]]  # stripped values, None where missing
    lines: list[int]  # the line each row ends on, for error messages

    def column(self, col: str) -> list[str | None]:
        i = self.header.index(col)
        return [row[i] for row in self.rows]


def load_csv(path: Path, target: str, time_col: str | None = None, max_levels: int = 30) -> CsvData:
    """Read a comma-separated file with a header row into a time-ordered Dataset.

    Args:
        path: the CSV file (UTF-8, optionally with a BOM).
        target: the binary target column (0/1, true/false, yes/no or two strings).
        time_col: a column of numbers (days) or ISO dates/datetimes; without it the
            row order is the time order.
        max_levels: categoricals with more distinct values become id columns.

    Returns:
        The dataset, the label treated as positive (y = 1), and notes on what was done.

    Raises:
        UsageError: the file cannot be read or does not make a usable binary dataset.
    """
    path = Path(path)
    table = _parse(_read_text(path), path.name)
    _require_column(table, target, "target")
    if time_col is not None:
        _require_column(table, time_col, "time")
        if time_col == target:
            raise UsageError("--time-col cannot be the target column; pick another column")
    notes: list[str] = []
    table = _drop_missing_target(table, target, notes)
    y, positive = _encode_target([v for v in table.column(target) if v is not None], target, notes)
    _check_size(y, positive, target)
    time = _time(table, time_col, notes)
    features = [c for c in table.header if c not in (target, time_col)]
    encoded = [_encode_feature(c, table.column(c), max_levels, notes) for c in features]
    kept = [e for e in encoded if e is not None]
    if not kept:
        raise UsageError(
            f"{table.name} has no usable feature columns besides the target "
            "and time; add columns with at least two distinct values"
        )
    return CsvData(_build(kept, y, time, table.name), positive, tuple(notes))


def _build(kept: list[Feature], y: np.ndarray, time: np.ndarray, name: str) -> Dataset:
    order = np.argsort(time, kind="mergesort")
    kinds = {
        kind: tuple(c for c, k, _, _ in kept if k == kind)
        for kind in ("numeric", "categorical", "id")
    }
    n_ids = len(kinds["id"])
    description = (
        f"{len(y):,} rows from {name}: {len(kinds['numeric'])} numeric, "
        f"{len(kinds['categorical'])} categorical, "
        f"{n_ids} id column{'' if n_ids == 1 else 's'}"
    )
    return Dataset(
        columns={c: values[order] for c, _, values, _ in kept},
        y=y[order],
        truth=np.full(len(y), np.nan),
        time=time[order],
        numeric=kinds["numeric"],
        categorical=kinds["categorical"],
        ids=kinds["id"],
        description=description,
        levels={c: labels for c, kind, _, labels in kept if kind != "numeric"},
    )


def _read_text(path: Path) -> str:
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a directory; pass a CSV file")
    if not path.is_file():
        raise UsageError(f"{path} is not a regular file; pass a CSV file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; re-save it as UTF-8 CSV") from None
    if not text.strip():
        raise UsageError(f"{path} is empty; it needs a header row and data rows")
    return text


def _parse(text: str, name: str) -> _Table:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    lines: list[int] = []
    try:
        for raw in reader:
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                continue  # blank line
            if header is None:
                header = _check_header([v.strip() for v in raw], name)
                continue
            if len(raw) != len(header):
                raise UsageError(
                    f"{name} line {reader.line_num}: {len(raw)} fields, but the "
                    f"header has {len(header)}; fix the row or quote its commas"
                )
            rows.append([_clean(v) for v in raw])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise UsageError(f"{name} line {reader.line_num}: not valid CSV ({exc})") from None
    if header is None or not rows:
        raise UsageError(f"{name} has a header but no data rows")
    return _Table(name, header, rows, lines)


def _clean(value: str) -> str | None:
    value = value.strip()
    return None if value.lower() in MISSING else value


def _check_header(header: list[str], name: str) -> list[str]:
    blank = [i + 1 for i, col in enumerate(header) if not col]
    if blank:
        raise UsageError(
            f"{name}: column {blank[0]} of the header has no name; give every column a name"
        )
    dupes = sorted({col for col in header if header.count(col) > 1})
    if dupes:
        raise UsageError(
            f"{name}: duplicate column name(s) {', '.join(map(repr, dupes))}; "
            "column names must be unique"
        )
    return header


def _require_column(table: _Table, col: str, role: str) -> None:
    if col not in table.header:
        flag = "--target" if role == "target" else "--time-col"
        raise UsageError(
            f"{role} column {col!r} is not in {table.name}; pick {flag} from: "
            f"{', '.join(table.header)}"
        )


def _drop_missing_target(table: _Table, target: str, notes: list[str]) -> _Table:
    keep = [i for i, v in enumerate(table.column(target)) if v is not None]
    dropped = len(table.rows) - len(keep)
    if not dropped:
        return table
    notes.append(f"dropped {dropped:,} rows with a missing target {target!r}")
    return _Table(
        table.name, table.header, [table.rows[i] for i in keep], [table.lines[i] for i in keep]
    )


def _encode_target(raw: list[str], target: str, notes: list[str]) -> tuple[np.ndarray, str]:
    keys = {_bool_key(v) for v in raw}
    pair = next((p for p in BOOLEAN_PAIRS if keys <= set(p)), None)
    classes = sorted(set(raw))
    if len(classes) == 1 or (pair is not None and len(keys) == 1):
        raise UsageError(
            f"target {target!r} has a single class {raw[0]!r}; "
            "a binary target needs rows of two classes"
        )
    if pair is not None:
        positive = next(v for v in raw if _bool_key(v) == pair[0])
        y = np.array([_bool_key(v) == pair[0] for v in raw], dtype=np.int8)
    elif len(classes) > 2:
        shown = ", ".join(repr(c) for c in classes[:5])
        more = f" and {len(classes) - 5} more" if len(classes) > 5 else ""
        raise UsageError(
            f"target {target!r} has {len(classes)} classes ({shown}{more}); "
            "only binary targets are supported: map it to two classes"
        )
    else:
        counts = [raw.count(c) for c in classes]
        positive = classes[0] if counts[0] < counts[1] else classes[1]
        y = np.array([v == positive for v in raw], dtype=np.int8)
    notes.append(
        f"target {target!r}: {positive!r} is the positive class (y = 1), {y.mean():.1%} of rows"
    )
    return y, positive


def _bool_key(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value.lower()
    return {0.0: "0", 1.0: "1"}.get(number, value.lower())


def _check_size(y: np.ndarray, positive: str, target: str) -> None:
    if len(y) < MIN_ROWS:
        raise UsageError(
            f"only {len(y)} rows have a target {target!r}; at least {MIN_ROWS} "
            "are needed: use a larger file"
        )
    n_pos = int(y.sum())
    for count, which in ((n_pos, f"positive ({positive!r})"), (len(y) - n_pos, "negative")):
        if count < MIN_PER_CLASS:
            raise UsageError(
                f"only {count} {which} rows of target {target!r}; at least "
                f"{MIN_PER_CLASS} of each class are needed: use more data"
            )


def _encode_feature(
    col: str, values: list[str | None], max_levels: int, notes: list[str]
) -> Feature | None:
    present = [v for v in values if v is not None]
    distinct = set(present)
    numbers = _as_numbers(present)
    if len(set(numbers) if numbers is not None else distinct) <= 1:
        what = f"a single value {present[0]!r}" if present else "no values (all missing)"
        notes.append(f"dropped column {col!r}: it has {what}")
        return None
    if numbers is not None:
        return col, "numeric", _impute(col, values, numbers, notes), ()
    labels = tuple(sorted(distinct | ({MISSING_LEVEL} if len(present) < len(values) else set())))
    index = {label: code for code, label in enumerate(labels)}
    codes = np.array([index[MISSING_LEVEL if v is None else v] for v in values], dtype=np.int64)
    if len(present) < len(values):
        notes.append(
            f"{col!r}: {len(values) - len(present):,} missing values kept as a "
            f"{MISSING_LEVEL!r} level"
        )
    if len(distinct) > max_levels:
        notes.append(
            f"{col!r} has {len(distinct):,} distinct values (more than {max_levels}): "
            "treated as a high-cardinality id (encoded by historical rate)"
        )
        return col, "id", codes, labels
    return col, "categorical", codes, labels


def _as_numbers(present: list[str]) -> list[float] | None:
    try:
        return [float(v) for v in present]
    except ValueError:
        return None


def _impute(
    col: str, values: list[str | None], numbers: list[float], notes: list[str]
) -> np.ndarray:
    finite = [x for x in numbers if math.isfinite(x)]
    median = float(np.median(finite)) if finite else 0.0
    out = np.array([median if v is None else float(v) for v in values], dtype=float)
    bad = ~np.isfinite(out)
    out[bad] = median
    n_missing = len(values) - len(numbers)
    n_imputed = n_missing + int(bad.sum())
    if n_imputed:
        what = "missing" if not bad.any() else "missing or infinite"
        notes.append(f"{col!r}: {n_imputed:,} {what} values imputed with the median ({median:g})")
    return out


def _time(table: _Table, time_col: str | None, notes: list[str]) -> np.ndarray:
    if time_col is None:
        notes.append(NO_TIME_NOTE)
        return np.arange(len(table.rows), dtype=float)
    values = table.column(time_col)
    numeric = _float_or_none(next((v for v in values if v is not None), None)) is not None
    parse = _float_or_none if numeric else _iso_days
    days = np.empty(len(values))
    for i, (value, line) in enumerate(zip(values, table.lines, strict=True)):
        day = parse(value)
        if day is None:
            expected = "a number (days)" if numeric else "an ISO date (YYYY-MM-DD[THH:MM:SS])"
            raise UsageError(
                f"time column {time_col!r}, line {line}: cannot read "
                f"{value or ''!r} as {expected}; fix or remove the row"
            )
        days[i] = day
    days -= days.min()
    unsorted = bool(np.any(np.diff(days) < 0))
    notes.append(
        f"time {time_col!r}: {'numbers taken as days' if numeric else 'ISO dates'}, "
        f"spanning {days.max():g} days" + ("; rows sorted by it" if unsorted else "")
    )
    return days


def _float_or_none(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _iso_days(value: str | None) -> float | None:
    if value is None:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    return (stamp - EPOCH).total_seconds() / 86400.0
