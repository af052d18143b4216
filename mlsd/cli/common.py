"""Pieces every command module shares: error handling, the catalog, common options."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from mlsd.content.loader import Catalog
from mlsd.errors import ContentError, MlsdError, UsageError
from mlsd.render import console

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON instead of tables.")
PLOT_OPTION = typer.Option(
    None,
    "--plot/--no-plot",
    help="Draw terminal plots after the tables (default: only when stdout is a terminal; "
    "never with --json).",
    show_default=False,
)


class ErrorHandlingGroup(TyperGroup):
    """Turns library errors into one line on stderr and the error's exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ContentError as exc:
            for problem in exc.problems:
                console.error(str(problem))
            raise typer.Exit(exc.exit_code) from None
        except MlsdError as exc:
            console.error(str(exc))
            raise typer.Exit(exc.exit_code) from None


class State:
    """Per-invocation options from the top-level callback."""

    def __init__(self, content_dirs: list[Path]) -> None:
        self.content_dirs = content_dirs
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        """The content catalog, built on first use."""
        if self._catalog is None:
            self._catalog = Catalog(self.content_dirs)
        return self._catalog


def catalog(ctx: typer.Context) -> Catalog:
    """The catalog for this invocation (packaged content plus user directories)."""
    root = ctx.find_root()
    state = root.obj if isinstance(root.obj, State) else State([])
    root.obj = state
    return state.catalog


def show_or_write(text: str, out: Path | None, show: Callable[[str], None]) -> None:
    """Hand ``text`` to ``show``, or write it to ``out`` (a one-line error if that fails)."""
    if out is None:
        show(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    console.note(f"wrote {out}")
