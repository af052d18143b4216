"""The text layout: every shipped case fits, shows every label and every edge once, and
no two things are drawn on top of each other; the same holds for generated diagrams."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd.content.loader import Catalog
from mlsd.content.schema import Diagram
from mlsd.diagram.layout import (
    LANES,
    MIN_WIDTH,
    Box,
    Drawing,
    arrow_text,
    chains,
    layout,
    tidy,
    topological_order,
    wrap_words,
)

CASES = Catalog().cases()
VERTICAL = "▼▲│"


def _box_at(
    boxes: tuple[Box, ...], col: int, above: int | None = None, below: int | None = None
) -> Box:
    """The nearest box spanning ``col`` that ends above line ``above`` / starts below ``below``."""
    if above is not None:
        found = [b for b in boxes if b.x <= col < b.x + b.width and b.y + b.height <= above]
        return max(found, key=lambda b: b.y)
    found = [b for b in boxes if b.x <= col < b.x + b.width and below is not None and b.y > below]
    return min(found, key=lambda b: b.y)


def check(drawing: Drawing, diagram: Diagram, width: int, exact_words: bool = True) -> None:
    """Every property a drawing must have, whatever the diagram."""
    diagram = tidy(diagram)  # labels as shown: one line, single spaces
    lines = drawing.lines
    assert drawing.width == max(width, MIN_WIDTH)
    assert all(len(line) <= drawing.width for line in lines), max(map(len, lines))
    assert drawing.text == "\n".join(lines)

    # bands: one per lane in use, in the fixed order, each a closed frame
    lanes = [lane for lane in LANES if any(n.lane == lane for n in diagram.nodes)]
    assert [b.lane for b in drawing.bands] == lanes
    for band in drawing.bands:
        assert lines[band.top].startswith(f"┌─ {band.lane}")
        assert lines[band.top].endswith("┐") and lines[band.bottom].endswith("┘")
        for y in range(band.top + 1, band.bottom):
            assert lines[y][0] == "│" and lines[y][-1] == "│"

    # boxes: one per node, inside its band, never overlapping, label in full
    by_id = {n.id: n for n in diagram.nodes}
    assert sorted(b.node_id for b in drawing.boxes) == sorted(by_id)
    band_of = {b.lane: b for b in drawing.bands}
    for box in drawing.boxes:
        node = by_id[box.node_id]
        band = band_of[node.lane]
        assert box.lane == node.lane
        assert band.top < box.y and box.y + box.height - 1 < band.bottom
        assert box.x >= 2 and box.x + box.width <= drawing.width - 2
        top, bottom = lines[box.y], lines[box.y + box.height - 1]
        assert top[box.x] == "╭" and top[box.x + box.width - 1] == "╮"
        assert bottom[box.x] == "╰" and bottom[box.x + box.width - 1] == "╯"
        assert box.height == len(box.lines) + 2
        for i, text in enumerate(box.lines):
            assert lines[box.y + 1 + i][box.x + 2 : box.x + box.width - 2].strip() == text
        if exact_words:
            assert " ".join(box.lines) == " ".join(node.label.split())
        else:  # a word wider than the box is broken, never cut
            assert "".join(box.lines).replace(" ", "") == node.label.replace(" ", "")
    for a, b in itertools.combinations(drawing.boxes, 2):
        assert not a.overlaps(b), (a, b)

    # edges: each drawn or listed, exactly once
    drawn = [d.index for d in drawing.drawn]
    listed = [e.index for e in drawing.listed]
    assert len(set(drawn)) == len(drawn) and len(set(listed)) == len(listed)
    assert sorted(drawn + listed) == list(range(len(diagram.edges)))

    cells = {
        (x, y)
        for b in drawing.boxes
        for x in range(b.x, b.x + b.width)
        for y in range(b.y, b.y + b.height)
    }
    for d in drawing.drawn:
        edge = diagram.edges[d.index]
        assert (d.source, d.target, d.label) == (edge.source, edge.target, edge.label)
        assert lines[d.y][d.x : d.x + len(d.text)] == d.text
        assert not any((d.x + i, d.y) in cells for i in range(len(d.text)))
        if edge.label:
            assert edge.label in d.text
        if "▶" in d.text or "◀" in d.text:  # between the two boxes beside it on its line
            beside = [b for b in drawing.boxes if b.y < d.y < b.y + b.height - 1]
            left = next(b for b in beside if b.x + b.width == d.x)
            right = next(b for b in beside if b.x == d.x + len(d.text))
            ends = (left.node_id, right.node_id) if "▶" in d.text else (right.node_id, left.node_id)
            assert ends == (edge.source, edge.target)
            assert d.text.strip("─▶◀ ").strip() == (edge.label or "")
        else:  # vertical: between the box above and the box below
            col = d.x + next(i for i, ch in enumerate(d.text) if ch in VERTICAL)
            upper = _box_at(drawing.boxes, col, above=d.y)
            lower = _box_at(drawing.boxes, col, below=d.y)
            down = "▼" in d.text
            ends = (upper.node_id, lower.node_id) if down else (lower.node_id, upper.node_id)
            assert ends == (edge.source, edge.target)
            for y in range(upper.y + upper.height, d.y):  # the shaft is unbroken
                assert lines[y][col] in VERTICAL
            assert lines[lower.y][col] in "─┴"

    label_of = {n.id: n.label for n in diagram.nodes}
    for e in drawing.listed:
        edge = diagram.edges[e.index]
        assert (e.source, e.target, e.label) == (edge.source, edge.target, edge.label)
        said = " ".join(line.strip() for line in lines[e.first : e.last + 1])
        wanted = f"{label_of[e.source]} {arrow_text(e.label)} {label_of[e.target]}"
        if exact_words:
            assert wanted in said, (wanted, said)
        else:
            assert wanted.replace(" ", "") in said.replace(" ", "")
    if drawing.listed:
        assert min(e.first for e in drawing.listed) > drawing.bands[-1].bottom


@pytest.mark.parametrize("width", [100, 80])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_shipped_case_reads_at_100_and_80_columns(case: object, width: int) -> None:
    from mlsd.content.schema import Case

    assert isinstance(case, Case)
    drawing = layout(case.diagram, width)
    check(drawing, case.diagram, width)
    assert max(map(len, drawing.lines)) == width  # bands use the full width
    assert len(drawing.drawn) >= len(case.diagram.edges) // 4  # most in-lane edges are drawn


def test_every_case_is_tall_enough_to_read_but_not_sprawling() -> None:
    heights = [len(layout(c.diagram).lines) for c in CASES]
    assert max(heights) <= 48, heights


def test_default_width_is_100_and_output_is_stable() -> None:
    case = Catalog().case("ad-click-prediction")
    first = layout(case.diagram)
    assert first.width == 100
    assert layout(case.diagram, 100) == first
    assert layout(case.diagram).text == first.text


def test_ad_click_prediction_draws_its_serving_funnel() -> None:
    case = Catalog().case("ad-click-prediction")
    drawing = layout(case.diagram)
    drawn = {(d.source, d.target) for d in drawing.drawn}
    funnel = [
        ("ad_request", "retrieval"),
        ("retrieval", "light_ranker"),
        ("light_ranker", "pctr_ranker"),
        ("pctr_ranker", "auction"),
    ]
    assert set(funnel) <= drawn
    assert "Arrows between lanes" in drawing.text
    assert "Model registry ──deploy──▶ pCTR heavy ranker" in drawing.text


@pytest.mark.parametrize("width", [60, 40, 20])
def test_narrow_widths_degrade_without_losing_anything(width: int) -> None:
    for case in CASES[:6]:
        drawing = layout(case.diagram, width)
        check(drawing, case.diagram, width, exact_words=False)


def _diagram(
    nodes: list[tuple[str, str, str]], edges: list[tuple[str, str, str | None]]
) -> Diagram:
    return Diagram.model_validate(
        {
            "nodes": [{"id": i, "label": label, "lane": lane} for i, label, lane in nodes],
            "edges": [{"from": a, "to": b, "label": lb} for a, b, lb in edges],
        }
    )


def test_a_straight_chain_is_drawn_whole() -> None:
    d = _diagram(
        [("a", "Alpha", "online"), ("b", "Beta", "online"), ("c", "Gamma", "online")],
        [("a", "b", "x"), ("b", "c", None)],
    )
    drawing = layout(d)
    check(drawing, d, 100)
    assert not drawing.listed
    assert "│ Alpha ├─ x ─▶│ Beta ├───▶│ Gamma │" in drawing.text
    assert len(drawing.bands) == 1  # empty lanes get no band


def test_cycles_self_loops_and_repeated_edges_are_all_accounted_for() -> None:
    d = _diagram(
        [("a", "A", "online"), ("b", "B", "online"), ("c", "C", "online"), ("d", "D", "data")],
        [
            ("a", "b", "1"),
            ("b", "c", "2"),
            ("c", "a", "3"),
            ("a", "a", "self"),
            ("a", "b", "again"),
            ("c", "d", None),
            ("d", "a", "back"),
        ],
    )
    drawing = layout(d)
    check(drawing, d, 100)
    assert {e.label for e in drawing.listed} >= {"self", "again"}


def test_a_label_wider_than_the_drawing_is_wrapped_not_cut() -> None:
    long = "Supercalifragilisticexpialidocious-service-with-a-very-long-name-indeed"
    d = _diagram([("a", long, "offline"), ("b", "Short", "offline")], [("a", "b", "data " * 12)])
    for width in (100, 40):
        check(layout(d, width), d, width, exact_words=False)


def test_wrap_words_never_drops_text() -> None:
    assert wrap_words("Online feature store", 10) == ["Online", "feature", "store"]
    assert wrap_words("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap_words("", 5) == [""]


def test_chains_cover_a_lane_with_the_fewest_paths() -> None:
    d = _diagram(
        [("s", "S", "online"), ("a", "A", "online"), ("b", "B", "online"), ("t", "T", "online")],
        [("s", "a", None), ("s", "b", None), ("a", "t", None), ("b", "t", None)],
    )
    edges = list(enumerate(d.edges))
    order = topological_order(list(d.nodes), list(d.edges))
    assert order == ["s", "a", "b", "t"]
    assert chains(order, edges) == [["s", "a", "t"], ["b"]]


labels = st.text(alphabet='abcdefgh XYZ()|"[]#/-', min_size=1, max_size=30).filter(str.strip)


@st.composite
def diagrams(draw: st.DrawFn) -> Diagram:
    count = draw(st.integers(1, 12))
    nodes = [(f"n{i}", draw(labels), draw(st.sampled_from(LANES))) for i in range(count)]
    ids = [n[0] for n in nodes]
    edge = st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.none() | labels)
    return _diagram(nodes, draw(st.lists(edge, max_size=20)))


@settings(max_examples=120, deadline=None)
@given(diagrams(), st.sampled_from([40, 57, 80, 100]))
def test_any_diagram_lays_out_cleanly(diagram: Diagram, width: int) -> None:
    check(layout(diagram, width), diagram, width, exact_words=False)
