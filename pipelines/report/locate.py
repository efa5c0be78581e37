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
from pipelines.report.form import Form, Label
from pipelines.report.normalize import bare, fold

_HEADING_ORDINAL = re.compile(
    r"^[#\s]*(?:(?P<numeral>[一二三四五六七八九十]+)[、.]|(?P<paren>\([一二三四五六七八九十]+\)))?"
)
_MAX_HEADING = 48


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
    rows: list[PrintedRow] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            rows.append(PrintedRow(len(rows), [Cell(block.text, block.location)]))
        else:
            rows.extend(PrintedRow(len(rows) + i, list(row)) for i, row in enumerate(block.rows) if row)
    return rows


def _heading(row: PrintedRow, sections: tuple[Label, ...]) -> tuple[Label, str | None] | None:
    text = fold(row.text)
    if len(text) > _MAX_HEADING:
        return None
    match = _HEADING_ORDINAL.match(text)
    if match and match["paren"]:
        return None  # （一）… is a subsection of the narrative, never a part heading
    rest = bare(text[match.end() :] if match else text)
    for section in sections:
        if any(rest == bare(printing) for printing in section.printings):
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
    return layout


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
