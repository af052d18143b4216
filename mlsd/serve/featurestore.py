"""A small feature store on SQLite: an offline history and an online table of latest values.

The features are per-entity aggregates of labelled events (how many events the entity
has had, and how many were positive), the kind of counter every ranking and risk
model leans on. Every event appends the entity's new values, with the event's time,
to ``feature_history`` (the offline store) and overwrites the entity's row in
``online_features`` (the online store, one row per entity, read by key at request time).

Training data can be joined to these features two ways:

- :meth:`FeatureStore.latest`: the values in the online table *now*, the naive join
  a one-off SQL query produces. A training row then sees counts that include its own
  label and every later one: leakage.
- :meth:`FeatureStore.point_in_time`: for a row at time ``t``, the entity's newest
  history row strictly before ``t``: exactly what the online store held when that
  request was served.

At scale Redis, DynamoDB or Feast's online store take the online table's place and a
warehouse holds the history; the contract (latest by key online, as-of joins offline)
is the same.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

SCHEMA = """
CREATE TABLE feature_history (entity INTEGER NOT NULL, ts REAL NOT NULL,
                              events INTEGER NOT NULL, positives INTEGER NOT NULL);
CREATE INDEX feature_history_asof ON feature_history (entity, ts);
CREATE INDEX feature_history_time ON feature_history (ts);
CREATE TABLE online_features (entity INTEGER PRIMARY KEY, ts REAL NOT NULL,
                              events INTEGER NOT NULL, positives INTEGER NOT NULL);
"""

POINT_IN_TIME = """
SELECT r.i, h.events, h.positives
FROM requests r LEFT JOIN feature_history h ON h.rowid = (
    SELECT rowid FROM feature_history
    WHERE entity = r.entity AND ts < r.ts ORDER BY ts DESC LIMIT 1)
