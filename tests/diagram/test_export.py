"""Mermaid and DOT exports: every case parses, with one node per box, one edge per arrow,
labels intact whatever characters they hold, and boxes grouped by lane."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pydot
import pytest

from mlsd.content.loader import Catalog
from mlsd.content.schema import Case, Diagram
from mlsd.diagram.export import to_dot, to_mermaid

# pydot's parser still calls pyparsing's old camelCase names, which pyparsing 3.3 deprecates
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot")

CASES = Catalog().cases()
IDS = [c.id for c in CASES]

NASTY = Diagram.model_validate(
    {
        "nodes": [
            {
                "id": "end",
                "label": 'Say "hi" [x] (y) {z} a|b #1; <b>&amp;</b> `md` C:\\temp',
                "lane": "online",
            },
            {"id": "o-x", "label": "end", "lane": "data"},
            {"id": "o_x", "label": "subgraph --> graph", "lane": "data"},
            {"id": "9lives", "label": "  spaced\n  out  ", "lane": "offline"},
        ],
        "edges": [
            {"from": "end", "to": "o-x", "label": 'a|b "q" [1] (2) #3; <i> \\n'},
            {"from": "o-x", "to": "o_x"},
            {"from": "o_x", "to": "9lives", "label": "x --> y ;"},
            {"from": "9lives", "to": "end", "label": "{curly}"},
        ],
    }
)

SUBGRAPH = re.compile(r'^  subgraph lane_(\w+)\["([^"]*)"\]$')
NODE = re.compile(r'^    (n_\w+)\["([^"]*)"\]$')
EDGE = re.compile(r'^  (n_\w+) -->(?:\|"([^"|]*)"\|)? (n_\w+)$')


def _unmermaid(text: str) -> str:
    """Decode Mermaid's entity codes (#quot; #35; ...) the way its renderer does."""
    return re.sub(
        r"#(\w+);",
        lambda m: chr(int(m[1])) if m[1].isdigit() else html.unescape(f"&{m[1]};"),
        text,
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def _parse_mermaid(text: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    """Nodes (id -> (lane, label)) and edges (source, target, label) of our flowcharts."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str]] = []
    lane: str | None = None
    for line in lines[1:]:
        if m := SUBGRAPH.match(line):
            assert lane is None, "subgraphs do not nest"
            lane = m[1]
        elif line == "  end":
            assert lane is not None
            lane = None
        elif m := NODE.match(line):
            assert lane is not None, "every node sits in its lane's subgraph"
            assert m[1] not in nodes, f"{m[1]} defined twice"
            nodes[m[1]] = (lane, _unmermaid(m[2]))
        elif m := EDGE.match(line):
            edges.append((m[1], m[3], _unmermaid(m[2] or "")))
        else:
            assert re.match(r"^    direction LR$|^  classDef \w+ |^  class [\w,]+ \w+$", line), line
    assert lane is None, "every subgraph is closed"
    return nodes, edges


def _check_mermaid(diagram: Diagram) -> None:
    nodes, edges = _parse_mermaid(to_mermaid(diagram))
    assert len(nodes) == len(diagram.nodes)
    by_label = {(lane, label): nid for nid, (lane, label) in nodes.items()}
    ids = {n.id: by_label[(n.lane, _flat(n.label))] for n in diagram.nodes}
    assert len(set(ids.values())) == len(ids)
    assert edges == [(ids[e.source], ids[e.target], _flat(e.label or "")) for e in diagram.edges]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_mermaid_has_a_node_per_box_and_an_edge_per_arrow(case: Case) -> None:
    text = to_mermaid(case.diagram)
    assert text.startswith("flowchart")
    _check_mermaid(case.diagram)
    lanes = {n.lane for n in case.diagram.nodes}
    assert text.count("  subgraph lane_") == len(lanes)
    assert to_mermaid(case.diagram) == text  # stable


def test_mermaid_escapes_quotes_pipes_hashes_and_html() -> None:
    text = to_mermaid(NASTY)
    _check_mermaid(NASTY)
    assert "#quot;hi#quot;" in text and "a#124;b" in text and "#35;1;" in text
    assert "#lt;b#gt;" in text and "#96;md#96;" in text
    assert "[x] (y) {z}" in text  # safe inside quotes, left readable
    # node ids that Mermaid reserves or misreads (end, o-x / x-prefixed, digits) are prefixed
    assert "    n_end[" in text and "    n_o_x[" in text and "    n_o_x_2[" in text
    assert "    n_9lives[" in text


def _unquote(value: str | None) -> str:
    """A DOT string as its text: outer quotes off, \\" and \\\\ unescaped."""
    assert value is not None and value.startswith('"') and value.endswith('"'), value
    return re.sub(r"\\(.)", r"\1", value[1:-1])


def _check_dot(diagram: Diagram, name: str) -> None:
    graphs = pydot.graph_from_dot_data(to_dot(diagram, name))
    assert graphs is not None and len(graphs) == 1
    graph = graphs[0]
    assert graph.get_type() == "digraph"
    assert _unquote(graph.get_name()) == name
    lanes = [
        lane for lane in ("data", "offline", "online") if any(n.lane == lane for n in diagram.nodes)
    ]
    clusters = graph.get_subgraphs()
    assert [c.get_name() for c in clusters] == [f"cluster_{lane}" for lane in lanes]
    ids: dict[str, str] = {}
    for lane, cluster in zip(lanes, clusters, strict=True):
        members = [n for n in cluster.get_nodes() if n.get_name() not in ("node", "edge", "graph")]
        expected = [n for n in diagram.nodes if n.lane == lane]
        assert [_unquote(m.get_label()) for m in members] == [_flat(n.label) for n in expected]
        ids.update({n.id: m.get_name() for n, m in zip(expected, members, strict=True)})
    assert len(set(ids.values())) == len(diagram.nodes)
    edges = graph.get_edges()
    assert len(edges) == len(diagram.edges)
    for got, want in zip(edges, diagram.edges, strict=True):
        assert (got.get_source(), got.get_destination()) == (ids[want.source], ids[want.target])
        label = got.get_label()
        assert (_unquote(label) if label else None) == (_flat(want.label) if want.label else None)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dot_parses_with_pydot_and_keeps_every_node_and_edge(case: Case) -> None:
    text = to_dot(case.diagram, case.id)
    assert text.startswith(f'digraph "{case.id}" {{')
    _check_dot(case.diagram, case.id)


def test_dot_escapes_quotes_and_backslashes() -> None:
    text = to_dot(NASTY, 'odd "name"')
    assert r"Say \"hi\"" in text and r"C:\\temp" in text and r"\\n" in text
    _check_dot(NASTY, 'odd "name"')


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_itself_reads_every_export() -> None:  # pragma: no cover - needs graphviz
    for diagram, name in [(c.diagram, c.id) for c in CASES] + [(NASTY, "nasty")]:
        proc = subprocess.run(
            ["dot", "-Tplain"],
            input=to_dot(diagram, name),
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        plain = proc.stdout.splitlines()
        assert sum(line.startswith("node ") for line in plain) == len(diagram.nodes)
        assert sum(line.startswith("edge ") for line in plain) == len(diagram.edges)
