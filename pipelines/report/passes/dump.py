"""Passes for text that lost its line breaks: a whole page dumped on one line, a table run into one paragraph.

What a browser's innerText or lxml's text_content() gives with the whitespace collapsed: breadcrumb, narrative,
headings and every table cell one after another, with nothing between a row's label, its numbers and the next row.
The form knows its own labels and ordinals: the stream is cut at them — first at the section headings and where each
table starts (so the parts can be located), then inside each table part at its row labels — and what follows a label
up to the next cut is that row's numbers (as printed cells, or a run of digits the form's sums split later).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from pipelines.document.model import Cell
from pipelines.report.cells import read_cell
from pipelines.report.form import Form, Label, Template
from pipelines.report.normalize import fold
from pipelines.report.passes.digits import full_run, sub_cell
from pipelines.report.stream import Row, Shape, split_cells

_CJK_NUMERALS = "一二三四五六七八九十"
_TITLE = re.compile(r"(?:19|20)\d{2}年度?(?:的)?(?:政府)?(?:信息|政务)公开(?:工作)?(?:年度)?(?:报告|年报)")
_AGENCY_CHARS = re.compile(r"[\u4e00-\u9fff()]")
_LONG = 120  # a row shorter than this is an ordinary printed row; only longer ones are searched for headings


@dataclass(frozen=True)
class Anchor:
    """A printed label the stream can be cut at: its folded printings, the ordinal the form gives it, its kind."""

    key: str
    printings: tuple[str, ...]
    ordinal: str | None
    kind: str  # heading | row | group | header
    part: str | None = None

    @property
    def needs_ordinal(self) -> bool:
        """Labels too short to be told apart from other text (其他, 总计) count only with their ordinal printed."""
        return min(len(p) for p in self.printings) <= 3 and self.ordinal is not None


class Skeleton:
    """A row's text folded (NFKC, radicals, no whitespace) with, for every folded character, where it was printed."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            for folded in _fold_char(char):
                chars.append(folded)
                origin.append(index)
        self.text = "".join(chars)
        self.origin = [*origin, len(text)]

    def find(self, printings: tuple[str, ...], start: int = 0) -> tuple[int, int] | None:
        """The first occurrence at or after ``start`` of any printing (the longest where two start together)."""
        best: tuple[int, int] | None = None
        for printing in printings:
            at = self.text.find(printing, start)
            if at >= 0 and (best is None or at < best[0] or (at == best[0] and at + len(printing) > best[1])):
                best = (at, at + len(printing))
        return best

    def markup_before(self, at: int) -> int:
        """Where a heading's Markdown marks ('## ') before ``at`` start."""
        while at and self.text[at - 1] == "#":
            at -= 1
        return at

    def numeral_before(self, at: int) -> int | None:
        """Where a section ordinal printed just before ``at`` starts ('二、', '四.'), whichever numeral it is."""
        if at < 2 or self.text[at - 1] not in "、." or self.text[at - 2] not in _CJK_NUMERALS:
            return None
        start = at - 2
        while start and self.text[start - 1] in _CJK_NUMERALS:
            start -= 1
        if start and self.text[start - 1] in "(（":
            return None  # （二）… is a subsection of the narrative
        return start

    def ordinal_before(self, at: int, ordinal: str | None) -> int | None:
        """Where the ordinal printed just before ``at`` starts ('二、', '(三)', '2.'), or None."""
        if not ordinal:
            return None
        for printed in _ordinal_printings(ordinal):
            if self.text.startswith(printed, at - len(printed)):
                return at - len(printed)
        return None


@cache
def _fold_char(char: str) -> str:
    return "" if char.isspace() else fold(char)


@cache
def _ordinal_printings(ordinal: str) -> tuple[str, ...]:
    core = fold(ordinal).strip("()")
    if core.isdigit():
        return (f"{core}.", f"{core}、", f"({core})", f"{core},")
    if all(char in _CJK_NUMERALS for char in core):
        if fold(ordinal).startswith("("):
            return (f"({core})",)
        return (f"{core}、", f"{core}.", f"{core},")
    return (fold(ordinal),)


def _printings(label: Label) -> tuple[str, ...]:
    return tuple(sorted({fold(p) for p in label.printings if p}, key=len, reverse=True))


# --- the anchors of the form -----------------------------------------------------------------------------------


