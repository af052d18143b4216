"""Case summaries for `mlsd list`, cached so listing does not re-validate every file.

The cache maps each case file (by path, size and modification time) to its
summary. Only files that validated are cached; a changed or new file is loaded
and validated again, so `mlsd list` still reports a broken file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsd.content.schema import Case

CACHE_FORMAT = 1


@dataclass(frozen=True)
class CaseSummary:
    """One row of `mlsd list`."""

    id: str
    title: str
    difficulty: str
    tags: tuple[str, ...]
    task: str
    summary: str


def summarize(case: Case) -> CaseSummary:
    """The list-row facts of a case."""
    return CaseSummary(
        case.id, case.title, case.difficulty, tuple(case.tags), case.pipeline.task, case.summary
    )


def filter_by_tag(rows: list[CaseSummary], tag: str | None) -> list[CaseSummary]:
    """Rows carrying ``tag`` (case-insensitive); all rows when ``tag`` is None."""
    if tag is None:
        return rows
    wanted = tag.lower()
    return [r for r in rows if wanted in (t.lower() for t in r.tags)]


def cache_path() -> Path:
    """``$MLSD_HOME/cache/summaries.json`` or the platform's user cache directory."""
    home = os.environ.get("MLSD_HOME")
    if home:
        return Path(home).expanduser() / "cache" / "summaries.json"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mlsd", appauthor=False)) / "summaries.json"


def file_key(path: Path) -> str:
    """What identifies one version of a file: path, size and mtime."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def read_cache() -> dict[str, Any]:
    """The cached summaries by file key (empty when missing or unreadable)."""
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _version():
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_cache(entries: dict[str, CaseSummary]) -> None:
    """Replace the cache atomically; failures (read-only disk) are ignored."""
    path = cache_path()
    payload = {"version": _version(), "entries": {k: asdict(v) for k, v in entries.items()}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _version() -> str:
    # a new mlsd may validate differently: its cache starts afresh
    from mlsd import __version__

    return f"{CACHE_FORMAT}:{__version__}"


def from_cache(entry: dict[str, Any]) -> CaseSummary:
    """Rebuild a summary from its cached JSON form."""
    return CaseSummary(**{**entry, "tags": tuple(entry["tags"])})
