"""`mlsd diagram`: a case's architecture as a terminal drawing, Mermaid or Graphviz DOT."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from mlsd.cli.common import catalog, show_or_write


class Format(str, Enum):
    """Output formats of `mlsd diagram`."""

    text = "text"
    mermaid = "mermaid"
    dot = "dot"


def diagram(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="CASE", help="Case id, e.g. ad-click-prediction."),
    fmt: Format = typer.Option(
        Format.text,
        "--format",
        "-f",
        case_sensitive=False,
        help="text: a drawing for the terminal; mermaid: a flowchart for Markdown; "
        "dot: a Graphviz digraph.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", metavar="FILE", help="Write to this file, not stdout."
    ),
) -> None:
    """Draw a case's architecture: data, offline and online lanes, boxes and labelled arrows.

    The text drawing fits the terminal up to 100 columns. Arrows inside a lane are drawn
    between boxes; arrows between lanes (and any that would cross others) are listed
    under the drawing, so every arrow appears exactly once. Mermaid and DOT group the
    boxes by lane and keep every label.
    """
    from mlsd.diagram.export import to_dot, to_mermaid
    from mlsd.diagram.layout import layout
    from mlsd.render import diagram as render

    case = catalog(ctx).case(case_id)
    if fmt is Format.text and out is None:
        render.diagram(case.diagram)
        return
    if fmt is Format.mermaid:
        text = to_mermaid(case.diagram)
    elif fmt is Format.dot:
        text = to_dot(case.diagram, case.id)
    else:
        text = layout(case.diagram).text + "\n"
    show_or_write(text, out, render.source)


def register(app: typer.Typer) -> None:
    """Attach `mlsd diagram` to ``app``."""
    app.command("diagram")(diagram)
