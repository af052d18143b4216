"""Render `mlsd diagram`: the text drawing with a colour per lane, or exported source.

Colour is only ever added on top of the plain drawing (frames and box borders in the
lane's colour, labels in bold), so the characters are the same with NO_COLOR, in a pipe
or in a file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text

from mlsd.diagram.layout import DEFAULT_WIDTH, MIN_WIDTH, Drawing, layout
from mlsd.render.console import out

if TYPE_CHECKING:
    from mlsd.content.schema import Diagram

LANE_STYLES = {"data": "yellow", "offline": "magenta", "online": "cyan"}


def styled(drawing: Drawing) -> Text:
    """The drawing as one rich Text: the same characters, with lane colours on top."""
    lines = [Text(line) for line in drawing.lines]
    for band in drawing.bands:
        style = LANE_STYLES.get(band.lane, "")
        lines[band.top].stylize(style)
        lines[band.top].stylize("bold", 3, 3 + len(band.lane))
        lines[band.bottom].stylize(style)
        for y in range(band.top + 1, band.bottom):
            lines[y].stylize(style, 0, 1)
            lines[y].stylize(style, drawing.width - 1, drawing.width)
    for box in drawing.boxes:
        style = LANE_STYLES.get(box.lane, "")
        right = box.x + box.width
        lines[box.y].stylize(style, box.x, right)
        lines[box.y + box.height - 1].stylize(style, box.x, right)
        for y in range(box.y + 1, box.y + box.height - 1):
            lines[y].stylize(style, box.x, box.x + 1)
            lines[y].stylize(style, right - 1, right)
            lines[y].stylize("bold", box.x + 2, right - 2)
    for listed in drawing.listed:
        line = lines[listed.first]
        at = line.plain.find(listed.group)
        if at >= 0:
            line.stylize("dim", at, at + len(listed.group))
    header = next((i for i, line in enumerate(drawing.lines) if line.startswith("Arrows")), None)
    if header is not None:
        lines[header].stylize("bold")
    text = Text("\n").join(lines)
    text.no_wrap = True
    text.overflow = "ignore"
    return text


class DiagramView:
    """A diagram that lays itself out for the width rich gives it (at most ``max_width``)."""

    def __init__(self, diagram: Diagram, max_width: int = DEFAULT_WIDTH) -> None:
        self.diagram = diagram
        self.max_width = max_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield styled(layout(self.diagram, min(self.max_width, options.max_width)))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(MIN_WIDTH, self.max_width)


def diagram(diagram: Diagram) -> None:
    """Print the text drawing, as wide as the terminal allows up to 100 columns."""
    out().print(DiagramView(diagram), soft_wrap=True)


def source(text: str) -> None:
    """Write exported diagram source (Mermaid, DOT, plain text) to stdout as it is."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
