"""Find the report's parts in a document: its rows as one stream, the section headings, the three tables.

Every reader's output flattens to the same stream of printed rows (a paragraph is a row of one cell), so
locating works the same for text, HTML, PDF and the rest. Headings are matched against the form's section
labels; where one is missing or renumbered, the finding says so and the tables are found by their content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.document.model import Cell, Document, Paragraph
from pipelines.findings import Finding, Severity
from pipelines.report.cells import is_value
from pipelines.report.form import Form, Label
from pipelines.report.normalize import bare, fold, similarity

_HEADING_ORDINAL = re.compile(
    r"^[#\s]*(?:(?P<numeral>[一二三四五六七八九十]+)[、.]|(?P<paren>\([一二三四五六七八九十]+\)))?"
)
_MAX_HEADING = 48
_HEADING_SIMILARITY = (
    0.8  # '…行政复议、提起行政诉讼情况' for '…行政复议和提起行政诉讼情况'; narrative titles stay below
)


@dataclass
class PrintedRow:
    """One printed row of the document (a paragraph is a row of one cell)."""

    position: int
    cells: list[Cell]

    @property
    def text(self) -> str:
        return "".join(cell.text for cell in self.cells)


@dataclass
class Heading:
    section: Label
    position: int
    printed: str
    ordinal: str | None


@dataclass
class Layout:
    """Where the parts are: their headings and the rows of each table part."""

    rows: list[PrintedRow]
    headings: dict[str, Heading] = field(default_factory=dict)
    regions: dict[str, list[PrintedRow]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def flatten(document: Document) -> list[PrintedRow]:
    """The document's printed rows in reading order, with cells printed one per line joined back into rows."""
    printed: list[list[Cell]] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            printed.append([Cell(block.text, block.location)])
        else:
            printed.extend(list(row) for row in block.rows if row)
    return [PrintedRow(position, cells) for position, cells in enumerate(_join_lone_values(printed))]


def _lone_value(cells: list[Cell]) -> bool:
    return len(cells) == 1 and is_value(cells[0].text) and bool(cells[0].text.strip())


def _join_lone_values(printed: list[list[Cell]]) -> list[list[Cell]]:
    """Join runs of two or more lines that each hold one number to the line above them.

    Pages that print a table as one paragraph per cell ('规章' / '0' / '0' / '0') lose the rows; the numbers
    that follow a label line are that label's row. A single stray number is left alone: it is not a row.
    """
    joined: list[list[Cell]] = []
    index = 0
    while index < len(printed):
        run = index
        while run < len(printed) and _lone_value(printed[run]):
            run += 1
        if run - index >= 2 and joined:
            joined[-1] = joined[-1] + [cells[0] for cells in printed[index:run]]
            index = run
        else:
            joined.append(printed[index])
            index += 1
    return joined


def _heading(row: PrintedRow, sections: tuple[Label, ...]) -> tuple[Label, str | None] | None:
    text = fold(row.text)
    if len(text) > _MAX_HEADING or sum(1 for cell in row.cells if cell.text.strip()) != 1:
        return None  # a heading is printed alone on its line, not as a cell of a table row
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


def locate(document: Document, form: Form) -> Layout:
    rows = flatten(document)
    layout = Layout(rows=rows)
    order = [section.key for section in form.sections]
    found: list[Heading] = []
    for row in rows:
        hit = _heading(row, form.sections)
        if not hit:
            continue
        section, ordinal = hit
        seen = {heading.section.key for heading in found}
        if section.key in seen or (found and order.index(section.key) < order.index(found[-1].section.key)):
            continue
        found.append(Heading(section, row.position, row.text.strip(), ordinal))
    layout.headings = {heading.section.key: heading for heading in found}
    for index, heading in enumerate(found):
        end = found[index + 1].position if index + 1 < len(found) else len(rows)
        layout.regions[heading.section.key] = rows[heading.position + 1 : end]
        _check_ordinal(heading, layout.findings)
    _find_by_content(layout, form)
    return layout


def _first(rows: list[PrintedRow], text: str, start: int = 0) -> int | None:
    """Position of the first row at or after ``start`` whose text contains ``text`` (compared bare)."""
    wanted = bare(text)
    return next((row.position for row in rows[start:] if wanted in bare(row.text)), None)


def _find_by_content(layout: Layout, form: Form) -> None:
    """Where a table part's heading is missing, find the table by what it prints, and say so.

    Part 三 by its first row label; part 四 by its first block label (行政复议) after part 三, cutting part 三
    short there; part 二 by its header text or first band before part 三.
    """
    rows, regions = layout.rows, layout.regions
    missing = []
    if not regions.get("applications"):
        start = _first(rows, form.templates["2021"].rows[0].label)
        if start is not None:
            after = [h.position for h in layout.headings.values() if h.position > start]
            begin = start
            while begin > max(0, start - 8) and not any(ch.isdigit() for ch in rows[begin - 1].text):
                begin -= 1  # the table's header rows, up to the last row with numbers (part 二's)
            regions["applications"] = rows[begin : min(after, default=len(rows))]
            missing.append("applications")
    applications = regions.get("applications")
    if applications and not regions.get("review_litigation"):
        last_row = _first(applications, form.templates["2021"].rows[-1].label, 0)
        begin = applications[0].position
        cut = _first(rows, form.review_blocks[0].label, (last_row or begin) + 1)
        end = applications[-1].position + 1
        if cut is not None and cut < end:
            regions["applications"] = rows[begin:cut]
            regions["review_litigation"] = rows[cut:end]
        else:
            after = [h.position for h in layout.headings.values() if h.position >= end]
            regions["review_litigation"] = rows[end : min(after, default=min(len(rows), end + 12))]
        missing.append("review_litigation")
    if applications and not regions.get("active_disclosure"):
        begin = regions["applications"][0].position
        start = _first(rows[:begin], form.headers["active_disclosure"])
        if start is not None:
            regions["active_disclosure"] = rows[max(0, start - 2) : begin]
            missing.append("active_disclosure")
    for key in missing:
        section = next(s for s in form.sections if s.key == key)
        layout.findings.append(
            Finding(
                "layout.part_heading_missing",
                Severity.WARNING,
                f"part {section.ordinal} heading ({section.label}) not found; its table was found by its content",
                form_key=key,
            )
        )


def _check_ordinal(heading: Heading, findings: list[Finding]) -> None:
    expected = heading.section.ordinal
    if heading.ordinal is None:
        findings.append(
            Finding(
                rule="layout.heading_without_ordinal",
                severity=Severity.WARNING,
                message=f"section {expected} heading printed without its ordinal: {heading.printed}",
                location=f"row {heading.position}",
                values={"printed": heading.printed, "expected_ordinal": expected},
                form_key=heading.section.key,
            )
        )
    elif heading.ordinal != expected:
        findings.append(
            Finding(
                rule="layout.heading_renumbered",
                severity=Severity.WARNING,
                message=f"section {expected} heading printed as {heading.printed} (numbered {heading.ordinal})",
                location=f"row {heading.position}",
                values={"printed": heading.printed, "expected_ordinal": expected, "printed_ordinal": heading.ordinal},
                form_key=heading.section.key,
            )
        )
