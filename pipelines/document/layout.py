"""Positioned glyphs and ruling lines → blocks: the table builder shared by the fixed-layout formats (PDF, OFD).

Fixed-layout files carry no tables, only glyphs at coordinates and the lines drawn between them. Ruled tables are
rebuilt from the lines: the distinct x and y of the rules make a grid, and two neighbouring grid cells are one
printed cell when no rule separates them (so merged labels, a group label printed one character per line, or a
header split over two lines stay one cell). Text outside ruled tables becomes lines; a line with wide gaps between
its runs becomes a row of cells (tables printed without rules). A table whose last row reaches the page foot and
that continues at the top of the next page with the same column edges is joined into one table, and a label cell
cut by the page break ('（四）无' / '法提供') is joined back. Page numbers in the header or footer band are dropped.

Coordinates are PDF points from the page's top-left corner, y downwards.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from pipelines.document.model import Block, Cell, Location, Paragraph, Table
from pipelines.findings import Finding, FindingsLog

_TOLERANCE = 2.5  # points: rules this close are the same rule (stroke widths, rounding)
_MIN_RULE = 4.0  # points: shorter strokes are ticks or glyph parts, not table rules
_MAX_CROSSINGS = 1_000_000  # rule pairs a page may have before it counts as a drawing (keeps a page in ~0.5 s)
_FOOTER_BAND = 0.1  # share of the page height at top and bottom where page numbers live
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－─_·.]*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4}\s*页?)?(?:\s*共\s*\d+\s*页)?[\s\-—–－─_·.]*$"
)
_DECORATED_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－─]+\s*\d{1,4}\s*[-—–－─]+|第\s*\d{1,4}\s*页.*)\s*$")
_ORDINAL = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.、．])")
_NUMBER = re.compile(r"^[\s\d,，.．%-]+$")


class Glyph(NamedTuple):
    """One printed character and its box (a tuple: readers make thousands per page)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class Rule:
    """A drawn straight stroke: horizontal when y0 == y1, vertical when x0 == x1."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    rules: list[Rule]


@dataclass
class _Cell:
    text: str
    page: int
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]


@dataclass
class _Grid:
    """A ruled table in the making: cells by printed row, plus what joining a continuation needs."""

    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[_Cell]]
    joined: list[str] = field(default_factory=list)
    last_page: int = 0

    def __post_init__(self) -> None:
        self.last_page = self.last_page or self.page

    @property
    def nrows(self) -> int:
        return len(self.rows)


def rules_from_segments(segments: list[tuple[float, float, float, float]]) -> list[Rule]:
    """Axis-parallel segments long enough to be table rules; slanted strokes and ticks are dropped."""
    rules = []
    for x0, y0, x1, y1 in segments:
        if abs(y1 - y0) <= 0.5 and abs(x1 - x0) >= _MIN_RULE:
            rules.append(Rule(min(x0, x1), y0, max(x0, x1), y0))
        elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) >= _MIN_RULE:
            rules.append(Rule(x0, min(y0, y1), x0, max(y0, y1)))
    return rules


def rules_from_box(x0: float, y0: float, x1: float, y1: float) -> list[Rule]:
    """A thin filled box is a rule (Word and WPS draw borders so); its long axis is the line."""
    if y1 - y0 <= 3 and x1 - x0 >= _MIN_RULE:
        middle = (y0 + y1) / 2
        return [Rule(x0, middle, x1, middle)]
    if x1 - x0 <= 3 and y1 - y0 >= _MIN_RULE:
        middle = (x0 + x1) / 2
        return [Rule(middle, y0, middle, y1)]
    return []


def build_blocks(pages: list[PageContent], findings: list[Finding], source: str) -> list[Block]:
    """Reading-order blocks of all pages, tables joined across page breaks (a note for each join)."""
    log = FindingsLog(source, "document", findings)
    items: list[_Grid | Paragraph | list[Cell]] = []
    previous_height = 0.0
    for page in pages:
        page_items = _page_items(page)
        # Running heads and feet (band lines that are not page numbers) may stand between a table and its
        # continuation; they stay where they were, after the joined table.
        last = len(items) - 1
        while last >= 0 and _in_band(items[last], previous_height):
            last -= 1
        first = 0
        while first < len(page_items) and _in_band(page_items[first], page.height):
            first += 1
        previous = items[last] if last >= 0 else None
        following = page_items[first] if first < len(page_items) else None
        if isinstance(previous, _Grid) and isinstance(following, _Grid) and _continues(previous, following):
            page_items.pop(first)
            _join(previous, following)
        items.extend(page_items)
        previous_height = page.height
    blocks: list[Block] = []
    pending_rows: list[list[Cell]] = []
    table_index = 0

    def flush_rows() -> None:
        nonlocal table_index
        if pending_rows:
            blocks.append(Table(rows=list(pending_rows), index=table_index, location=pending_rows[0][0].location))
            table_index += 1
            pending_rows.clear()

    for item in items:
        if isinstance(item, list):
            pending_rows.append(item)
            continue
        flush_rows()
        if isinstance(item, Paragraph):
            blocks.append(item)
        else:
            blocks.append(_table(item, table_index))
            for note in item.joined:
                log.info("document.page_split_table", note, source)
            table_index += 1
    flush_rows()
    for block in blocks:
        if isinstance(block, Table):
            for r, row in enumerate(block.rows):
                for cell in row:
                    where = cell.location
                    cell.location = Location(block.index, r, where.col, page=where.page, bbox=where.bbox)
    return blocks


def _in_band(item: _Grid | Paragraph | list[Cell], height: float) -> bool:
    """A paragraph in the header or footer band of its page."""
    bbox = item.location.bbox if isinstance(item, Paragraph) else None
    return bbox is not None and (bbox[3] < height * _FOOTER_BAND or bbox[1] > height * (1 - _FOOTER_BAND))


def _page_items(page: PageContent) -> list[_Grid | Paragraph | list[Cell]]:
    grids = _grids(page)
    free = []
    for glyph in page.glyphs:
        for candidate in grids:
            if candidate.take(glyph):
                break
        else:
            free.append(glyph)
    placed: list[tuple[float, _Grid | Paragraph | list[Cell]]] = []
    for grid_cells in grids:
        grid = grid_cells.finish(page)
        if grid is None:  # a ruled box that is no table (a framed paragraph): its text is plain text
            free.extend(glyph for glyphs in grid_cells.glyphs.values() for glyph in glyphs)
        else:
            placed.append((grid.bbox[1], grid))
    band_top, band_bottom = page.height * _FOOTER_BAND, page.height * (1 - _FOOTER_BAND)
    for line in _lines(free):
        runs = _runs(line)
        texts = [_text(run) for run in runs]
        bbox = _bbox(line)
        top = bbox[1]
        if (top < band_top or top > band_bottom) and _PAGE_NUMBER.match(" ".join(texts)):
            continue
        if len(runs) == 1:
            placed.append((top, Paragraph(texts[0], Location(page=page.number, bbox=bbox))))
        else:
            cells = [
                Cell(text, Location(col=col, page=page.number, bbox=_bbox(run)))
                for col, (text, run) in enumerate(zip(texts, runs, strict=True))
            ]
            placed.append((top, cells))
    placed.sort(key=lambda pair: pair[0])
    return [item for _, item in placed]


class _GridCells:
    """The grid of one cluster of rules and the glyphs that fall into its cells."""

    def __init__(self, xs: list[float], ys: list[float], owner: dict[tuple[int, int], int]) -> None:
        self.xs, self.ys, self.owner = xs, ys, owner
        self.glyphs: dict[int, list[Glyph]] = {}

    def take(self, glyph: Glyph) -> bool:
        """Put the glyph into the cell under its centre; False when it lies outside this grid."""
        cx, cy = (glyph.x0 + glyph.x1) / 2, (glyph.y0 + glyph.y1) / 2
        if not (self.xs[0] <= cx <= self.xs[-1] and self.ys[0] <= cy <= self.ys[-1]):
            return False
        col = min(bisect_right(self.xs, cx) - 1, len(self.xs) - 2)
        row = min(bisect_right(self.ys, cy) - 1, len(self.ys) - 2)
        self.glyphs.setdefault(self.owner[row, col], []).append(glyph)
        return True

    def finish(self, page: PageContent) -> _Grid | None:
        spans: dict[int, list[int]] = {}
        for (row, col), cell_id in self.owner.items():
            span = spans.setdefault(cell_id, [row, col, row, col])
            span[0], span[1] = min(span[0], row), min(span[1], col)
            span[2], span[3] = max(span[2], row), max(span[3], col)
        nrows = len(self.ys) - 1
        rows: list[list[_Cell]] = [[] for _ in range(nrows)]
        for cell_id, (r0, c0, r1, c1) in sorted(spans.items(), key=lambda item: (item[1][0], item[1][1])):
            glyphs = self.glyphs.get(cell_id, [])
            bbox = (self.xs[c0], self.ys[r0], self.xs[c1 + 1], self.ys[r1 + 1])
            lines = _lines(glyphs)
            if bbox[1] < page.height * _FOOTER_BAND or bbox[3] > page.height * (1 - _FOOTER_BAND):
                lines = [line for line in lines if not _page_number(line, page.height)]
            text = join_lines(_text(line) for line in lines)
            rows[r0].append(_Cell(text, page.number, r0, c0, r1 - r0 + 1, c1 - c0 + 1, bbox))
        if len({cell.col for row in rows for cell in row}) < 2:
            return None
        bbox = (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])
        return _Grid(page.number, bbox, rows)


def _grids(page: PageContent) -> list[_GridCells]:
    """One grid per connected cluster of horizontal and vertical strokes."""
    horizontal = _strokes([rule for rule in page.rules if rule.horizontal], True)
    vertical = _strokes([rule for rule in page.rules if not rule.horizontal], False)
    if len(horizontal) * len(vertical) > _MAX_CROSSINGS:  # a drawing (chart, map, hatching), not a form table
        return []
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    t = _TOLERANCE
    for i, h in enumerate(horizontal):
        low, high, y = h.x0 - t, h.x1 + t, h.y0
        for j, v in enumerate(vertical):
            if low <= v.x0 <= high and v.y0 - t <= y <= v.y1 + t:
                parent[find(i)] = find(len(horizontal) + j)
    clusters: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(horizontal):
        clusters.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        clusters.setdefault(find(len(horizontal) + j), ([], []))[1].append(v)
    grids = []
    for hs, vs in clusters.values():
        if len(hs) < 2 or len(vs) < 2:
            continue
        grid = _grid(hs, vs)
        if grid is not None:
            grids.append(grid)
    return grids


def _strokes(rules: list[Rule], horizontal: bool) -> list[Rule]:
    """Collinear rules that touch, merged: a border drawn in pieces (one per cell) is one stroke."""
    t = _TOLERANCE
    strokes: list[Rule] = []
    for line in _collinear(rules, horizontal):
        current: tuple[float, float, float] | None = None  # start, end, across of the stroke being drawn
        for rule in line:
            low, high = (rule.x0, rule.x1) if horizontal else (rule.y0, rule.y1)
            if current is not None and low <= current[1] + t:
                current = (current[0], max(current[1], high), current[2])
                continue
            if current is not None:
                strokes.append(_stroke(*current, horizontal))
            current = (low, high, rule.y0 if horizontal else rule.x0)
        if current is not None:
            strokes.append(_stroke(*current, horizontal))
    return strokes


def _stroke(start: float, end: float, across: float, horizontal: bool) -> Rule:
    return Rule(start, across, end, across) if horizontal else Rule(across, start, across, end)


def _collinear(rules: list[Rule], horizontal: bool) -> list[list[Rule]]:
    """Rules on one line (same y for horizontal rules, same x for vertical), each line sorted along."""
    lines: list[list[Rule]] = []
    previous = None
    for rule in sorted(rules, key=(lambda r: r.y0) if horizontal else (lambda r: r.x0)):
        across = rule.y0 if horizontal else rule.x0
        if previous is not None and across - previous <= _TOLERANCE:
            lines[-1].append(rule)
        else:
            lines.append([rule])
        previous = across
    return [sorted(line, key=(lambda r: r.x0) if horizontal else (lambda r: r.y0)) for line in lines]


def _grid(hs: list[Rule], vs: list[Rule]) -> _GridCells | None:
    """The grid of one cluster. Where the page cut the table (a continuation has no top rule, a table running
    off the page foot no bottom rule), the ends of the vertical rules close it."""
    t = _TOLERANCE
    left, right = min(v.x0 for v in vs), max(v.x0 for v in vs)
    top, bottom = min(v.y0 for v in vs), max(v.y1 for v in vs)
    if top < min(h.y0 for h in hs) - t:
        hs = [*hs, Rule(left, top, right, top)]
    if bottom > max(h.y0 for h in hs) + t:
        hs = [*hs, Rule(left, bottom, right, bottom)]
    xs = _cluster([v.x0 for v in vs])
    ys = _cluster([h.y0 for h in hs])
    if len(xs) < 2 or len(ys) < 2:
        return None
    # The extents drawn on each grid line: vertical strokes by column edge, horizontal by row edge.
    at_x: list[list[tuple[float, float]]] = [[] for _ in xs]
    for v in vs:
        at_x[_nearest(xs, v.x0)].append((v.y0 - t, v.y1 + t))
    at_y: list[list[tuple[float, float]]] = [[] for _ in ys]
    for h in hs:
        at_y[_nearest(ys, h.y0)].append((h.x0 - t, h.x1 + t))

    def drawn(extents: list[tuple[float, float]], middle: float) -> bool:
        return any(low <= middle <= high for low, high in extents)

    nrows, ncols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(nrows) for c in range(ncols)}

    def find(key: tuple[int, int]) -> tuple[int, int]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for r in range(nrows):
        row_middle = (ys[r] + ys[r + 1]) / 2
        for c in range(ncols):
            if c + 1 < ncols and not drawn(at_x[c + 1], row_middle):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < nrows and not drawn(at_y[r + 1], (xs[c] + xs[c + 1]) / 2):
                parent[find((r + 1, c))] = find((r, c))
    ids: dict[tuple[int, int], int] = {}
    owner = {}
    for key in parent:
        root = find(key)
        owner[key] = ids.setdefault(root, len(ids))
    return _GridCells(xs, ys, owner)


def _nearest(values: list[float], value: float) -> int:
    index = bisect_right(values, value)
    if index == len(values) or (index and value - values[index - 1] <= values[index] - value):
        return index - 1
    return index


def _cluster(values: list[float]) -> list[float]:
    """Distinct positions: values within the tolerance of the previous one are the same rule."""
    result: list[float] = []
    group: list[float] = []
    for value in sorted(values):
        if group and value - group[-1] > _TOLERANCE:
            result.append(sum(group) / len(group))
            group = []
        group.append(value)
    if group:
        result.append(sum(group) / len(group))
    return result


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into text lines (by vertical centre), each sorted left to right, lines top to bottom."""
    lines: list[list[Glyph]] = []
    centre = -1e9
    for glyph in sorted(glyphs, key=lambda g: g.y0 + g.y1):
        middle = (glyph.y0 + glyph.y1) / 2
        height = glyph.y1 - glyph.y0
        if abs(middle - centre) <= (height if height > 1.0 else 1.0) * 0.45:
            lines[-1].append(glyph)
            continue
        lines.append([glyph])
        centre = middle
    for line in lines:
        line.sort(key=lambda g: g.x0)
    return lines


