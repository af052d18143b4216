"""Shared fixtures: an isolated environment for every test, the CLI runner, fixture paths."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mlsd.render import console

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_env(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """Point MLSD_HOME at a fresh temp dir, drop MLSD_CONTENT_DIR, fix the width.

    The rich consoles are cached per process and read COLUMNS when created, so the
    caches are cleared around every test to keep output independent of test order.
    """
    home = tmp_path_factory.mktemp("mlsd-home")
    monkeypatch.setenv("MLSD_HOME", str(home))
    monkeypatch.delenv("MLSD_CONTENT_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    console.out.cache_clear()
    console.err.cache_clear()
    yield home
    console.out.cache_clear()
    console.err.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    """A CliRunner; stdout and stderr are kept apart (``result.stdout``/``.stderr``)."""
    return CliRunner()


@pytest.fixture
def repo_root() -> Path:
    """The repository checkout (holds pyproject.toml, casestudies/, frameworks/)."""
    return REPO_ROOT


@pytest.fixture
def fixtures_dir() -> Path:
    """tests/fixtures."""
    return FIXTURES


@pytest.fixture
def valid_dir() -> Path:
    """tests/fixtures/valid (one small valid case)."""
    return FIXTURES / "valid"


@pytest.fixture
def broken_dir() -> Path:
    """tests/fixtures/broken (one defect per file)."""
    return FIXTURES / "broken"


@pytest.fixture
def valid_case_path(valid_dir: Path) -> Path:
    """tests/fixtures/valid/tiny-case.yaml."""
    return valid_dir / "tiny-case.yaml"


@pytest.fixture
def case_data(valid_case_path: Path) -> dict[str, Any]:
    """A fresh, mutable copy of the valid fixture's data."""
    data = yaml.safe_load(valid_case_path.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


WriteCase = Callable[..., Path]


@pytest.fixture
def write_case(tmp_path: Path) -> WriteCase:
    """Write case data as ``<folder>/<id>.yaml`` (folder defaults to tmp_path/content)."""

    def write(data: dict[str, Any], folder: Path | None = None, name: str | None = None) -> Path:
        folder = folder if folder is not None else tmp_path / "content"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name or data['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write
