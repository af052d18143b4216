"""Text layout of an architecture diagram: lanes as bands, boxes, arrows and a list of the rest.

The drawing is built from plain strings and never exceeds the width asked for. Each lane
is a titled band the full width of the drawing. Inside a band, the lane's own edges are
split into chains (paths through the lane's graph) and each chain is laid out left to
right with its arrows between neighbouring boxes, labels on the arrows. A chain too long
for a row snakes: it turns down at the end of the row and goes on right to left. A chain
may also sit in a new row right under a box it is joined to, with a vertical arrow
between the two. Several ways of splitting a lane into chains are laid out and the one
that draws the most edges in the fewest lines is kept.

Every edge that cannot be drawn without crossing something (all edges between lanes, and
those inside a lane whose boxes are not neighbours) is listed under the bands as
``source ──label──▶ target``, grouped by the lanes it joins. So each edge appears exactly
once, and nothing is ever drawn over anything else.

Band order is data, offline, online: most edges between lanes in the shipped cases run
data → offline (logs feed training) and offline → online (models and features are
deployed), so the list reads top to bottom like a model's life cycle, and only the
feedback edges (the online path writing logs) point back up.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from mlsd.content.schema import Diagram, DiagramEdge, DiagramNode

LANES = ("data", "offline", "online")
"""Band order, top to bottom."""

LANE_BLURBS = {
    "data": "logs, streams and stores",
    "offline": "batch jobs and training",
    "online": "the request path",
}
DEFAULT_WIDTH = 100
MIN_WIDTH = 40
"""Narrower requests are laid out at this width (lines may then overflow the terminal)."""

GAP = 3
"""Spaces between two neighbouring boxes that no arrow joins."""

Direction = Literal["right", "left"]


@dataclass(frozen=True)
class Box:
    """A node's box; ``x``/``y`` are the column and line of its top-left corner."""

    node_id: str
    lane: str
    x: int
    y: int
    width: int
    height: int
    lines: tuple[str, ...]
    """The label as shown, one entry per line inside the box."""

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share any character cell."""
        return not (
            self.x + self.width <= other.x
            or other.x + other.width <= self.x
            or self.y + self.height <= other.y
            or other.y + other.height <= self.y
        )


@dataclass(frozen=True)
class DrawnEdge:
    """An edge drawn as an arrow inside a band: ``text`` sits at column ``x`` of line ``y``."""

    index: int
    """Position of the edge in ``Diagram.edges``."""
    source: str
    target: str
    label: str | None
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class ListedEdge:
    """An edge listed under the bands, on lines ``first`` to ``last`` (inclusive)."""

    index: int
    source: str
    target: str
    label: str | None
    group: str
    """``"data → offline"`` for an edge between lanes, ``"within online"`` inside one."""
    first: int
    last: int


@dataclass(frozen=True)
class Band:
    """A lane's frame, from its title line ``top`` to its bottom line ``bottom``."""

    lane: str
    top: int
    bottom: int


@dataclass(frozen=True)
class Drawing:
    """A laid-out diagram: the text lines plus where everything in them is."""

    width: int
    lines: tuple[str, ...]
    bands: tuple[Band, ...]
    boxes: tuple[Box, ...]
    drawn: tuple[DrawnEdge, ...]
    listed: tuple[ListedEdge, ...]

    @property
    def text(self) -> str:
        """The drawing as one string, lines joined by newlines (no trailing newline)."""
        return "\n".join(self.lines)


def arrow_text(label: str | None) -> str:
    """The arrow used in the list under the bands: ``──label──▶``."""
    return f"──{label}──▶" if label else "──▶"


