"""The progress store: schema version, WAL, migrations, corrupt files, concurrent writers."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mlsd import store
from mlsd.cli.main import app
from mlsd.practice import history
from mlsd.store import StoreError

from . import _workers

GARBAGE = b"this is not a database, just some text someone saved here\n" * 40
MOVED = re.compile(r"^mlsd\.db\.corrupt-\d{8}T\d{6}Z(-\d+)?$")


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def _moved_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if MOVED.match(p.name))


def _step(step: str, position: int, rating: int | None = 3) -> history.SavedStep:
    return history.SavedStep(
        step, position, f"answer for {step}", False, 1, 0.5, ("x",), ("y",), rating, 12.0
    )


# ---------------------------------------------------------------- fresh and migrated


def test_fresh_database_is_at_the_latest_version_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "mlsd.db"
    conn = store.connect(path)
    try:
        assert path.is_file()
        assert _version(conn) == store.SCHEMA_VERSION == len(store.MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {"sessions", "answers", "cards", "reviews"} <= _tables(conn)
    finally:
        conn.close()


def test_default_location_is_mlsd_home(isolated_env: Path) -> None:
    assert store.db_path() == isolated_env / store.DB_NAME
    conn = store.connect()
    conn.close()
    assert (isolated_env / store.DB_NAME).is_file()


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    conn = store.connect(path)
    session_id = history.start_session(conn, "tiny-case", "seven-step")
    history.save_step(conn, session_id, _step("clarify", 1))
    conn.close()
    again = store.connect(path)
    try:
        assert store.migrate(again) == store.SCHEMA_VERSION
        [record] = history.list_sessions(again)
        assert [s.step for s in record.steps] == ["clarify"]
    finally:
        again.close()


def _version_1_database(path: Path) -> int:
    """A file as the first release wrote it: migration 1 only, one session, one answer."""
    raw = sqlite3.connect(path)
    raw.executescript(store.MIGRATIONS[0])
    raw.execute("PRAGMA user_version = 1")
    cur = raw.execute(
        "INSERT INTO sessions (case_id, framework, started_at) VALUES (?, ?, ?)",
        ("ad-click-prediction", "seven-step", "2025-01-02T03:04:05+00:00"),
    )
    session_id = int(cur.lastrowid or 0)
    raw.execute(
        "INSERT INTO answers (session_id, step_id, position, answer, coverage, covered, missed,"
        " rating, seconds, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, "clarify", 1, "old answer", 0.25, '["scale"]', '["cold start"]', 2, 61.5,
         "2025-01-02T03:05:00+00:00"),
    )  # fmt: skip
    raw.commit()
    raw.close()
    return session_id


def test_version_1_database_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    session_id = _version_1_database(path)
    conn = store.connect(path)
    try:
        assert _version(conn) == store.SCHEMA_VERSION
        assert {"cards", "reviews"} <= _tables(conn)
        record = history.load_session(conn, session_id)
        assert record.case == "ad-click-prediction"
        assert record.started_at == "2025-01-02T03:04:05+00:00"
        assert not record.completed
        [step] = record.steps
        assert (step.step, step.answer, step.coverage, step.rating, step.seconds) == (
            "clarify", "old answer", 0.25, 2, 61.5,
        )  # fmt: skip
        assert (step.covered, step.missed) == (("scale",), ("cold start",))
        # the old session keeps working: new steps and new tables can be written
        history.save_step(conn, session_id, _step("metrics", 2))
        with store.transaction(conn):
            conn.execute(
                "INSERT INTO reviews (card_id, rating, state_before, reviewed_at)"
                " VALUES ('c', 3, 'new', '2025-01-03T00:00:00+00:00')"
            )
        assert len(history.load_session(conn, session_id).steps) == 2
    finally:
        conn.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    store.connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer mlsd") as info:
        store.connect(path)
    assert "upgrade" in str(info.value)
    assert path.exists()
    assert _moved_files(tmp_path) == []
    raw = sqlite3.connect(path)
    assert _version(raw) == store.SCHEMA_VERSION + 1
    raw.close()


# ---------------------------------------------------------------- not a database


def test_garbage_file_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    path.write_bytes(GARBAGE)
    with pytest.raises(StoreError) as info:
        store.connect(path)
    message = str(info.value)
    [moved] = _moved_files(tmp_path)
    assert not path.exists()
    assert moved.read_bytes() == GARBAGE
    assert str(moved) in message
    assert str(path) in message
    assert "\n" not in message
    # the next open starts a fresh store beside the kept file
    conn = store.connect(path)
    assert _version(conn) == store.SCHEMA_VERSION
    conn.close()
    assert moved.read_bytes() == GARBAGE


def test_two_garbage_files_moved_aside_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    contents = [GARBAGE, b"second file of junk, also not SQLite\n" * 30]
    for data in contents:
        path.write_bytes(data)
        with pytest.raises(StoreError):
            store.connect(path)
    moved = _moved_files(tmp_path)
    assert len(moved) == 2
    assert sorted(p.read_bytes() for p in moved) == sorted(contents)


def _assert_one_line_failure(result: Result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}"
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [["history"], ["history", "--json"], ["progress"], ["practice", "ad-click-prediction"]],
    ids=" ".join,
)
def test_cli_with_garbage_database(runner: CliRunner, isolated_env: Path, args: list[str]) -> None:
    path = isolated_env / store.DB_NAME
    path.write_bytes(GARBAGE)
    result = runner.invoke(app, args, input="an answer\n\n3\n")
    line = _assert_one_line_failure(result)
    [moved] = _moved_files(isolated_env)
    assert line.startswith("error: ")
    assert str(moved) in line
    assert moved.read_bytes() == GARBAGE
    assert not path.exists()
    assert result.stdout == ""


def _corrupt_pages_after_the_first(path: Path) -> None:
    """A real store whose header and schema page are intact but whose table pages are junk."""
    conn = store.connect(path)
    session_id = history.start_session(conn, "ad-click-prediction", "seven-step")
    for i in range(40):
        history.save_step(conn, session_id, _step(f"step-{i}", i))
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    for i in range(page_size, len(data)):
        data[i] = (i * 7) % 256
    path.write_bytes(bytes(data))


def test_cli_with_corrupt_table_pages(runner: CliRunner, isolated_env: Path) -> None:
    path = isolated_env / store.DB_NAME
    _corrupt_pages_after_the_first(path)
    kept = path.read_bytes()
    line = _assert_one_line_failure(runner.invoke(app, ["history"]))
    assert "malformed" in line or "not a valid" in line
    # never deleted: still in place, or moved aside with the same bytes
    assert (path.exists() and path.read_bytes() == kept) or [
        p for p in _moved_files(isolated_env) if p.read_bytes() == kept
    ]


# ---------------------------------------------------------------- concurrency


def _run_together(*targets: tuple[Callable[..., None], tuple[object, ...]]) -> None:
    """Start one spawned process per target; they meet at a barrier, then write at once."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(targets))
    procs = [ctx.Process(target=t, args=(*args, barrier)) for t, args in targets]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    for p in procs:
        if p.is_alive():
            p.kill()
            p.join()
    assert [p.exitcode for p in procs] == [0] * len(procs)


