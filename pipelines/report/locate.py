"""Find the report's parts in the row stream: the section headings, the rows of each table, their header rows.

Headings are matched against the form's section labels; where one is missing or renumbered, the finding says so
and the tables are found by their content. Every row of a table part is tagged with its part, and the rows that
print the table's header (column labels, captions, 第二十条 bands) are marked, so that the passes after this one and
the part parsers know what they look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipelines.findings import FindingsLog
from pipelines.report.form import Form, Label
from pipelines.report.normalize import bare, fold, similarity
from pipelines.report.stream import Row

_HEADING_ORDINAL = re.compile(
    r"^[#\s]*(?:(?P<numeral>[一二三四五六七八九十]+)[、.]|(?P<paren>\([一二三四五六七八九十]+\)))?"
)
_MAX_HEADING = 48
_HEADING_SIMILARITY = (
    0.8  # '…行政复议、提起行政诉讼情况' for '…行政复议和提起行政诉讼情况'; narrative titles stay below
)
TABLE_PARTS = ("active_disclosure", "applications", "review_litigation")


@dataclass
class Heading:
    section: Label
    position: int
    printed: str
    ordinal: str | None


@dataclass
class Layout:
    """The located reading: every row (each tagged with its part) and the section headings found."""

    rows: list[Row]
    headings: dict[str, Heading] = field(default_factory=dict)

    def part(self, key: str) -> list[Row]:
        return [row for row in self.rows if row.part == key]


def heading(row: Row, sections: tuple[Label, ...]) -> tuple[Label, str | None] | None:
    """The section a row prints the heading of, and the ordinal printed with it."""
    if row.has_numbers or sum(1 for cell in row.label if cell.text.strip()) != 1:
        return None  # a heading is printed alone on its line, not as a cell of a table row
    return heading_text(row.label_text, sections)


@lru_cache(maxsize=8192)
def heading_text(printed: str, sections: tuple[Label, ...]) -> tuple[Label, str | None] | None:
    text = fold(printed)
    if len(text) > _MAX_HEADING:
        return None
    match = _HEADING_ORDINAL.match(text)
    if match and match["paren"]:
        return None  # （一）… is a subsection of the narrative, never a part heading
    rest = bare(text[match.end() :] if match else text)
    for section in sections:
        for printing in section.printings:
            wanted = bare(printing)
            close = abs(len(rest) - len(wanted)) <= max(2, len(wanted) // 5)
            if rest == wanted or (close and similarity(rest, wanted) >= _HEADING_SIMILARITY):
                return section, match["numeral"] if match else None
    return None


def locate(rows: list[Row], form: Form, log: FindingsLog) -> Layout:
    layout = Layout(rows=rows)
    order = [section.key for section in form.sections]
    found: list[Heading] = []
    for row in rows:
        hit = heading(row, form.sections)
        if not hit:
            continue
        section, ordinal = hit
        seen = {h.section.key for h in found}
        if section.key in seen or (found and order.index(section.key) < order.index(found[-1].section.key)):
            if found and section.key in seen and section.key == order[0] and found[-1].section.key != order[0]:
                _repeated(row, log)
            continue
        found.append(Heading(section, row.position, row.text.strip(), ordinal))
    layout.headings = {h.section.key: h for h in found}
    regions: dict[str, tuple[int, int]] = {}
    for index, h in enumerate(found):
        end = found[index + 1].position if index + 1 < len(found) else len(rows)
        regions[h.section.key] = (h.position + 1, end)
        _check_ordinal(h, log)
    _find_by_content(rows, layout, regions, form, log)
    for key, (start, end) in regions.items():
        for row in rows[start:end]:
            row.part = key
    mark_headers(rows, form)
    return layout


def mark_headers(rows: list[Row], form: Form) -> None:
    for row in rows:
        row.header = row.part in TABLE_PARTS and is_header(row, form)


def _repeated(row: Row, log: FindingsLog) -> None:
    log.info(
        "layout.repeated_rendering",
        "the report's sections are printed again after the last one (a second rendering of the page); "
        "the first rendering is read",
        row.where(),
    )


def _first(rows: list[Row], text: str, start: int = 0, end: int | None = None) -> int | None:
    """Position of the first row in [start, end) whose text contains ``text`` (compared bare)."""
    wanted = bare(text)
    return next((row.position for row in rows[start:end] if wanted in bare(row.text)), None)


def _find_by_content(
    rows: list[Row], layout: Layout, regions: dict[str, tuple[int, int]], form: Form, log: FindingsLog
) -> None:
    """Where a table part's heading is missing, find the table by what it prints, and say so.

    Part 三 by its first row label; part 四 by its first block label (行政复议) after part 三, cutting part 三
    short there; part 二 by its header text or first band before part 三.
    """
    missing = []
    first_row, last_row = form.all_application_rows()[0], form.all_application_rows()[-1]
    if not _has(regions, "applications"):
        start = _first(rows, first_row.label)
        if start is not None:
            after = [h.position for h in layout.headings.values() if h.position > start]
            begin = start
            while begin > max(0, start - 8) and not any(ch.isdigit() for ch in rows[begin - 1].text):
                begin -= 1  # the table's header rows, up to the last row with numbers (part 二's)
            regions["applications"] = (begin, min(after, default=len(rows)))
            missing.append("applications")
    if _has(regions, "applications") and not _has(regions, "review_litigation"):
        begin, end = regions["applications"]
        last = _first(rows, last_row.label, begin, end)
        cut = _first(rows, form.review_blocks[0].label, (last if last is not None else begin) + 1)
        if cut is not None and cut < end:
            regions["applications"] = (begin, cut)
            regions["review_litigation"] = (cut, end)
        else:
            after = [h.position for h in layout.headings.values() if h.position >= end]
            regions["review_litigation"] = (end, min(after, default=min(len(rows), end + 12)))
        missing.append("review_litigation")
    if _has(regions, "applications") and not _has(regions, "active_disclosure"):
        begin = regions["applications"][0]
        start = _first(rows, form.headers["active_disclosure"], 0, begin)
        if start is not None:
            regions["active_disclosure"] = (max(0, start - 2), begin)
            missing.append("active_disclosure")
    for key in missing:
        section = next(s for s in form.sections if s.key == key)
        log.warning(
            "layout.part_heading_missing",
            f"part {section.ordinal} heading ({section.label}) not found; its table was found by its content",
            form_key=key,
        )


def _has(regions: dict[str, tuple[int, int]], key: str) -> bool:
    return key in regions and regions[key][0] < regions[key][1]


def is_header(row: Row, form: Form) -> bool:
    """A row of a table part that prints the table's header (column labels, captions, bands), not data."""
    if row.has_numbers or row.part is None:
        return False
    return _header_label(tuple(cell.text for cell in row.label), row.part, form)