def _runs(line: list[Glyph]) -> list[list[Glyph]]:
    """A line cut where the gap between glyphs is wider than about two characters (column gaps)."""
    runs = [[line[0]]]
    for previous, glyph in pairwise(line):
        size = max(previous.y1 - previous.y0, glyph.y1 - glyph.y0)
        if glyph.x0 - previous.x1 > 2.0 * size:
            runs.append([glyph])
        else:
            runs[-1].append(glyph)
    return runs


def _text(glyphs: list[Glyph]) -> str:
    """A line's glyphs as text: a space where one was printed (a glyph's text then starts with it) or where the
    gap is wider than about half a character."""
    parts = [glyphs[0].text]
    previous = glyphs[0]
    for glyph in glyphs[1:]:
        size = previous.y1 - previous.y0
        other = glyph.y1 - glyph.y0
        if glyph.x0 - previous.x1 > 0.6 * (size if size > other else other) and glyph.text[0] != " ":
            parts.append(" ")
        parts.append(glyph.text)
        previous = glyph
    return "".join(parts).strip(" ")


def _page_number(line: list[Glyph], height: float) -> bool:
    """A decorated page number ('- 4 -', '— 4 —', '第4页') in the header or footer band, inside a table that runs
    into the band. A bare number there is a value of the table and stays."""
    top = min(glyph.y0 for glyph in line)
    in_band = top < height * _FOOTER_BAND or top > height * (1 - _FOOTER_BAND)
    return in_band and bool(_DECORATED_PAGE_NUMBER.match(_text(line)))