def _hold_write_lock(
    path: Path, ready: threading.Event, done: threading.Event, hold: float
) -> None:
    """Another writer: hold the file's write lock until ``done``, at most ``hold`` seconds."""
    peer = sqlite3.connect(path, isolation_level=None)
    peer.execute("BEGIN IMMEDIATE")
    ready.set()
    done.wait(timeout=hold)
    peer.execute("COMMIT")
    peer.close()


@pytest.mark.slow
def test_opening_an_existing_store_waits_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    store.connect(path).close()
    ready, done = threading.Event(), threading.Event()
    peer = threading.Thread(target=_hold_write_lock, args=(path, ready, done, 0.5))
    peer.start()
    ready.wait()
    try:
        conn = store.connect(path)  # waits on the busy timeout until the peer commits
        history.start_session(conn, "tiny-case", "seven-step")
        conn.close()
    finally:
        done.set()
        peer.join()


def test_creating_the_store_waits_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"  # a new, empty file: still in rollback-journal mode
    ready, done = threading.Event(), threading.Event()
    peer = threading.Thread(target=_hold_write_lock, args=(path, ready, done, 3.0))
    peer.start()
    ready.wait()
    try:
        conn = store.connect(path)
        assert _version(conn) == store.SCHEMA_VERSION
        conn.close()
    finally:
        done.set()
        peer.join()


@pytest.mark.slow
def test_two_practice_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    store.connect(path).close()
    _run_together(
        (_workers.save_steps, (str(path), "case-a", 100)),
        (_workers.save_steps, (str(path), "case-b", 100)),
    )
    conn = store.connect(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 200
        for case in ("case-a", "case-b"):
            [record] = history.list_sessions(conn, case)
            assert [s.step for s in record.steps] == [f"step-{i:03d}" for i in range(100)]
            assert {s.answer for s in record.steps} == {f"{case} answer {i}" for i in range(100)}
    finally:
        conn.close()


@pytest.mark.slow
def test_practice_and_quiz_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "mlsd.db"
    store.connect(path).close()
    _run_together(
        (_workers.save_steps, (str(path), "case-a", 100)),
        (_workers.write_reviews, (str(path), 100)),
    )
    conn = store.connect(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 100
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 100
        assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 10
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