@lru_cache(maxsize=8192)
def _header_label(cells: tuple[str, ...], part: str, form: Form) -> bool:
    label_text = "".join(cell for cell in cells if cell.strip())
    text = bare(label_text)
    if not text:
        return False
    if part == "active_disclosure":
        return text.startswith(bare(form.headers["active_disclosure"])) or _only(text, _disclosure_header(form))
    if part == "applications":
        labels = _column_labels(form)
        return (
            any(bare(cell) in labels for cell in cells)
            or similarity(label_text, form.headers["applications_note"]) > 0.6
            or _only(text, tuple(sorted(labels, key=len, reverse=True)))
        )
    return True  # part 四 prints nothing but its header and its one row of numbers


def _only(text: str, printings: tuple[str, ...]) -> bool:
    """Whether the text is nothing but these printings ('本年处理决定数量', '申请人情况自然人法人或其他组织…')."""
    for printing in printings:
        text = text.replace(printing, "")
    return not text


@cache
def _disclosure_header(form: Form) -> tuple[str, ...]:
    """Part 二's header printings: column labels and 第二十条 bands, longest first."""
    printings = {bare(p) for item in form.all_items() for m in item.measures for p in m.printings}
    printings |= {bare(item.band) for item in form.all_items() if item.band}
    return tuple(sorted(printings, key=len, reverse=True))


@cache
def _column_labels(form: Form) -> set[str]:
    labels = {bare(p) for column in form.columns for p in column.printings}
    labels |= {bare(column.group) for column in form.columns if column.group}
    labels.add(bare(form.headers["applicants"]))
    labels.add(bare(form.headers["applications_note"]))
    return labels


def _check_ordinal(h: Heading, log: FindingsLog) -> None:
    expected = h.section.ordinal
    if h.ordinal is None:
        log.warning(
            "layout.heading_without_ordinal",
            f"section {expected} heading printed without its ordinal: {h.printed}",
            f"row {h.position}",
            form_key=h.section.key,
            printed=h.printed,
            expected_ordinal=expected,
        )
    elif h.ordinal != expected:
        log.warning(
            "layout.heading_renumbered",
            f"section {expected} heading printed as {h.printed} (numbered {h.ordinal})",
            f"row {h.position}",
            form_key=h.section.key,
            printed=h.printed,
            expected_ordinal=expected,
            printed_ordinal=h.ordinal,
        )