def join_lines(lines: Iterable[str]) -> str:
    """A cell's lines joined: without a space between CJK lines (a wrapped label), with one between Latin words."""
    text = ""
    for line in lines:
        part = line.strip()
        if not part:
            continue
        latin = text and text[-1].isascii() and text[-1].isalnum() and part[0].isascii() and part[0].isalnum()
        if latin and not (text[-1].isdigit() and part[0].isdigit()):
            text += " "
        text += part
    return text


def _bbox(glyphs: list[Glyph]) -> tuple[float, float, float, float]:
    """Box of glyphs sorted left to right (a line or a run of one)."""
    return (
        round(glyphs[0].x0, 2),
        round(min(glyph.y0 for glyph in glyphs), 2),
        round(max(glyph.x1 for glyph in glyphs), 2),
        round(max(glyph.y1 for glyph in glyphs), 2),
    )


def _continues(previous: _Grid, following: _Grid) -> bool:
    """The next page's first table goes on with the previous page's last table: same left and right edges."""
    return (
        following.page == previous.last_page + 1
        and abs(previous.bbox[0] - following.bbox[0]) <= 3 * _TOLERANCE
        and abs(previous.bbox[2] - following.bbox[2]) <= 3 * _TOLERANCE
    )


def _join(previous: _Grid, following: _Grid) -> None:
    """Append a continuation. Its first row either finishes a row the page break cut (every text in it goes on a
    label above, every cell under a number is empty) and is folded into that row, or starts new rows; then an
    empty cell under a label open at the page foot extends it (a group label not printed again), and a merged
    label cell without an ordinal under an open label joins it ('（四）无' + '法提供')."""
    repeated = 0
    while (
        repeated < min(len(following.rows) - 1, previous.nrows)
        and following.rows[repeated]
        and _texts(following.rows[repeated]) == _texts(previous.rows[repeated])
    ):
        repeated += 1
    previous.joined.append(
        f"table continues from page {previous.last_page} to page {following.page}"
        + (f" ({repeated} header rows printed again there, left out)" if repeated else "")
    )
    if repeated:
        following.rows = following.rows[repeated:]
        for row in following.rows:
            for cell in row:
                cell.row -= repeated
    offset = previous.nrows
    open_cells = [cell for row in previous.rows for cell in row if cell.row + cell.rowspan == offset]
    first = following.rows[0] if following.rows else []
    above = {id(cell): _aligned(cell, open_cells) for cell in first}

    def label(cell: _Cell | None) -> bool:
        return cell is not None and bool(cell.text) and not _NUMBER.match(cell.text)

    split_row = bool(first) and all(
        above[id(cell)] is not None
        and (not cell.text or (label(above[id(cell)]) and label(cell) and not _ORDINAL.match(cell.text)))
        for cell in first
    )
    kept: list[_Cell] = []
    for cell in first:
        top = above[id(cell)]
        if top is None:
            kept.append(cell)
            continue
        grow = cell.rowspan - 1 if split_row else cell.rowspan
        if not cell.text and (split_row or label(top)):
            top.rowspan += grow
        elif split_row or (cell.rowspan > 1 and label(top) and label(cell) and not _ORDINAL.match(cell.text)):
            previous.joined.append(
                f"label cell split by the page break joined: '{top.text}' (page {top.page}) + "
                f"'{cell.text}' (page {cell.page})"
            )
            top.text += cell.text
            top.rowspan += grow
        else:
            kept.append(cell)
    rows = following.rows
    if split_row:
        rows, offset = rows[1:], offset - 1
    elif rows:
        rows[0] = kept
    for row in rows:
        for cell in row:
            cell.row += offset
    previous.rows.extend(rows)
    previous.joined.extend(following.joined)
    previous.last_page = following.last_page
    previous.bbox = (previous.bbox[0], previous.bbox[1], previous.bbox[2], following.bbox[3])


