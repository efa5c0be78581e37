"""Passes for what a page layout leaves in text: page numbers and footers between the lines of a report.

A PDF's text prints a footer per page ('— 3 —', '- 4 -', '第 3 页', '3/6') — or the bare number ('3'). On a line of
its own a footer is dropped; once the line breaks are gone (a page copied or crawled as one line) it stands inside
the text, between the last line of a page and the first of the next, and a bare number runs into the numbers before
it ('16793' '3' → '167933'). The footers that are recognisable give the document's page sequence and where each page
ends; a page whose number is missing from it was printed bare, somewhere in that stretch.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from pipelines.document.model import Cell, Location
from pipelines.report.arithmetic import checks, table_templates
from pipelines.report.cells import clean, read_cell
from pipelines.report.form import Form
from pipelines.report.normalize import bare
from pipelines.report.passes.digits import sub_cell
from pipelines.report.stream import Row, Shape, split_cells

_DASHES = "-—–－~_"
_FOOTER = re.compile(
    rf"^(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[/／]\s*\d{1,4})$"
)
# A footer inside a line: its own marks on both sides of the number ('…公开-1-行政执法…', '…0 0 0— 4 —2.没有…').
# A page's 'N/M' is left alone inside a line: dates and ratios print the same.
_INSIDE = re.compile(
    rf"[{_DASHES}]{{1,2}}\s*(\d{{1,3}})\s*[{_DASHES}]{{1,2}}(?![{_DASHES}])"
    r"|第\s*(\d{1,3})\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
)
_MOST_SKIPPED = 2  # bare page numbers in a row between two recognised footers
_MOST_FOOTERS = 2000  # footers looked at (a long report prints a few hundred)
_PARTS = {"active_disclosure": "part 二", "applications": "part 三", "review_litigation": "part 四"}

Key = tuple[int, int, int]
"""Where a character was printed in a text document: (line, whitespace-separated cell, character in it)."""


@dataclass(frozen=True)
class _Footer:
    page: int
    row: int
    start: int
    end: int
    whole: bool  # the row is the footer
    key: Key | None


def _key(location: Location, offset: int = 0) -> Key | None:
    if location.line is None:
        return None
    return location.line, location.col or 0, (location.span[0] if location.span else 0) + offset


def _key_at(row: Row, at: int) -> Key | None:
    start = 0
    for cell in row.cells:
        if at < start + len(cell.text):
            return _key(cell.location, at - start)
        start += len(cell.text)
    return None


def _chain(found: list[_Footer]) -> list[_Footer]:
    """The longest run of footers whose page numbers rise in reading order, at most ``_MOST_SKIPPED`` pages
    skipped at a time: the document's page sequence (a date's '-1-' or a '第3页' in a sentence falls out)."""
    found = found[:_MOST_FOOTERS]
    length = [1] * len(found)
    back = [-1] * len(found)
    for index, footer in enumerate(found):
        for j in range(index):
            if 0 < footer.page - found[j].page <= _MOST_SKIPPED + 1 and length[j] + 1 > length[index]:
                length[index], back[index] = length[j] + 1, j
    at = max(range(len(found)), key=length.__getitem__, default=-1)
    chain: list[_Footer] = []
    while at >= 0:
        chain.append(found[at])
        at = back[at]
    return chain[::-1]


def _without(row: Row, start: int, end: int) -> Row:
    """The row with its text [start, end) taken out, each cell it cuts kept as the pieces on either side."""
    cells: list[Cell] = []
    at = 0
    for cell in row.cells:
        a, b = at, at + len(cell.text)
        at = b
        if b <= start or a >= end:
            cells.append(cell)
            continue
        if a < start:
            cells.append(sub_cell(cell, 0, start - a))
        if b > end:
            cells.append(sub_cell(cell, end - a, len(cell.text)))
    label, values = split_cells(cells)
    return replace(row, label=label, values=values)


def page_footers(rows: list[Row], shape: Shape) -> list[Row]:
    """Page numbers a PDF's text keeps between lines ('— 3 —', '- 4 -', '第 3 页', '3/6') are dropped, inside
    tables too, so they are neither a row of numbers nor a line of label text.

    A bare number on a line of its own is kept: it may be a cell printed alone. Inside a line (the line breaks
    lost) a footer is dropped where it is one of the document's page sequence, so its digits do not run into the
    numbers around it; the sequence is kept for glued_page_numbers.
    """
    found: list[_Footer] = []
    for index, row in enumerate(rows):
        text = row.text.strip()
        if len(text) <= 16 and _FOOTER.match(text):
            page = int(re.findall(r"\d+", text)[0])
            found.append(_Footer(page, index, 0, len(row.text), True, _key_at(row, 0)))
        elif len(text) > 16 and row.run is None:
            for match in _INSIDE.finditer(row.text):
                page = int(match[1] or match[2])
                found.append(_Footer(page, index, *match.span(), False, _key_at(row, match.start())))
    chain = _chain(found) if len(found) > 1 else []
    chain = chain if len(chain) > 1 else []
    if chain and all(footer.key is not None for footer in chain):
        shape.memo["pages"] = [(footer.page, footer.key) for footer in chain]
    inside: dict[int, list[_Footer]] = {}
    for footer in chain:
        if not footer.whole:
            inside.setdefault(footer.row, []).append(footer)
    dropped = {footer.row for footer in found if footer.whole}
    kept = []
    for index, row in enumerate(rows):
        if index in dropped:
            shape.changed(f"'{row.text.strip()}'")
            continue
        for footer in sorted(inside.get(index, ()), key=lambda f: f.start, reverse=True):
            shape.changed(f"'{row.text[footer.start : footer.end]}' inside a line")
            row = _without(row, footer.start, footer.end)
        kept.append(row)
    return kept


# --- a bare page number run into a number ---------------------------------------------------------------------


@lru_cache(maxsize=8)
def _unsummed(form: Form) -> frozenset[str]:
    """The table parts no sum of the form ties: a wrong digit there nothing else would catch."""
    summed = {ref[0] for check in checks(form, table_templates(form)) for ref in check.cells}
    return frozenset(part for part in _PARTS if part not in summed)


def _stream(rows: list[Row]) -> list[tuple[int, Cell, int]]:
    """(row index, cell, character offset) of every cell in reading order."""
    out, at = [], 0
    for index, row in enumerate(rows):
        for cell in row.cells:
            out.append((index, cell, at))
            at += len(cell.text)
    return out


def _stretches(pages: list[tuple[int, Key]], stream: list[tuple[int, Cell, int]]) -> dict[int, tuple[int, int]]:
    """Page → (first, last character offset) of the stretch its missing footer stands in: between the footers of
    the pages before and after it, or within about a page after the last one before it. Pages before the first
    footer found are not counted missing: a cover or first page often prints none."""
    offsets: list[tuple[int, int]] = []
    cells = iter(stream)
    current = next(cells, None)
    for page, key in pages:  # in reading order, as the stream is: each footer at the first cell printed after it
        while current is not None and ((here := _key(current[1].location)) is None or here < key):
            current = next(cells, None)
        if current is None:
            break
        offsets.append((page, current[2]))
    if len(offsets) < 2:
        return {}
    lengths = [(b - a) / (q - p) for (p, a), (q, b) in pairwise(offsets) if q > p]
    length = statistics.median(lengths) if lengths else 0.0
    seen = {page for page, _ in offsets}
    out: dict[int, tuple[int, int]] = {}
    for page in range(offsets[0][0] + 1, offsets[-1][0] + 2):
        if page in seen:
            continue
        before = [(p, o) for p, o in offsets if p < page]
        after = [(p, o) for p, o in offsets if p > page]
        if before and after and after[0][0] - before[-1][0] <= _MOST_SKIPPED + 1:
            out[page] = (before[-1][1], after[0][1])
        else:
            p, o = before[-1]
            out[page] = (o, round(o + (page - p + 0.25) * length))
    return out


def _item_key(label: str, part: str, form: Form) -> str:
    """The form cell a row's label names, for the finding (the part where no item is sure)."""
    if part != "active_disclosure":
        return part
    text = bare(label)
    named = [
        (len(bare(p)), item.key)
        for item in form.all_items()
        for p in item.printings
        if bare(p) and text.endswith(bare(p))
    ]
    return f"{part}.{max(named)[1]}" if named else part