@cache
def section_anchors(form: Form) -> tuple[Anchor, ...]:
    return tuple(Anchor(s.key, _printings(s), s.ordinal, "heading") for s in form.sections)


@cache
def table_starts(form: Form) -> dict[str, tuple[Anchor, ...]]:
    """What each table part prints first: part 二 its first band or caption, part 三 its note or first row (with its
    ordinal), part 四 its two block groups' labels side by side. A heading is taken without its ordinal where its
    table follows, and a dump whose headings are missing is still cut where each table starts."""
    items = form.all_items()
    first_row = form.all_application_rows()[0]
    blocks = form.review_blocks
    review = fold(blocks[0].label + next((b.group for b in blocks if b.group), "") or "")
    return {
        "active_disclosure": (
            Anchor("band", (fold(items[0].band),), None, "header"),
            Anchor("caption", (fold(form.headers["active_disclosure"]),), None, "header"),
        ),
        "applications": (
            Anchor("note", (fold(form.headers["applications_note"])[:8],), None, "header"),
            Anchor(first_row.key, _printings(first_row), first_row.ordinal, "row"),
        ),
        "review_litigation": (Anchor("blocks", (review,), None, "header"),),
    }


@cache
def part_anchors(form: Form, part: str) -> tuple[tuple[Anchor, ...], ...]:
    """The labels a table part is cut at, in the order each template prints them (one sequence per template)."""
    return tuple(_template_anchors(form, template, part) for template in form.templates.values() if template.has_tables)


def _template_anchors(form: Form, template: Template, part: str) -> tuple[Anchor, ...]:
    anchors: list[Anchor] = []
    if part == "active_disclosure":
        header = (fold(form.headers["active_disclosure"]),)
        bands_seen: set[str] = set()
        for item in template.items:
            if item.band and item.band not in bands_seen:
                bands_seen.add(item.band)
                anchors.append(Anchor(item.band, (fold(item.band),), None, "header", part))
                anchors.append(Anchor("caption", header, None, "header", part))
            anchors.append(Anchor(item.key, _printings(item), None, "row", part))
    elif part == "applications":
        anchors.append(Anchor("note", (fold(form.headers["applications_note"]),), None, "header", part))
        anchors.append(Anchor("applicants", (fold(form.headers["applicants"]),), None, "header", part))
        groups = {group.key: group for group in form.groups}
        seen: set[str] = set()
        for row in template.rows:
            if row.group and row.group not in seen and row.group in groups:
                seen.add(row.group)
                group = groups[row.group]
                anchors.append(Anchor(group.key, _printings(group), group.ordinal, "group", part))
            anchors.append(Anchor(row.key, _printings(row), row.ordinal, "row", part))
    return tuple(anchors)


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


def _origin(skeleton: Skeleton, at: int) -> int:
    return skeleton.origin[at]


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


@dataclass(frozen=True)
class _Title:
    start: int  # where the organ's name may start (at most)
    name_end: int  # where the year starts
    end: int
    year: str
    weak: bool  # printed inside a sentence, not on a line of its own


def _titles(skeleton: Skeleton, before: int, bounds: set[int]) -> list[_Title]:
    """Every '<organ><year>年…年度报告' printed before ``before``: the organ's name runs back from the year over
    name characters, to a space, punctuation or the end of a heading (``bounds``)."""
    found = []
    for match in _TITLE.finditer(skeleton.text, 0, before):
        start = match.start()
        while start > 0 and start not in bounds and _AGENCY_CHARS.match(skeleton.text[start - 1]):
            if start < match.start() and skeleton.origin[start] - skeleton.origin[start - 1] > 1:
                break  # a space in the printed text: the name does not run across it (except before the year)
            start -= 1
        weak = start > 0 and skeleton.text[start - 1] in "，,。；;、" and start not in bounds
        found.append(_Title(start, match.start(), match.end(), match.group()[:4], weak))
    return found