ORDER BY r.i
"""

LATEST = """
SELECT r.i, o.events, o.positives
FROM requests r LEFT JOIN online_features o ON o.entity = r.entity
ORDER BY r.i
"""


class FeatureStore:
    """Offline history and online latest values of per-entity event counters."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self.db = sqlite3.connect(str(path))
        # WAL with synchronous=NORMAL: a commit appends to the log without an fsync, as an
        # online store tuned for many small writes would run (durability is the source's job).
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def ingest(self, entities: np.ndarray, times: np.ndarray, labels: np.ndarray) -> int:
        """Apply labelled events in time order; returns the history rows written.

        Each event's counts include the event itself (and whatever the store already held
        for its entity) and are stamped with its time, so a lookup strictly before that
        time does not see it. The online table gets each entity's last value.
        """
        order = np.argsort(times, kind="mergesort")
        ent, ts, lab = entities[order], times[order], labels[order].astype(np.int64)
        events, positives = running_counts(ent, lab)
        if self.db.execute("SELECT 1 FROM online_features LIMIT 1").fetchone():
            held = self.latest(ent).astype(np.int64)
            events, positives = events + held[:, 0], positives + held[:, 1]
        rows = list(zip(ent.tolist(), ts.tolist(), events.tolist(), positives.tolist(),
                        strict=True))  # fmt: skip
        _, first_from_end = np.unique(ent[::-1], return_index=True)
        newest = [rows[len(rows) - 1 - i] for i in first_from_end.tolist()]
        with self.db:
            self.db.executemany("INSERT INTO feature_history VALUES (?, ?, ?, ?)", rows)
            self.db.executemany("INSERT OR REPLACE INTO online_features VALUES (?, ?, ?, ?)",
                                newest)  # fmt: skip
        return len(rows)

    def record(self, entity: int, ts: float, label: int) -> None:
        """Apply one labelled event as it happens (the streaming path).

        Reads on this connection see it at once; :meth:`commit` makes a micro-batch of
        events durable, as a stream consumer commits its offsets.
        """
        events, positives = self.lookup(entity)
        row = (entity, ts, events + 1, positives + int(label))
        self.db.execute("INSERT INTO feature_history VALUES (?, ?, ?, ?)", row)
        self.db.execute("INSERT OR REPLACE INTO online_features VALUES (?, ?, ?, ?)", row)

    def commit(self) -> None:
        self.db.commit()

    def snapshot(self, at: float, since: float = -np.inf) -> tuple[np.ndarray, np.ndarray]:
        """Entities with history in ``[since, at)`` (sorted) and their (events, positives)
        as of ``at``.

        One grouped range scan instead of an as-of lookup per entity: what a nightly batch
        job reads, incrementally with ``since`` = its previous run. SQLite returns the other
        columns from the row holding ``MAX(ts)``.
        """
        rows = self.db.execute(
            "SELECT entity, events, positives, MAX(ts) FROM feature_history "
            "WHERE ts >= ? AND ts < ? GROUP BY entity ORDER BY entity",
            (since, at),
        ).fetchall()
        entities = np.array([r[0] for r in rows], dtype=np.int64)
        counts = np.array([(r[1], r[2]) for r in rows], dtype=np.float64).reshape(len(rows), 2)
        return entities, counts

    def point_in_time(self, entities: np.ndarray, times: np.ndarray) -> np.ndarray:
        """(events, positives) per row as of just before its time: no value from the future."""
        return self._join(POINT_IN_TIME, entities, times)

    def latest(self, entities: np.ndarray) -> np.ndarray:
        """(events, positives) per row from the online table as it is now (the naive join)."""
        return self._join(LATEST, entities, np.zeros(len(entities)))

    def lookup(self, entity: int) -> tuple[int, int]:
        """One online read by key: what a request handler does."""
        row = self.db.execute(
            "SELECT events, positives FROM online_features WHERE entity = ?", (entity,)
        ).fetchone()
        return (0, 0) if row is None else (row[0], row[1])

    def bytes(self, table: str | None = None) -> int:
        """Bytes of the pages ``table`` (and its indexes) uses, or the whole database's."""
        return table_bytes(self.db, table)

    def _join(self, query: str, entities: np.ndarray, times: np.ndarray) -> np.ndarray:
        with self.db:
            self.db.execute("CREATE TEMP TABLE requests (i INTEGER PRIMARY KEY, entity, ts)")
            self.db.executemany(
                "INSERT INTO requests VALUES (?, ?, ?)",
                zip(range(len(entities)), entities.tolist(), times.tolist(), strict=True),
            )
            rows = self.db.execute(query).fetchall()
            self.db.execute("DROP TABLE requests")
        out = np.array([(r[1] or 0, r[2] or 0) for r in rows], dtype=np.float64)
        return out.reshape(len(entities), 2)


def table_bytes(db: sqlite3.Connection, table: str | None = None) -> int:
    """Pages in use by ``table`` (or the whole database), in bytes.

    Uses SQLite's ``dbstat`` table where the library was built with it, else the whole
    database's page count (an upper bound).
    """
    if table is not None:
        try:
            row = db.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name = ? OR name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = ?)",
                (table, table),
            ).fetchone()
            return int(row[0] or 0)
        except sqlite3.DatabaseError:
            pass
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    return int(pages * db.execute("PRAGMA page_size").fetchone()[0])


def running_counts(entities: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per event (in the given order): the entity's event and positive counts including it."""
    order = np.argsort(entities, kind="mergesort")  # stable: time order within an entity
    ent, lab = entities[order], labels[order]
    starts = np.r_[True, ent[1:] != ent[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(ent)), 0))
    events = np.arange(len(ent)) - group_start + 1
    cum = np.cumsum(lab)
    positives = cum - np.where(group_start > 0, cum[group_start - 1], 0)
    out_events, out_pos = np.empty_like(events), np.empty_like(positives)
    out_events[order], out_pos[order] = events, positives
    return out_events, out_pos


SMOOTHING = 20.0  # pseudo-events at the prior in the smoothed rate


def entity_features(counts: np.ndarray, prior: float, weight: float = SMOOTHING) -> np.ndarray:
    """Model inputs from (events, positives): the smoothed positive rate and log1p(events)."""
    events, positives = counts[:, 0], counts[:, 1]
    rate = (positives + weight * prior) / (events + weight)
    return np.column_stack([rate, np.log1p(events)]).astype(np.float32)
