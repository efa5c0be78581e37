"""Passes for text that lost its line breaks: a whole page dumped on one line, a table run into one paragraph.

What a browser's innerText or lxml's text_content() gives with the whitespace collapsed: breadcrumb, narrative,
headings and every table cell one after another, with nothing between a row's label, its numbers and the next row.
The form knows its own labels and ordinals: the stream is cut at them — first at the section headings and where each
table starts (so the parts can be located), then inside each table part at its row labels — and what follows a label
up to the next cut is that row's numbers (as printed cells, or a run of digits the form's sums split later).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from pipelines.document.model import Cell
from pipelines.report.cells import read_cell
from pipelines.report.form import Form
from pipelines.report.normalize import fold
from pipelines.report.passes.anchors import Anchor, Skeleton, part_anchors, section_anchors, table_starts
from pipelines.report.passes.digits import full_run, sub_cell
from pipelines.report.passes.title import title_span
from pipelines.report.stream import Row, Shape, split_cells

# A converter's caption or Markdown heading after a row's last number ('行政事业性收费 0 ## 表二：…') starts a row
# of its own: it is not the row's label.
_CAPTION_AFTER_NUMBER = re.compile(r"\d(?=\s*(?:#|表[一二三四五六七八九十]+\s*[：:]))")
_NUMBER_CELL = re.compile(r"\d[\d,]*(?:\.\d+)?")
_OCR_NUMBER_CELL = re.compile(r"[\dOo〇lI０-９]+")  # a number as OCR prints it (passes.digits reads it later)
_HEADING_MARKS = re.compile(r"#+")
# a row's ordinal opening a cell: '2.', '（四）', '三、' before the label's first character
_ROW_ORDINAL = re.compile(
    r"(?:\d{1,2}[.、．]|[（(][一二三四五六七八九十]{1,2}[）)]|[一二三四五六七八九十]{1,2}、)(?=[\u4e00-\u9fff])"
)
_RULE = re.compile(r"-{3,}")
_LONG = 120  # a row shorter than this is an ordinary printed row; only longer ones are searched for headings


# --- cutting ---------------------------------------------------------------------------------------------------


def cut_row(row: Row, offsets: list[int], layout_blanks: bool) -> list[Row]:
    """The row cut at character offsets of its text (cells joined without a separator), each piece a row."""
    cuts = sorted({o for o in offsets if 0 < o < len(row.text)})
    if not cuts:
        return [row]
    pieces: list[list[Cell]] = [[]]
    start = 0
    for cell in row.cells:
        end = start + len(cell.text)
        inner = [c - start for c in cuts if start < c < end]
        if start in cuts and pieces[-1]:
            pieces.append([])
        bounds = [0, *inner, len(cell.text)]
        for index, (a, b) in enumerate(pairwise(bounds)):
            if index:
                pieces.append([])
            pieces[-1].append(cell if (a, b) == (0, len(cell.text)) else sub_cell(cell, a, b))
        start = end
    out = []
    for cells in pieces:
        if not "".join(cell.text for cell in cells).strip():
            continue
        label, values = split_cells(cells)
        if layout_blanks:
            while values and not values[-1].text.strip():
                values.pop()
            while values and not values[0].text.strip():
                values.pop(0)
        out.append(Row(label, values, part=row.part))
    return out


def _heading_cuts(skeleton: Skeleton, form: Form) -> list[tuple[int, int]]:
    """(start, end) in the skeleton of every section heading printed in it, in the form's order; a second
    rendering of the page (the headings again after the last one) is cut the same way."""
    found: list[tuple[int, int]] = []
    starts = table_starts(form)
    position = 0
    anchors = section_anchors(form)
    rounds = 0
    while rounds < 2:
        hits = 0
        for anchor in anchors:
            hit = _heading_at(skeleton, anchor, position, starts.get(anchor.key, ()))
            if hit:
                found.append(hit)
                position = hit[1]
                hits += 1
        if hits < 2:
            break
        rounds += 1
    return found


def _heading_at(skeleton: Skeleton, anchor: Anchor, start: int, table: tuple[Anchor, ...]) -> tuple[int, int] | None:
    """The first printing of a section heading at or after ``start`` that is a heading, not a mention: printed with
    an ordinal (its own or another: renumbered headings are headings), or right before its own table, or right
    after a table's last number."""
    at = start
    while True:
        hit = skeleton.find(anchor.printings, at)
        if hit is None:
            return None
        begin, end = hit
        ordinal = skeleton.numeral_before(begin)
        if ordinal is not None:
            return skeleton.markup_before(ordinal), end
        if any(skeleton.text.startswith(p, end) for marker in table for p in marker.printings) or (
            begin and skeleton.text[begin - 1].isdigit()
        ):
            return skeleton.markup_before(begin), end
        at = begin + 1


