"""The progress store: one SQLite file for practice sessions, answers and quiz reviews.

- Location: ``$MLSD_HOME/mlsd.db``, else the platform's user data directory.
- WAL mode and a busy timeout, so a quiz in one terminal and a practice in another
  do not lose writes; every saved step is its own transaction.
- Schema version in ``PRAGMA user_version``; :data:`MIGRATIONS` run forward in order.
- A file that is not a database is moved aside (never deleted) and reported.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from mlsd.errors import MlsdError

HOME_ENV = "MLSD_HOME"
BUSY_SECONDS = 10.0
DB_NAME = "mlsd.db"

MIGRATIONS: tuple[str, ...] = (
    # 1: practice sessions and their step answers
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id TEXT NOT NULL,
        framework TEXT NOT NULL,
        mode TEXT NOT NULL DEFAULT 'practice',
        minutes INTEGER,
        only_step TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX sessions_case ON sessions(case_id, started_at);
    CREATE TABLE answers (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        step_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        answer TEXT NOT NULL,
        skipped INTEGER NOT NULL DEFAULT 0,
        hints_used INTEGER NOT NULL DEFAULT 0,
        coverage REAL,
        covered TEXT NOT NULL DEFAULT '[]',
        missed TEXT NOT NULL DEFAULT '[]',
        rating INTEGER,
        seconds REAL NOT NULL DEFAULT 0,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (session_id, step_id)
    );
    """,
    # 2: spaced-repetition cards (FSRS state as JSON) and the review log
    """
    CREATE TABLE cards (
        card_id TEXT PRIMARY KEY,
        topic TEXT NOT NULL,
        state TEXT NOT NULL,
        due TEXT NOT NULL,
        fsrs_card TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX cards_due ON cards(due);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        card_id TEXT NOT NULL,
        rating INTEGER NOT NULL,
        state_before TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        correct INTEGER
    );
    CREATE INDEX reviews_card ON reviews(card_id, reviewed_at);
    """,
    # 3: how many times each card was reviewed (drives the per-showing choice shuffle)
    """
    ALTER TABLE cards ADD COLUMN reps INTEGER NOT NULL DEFAULT 0
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(MlsdError):
    """The progress database cannot be used."""


def data_dir() -> Path:
    """Where mlsd keeps its database: ``$MLSD_HOME`` or the user data directory."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mlsd", appauthor=False))


def db_path() -> Path:
    """Path of the SQLite file."""
    return data_dir() / DB_NAME


def now() -> datetime:
    """The current time, timezone-aware in UTC (the only kind stored)."""
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """Stored form of a datetime: ISO 8601 in UTC."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating or migrating) the store.

    Raises:
        StoreError: the file is not a SQLite database (it is moved aside first), or it
            was written by a newer mlsd.
    """
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        _use_wal(conn)
        conn.execute("PRAGMA foreign_keys=ON")
        _check_integrity(conn)
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise StoreError(_move_aside(path)) from None
        raise StoreError(f"cannot open the progress database {path}: {exc}") from None
    conn.row_factory = sqlite3.Row
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL once; the switch does not wait on the busy timeout, so retry it."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _check_integrity(conn: sqlite3.Connection) -> None:
    """A file can have a valid header and damaged pages; find out before using it."""
    result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if result != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed ({result})")


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations newer than the file's ``user_version``; return the version.

    Each migration runs in one IMMEDIATE transaction that re-reads the version, so two
    processes opening a new file at once do not both apply it.
    """
    for target in range(1, SCHEMA_VERSION + 1):
        with transaction(conn):
            version = _user_version(conn)
            if version >= target:
                continue
            for statement in MIGRATIONS[target - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
    version = _user_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the progress database is from a newer mlsd (schema {version} > "
            f"{SCHEMA_VERSION}); upgrade mlsd"
        )
    return version


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on error).

    IMMEDIATE takes the write lock up front, so two writers queue on the busy
    timeout instead of failing on a lock upgrade.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _move_aside(path: Path) -> str:
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return (
        f"{path} is not a valid mlsd database; it was moved to {target} "
        "(nothing was deleted). Run the command again to start a fresh one."
    )