def _last_number(row: Row) -> Cell | None:
    if row.run is not None:
        return row.run
    printed = row.printed
    return printed[-1] if printed else None


def _runs_on(cell: Cell, following: Cell | None) -> bool:
    """Whether the cell's text runs straight into the next printed text: the same printed cell, no separator,
    a label after it (not more digits)."""
    if following is None or not following.text or following.text[0].isdigit() or following.text[0].isspace():
        return False
    here, there = _key(cell.location, len(cell.text)), _key(following.location)
    return here is not None and here == there


def _blank(row: Row, cell: Cell) -> None:
    """The cell printed blank where it was printed; a row left with no number keeps a blank run, so it is still
    the row of its label (read blank, not missing)."""
    blank = Cell("", cell.location)
    row.values = [blank if value is cell else value for value in row.values]
    if row.run is cell or not row.printed:
        row.run, row.values = blank, [value for value in row.values if value is not blank]


def glued_page_numbers(rows: list[Row], shape: Shape) -> list[Row]:
    """A number in a part no sum ties that ends with a missing page's number and runs straight into the text after
    it ('行政强制 167933第二十条…' where page 3's footer is not found): the page's bare number may be glued to it —
    16793 or 167933 — so it is left blank with a warning naming both.

    The missing page comes from the recognised footers (page_footers): a page whose footer is not between those of
    the pages before and after it printed a bare number there. Where no footer is recognised it cannot be told.
    """
    pages = shape.memo.get("pages")
    parts = _unsummed(shape.form)
    if not pages or not parts or not any(row.part in parts for row in rows):
        return rows
    stream = _stream(rows)
    following = {id(cell): stream[i + 1][1] if i + 1 < len(stream) else None for i, (_, cell, _) in enumerate(stream)}
    offset = {id(cell): at for _, cell, at in stream}
    stretches: dict[int, tuple[int, int]] | None = None
    for row in rows:
        cell = _last_number(row) if row.part in parts and not row.header else None
        if cell is None or not _runs_on(cell, following.get(id(cell))):
            continue
        stretches = _stretches(pages, stream) if stretches is None else stretches
        text, end = clean(cell.text), offset[id(cell)] + len(cell.text)
        for page, (first, last) in stretches.items():
            number = str(page)
            rest = text[: -len(number)]
            if not (first <= end <= last and text.endswith(number) and rest and rest[-1].isdigit()):
                continue
            if read_cell(rest).kind != "number":
                continue
            _blank(row, cell)
            shape.changed(f"'{text}' (page {page})")
            shape.warn(
                "parse.page_number_glued",
                f"{_PARTS[row.part or '']} row '{row.label_text}': '{text}' ends with page {page}'s number, whose "
                f"footer is not found — printed bare and run into it when the line breaks were lost: {text} or "
                f"{rest}; value left blank",
                row.where(),
                form_key=_item_key(row.label_text, row.part or "", shape.form),
                digits=text,
                page=page,
                candidates=[read_cell(text).value, read_cell(rest).value],
            )
            break
    return rows