def _title_cut(skeleton: Skeleton, before: int, bounds: set[int]) -> tuple[int, int] | None:
    """The report's own title among the titles printed before part 二.

    A page prints its own title several times (window title, heading, metadata table) and other years' titles once
    each (a list of the column's reports): the year printed most often is the report's, and the organ's name is the
    longest ending its printings share. A single title printed inside a sentence ('现向社会公布XX局2023年度…报告')
    gives the longest ending of the name the report prints again elsewhere.
    """
    titles = _titles(skeleton, before, bounds)
    if not titles:
        return None
    years = [title.year for title in titles]
    year = max(years, key=lambda y: (years.count(y), -years.index(y)))
    own = [title for title in titles if title.year == year]
    names = [skeleton.text[title.start : title.name_end] for title in own]
    first = own[0]
    if len(own) > 1:
        shared = _shared_ending(names)
        if len(shared) >= 2:
            return _origin(skeleton, first.name_end - len(shared)), _origin(skeleton, first.end - 1) + 1
    if first.weak:
        name = names[0]
        for cut in range(len(name) - 3):  # the longest ending of four characters or more printed again
            if skeleton.text.count(name[cut:]) > 1:
                return _origin(skeleton, first.name_end - len(name) + cut), _origin(skeleton, first.end - 1) + 1
    return _origin(skeleton, first.start), _origin(skeleton, first.end - 1) + 1


def _shared_ending(names: list[str]) -> str:
    """The longest ending at least two of the names share."""
    best = ""
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            length = 0
            while length < min(len(a), len(b)) and a[len(a) - 1 - length] == b[len(b) - 1 - length]:
                length += 1
            if length > len(best):
                best = a[len(a) - length :]
    return best


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
            cuts += [_origin(skeleton, begin), _origin(skeleton, end - 1) + 1]
        bounds = {end for _, end in headings}
        title = _title_cut(skeleton, headings[1][0] if len(headings) > 1 else len(skeleton.text), bounds)
        if title:
            cuts += list(title)
        tables = []
        for anchor in starts:
            hit = skeleton.find(anchor.printings, 0)
            if hit and anchor.key != "caption" and not any(b <= hit[0] < e for b, e in headings):
                ordinal = skeleton.ordinal_before(hit[0], anchor.ordinal)
                tables.append(_origin(skeleton, hit[0] if ordinal is None else ordinal))
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
    if not cuts:
        return ()
    starts = _cell_starts(cells)
    kinds = {anchor.kind for _, anchor in cuts}
    glued = sum(1 for _, anchor in cuts if anchor.kind != "group") >= 2
    offsets = [
        _origin(skeleton, at)
        for at, _ in cuts
        if at
        and (
            skeleton.text[at - 1].isdigit()  # a row's numbers, then the next row
            or {"header", "row"} <= kinds  # the table's header, then its first row
            or (glued and _origin(skeleton, at) not in starts)  # labels run together inside one printed cell
        )
    ]
    shortest = full_run(form, part)
    if shortest:
        offsets += _run_ends(text, shortest)
    return tuple(offsets)


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
    """Part 四 prints its header and its one row: a run of 15 digits or more ends the row where text follows."""
    return _run_ends(row.text, full_run(form, row.part) or 1)


def _run_ends(text: str, shortest: int) -> list[int]:
    """Where a run of at least ``shortest`` digits (a row's numbers glued) ends and text follows."""
    return [match.end() for match in re.finditer(rf"\d{{{shortest},}}(?=[^\d\s.Oo〇lI|])", text)]


def delimited_cells(rows: list[Row], shape: Shape) -> list[Row]:
    """A line of comma-separated cells (a spreadsheet exported as CSV and pasted in) is cut into its cells: where a
    one-cell line's last comma-separated fields are two or more numbers (or blanks) after its label."""
    out = []
    for row in rows:
        if len(row.cells) != 1 or row.text.count(",") < 2 or "。" in row.text:
            out.append(row)
            continue
        cell = row.cells[0]
        fields = cell.text.split(",")
        kinds = [read_cell(field).kind for field in fields]
        last_text = max((i for i, kind in enumerate(kinds) if kind == "text"), default=-1)
        tail = kinds[last_text + 1 :]
        if not tail.count("number") or len(tail) < 2:
            out.append(row)
            continue
        label_end = sum(len(field) + 1 for field in fields[: last_text + 1]) - 1 if last_text >= 0 else 0
        values, at = [], label_end + 1 if last_text >= 0 else 0
        for field in fields[last_text + 1 :]:
            values.append(sub_cell(cell, at, at + len(field)))
            at += len(field) + 1
        label = [sub_cell(cell, 0, label_end)] if label_end > 0 else []
        out.append(Row(label, values, part=row.part))
        shape.changed(f"'{cell.text[:30]}' cut at its commas")
    return out