def _texts(row: list[_Cell]) -> list[str]:
    return ["".join(cell.text.split()) for cell in row]


def _aligned(cell: _Cell, candidates: list[_Cell]) -> _Cell | None:
    for candidate in candidates:
        if abs(candidate.bbox[0] - cell.bbox[0]) <= _TOLERANCE and abs(candidate.bbox[2] - cell.bbox[2]) <= _TOLERANCE:
            return candidate
    return None


def _table(grid: _Grid, index: int) -> Table:
    rows = [
        [
            Cell(
                cell.text,
                Location(table=index, row=cell.row, col=cell.col, page=cell.page, bbox=_round(cell.bbox)),
                rowspan=cell.rowspan,
                colspan=cell.colspan,
            )
            for cell in sorted(row, key=lambda c: c.col)
        ]
        for row in grid.rows
    ]
    rows = [row for row in rows if row]
    return Table(rows=rows, index=index, location=Location(table=index, page=grid.page, bbox=_round(grid.bbox)))


def _round(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(bbox[0], 2), round(bbox[1], 2), round(bbox[2], 2), round(bbox[3], 2))


def title(page: PageContent) -> str | None:
    """The title printed on the first page: the leading lines set larger than the body text."""
    lines = _lines(page.glyphs)
    if not lines:
        return None
    heights = sorted(glyph.height for glyph in page.glyphs)
    body = heights[len(heights) // 2]
    parts: list[str] = []
    for line in lines[:6]:
        text = _text(line)
        if _PAGE_NUMBER.match(text):
            continue
        if max(glyph.height for glyph in line) < 1.15 * body:
            if parts:
                break
            continue
        parts.append(text)
    return "".join(parts) or None