@lru_cache(maxsize=8192)
def _heading_inside(text: str, form: Form) -> bool:
    """Whether a short row prints a section's heading with something else ('…0 四、政府信息公开行政复议…',
    '一、总体情况 周口市公安局2022年…报告')."""
    folded = fold(text)
    for anchor in section_anchors(form):
        for printing in anchor.printings:
            at = folded.find(printing)
            if at >= 0 and (at > 3 or len(folded) - at - len(printing) > 3):
                return True
    return False


def cut_sections(rows: list[Row], shape: Shape) -> list[Row]:
    """A page dumped on one line is cut at the form's section headings, its title and where each table starts."""
    out: list[Row] = []
    starts = [anchor for anchors in table_starts(shape.form).values() for anchor in anchors]
    for row in rows:
        text = row.text
        if len(text) < _LONG and not _heading_inside(text, shape.form):
            out.append(row)
            continue
        skeleton = Skeleton(text)
        cuts: list[int] = []
        headings = _heading_cuts(skeleton, shape.form)
        for begin, end in headings:
            cuts += [skeleton.printed(begin), skeleton.printed(end - 1) + 1]
        bounds = {end for _, end in headings}
        title = title_span(skeleton, headings[1][0] if len(headings) > 1 else len(skeleton.text), bounds)
        if title:
            cuts += list(title)
        tables = []
        for anchor in starts:
            hit = skeleton.find(anchor.printings, 0)
            if hit and anchor.key != "caption" and not any(b <= hit[0] < e for b, e in headings):
                ordinal = skeleton.ordinal_before(hit[0], anchor.ordinal)
                tables.append(skeleton.printed(hit[0] if ordinal is None else ordinal))
        if headings or len(tables) > 1:  # a dump, not a paragraph that mentions a label
            cuts += tables
        pieces = cut_row(row, cuts, shape.media_type == "text/plain")
        if len(pieces) > 1:
            shape.changed(f"a row of {len(text)} characters cut into {len(pieces)}")
        out.extend(pieces)
    return out


def _dump_cuts(row: Row, form: Form) -> tuple[int, ...]:
    """Where a table part's row prints the start of another row: the part's labels found in the form's order.

    Labels and glued digits are all in the row's label cells (the cells up to its last cell of text), so only
    those are searched — and the same printed labels recur in report after report, so the answer is kept.
    """
    return _label_cuts(tuple(cell.text for cell in row.label), row.part or "", form)


@lru_cache(maxsize=8192)
def _label_cuts(cells: tuple[str, ...], part: str, form: Form) -> tuple[int, ...]:
    text = "".join(cells)
    if not text:
        return ()
    skeleton = Skeleton(text)
    found: dict[int, Anchor] = {}
    for anchors in part_anchors(form, part):
        for at, anchor in _printed(skeleton, anchors):
            found.setdefault(at, anchor)
    cuts = sorted(found.items())
    captions = [match.end() for match in _CAPTION_AFTER_NUMBER.finditer(text)]
    captions += _ordinals_after_numbers(cells)
    # a Markdown table's rule ('|---|---|') with its pipes and line breaks gone is no text of a row: it parts two
    captions += [at for match in _RULE.finditer(text) for at in match.span() if 0 < at < len(text)]
    if not cuts:
        return tuple(captions)
    starts = _cell_starts(cells)
    kinds = {anchor.kind for _, anchor in cuts}
    glued = sum(1 for _, anchor in cuts if anchor.kind != "group") >= 2
    offsets = [
        skeleton.printed(at)
        for at, _ in cuts
        if at
        and (
            _number_ends(skeleton.text[:at])  # a row's numbers, then the next row
            or {"header", "row"} <= kinds  # the table's header, then its first row
            or (glued and skeleton.printed(at) not in starts)  # labels run together inside one printed cell
        )
    ]
    shortest = full_run(form, part)
    if shortest:
        offsets += _run_ends(text, shortest)
    return tuple(offsets + captions)


