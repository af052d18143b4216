"""Mermaid and Graphviz DOT text for a case's diagram, one lane per group.

Both exports keep the file's order of nodes and edges, so the output is stable. Node ids
are rewritten to ones either syntax accepts whatever the content says (``n_`` plus the
id, ``-`` as ``_``, and a numeric suffix if two ids would then collide); labels are
escaped, never shortened.
"""

from __future__ import annotations

import re

from mlsd.content.schema import Diagram
from mlsd.diagram.layout import LANE_BLURBS, LANES

LANE_COLOURS = {"data": "#fff4d6", "offline": "#f1e4fb", "online": "#dff3fb"}
"""Light fills per lane, shared by both exports."""

_MERMAID_ENTITIES = {
    "#": "#35;",  # first, so the other entities are not escaped twice
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
}
"""Characters a quoted Mermaid label cannot hold as they are. Brackets and parentheses
are safe inside quotes and stay readable."""


def _safe_ids(diagram: Diagram) -> dict[str, str]:
    """Map each node id to ``n_<id>`` with ``-`` as ``_``, unique across the diagram."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for n in diagram.nodes:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", n.id)
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        ids[n.id] = name
    return ids


def _lanes(diagram: Diagram) -> list[str]:
    present = {n.lane for n in diagram.nodes}
    return [lane for lane in LANES if lane in present]


def mermaid_text(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label: markup characters as entity codes.

    Mermaid reads ``#name;`` and ``#number;`` as entities in labels, so ``#`` itself is
    escaped, and so are quotes, HTML's ``&<>``, the ``|`` that closes an edge label and
    the backtick that starts a Markdown label. Line breaks become spaces.
    """
    text = " ".join(text.split())
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text)


def to_mermaid(diagram: Diagram) -> str:
    """A Mermaid ``flowchart`` with one ``subgraph`` per lane and every edge labelled."""
    ids = _safe_ids(diagram)
    lines = ["flowchart LR"]
    for lane in _lanes(diagram):
        lines.append(f'  subgraph lane_{lane}["{mermaid_text(f"{lane}: {LANE_BLURBS[lane]}")}"]')
        lines.append("    direction LR")
        for n in diagram.nodes:
            if n.lane == lane:
                lines.append(f'    {ids[n.id]}["{mermaid_text(n.label)}"]')
        lines.append("  end")
    for e in diagram.edges:
        label = f'|"{mermaid_text(e.label)}"|' if e.label else ""
        lines.append(f"  {ids[e.source]} -->{label} {ids[e.target]}")
    for lane in _lanes(diagram):
        lines.append(f"  classDef {lane} fill:{LANE_COLOURS[lane]},stroke:#555")
        members = ",".join(ids[n.id] for n in diagram.nodes if n.lane == lane)
        lines.append(f"  class {members} {lane}")
    return "\n".join(lines) + "\n"


def dot_string(text: str) -> str:
    """``text`` as a double-quoted DOT string.

    Backslashes are doubled (DOT reads ``\\n``, ``\\l``, ``\\N`` and friends as escapes in
    labels), quotes escaped, line breaks turned into spaces.
    """
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(diagram: Diagram, name: str = "diagram") -> str:
    """A Graphviz ``digraph`` with one ``cluster_<lane>`` subgraph per lane."""
    ids = _safe_ids(diagram)
    lines = [
        f"digraph {dot_string(name)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for lane in _lanes(diagram):
        lines.append(f"  subgraph cluster_{lane} {{")
        lines.append(f"    label={dot_string(f'{lane}: {LANE_BLURBS[lane]}')};")
        lines.append('    style="rounded";')
        lines.append(f'    node [fillcolor="{LANE_COLOURS[lane]}"];')
        for n in diagram.nodes:
            if n.lane == lane:
                lines.append(f"    {ids[n.id]} [label={dot_string(n.label)}];")
        lines.append("  }")
    for e in diagram.edges:
        attrs = f" [label={dot_string(e.label)}]" if e.label else ""
        lines.append(f"  {ids[e.source]} -> {ids[e.target]}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"
