"""Consoles and the plain output helpers every command shares."""

from __future__ import annotations

import json
import math
import os
import sys
from functools import cache
from typing import Any

from rich.console import Console
from rich.markup import escape

PIPE_WIDTH = 120  # tables written to a file or pipe need not fit an 80-column default


@cache
def out() -> Console:
    """Console for results (stdout). Honours NO_COLOR, COLUMNS and non-terminals."""
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=PIPE_WIDTH)
    return console


@cache
def err() -> Console:
    """Console for messages and progress (stderr), so stdout stays parseable."""
    return Console(stderr=True, highlight=False)


def _finite(data: Any) -> Any:
    """``data`` with NaN and infinities as None: JSON has no spelling for them."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def print_json(data: Any) -> None:
    """Write ``data`` as indented, strictly valid JSON to stdout, without rich's wrapping."""
    text = json.dumps(_finite(data), indent=2, ensure_ascii=False, default=str, allow_nan=False)
    sys.stdout.write(text + "\n")


def error(message: str) -> None:
    """One-line error on stderr."""
    err().print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)


def note(message: str) -> None:
    """A dim informational line on stderr."""
    err().print(message, style="dim", soft_wrap=True, markup=False)