def wrap_words(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` characters, breaking at spaces.

    A word longer than ``width`` is broken inside itself; nothing is ever dropped, so
    joining the lines (with a space where a space was broken) gives ``text`` back.
    """
    width = max(width, 1)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _two_lines(text: str) -> list[str] | None:
    """The most balanced split of ``text`` at one space, or None if it has no space."""
    words = text.split()
    if len(words) < 2:
        return None
    best: list[str] | None = None
    for i in range(1, len(words)):
        pair = [" ".join(words[:i]), " ".join(words[i:])]
        if best is None or max(map(len, pair)) < max(map(len, best)):
            best = pair
    return best


def _arrow_width(label: str | None) -> int:
    return len(label) + 5 if label else 4


def _right_arrow(label: str | None) -> str:
    return f"─ {label} ─▶" if label else "───▶"


def _left_arrow(label: str | None) -> str:
    return f"◀─ {label} ─" if label else "◀───"


def topological_order(nodes: list[DiagramNode], edges: list[DiagramEdge]) -> list[str]:
    """Node ids with every edge's source before its target where possible.

    Ties go to the order of the nodes in the file; a cycle is broken at the earliest
    remaining node in the file, so the result is always complete and deterministic.
    """
    ids = [n.id for n in nodes]
    indegree = dict.fromkeys(ids, 0)
    for e in edges:
        indegree[e.target] += 1
    order: list[str] = []
    left = list(ids)
    while left:
        ready = [i for i in left if indegree[i] == 0]
        pick = ready[0] if ready else left[0]
        left.remove(pick)
        order.append(pick)
        for e in edges:
            if e.source == pick and e.target in left:
                indegree[e.target] -= 1
    return order


def chains(order: list[str], edges: list[tuple[int, DiagramEdge]]) -> list[list[str]]:
    """Cover the nodes with as few forward paths as possible (most edges drawn).

    A minimum path cover of a DAG is a maximum matching between "leaves" and "enters";
    edges that run against ``order`` (a cycle) are never used. Greedy first, then
    augmenting paths, so the usual result is the obvious chain.
    """
    pos = {n: i for i, n in enumerate(order)}
    succ: dict[str, list[str]] = {n: [] for n in order}
    for _, e in edges:
        if pos[e.source] < pos[e.target] and e.target not in succ[e.source]:
            succ[e.source].append(e.target)
    for n in succ:
        succ[n].sort(key=pos.__getitem__)
    nxt: dict[str, str] = {}
    prev: dict[str, str] = {}

    def augment(u: str, seen: set[str]) -> bool:
        for v in succ[u]:
            if v in seen:
                continue
            seen.add(v)
            if v not in prev or augment(prev[v], seen):
                prev[v] = u
                nxt[u] = v
                return True
        return False

    for u in order:  # greedy pass: first free successor
        for v in succ[u]:
            if v not in prev:
                prev[v], nxt[u] = u, v
                break
    for u in order:
        if u not in nxt:
            augment(u, set())
    return _paths(order, nxt, prev)


COVER_LIMIT = 40
"""At most this many path covers are tried per band (each is a full layout of the band)."""


def path_covers(
    order: list[str], edges: list[tuple[int, DiagramEdge]], limit: int = COVER_LIMIT
) -> list[list[list[str]]]:
    """Different ways to split a lane into chains, the best-matching one first.

    The first is :func:`chains`; then come maximal sets of edges that form disjoint
    paths without cycles, found by a bounded search in the order of the edges.
    """
    first = chains(order, edges)
    found = [first]
    pairs = list(dict.fromkeys((e.source, e.target) for _, e in edges if e.source != e.target))
    nxt: dict[str, str] = {}
    prv: dict[str, str] = {}
    budget = [limit * 50]  # search steps, so a large diagram cannot take long

    def joinable(u: str, v: str) -> bool:
        if u in nxt or v in prv:
            return False
        w = v
        while w in nxt:  # would u -> v close a cycle?
            w = nxt[w]
            if w == u:
                return False
        return True

    def search(i: int) -> None:
        if len(found) >= limit or budget[0] <= 0:
            return
        budget[0] -= 1
        if i == len(pairs):
            if not any(joinable(u, v) for u, v in pairs if nxt.get(u) != v):
                cover = _paths(order, nxt, prv)
                if cover not in found:
                    found.append(cover)
            return
        u, v = pairs[i]
        if joinable(u, v):
            nxt[u], prv[v] = v, u
            search(i + 1)
            del nxt[u], prv[v]
        search(i + 1)

    search(0)
    return found


def _paths(order: list[str], nxt: dict[str, str], prv: dict[str, str]) -> list[list[str]]:
    result = []
    for n in order:
        if n not in prv:
            path = [n]
            while path[-1] in nxt:
                path.append(nxt[path[-1]])
            result.append(path)
    return result


def _best_band(nodes: list[DiagramNode], edges: list[tuple[int, DiagramEdge]], inner: int) -> _Band:
    """Lay the band out for each candidate split into chains and keep the best.

    Chains are tried in two orders: by where their first-listed node is in the file
    (authors list the request path first) and topologically. Ties keep the earlier try.
    """
    order = topological_order(nodes, [e for _, e in edges])
    rank = {n.id: i for i, n in enumerate(nodes)}
    best: _Band | None = None
    for cover in path_covers(order, edges):
        by_file = sorted(cover, key=lambda c: min(map(rank.__getitem__, c)))
        for chain_list in (by_file, cover):
            band = _Band(nodes, edges, inner, chain_list)
            if best is None or band.score() > best.score():
                best = band
    assert best is not None
    return best


@dataclass
class _Row:
    """A row of boxes inside a band; coordinates are relative to the band's inside."""

    cells: list[tuple[str, int]] = field(default_factory=list)  # (node id, x)
    arrows: list[tuple[int, int, str, str, Direction]] = field(default_factory=list)
    # (edge index, x, text, id of the box the arrow leaves, direction)
    free: list[tuple[int, int]] = field(default_factory=list)
    """Column ranges [start, stop) where another chain may still go."""


@dataclass(frozen=True)
class _Connector:
    """A vertical arrow between a box in row ``row`` and a box in the row below it."""

    index: int
    row: int
    upper: str
    lower: str
    col: int
    label: str | None
    up: bool
    """True when the arrow points at the upper box."""


class _Band:
    """Places one lane's nodes into rows and draws them on a canvas ``inner`` wide.

    Each chain goes, in this order of preference: beside earlier boxes in a row that has
    room for all of it; in a new row under the last one, joined to a box above by a
    vertical arrow; or in new rows of its own, snaking when it is too long for one.
    """

    def __init__(
        self,
        nodes: list[DiagramNode],
        edges: list[tuple[int, DiagramEdge]],
        inner: int,
        chain_list: list[list[str]],
    ) -> None:
        self.inner = inner
        self.edges = edges
        self.lines: dict[str, list[str]] = {}
        for n in nodes:
            self.lines[n.id] = (
                [n.label] if len(n.label) + 4 <= inner else wrap_words(n.label, inner - 4)
            )
        self.rows: list[_Row] = []
        self.below: dict[int, _Connector] = {}  # row index -> the arrow under that row
        self.x: dict[str, int] = {}
        self.drawn: set[int] = set()
        link: dict[tuple[str, str], tuple[int, str | None]] = {}
        for i, e in edges:
            link.setdefault((e.source, e.target), (i, e.label))
        for chain in chain_list:
            links = [link[pair] for pair in itertools.pairwise(chain)]
            labels = [lb for _, lb in links]
            if not (self._pack(chain, links, labels) or self._attach(chain, links, labels)):
                self._snake(chain, links, labels)

    def score(self) -> tuple[int, int, int]:
        """Higher is better: edges drawn, then fewer lines, then fewer right-to-left rows."""
        lines = sum(self.height(r) + 1 for r in self.rows)
        backwards = sum(1 for r in self.rows if any(a[4] == "left" for a in r.arrows))
        return (len(self.drawn), -lines, -backwards)

    # -- sizes ------------------------------------------------------------------------
    def width(self, node: str) -> int:
        """Width of a node's box with its current label lines."""
        return max(map(len, self.lines[node])) + 4

    def height(self, row: _Row) -> int:
        """Lines a row takes: its tallest box."""
        return max(len(self.lines[n]) + 2 for n, _ in row.cells)

    def _span(self, ids: list[str], labels: list[str | None]) -> int:
        return sum(map(self.width, ids)) + sum(_arrow_width(lb) for lb in labels)

    def _squeeze(self, ids: list[str], labels: list[str | None], span: int) -> bool:
        """Wrap labels onto two lines, biggest saving first, until ``ids`` fit ``span``."""
        while self._span(ids, labels) > span:
            best: tuple[int, str, list[str]] | None = None
            for n in ids:
                if len(self.lines[n]) != 1:
                    continue
                two = _two_lines(self.lines[n][0])
                if two is None:
                    continue
                saving = len(self.lines[n][0]) - max(map(len, two))
                if saving > 0 and (best is None or saving > best[0]):
                    best = (saving, n, two)
            if best is None:
                return False
            self.lines[best[1]] = best[2]
        return True

    def _fit(self, ids: list[str], labels: list[str | None], span: int) -> int:
        """How many of ``ids`` (from the first) fit in ``span`` columns, wrapping as needed.

        Labels wrapped for boxes that end up not fitting are unwrapped again.
        """
        fitted = 0
        for k in range(1, len(ids) + 1):
            saved = {n: self.lines[n] for n in ids[:k]}
            if self._squeeze(ids[:k], labels[: k - 1], span):
                fitted = k
            else:
                self.lines.update(saved)
                break
        return fitted

    def _fit_all(self, ids: list[str], labels: list[str | None], span: int) -> bool:
        saved = {n: self.lines[n] for n in ids}
        if self._fit(ids, labels, span) == len(ids):
            return True
        self.lines.update(saved)
        return False

    # -- placement --------------------------------------------------------------------
    def _pack(
        self, chain: list[str], links: list[tuple[int, str | None]], labels: list[str | None]
    ) -> bool:
        """Put the whole chain in free room of an existing row, if any row has enough."""
        for row in self.rows:
            for k, (start, stop) in enumerate(row.free):
                if stop - start >= 5 and self._fit_all(chain, labels, stop - start):
                    self._lay(row, chain, links, start, "right")
                    row.free[k] = (start + self._span(chain, labels) + GAP, stop)
                    return True
        return False

    def _attach(
        self, chain: list[str], links: list[tuple[int, str | None]], labels: list[str | None]
    ) -> bool:
        """Put the chain in a new row under the last one, with an arrow to a box above."""
        last = len(self.rows) - 1
        saved = {n: self.lines[n] for n in chain}
        if last < 0 or last in self.below or not self._fit_all(chain, labels, self.inner):
            return False
        ways: tuple[Direction, ...] = ("right", "left")  # a chain may read right to left
        total = self._span(chain, labels)
        offsets = [self._span(chain[:k], labels[:k]) for k in range(len(chain))]
        for k, node, above, ax, (index, e) in (
            (k, node, above, ax, ie)
            for k, node in enumerate(chain)
            for above, ax in sorted(self.rows[last].cells, key=lambda c: c[1])
            for ie in self.edges
        ):
            if index in self.drawn or {e.source, e.target} != {above, node}:
                continue
            for direction in ways:
                at = offsets[k] if direction == "right" else total - offsets[k] - self.width(node)
                x0 = min(max(ax - at, 0), self.inner - total)
                lo = max(ax, x0 + at) + 1
                hi = min(ax + self.width(above), x0 + at + self.width(node)) - 2
                col = (lo + hi) // 2
                if lo <= hi and self._label_fits(col, e.label):
                    row = _Row()
                    self.rows.append(row)
                    self._lay(row, chain, links, x0, direction)
                    row.free = [(0, x0 - GAP), (x0 + total + GAP, self.inner)]
                    up = e.target == above
                    self._connect(_Connector(index, last, above, node, col, e.label, up))
                    return True
        self.lines.update(saved)
        return False

    def _snake(
        self, chain: list[str], links: list[tuple[int, str | None]], labels: list[str | None]
    ) -> None:
        """Lay the chain out in new rows, turning down at each row's end."""
        start = 0
        prev: tuple[str, Direction] | None = None  # last box placed, and its row's direction
        while start < len(chain):
            rest, rest_labels = chain[start:], labels[start:]
            row = _Row()
            if prev is None:
                n = self._fit(rest, rest_labels, self.inner) or 1  # one box always fits
                self.rows.append(row)
                self._lay(row, rest[:n], links[start:], 0, "right")
                direction: Direction = "right"
            else:
                source, went = prev
                src_x, src_w = self.x[source], self.width(source)
                span = src_x + src_w if went == "right" else self.inner - src_x
                saved = {m: self.lines[m] for m in rest}
                n = self._fit(rest, rest_labels, span)
                col = self._turn_col(source, rest[0], went) if n else -1
                if n == 0 or not self._label_fits(col, labels[start - 1]):
                    self.lines.update(saved)  # the chain breaks here; that edge is listed
                    self._free_after(self.rows[-1], went)
                    prev = None
                    continue
                direction = "left" if went == "right" else "right"
                self.rows.append(row)
                x0 = src_x + src_w - self._span(rest[:n], rest_labels[: n - 1])
                self._lay(row, rest[:n], links[start:], x0 if went == "right" else src_x, direction)
                index, label = links[start - 1]
                row_above = len(self.rows) - 2
                self._connect(_Connector(index, row_above, source, rest[0], col, label, False))
            start += n
            if start == len(chain):
                self._free_after(row, direction)
            prev = (rest[n - 1], direction)

    def _free_after(self, row: _Row, direction: Direction) -> None:
        """Open a chain's last row to other chains, on the side its arrows point away from."""
        left = min(x for _, x in row.cells)
        right = max(x + self.width(n) for n, x in row.cells)
        row.free = [(right + GAP, self.inner)] if direction == "right" else [(0, left - GAP)]

    def _connect(self, connector: _Connector) -> None:
        self.below[connector.row] = connector
        self.drawn.add(connector.index)

    def _turn_col(self, source: str, target: str, went: Direction) -> int:
        """The column where a snaking chain turns down: inside both boxes, which share an edge."""
        narrow = min(self.width(source), self.width(target))
        if went == "right":  # right edges line up
            return self.x[source] + self.width(source) - 1 - (narrow - 1) // 2
        return self.x[source] + (narrow - 1) // 2

    def _label_fits(self, col: int, label: str | None) -> bool:
        need = len(label) + 1 if label else 0
        return col + 1 + need <= self.inner or col - need >= 0

    def _lay(
        self,
        row: _Row,
        ids: list[str],
        links: list[tuple[int, str | None]],
        x0: int,
        direction: Direction,
    ) -> None:
        """Put ``ids`` in ``row`` from column ``x0`` with arrows between them.

        A ``left`` row reads right to left: ``x0`` is then the left edge of the last box.
        """
        shown = ids if direction == "right" else ids[::-1]
        x = x0
        for k, node in enumerate(shown):
            self.x[node] = x
            row.cells.append((node, x))
            x += self.width(node)
            if k == len(shown) - 1:
                break
            if direction == "right":
                index, label = links[k]
                text, leaves = _right_arrow(label), node
            else:  # the arrow enters this box from the one on its right
                index, label = links[len(ids) - 2 - k]
                text, leaves = _left_arrow(label), shown[k + 1]
            row.arrows.append((index, x, text, leaves, direction))
            self.drawn.add(index)
            x += len(text)

    # -- drawing ----------------------------------------------------------------------
    def draw(self) -> tuple[list[str], list[Box], list[tuple[int, int, int, str]]]:
        """The band's inside as lines ``inner`` wide, with its boxes and drawn arrows.

        Arrows come as (edge index, x, y, text). All coordinates are relative to the
        band's inside.
        """
        tops = []
        y = 0
        for row in self.rows:
            tops.append(y)
            y += self.height(row) + 1
        canvas = [[" "] * self.inner for _ in range(max(y - 1, 0))]

        def put(x: int, y: int, text: str) -> None:
            for i, ch in enumerate(text):
                canvas[y][x + i] = ch

        boxes: list[Box] = []
        arrows: list[tuple[int, int, int, str]] = []
        for top, row in zip(tops, self.rows, strict=True):
            for node, x in row.cells:
                w, lines = self.width(node), self.lines[node]
                put(x, top, "╭" + "─" * (w - 2) + "╮")
                for i, line in enumerate(lines):
                    put(x, top + 1 + i, "│ " + line.center(w - 4) + " │")
                put(x, top + len(lines) + 1, "╰" + "─" * (w - 2) + "╯")
                boxes.append(Box(node, "", x, top, w, len(lines) + 2, tuple(lines)))
            for index, x, text, leaves, direction in row.arrows:
                put(x, top + 1, text)
                edge_x = self.x[leaves] + (self.width(leaves) - 1 if direction == "right" else 0)
                put(edge_x, top + 1, "├" if direction == "right" else "┤")
                arrows.append((index, x, top + 1, text))
        for r, c in sorted(self.below.items()):
            upper_end = tops[r] + len(self.lines[c.upper]) + 1  # bottom line of the upper box
            gap = tops[r] + self.height(self.rows[r])  # the line between the two rows
            if c.up:
                put(c.col, gap + 1, "┴")
                put(c.col, upper_end + 1, "▲")
                for y in range(upper_end + 2, gap + 1):
                    put(c.col, y, "│")
                mark = "▲" if upper_end + 1 == gap else "│"
            else:
                put(c.col, upper_end, "┬")
                for y in range(upper_end + 1, gap):
                    put(c.col, y, "│")
                mark = "▼"
            text, x = (f"{mark} {c.label}", c.col) if c.label else (mark, c.col)
            if x + len(text) > self.inner:
                text, x = f"{c.label} {mark}", c.col - len(c.label or "") - 1
            put(x, gap, text)
            arrows.append((c.index, x, gap, text))
        return ["".join(line) for line in canvas], boxes, arrows


def _title(lane: str, width: int) -> str:
    for text in (f"─ {lane} · {LANE_BLURBS.get(lane, '')} ", f"─ {lane} "):
        if len(text) + 3 <= width:
            return "┌" + text + "─" * (width - 2 - len(text)) + "┐"
    return "┌" + "─" * (width - 2) + "┐"


def _group(edge: DiagramEdge, lane_of: Mapping[str, str]) -> str:
    a, b = lane_of[edge.source], lane_of[edge.target]
    return f"within {a}" if a == b else f"{a} → {b}"


def _listed_lines(prefix: str, indent: int, pieces: list[str], width: int) -> list[str]:
    """``prefix`` then the pieces joined by spaces, continued on indented lines."""
    lines = [prefix]
    avail = width - indent
    for piece in pieces:
        chunks = [piece] if len(piece) <= avail else wrap_words(piece, avail)
        for chunk in chunks:
            line = lines[-1]
            sep = "" if len(line) == len(prefix) and line == prefix else " "
            if len(line) + len(sep) + len(chunk) <= width:
                lines[-1] = line + sep + chunk
            else:
                lines.append(" " * indent + chunk)
    return lines


def tidy(diagram: Diagram) -> Diagram:
    """The diagram with each label on one line and single-spaced (a blank edge label: none)."""

    def one_line(text: str) -> str:
        return " ".join(text.split())

    nodes = [n.model_copy(update={"label": one_line(n.label)}) for n in diagram.nodes]
    edges = [e.model_copy(update={"label": one_line(e.label or "") or None}) for e in diagram.edges]
    return diagram.model_copy(update={"nodes": nodes, "edges": edges})


def layout(diagram: Diagram, width: int = DEFAULT_WIDTH) -> Drawing:
    """Lay ``diagram`` out as text lines at most ``width`` columns wide.

    Widths below :data:`MIN_WIDTH` are raised to it. Labels are shown as :func:`tidy`
    leaves them, and so are the labels in the returned edges.
    """
    width = max(width, MIN_WIDTH)
    inner = width - 4
    diagram = tidy(diagram)
    lane_of = {n.id: n.lane for n in diagram.nodes}
    label_of = {n.id: n.label for n in diagram.nodes}
    edges = list(enumerate(diagram.edges))
    lanes = [lane for lane in LANES if lane in lane_of.values()]

    lines: list[str] = []
    bands: list[Band] = []
    boxes: list[Box] = []
    drawn: list[DrawnEdge] = []
    position: dict[str, tuple[int, int, int]] = {}  # node -> (band, line, column)
    for b, lane in enumerate(lanes):
        own = [
            (i, e)
            for i, e in edges
            if lane_of[e.source] == lane == lane_of[e.target] and e.source != e.target
        ]
        band = _best_band([n for n in diagram.nodes if n.lane == lane], own, inner)
        canvas, band_boxes, band_arrows = band.draw()
        top = len(lines)
        lines.append(_title(lane, width))
        lines += [f"│ {line} │" for line in canvas]
        lines.append("└" + "─" * (width - 2) + "┘")
        bands.append(Band(lane, top, len(lines) - 1))
        for box in band_boxes:
            moved = Box(
                box.node_id, lane, box.x + 2, box.y + top + 1, box.width, box.height, box.lines
            )
            boxes.append(moved)
            position[box.node_id] = (b, moved.y, moved.x)
        for index, x, y, text in band_arrows:
            e = diagram.edges[index]
            drawn.append(DrawnEdge(index, e.source, e.target, e.label, x + 2, y + top + 1, text))

    done = {d.index for d in drawn}
    rest = [(i, e) for i, e in edges if i not in done]
    lane_rank = {lane: k for k, lane in enumerate(lanes)}
    rest.sort(
        key=lambda ie: (
            lane_rank[lane_of[ie[1].source]],
            lane_rank[lane_of[ie[1].target]],
            position[ie[1].source],
            position[ie[1].target],
            ie[0],
        )
    )
    listed: list[ListedEdge] = []
    if rest:
        within = any(lane_of[e.source] == lane_of[e.target] for _, e in rest)
        lines.append("")
        header = "Arrows between lanes" + (" and others not drawn above:" if within else ":")
        lines += wrap_words(header, width)
        groups = [_group(e, lane_of) for _, e in rest]
        col = max(map(len, groups))
        if width - (col + 4) < 50:  # too narrow for a column of groups: each on its own line
            col = -2
        shown = ""
        for (i, e), group in zip(rest, groups, strict=True):
            if col < 0 and group != shown:
                lines.append(f"  {group}")
            head = group if group != shown else ""
            shown = group
            prefix = "  " + (head.ljust(col) + "  " if col >= 0 else "  ")
            pieces = [label_of[e.source], arrow_text(e.label), label_of[e.target]]
            body = _listed_lines(prefix, len(prefix) + 2, pieces, width)
            first = len(lines)
            lines += body
            listed.append(ListedEdge(i, e.source, e.target, e.label, group, first, len(lines) - 1))
    return Drawing(width, tuple(lines), tuple(bands), tuple(boxes), tuple(drawn), tuple(listed))