def _printed(skeleton: Skeleton, anchors: tuple[Anchor, ...]) -> list[tuple[int, Anchor]]:
    """Where the anchors are printed: every printing of a header (the caption 信息内容 comes once per band), the
    first of a row or group label — with its ordinal where the label alone could be other text (其他, 总计).
    Not in the form's order: reports print part 二's bands in any order."""
    cuts: list[tuple[int, Anchor]] = []
    for anchor in anchors:
        at = 0
        while (hit := skeleton.find(anchor.printings, at)) is not None:
            begin = hit[0]
            ordinal = skeleton.ordinal_before(begin, anchor.ordinal)
            at = begin + 1
            if anchor.needs_ordinal and ordinal is None:
                continue
            cuts.append((ordinal if ordinal is not None else begin, anchor))
            if anchor.kind != "header":
                break
    return cuts


def _number_ends(text: str) -> bool:
    """Whether the text ends with a digit (or a letter OCR prints for one), a Markdown heading's marks after it
    or not."""
    stripped = text.rstrip("#")
    return bool(stripped) and (stripped[-1].isdigit() or (stripped[-1] in "Oo〇lI" and stripped != text))


def _ordinals_after_numbers(cells: tuple[str, ...]) -> list[int]:
    """Where a printed cell opening with a row's ordinal ('2.没有现成信息需要另行', '（四）…') follows a cell of a
    number (an OCR'd one too: 'O', 'l4'), a Markdown heading's marks ('###') between them or not: a row's numbers,
    then the next row — whose label may be printed too cut short to be found. The cut is right after the number."""
    out, at, after_number = [], 0, None
    for cell in cells:
        text = cell.strip()
        if after_number is not None and _ROW_ORDINAL.match(text.lstrip("#").strip()):
            out.append(after_number)
        if _NUMBER_CELL.fullmatch(text) or _OCR_NUMBER_CELL.fullmatch(text):
            after_number = at + len(cell)
        elif not _HEADING_MARKS.fullmatch(text):
            after_number = None
        at += len(cell)
    return out


def _cell_starts(cells: tuple[str, ...]) -> set[int]:
    starts, at = set(), 0
    for cell in cells:
        starts.add(at)
        at += len(cell)
    return starts


def cut_rows(rows: list[Row], shape: Shape) -> list[Row]:
    """A table run into one line is cut at the part's own labels and ordinals, in the form's order; the numbers
    after a label, up to the next cut, are that label's row."""
    out: list[Row] = []
    for row in rows:
        if row.part not in ("active_disclosure", "applications", "review_litigation") or row.run is not None:
            out.append(row)
            continue
        offsets = _dump_cuts(row, shape.form) if row.part != "review_litigation" else _review_cuts(row, shape.form)
        pieces = cut_row(row, list(offsets), shape.media_type == "text/plain") if offsets else [row]
        if len(pieces) > 1:
            shape.changed(f"'{row.text[:30]}…' cut into {len(pieces)} rows")
        out.extend(pieces)
    return out


def _review_cuts(row: Row, form: Form) -> list[int]:
    """Part 四 prints its header and its one row: a run of 15 digits or more ends the row where text follows; so
    does a block's numbers where the next block's caption follows them (part 四 as three tables, run into one
    line: '### 行政复议 结果维持 … 总计 1 0 0 0 1 ### 行政诉讼…'), which review_row joins back into one row."""
    cells = [cell.text for cell in row.cells]
    ends, at = [], 0
    for before, cell in zip(("", *cells), cells, strict=False):
        if at and _NUMBER_CELL.fullmatch(before.strip()) and read_cell(cell).kind == "text":
            ends.append(at)
        at += len(cell)
    return sorted({*_run_ends(row.text, full_run(form, row.part) or 1), *ends})


def _run_ends(text: str, shortest: int) -> list[int]:
    """Where a run of at least ``shortest`` digits (a row's numbers glued) ends and text follows — or the next
    row's ordinal does, glued to it ('…981000099' '2.没有现成信息…': a part's rows number from 1 to 8)."""
    ends = [match.end() for match in re.finditer(rf"\d{{{shortest},}}(?=[^\d\s.,，Oo〇lI|])", text)]
    ends += [match.end() for match in re.finditer(rf"\d{{{shortest},}}?(?=[1-9][.．、][\u4e00-\u9fff])", text)]
    return sorted(set(ends))
