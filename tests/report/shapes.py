"""Every seed rendered into every shape of report text in the wild (../shared/spec/shapes.md), and shapes beyond.

A seed gives its expected JSON (the values) and its text (title, narrative, headings, captions); the tables are laid
out from the form model exactly as the official form prints them (replicas.render.printed_tables) and then printed
the way each shape prints them: a crawler's one-line page dump, PDF-to-text with page footers and floating label
halves, PDF-to-Markdown with tables split over pages, OCR/LLM Markdown with a table per row group, and mixtures.
Each rendering carries the values the parser must give (a 2019-form variant of each seed has its own).
"""

from __future__ import annotations

import copy
import html as htmllib
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import lxml.html

from pipelines.report.form import load_form
from replicas.render import PrintedTable, SeedText, printed_tables, read_seed_text, render_html
from tests.conftest import seed_expected, seed_names, seed_text


@dataclass
class Material:
    """One report to render: its expected values and its text."""

    name: str
    expected: dict
    text: str

    @cached_property
    def seed(self) -> SeedText:
        return read_seed_text(self.text, self.expected)

    @cached_property
    def tables(self) -> dict[str, PrintedTable]:
        return {table.part: table for table in printed_tables(self.expected, self.seed)}

    def heading(self, part: str) -> str:
        return self.seed.headings.get(part, "")


@dataclass
class Rendering:
    shape: str
    material: Material
    text: str
    media: str = "txt"
    notes: list[str] = field(default_factory=list)

    identity: dict = field(default_factory=dict)  # agency / year / template where the shape changes what is right

    def expected(self, key: str) -> object:
        return self.identity.get(key, self.material.expected[key])

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def source(self) -> str:
        return f"{self.material.name}.{self.shape}.{self.media}"


# --- materials: each seed, and each seed as a 2019-form report ---------------------------------------------------


def as_2019(name: str, expected: dict, text: str) -> Material:
    """The seed as a report on 2020 printed in the 2019 form: part 二's 2019 items (the seed's figures where the
    forms share a measure, small counts where they do not), part 三's （六）其他处理 as one row (the sum of the
    seed's three), part 四 as is."""
    variant = copy.deepcopy(expected)
    year = 2020
    variant["year"], variant["template"] = year, "2019"
    disclosure = expected["active_disclosure"]
    regs, docs = disclosure["regulations"], disclosure["normative_documents"]
    variant["active_disclosure"] = {
        "regulations": {"made": regs["issued"], "published": regs["issued"], "total_published": regs["in_force"]},
        "normative_documents": {
            "made": docs["issued"],
            "published": docs["issued"],
            "total_published": docs["in_force"],
        },
        "licensing": {"prev_items": 35, "change": 2, "decisions": disclosure["licensing"]["decisions"]},
        "other_services": {"prev_items": 12, "change": 0, "decisions": 86},
        "penalty": {"prev_items": 48, "change": 1, "decisions": disclosure["penalty"]["decisions"]},
        "coercion": {"prev_items": 6, "change": 0, "decisions": disclosure["coercion"]["decisions"]},
        "fees": {"prev_items": 3, "change": 0},
        "procurement": {"items": 4, "amount": 86400, "amount_unit": "元"},
    }
    applications: dict = {}
    others = ("other_overdue_correction", "other_overdue_fee", "other_other")
    for key, values in expected["applications"].items():
        if key in others:
            continue
        if key == "total":
            columns = zip(*(expected["applications"][k] for k in others), strict=True)
            applications["other_handling"] = [None if None in c else sum(c) for c in columns]
        applications[key] = values
    variant["applications"] = applications
    title_year = re.compile(rf"{expected['year']}(?=\s*年度?[^\n]{{0,24}}报告)")
    return Material(f"{name}-2019", variant, title_year.sub(str(year), text, count=1))


def materials() -> list[Material]:
    out = []
    for name in seed_names():
        expected, text = seed_expected(name), seed_text(name)
        out.append(Material(name, expected, text))
        out.append(as_2019(name, expected, text))
    return out


# --- laying out a table ------------------------------------------------------------------------------------------


def grid(table: PrintedTable) -> list[list[str]]:
    """The table as printed on a page: a row per printed row, every column position, a merged cell's text at its
    top-left position and blank where it spans."""
    taken: dict[tuple[int, int], str] = {}
    rows: list[list[str]] = []
    for r, printed in enumerate(table.rows):
        row: list[str] = []
        c = 0
        for cell in printed:
            while (r, c) in taken:
                row.append(taken.pop((r, c)))
                c += 1
            row.append(cell.text)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if dr or dc:
                        if dr == 0:
                            row.append("")
                        else:
                            taken[(r + dr, c + dc)] = ""
            c += cell.colspan
        while (r, c) in taken:
            row.append(taken.pop((r, c)))
            c += 1
        rows.append(row)
    return rows


def label_and_values(table: PrintedTable) -> list[tuple[str, list[str], bool]]:
    """(label text, value texts, is a header row) per printed row: labels of a row joined, blanks kept as ''."""
    out = []
    for printed in table.rows:
        labels = [c.text for c in printed if c.kind != "value"]
        values = [c.text for c in printed if c.kind == "value"]
        header = all(c.kind in ("header", "band") for c in printed)
        out.append(("".join(labels), values, header))
    return out


def markdown(rows: list[list[str]], header: list[str] | None = None) -> list[str]:
    width = max(len(row) for row in [*rows, *([header] if header else [])])
    head = header or rows[0]
    body = rows if header else rows[1:]
    lines = ["| " + " | ".join(head + [""] * (width - len(head))) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in body]
    return lines


def wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


FOOTERS = ("— {} —", "- {} -", "第 {} 页", "{}")


def with_footers(lines: list[str], every: int = 23) -> list[str]:
    """Page footers dropped in every ``every`` lines, inside sentences and tables alike."""
    out: list[str] = []
    page = 1
    for index, line in enumerate(lines, start=1):
        out.append(line)
        if index % every == 0:
            out.append(FOOTERS[page % len(FOOTERS)].format(page))
            page += 1
    return out


# --- shape 1: one-line dumps -------------------------------------------------------------------------------------


def tab_text(material: Material) -> str:
    """The report as tab-separated text (the seeds' own shape), from the form's layout of its tables."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        lines += ["\t".join(row) for row in grid(table)]
    return "\n".join([*lines, *seed.after])


def hook_dump(material: Material) -> Rendering:
    """What the before-stop hook scores: the text with every tab and line break removed."""
    text = material.text if not material.name.endswith("-2019") else tab_text(material)
    return Rendering("hook_dump", material, re.sub(r"[\t\r\n]", "", text))


def _page_text(page: bytes, collapse: str) -> str:
    root = lxml.html.document_fromstring(page)
    for element in root.iter("script", "style"):
        element.drop_tree()
    text = root.text_content()
    return re.sub(r"\s+", collapse, text).strip()


def page_dump(material: Material, style: str = "trs", collapse: str = " ") -> str:
    page = render_html(material.expected, material.text, style=style)
    return _page_text(page, collapse)


def page_innertext(material: Material) -> Rendering:
    """A crawler's dump of the whole portal page: breadcrumb, menus, other years' titles, metadata, narrative and
    tables on one line, whitespace collapsed to single spaces."""
    return Rendering("page_innertext", material, page_dump(material, "trs", " "))


def page_glued(material: Material) -> Rendering:
    """The page as lxml's text_content() gives it with all whitespace removed: nothing between cells or rows."""
    return Rendering("page_glued", material, page_dump(material, "hanweb", ""))


def archived_dump(material: Material) -> Rendering:
    """An archiving tool's header block, then the page dump."""
    seed = material.seed
    header = (
        f"标题: {seed.title} 发布时间: {material.expected['year'] + 1}-01-20 09:30:00 "
        f"原文链接: http://www.example.gov.cn/zwgk/nb/t{material.expected['year'] + 1}0120_1.html 采集时间: 2025-12-30 "
    )
    return Rendering("archived_dump", material, header + page_dump(material, "trs", ""))


def two_renderings(material: Material) -> Rendering:
    """The page's 全文版 and 文字版 renderings one after the other on the same line."""
    first = page_dump(material, "trs", " ")
    page = render_html(material.expected, material.text, style="hanweb", chrome=False)
    return Rendering("two_renderings", material, f"{first} 全文版 文字版 {_page_text(page, '')}")


def glued_tables(material: Material) -> Rendering:
    """Each table cell run into the next with no separator, narrative lines too, all on one line."""
    seed = material.seed
    parts = [seed.title, *seed.before]
    for part, table in material.tables.items():
        parts.append(material.heading(part))
        parts += ["".join(row) for row in grid(table)]
    return Rendering("glued_tables", material, "".join([*parts, *seed.after]))


# --- shape 2: PDF-to-text and PDF-to-Markdown dumps --------------------------------------------------------------


def _narrative(lines: list[str], width: int) -> list[str]:
    return [piece for line in lines for piece in wrap(line, width)]


def pdf_text(material: Material) -> Rendering:
    """pdftotext: narrative hard-wrapped, page footers, tables as space-separated lines, blank cells gone."""
    seed = material.seed
    lines = _narrative([seed.title, *seed.before], 38)
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        lines += [" ".join(cell for cell in row if cell) for row in grid(table)]
    lines += _narrative(seed.after, 38)
    return Rendering("pdf_text", material, "\n".join(with_footers(lines)))


def pdf_one_line(material: Material) -> Rendering:
    """pdftotext's text with its line breaks lost (copied out of a viewer into one field): page footers inside the
    text, and a bare page number ('3') run into the last number of its page and the first label of the next."""
    return Rendering("pdf_one_line", material, pdf_text(material).text.replace("\n", ""))


def pdf_markdown(material: Material) -> Rendering:
    """PDF-to-Markdown: each table split over pages into several Markdown tables, each repeating a heading line
    (## 表三：…) and its separator row, page footers between them."""
    seed = material.seed
    lines = _narrative([seed.title, *seed.before], 40)
    names = {"active_disclosure": "表二", "applications": "表三", "review_litigation": "表四"}
    for part, table in material.tables.items():
        heading = material.heading(part)
        lines.append(f"## {heading}")
        rows = grid(table)
        cut = len(rows) // 2 if len(rows) > 6 else len(rows)
        for index, chunk in enumerate((rows[:cut], rows[cut:])):
            if not chunk:
                continue
            if index:
                title = re.sub("^[一二三四五六]、", "", heading)
                lines += ["", f"— {len(lines) // 30 + 2} —", "", f"## {names[part]}：{title}"]
            lines += markdown(chunk, header=[""] * len(chunk[0]) if index else None)
            lines.append("")
    lines += _narrative(seed.after, 40)
    return Rendering("pdf_markdown", material, "\n".join(lines), media="md")


def floating_pdf(material: Material) -> Rendering:
    """PDF text where multi-line cells fell out of their rows: part 三's header cells one per line, group labels
    on lines of their own or split character-wise, a long label wrapped with its second half and its numbers on
    lines of their own, a value's note on the next line, and part 二's first item's numbers before its label."""
    seed = material.seed
    lines = _narrative([seed.title, *seed.before], 36)
    form = load_form()
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        rows = label_and_values(table)
        if part == "active_disclosure":
            first_item = True
            for label, values, header in rows:
                numbers = " ".join(v for v in values if v)
                if header or not values:
                    lines.append(label)
                elif first_item:
                    lines += [numbers, label]  # the first item's numbers printed before its label
                    first_item = False
                else:
                    lines.append(f"{label} {numbers}")
                    if len(values) > 1 and values[0]:
                        lines.append("（其中修订0件）")  # a note that fell out of its cell onto the next line
        elif part == "applications":
            for label, values, header in rows:
                if header:
                    lines += [piece for cell in label.split("\n") for piece in _scatter(cell, form)]
                    continue
                numbers = " ".join(v for v in values if v)
                groups = [g for g in form.groups if g.ordinal and label.startswith(_ordinal(g.ordinal) + g.label)]
                if groups:
                    group = _ordinal(groups[0].ordinal) + groups[0].label
                    half = len(group) // 2
                    lines += [group[:half], group[half:]]  # a group label split over two lines
                    label = label[len(group) :]
                if len(label) > 24:
                    lines += [label[:18], label[18:], numbers]  # the label wrapped, its numbers on their own line
                else:
                    lines.append(f"{label} {numbers}")
        else:
            lines += [" ".join(cell for cell in row if cell) for row in grid(table)]
    lines += _narrative(seed.after, 36)
    return Rendering("floating_pdf", material, "\n".join(with_footers(lines, 29)))


def _ordinal(ordinal: str) -> str:
    if ordinal.isdigit():
        return f"{ordinal}."
    if ordinal.startswith("（"):
        return ordinal
    return f"{ordinal}、"


def _scatter(header: str, form) -> list[str]:
    """A header text scattered over lines: each column label, the longer ones split in two."""
    out: list[str] = []
    for column in form.columns:
        if column.label in header:
            label = column.label
            out += [label[:2], label[2:]] if len(label) > 3 else [label]
    return out or [header]


def pdf_markdown_merged(material: Material) -> Rendering:
    """PDF-to-Markdown of a table whose merged cells came apart: part 二 as one list under a header printed once;
    part 三's group labels cut character-wise into the label cells of their rows ('| （三）不 | 1.属于国家秘密 |'),
    rows with an extra empty cell at the end, rows one cell short where the label cell was merged away, and the
    header's wrapped lines as a row of fragments, one of them in the first data row's label cell."""
    seed = material.seed
    form = load_form()
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(f"## {material.heading(part)}")
        rows = label_and_values(table)
        if part == "active_disclosure":
            header = next(label for label, _, head in rows if head and seed.item_caption in label)
            body = [[label, *values] for label, values, head in rows if not head and values]
            width = max(len(row) for row in body)
            lines += markdown(
                [row + [""] * (width - len(row)) for row in body], header=[header[:4], *[""] * (width - 1)]
            )
        elif part == "applications":
            body: list[list[str]] = []
            pending = ""
            for index, (label, values, head) in enumerate(rows):
                if head:
                    continue
                group = next((g for g in form.groups if label.startswith(_ordinal(g.ordinal or "") + g.label)), None)
                if group:
                    pending = _ordinal(group.ordinal or "") + group.label
                    label = label[len(pending) :]
                if pending:
                    cut = min(4, len(pending))
                    piece, pending = pending[:cut], pending[cut:]
                    body.append([piece, label, *values, ""])  # the group's characters, and an extra empty cell
                elif index % 5 == 0:
                    body.append([label, *values])  # one cell short: the label cell merged away
                else:
                    body.append(["", label, *values])
            # the header's wrapped second lines as a row of their own (商业企 / 业 …), and a fragment of it in the
            # first data row's label cell
            fragments = [c.label[-2:] for c in form.columns if len(c.label) > 4]
            body.insert(0, ["", *fragments, *[""] * (len(body[0]) - len(fragments) - 1)])
            body[1][1] = fragments[-1] + body[1][1]
            lines += markdown(body, header=["", "", *[c.label[:-2] or c.label for c in form.columns], ""])
        else:
            lines += markdown(grid(table))
        lines.append("")
    return Rendering("pdf_markdown_merged", material, "\n".join([*lines, *seed.after]), media="md")


def pdf_glued_numbers(material: Material) -> Rendering:
    """PDF text whose converter dropped the spaces between numbers: each part 三 row's label on one line and its
    digits run together on the next; part 四's fifteen numbers as one run on a line of their own."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        if part == "active_disclosure":
            lines += [" ".join(cell for cell in row if cell) for row in grid(table)]
            continue
        for label, values, head in label_and_values(table):
            if head:
                lines.append(label)
            elif part == "applications":
                lines += [label, "".join(values)]
            else:
                lines.append("".join(values))
    return Rendering("pdf_glued_numbers", material, "\n".join([*lines, *seed.after]))


def cell_per_line(material: Material) -> Rendering:
    """Every printed cell on a line of its own (a table copied out of a viewer cell by cell)."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        lines += [cell for row in grid(table) for cell in row if cell]
    return Rendering("cell_per_line", material, "\n".join([*lines, *seed.after]))


def narrow_pdf(material: Material) -> Rendering:
    """PDF text of a page too narrow for part 三: each row's label and first numbers on one line, the rest of its
    numbers wrapped onto the lines after it."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        for label, values, head in label_and_values(table):
            numbers = [v for v in values if v]
            if part == "applications" and not head and len(numbers) > 3:
                lines += [f"{label} {' '.join(numbers[:3])}", " ".join(numbers[3:5]), " ".join(numbers[5:])]
            else:
                lines.append(" ".join([label, *numbers]).strip())
    return Rendering("narrow_pdf", material, "\n".join([*lines, *seed.after]))


def indented_cells(material: Material) -> Rendering:
    """One cell per tab-led line (as seed 004 prints its tables), each row's first number without its tab: the
    reader takes it for the label's second line."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        for row in grid(table):
            cells = [cell for cell in row if cell]
            first_value = next((i for i, cell in enumerate(cells) if cell[0].isdigit()), None)
            lines += [cell if i == first_value and i else f"\t{cell}" for i, cell in enumerate(cells)]
            lines.append("")
    return Rendering("indented_cells", material, "\n".join([*lines, *seed.after]))


# --- shape 3: OCR / LLM Markdown ---------------------------------------------------------------------------------


def _ocr_digits(text: str, index: int) -> str:
    """OCR slips in a number: O for 0, l for 1, full-width digits, '，' as thousands separator (by turns)."""
    if not text.isdigit():
        return text
    kind = index % 4
    if kind == 0:
        return text.replace("0", "O")
    if kind == 1:
        return text.replace("1", "l")
    if kind == 2:
        return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return f"{int(text):,}".replace(",", "，")


_LOOKALIKE = {"州": "卅", "永": "水", "口": "日", "马": "乌", "庄": "压"}


def ocr_markdown(material: Material) -> Rendering:
    """OCR/LLM Markdown: every row group of part 三 its own table under a ### heading with generic column names
    (数据1 … 数据7), placeholder tables of '-', header rows whose cell count differs from the body, part 四 as
    three tables, part 二 as one table, OCR slips in digits and a look-alike character in the title's organ."""
    seed = material.seed
    form = load_form()
    agency = material.expected["agency"]
    slipped = agency[:1] + _LOOKALIKE.get(agency[1], agency[1]) + agency[2:]  # 郑州 read as 郑卅
    lines = [f"# {seed.title.replace(agency, slipped)}", *seed.before]
    count = 0
    for part, table in material.tables.items():
        lines += ["", f"## {material.heading(part)}", ""]
        rows = label_and_values(table)
        if part == "active_disclosure":
            body = []
            for label, values, header in rows:
                if header or not values:
                    continue
                count += 1
                body.append([label, *(_ocr_digits(v, count) for v in values)])
            lines += markdown(body, header=["项目", "数据1", "数据2", "数据3"])
        elif part == "applications":
            columns = [f"数据{i}" for i in range(1, len(form.columns) + 1)]
            current = None
            for label, values, header in rows:
                if header:
                    continue
                group = next((g for g in form.groups if label.startswith(_ordinal(g.ordinal or "") + g.label)), None)
                if group or current is None:
                    title = _ordinal(group.ordinal or "") + group.label if group else "申请情况"
                    lines += ["", f"### {title}", ""]
                    lines += markdown([], header=["项目", *columns, ""])  # one header cell too many
                    current = title
                    if group and group.key == "unavailable":
                        placeholder = markdown([["-"] * (len(columns) + 1)], header=["项目", *columns])
                        lines += ["", "### 其中：", "", *placeholder]
                        lines += ["", f"### {title}（续）", "", *markdown([], header=["项目", *columns])]
                    label = label[len(title) :] if group else label
                count += 1
                lines.append("| " + " | ".join([label, *(_ocr_digits(v, count) for v in values)]) + " |")
        else:
            measures = [m.label for m in form.review_measures]
            names = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
            values = material.expected["review_litigation"]
            for index, name in enumerate(names):
                block = values[index * len(measures) : (index + 1) * len(measures)]
                lines += ["", f"### {name}", ""]
                lines += markdown([["" if v is None else str(v) for v in block]], header=measures)
    lines += ["", *seed.after]
    text = "\n".join(lines)
    # The body confirms the organ's name where it prints it at least twice; otherwise the title's slip stands (the
    # organ registry's fuzzy match resolves it later) — nothing in the document says otherwise.
    body = unicodedata.normalize("NFKC", text).replace(" ", "")
    confirmed = body.count(agency) >= 2
    return Rendering("ocr_markdown", material, text, media="md", identity={} if confirmed else {"agency": slipped})


# --- shape 4: mixtures -------------------------------------------------------------------------------------------


def tidy_then_dump(material: Material) -> Rendering:
    """Part 二 as tidy tab-separated rows, part 三 run into one line, part 四 tidy."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        if part == "applications":
            lines.append(material.heading(part) + "".join("".join(row) for row in grid(table)))
        else:
            lines.append(material.heading(part))
            lines += ["\t".join(row) for row in grid(table)]
    return Rendering("tidy_then_dump", material, "\n".join([*lines, *seed.after]))


def markdown_then_wrapped(material: Material) -> Rendering:
    """Part 三 as one Markdown table, part 四 as wrapped text (its header words and numbers over several lines),
    part 二 as space-separated lines."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        rows = grid(table)
        if part == "applications":
            lines += ["", *markdown(rows), ""]
        elif part == "review_litigation":
            words = " ".join(cell for row in rows[:-1] for cell in row if cell)
            lines += wrap(words, 30)
            numbers = [cell for cell in rows[-1] if cell]
            lines += [" ".join(numbers[:8]), " ".join(numbers[8:])]
        else:
            lines += [" ".join(cell for cell in row if cell) for row in rows]
    return Rendering("markdown_then_wrapped", material, "\n".join([*lines, *seed.after]), media="md")


# --- shapes invented beyond those seen -----------------------------------------------------------------------------


def csv_export(material: Material) -> Rendering:
    """Tables exported as comma-separated lines (a spreadsheet saved as CSV and pasted into the page)."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        lines += [",".join(cell for cell in row) for row in grid(table)]
    return Rendering("csv_export", material, "\n".join([*lines, *seed.after]))


def html_fragment_dump(material: Material) -> Rendering:
    """The bare article (no chrome) flattened to one line with non-breaking spaces between cells."""
    page = render_html(material.expected, material.text, style="hanweb", chrome=False)
    root = lxml.html.document_fromstring(page)
    for cell in root.iter("td"):
        cell.tail = "\u00a0" + (cell.tail or "")
    text = re.sub(r"[\r\n\t]+", "", root.text_content())
    return Rendering("html_fragment_dump", material, htmllib.unescape(text))


def floating_markdown(material: Material) -> Rendering:
    """PDF-to-Markdown whose wrapped row labels floated out of part 三's table (as the corpus's 上海市科委 report
    prints it): the rows in runs of three, the labels of a run as loose lines in another order, then the run's
    numbers as Markdown rows without a label cell; part 二's rows as loose lines; part 四 as one Markdown table."""
    seed = material.seed
    order = random.Random(material.name)
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(f"## {material.heading(part)}")
        rows = label_and_values(table)
        if part == "applications":
            lines += [label for label, _, head in rows if head]
            data = [(label, values) for label, values, head in rows if not head]
            for start in range(0, len(data), 3):
                run = data[start : start + 3]
                labels = [label for label, _ in run]
                order.shuffle(labels)
                lines += labels
                for _, values in run:
                    lines += ["| " + " | ".join(values) + " |", "|" + "---|" * len(values)]
        elif part == "active_disclosure":
            lines += [" ".join([label, *values]).strip() for label, values, _ in rows]
        else:
            lines += markdown(grid(table))
    return Rendering("floating_markdown", material, "\n".join([*lines, *seed.after]), media="md")


def floating_dump(material: Material) -> Rendering:
    """The floating Markdown's text as a crawler stores it: its table pipes gone and every line on one, a space
    between words — several rows' numbers follow each run of labels."""
    text = re.sub(r"\|[-|\s]*\|", " ", floating_markdown(material).text).replace("|", " ")
    return Rendering("floating_dump", material, " ".join(text.split()))


def markdown_dump(material: Material) -> Rendering:
    """PDF-to-Markdown text as a crawler stores it when the page showed the Markdown: every line on one, its pipes
    and rules kept ('| 规章 | 0 | 0 | 0 | | 行政规范性文件 | 2 | 6 | 7 |'), the tables' halves and footers too."""
    return Rendering("markdown_dump", material, " ".join(pdf_markdown(material).text.split()))


def _label_lines(text: str, width: int) -> list[str]:
    return wrap(text, width) if text else [""]


def word_columns(material: Material) -> Rendering:
    """Word or pdftotext -layout text of the tables: a printed row per line with its cells padded into columns by
    spaces (a blank cell is spaces), a long label wrapped inside its column over several lines with the row's
    numbers on the middle line, a group label (（三）不予公开) on the line of its group's middle row."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        pending: dict[int, str] = {}  # printed row → group label to print on it
        for index, printed in enumerate(table.rows):
            for cell in printed:
                if cell.kind == "group":
                    pending[index + cell.rowspan // 2] = pending.get(index + cell.rowspan // 2, "") + cell.text
        for index, printed in enumerate(table.rows):
            if all(cell.kind in ("header", "band") for cell in printed):
                lines.append("    ".join(cell.text.ljust(8, "\u3000") for cell in printed).rstrip())
                continue
            label = "".join(cell.text for cell in printed if cell.kind == "label")
            numbers = "".join(cell.text.rjust(8) for cell in printed if cell.kind == "value")
            group = pending.get(index, "")
            wrapped = _label_lines(label, 12)
            middle = len(wrapped) // 2
            for at, piece in enumerate(wrapped):
                left = (group if at == middle else "").ljust(9, "\u3000")
                row = left + "  " + piece.ljust(12, "\u3000")
                lines.append((row + (numbers if at == middle else "")).rstrip())
    return Rendering("word_columns", material, "\n".join([*lines, *seed.after]))


def transposed(material: Material) -> Rendering:
    """Part 三 transposed by a converter (a table whose rows became its columns): a header row of the form's row
    labels, then a row per applicant column — 自然人 … 总计 — of the rows' numbers; the other parts tidy."""
    seed = material.seed
    form = load_form()
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        if part != "applications":
            lines += ["\t".join(row) for row in grid(table)]
            continue
        data = [(label, values) for label, values, head in label_and_values(table) if not head]
        lines.append("\t".join(["申请人情况", *(label for label, _ in data)]))
        for column, column_label in enumerate(column.label for column in form.columns):
            lines.append("\t".join([column_label, *(values[column] for _, values in data)]))
    return Rendering("transposed", material, "\n".join([*lines, *seed.after]))


def side_by_side(material: Material) -> Rendering:
    """Part 三 printed as two half-tables side by side (a wide page): each line a row of the first half, then a row
    of the second, tab-separated; the other parts tidy."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        rows = grid(table)
        if part != "applications":
            lines += ["\t".join(row) for row in rows]
            continue
        header = [row for row in rows if not any(cell and cell[0].isdigit() for cell in row)][:3]
        data = rows[len(header) :]
        half = (len(data) + 1) // 2
        lines += ["\t".join([*row, "", *row]) for row in header]
        for left, right in zip(data[:half], [*data[half:], []], strict=True):
            lines.append("\t".join([*left, "", *right]).rstrip("\t"))
    return Rendering("side_by_side", material, "\n".join([*lines, *seed.after]))


def repeated_headers(material: Material) -> Rendering:
    """A table over several pages, its header printed again on each (page footer, then the header rows again) —
    part 二's column header, part 三's three header rows — in tab-separated text."""
    seed = material.seed
    lines = [seed.title, *seed.before]
    page = 2
    for part, table in material.tables.items():
        lines.append(material.heading(part))
        rows = grid(table)
        header = [row for row in rows if not any(cell and cell[0].isdigit() for cell in row)][:3]
        if part == "active_disclosure":
            header = rows[1:2]
        for index, row in enumerate(rows):
            if index > len(header) and index % 7 == 0:
                lines += [f"— {page} —", *("\t".join(cells) for cells in header)]
                page += 1
            lines.append("\t".join(row))
    return Rendering("repeated_headers", material, "\n".join([*lines, *seed.after]))


def as_large(material: Material) -> Material:
    """The material as a large organ's report: every count of parts 三 and 四 times 1001 (the sums hold as before;
    114 becomes 114,114, 1 becomes 1,001), part 二 as it is."""
    variant = copy.deepcopy(material.expected)
    variant["applications"] = {
        key: [None if value is None else value * 1001 for value in values]
        for key, values in material.expected["applications"].items()
    }
    variant["review_litigation"] = [None if v is None else v * 1001 for v in material.expected["review_litigation"]]
    return Material(f"{material.name}-large", variant, material.text)


def blank_total(material: Material, row: str) -> Material:
    """The material with one part 三 row's 总计 cell printed blank (as the corpus's 上海市科委 report prints its
    结转下年度继续办理): the value is blank, and the column sums through it no longer hold."""
    variant = copy.deepcopy(material.expected)
    variant["applications"][row][-1] = None
    return Material(f"{material.name}-blank-{row}", variant, material.text)


def thousands(text: str) -> str:
    """A printed number with thousands separators ('114114' → '114,114', '8650.26' → '8,650.26')."""
    match = re.fullmatch(r"(\d+)(\.\d+)?(\D*)", text)
    if not match:
        return text
    return f"{int(match[1]):,}{match[2] or ''}{match[3]}"


def _large_rows(material: Material) -> list[tuple[str, list[list[str]]]]:
    large = as_large(material)
    return [(part, [[thousands(cell) for cell in row] for row in grid(table)]) for part, table in large.tables.items()]


def thousands_dump(material: Material) -> Rendering:
    """A large organ's report (as_large) dumped on one line with its numbers printed with thousands separators and
    nothing between cells: '…数量114,1141,0010000115,115' — the separators, three digits after each, tell where some
    numbers end; the sums the rest."""
    large = as_large(material)
    seed = large.seed
    parts = [seed.title, *seed.before]
    for part, rows in _large_rows(material):
        parts.append(large.heading(part))
        parts += ["".join(row) for row in rows]
    return Rendering("thousands_dump", large, "".join([*parts, *seed.after]))


def thousands_spaced(material: Material) -> Rendering:
    """The same numbers separated by spaces (a page dump that kept a space between cells)."""
    large = as_large(material)
    seed = large.seed
    lines = [seed.title, *seed.before]
    for part, rows in _large_rows(material):
        lines.append(large.heading(part))
        lines += [" ".join(cell for cell in row if cell) for row in rows]
    return Rendering("thousands_spaced", large, " ".join([*lines, *seed.after]))


# --- judging a parse --------------------------------------------------------------------------------------------


def judge(expected: dict, report: dict) -> tuple[list[str], list[str]]:
    """(wrong, blank): cells read as another number than expected, and cells left blank (each with its finding)."""
    findings = report["findings"]
    warnings = [f for f in findings if f["severity"] == "warning"]
    form = load_form()
    labels = {
        item.key: {p for t in form.templates.values() for i in t.items if i.key == item.key for p in i.printings}
        for item in form.all_items()
    }
    wrong: list[str] = []
    blank: list[str] = []
    for key in ("agency", "year", "template"):
        if report[key] != expected[key]:
            wrong.append(f"{key}: {report[key]!r} for {expected[key]!r}")

    def named(words: set[str]) -> bool:
        return any(any(w in f["message"] or w in str(f.get("form_key", "")) for w in words) for f in warnings)

    # a part not found names every cell of it
    missing = {f.get("form_key") for f in warnings if f["rule"] == "layout.part_missing"}

    for item, measures in expected["active_disclosure"].items():
        for measure, value in measures.items():
            got = (report["active_disclosure"].get(item) or {}).get(measure, "<missing>")
            if measure.endswith("_unit") and measures.get(measure.removesuffix("_unit")) is not None:
                printed = (report["active_disclosure"].get(item) or {}).get(measure.removesuffix("_unit"))
                got = got if printed is not None else value  # a blank value has no unit to give
            if got == value:
                continue
            where = f"active_disclosure.{item}.{measure}"
            part_missing = "active_disclosure" in missing
            if (got is None and (part_missing or named({item, *labels.get(item, ())}))) or (
                got == "<missing>" and part_missing
            ):
                blank.append(where)
            else:
                wrong.append(f"{where}: {got!r} for {value!r}")
    for row, values in expected["applications"].items():
        got_row = report["applications"].get(row) or [None] * len(values)
        for column, (value, got) in enumerate(zip(values, got_row, strict=True)):
            if got == value:
                continue
            where = f"applications.{row}[{column}]"
            if got is None and ("applications" in missing or named({row})):
                blank.append(where)
            else:
                wrong.append(f"{where}: {got!r} for {value!r}")
    got_review = report["review_litigation"] or [None] * len(expected["review_litigation"])
    for index, (value, got) in enumerate(zip(expected["review_litigation"], got_review, strict=True)):
        if got != value:
            if got is None and named({"part 四"}):
                blank.append(f"review_litigation[{index}]")
            else:
                wrong.append(f"review_litigation[{index}]: {got!r} for {value!r}")
    return wrong, blank


SHAPES: dict[str, Callable[[Material], Rendering]] = {
    "hook_dump": hook_dump,
    "page_innertext": page_innertext,
    "page_glued": page_glued,
    "archived_dump": archived_dump,
    "two_renderings": two_renderings,
    "glued_tables": glued_tables,
    "pdf_text": pdf_text,
    "pdf_one_line": pdf_one_line,
    "pdf_markdown": pdf_markdown,
    "floating_pdf": floating_pdf,
    "pdf_markdown_merged": pdf_markdown_merged,
    "pdf_glued_numbers": pdf_glued_numbers,
    "cell_per_line": cell_per_line,
    "narrow_pdf": narrow_pdf,
    "indented_cells": indented_cells,
    "ocr_markdown": ocr_markdown,
    "tidy_then_dump": tidy_then_dump,
    "markdown_then_wrapped": markdown_then_wrapped,
    "csv_export": csv_export,
    "html_fragment_dump": html_fragment_dump,
    "floating_markdown": floating_markdown,
    "floating_dump": floating_dump,
    "markdown_dump": markdown_dump,
    "word_columns": word_columns,
    "transposed": transposed,
    "side_by_side": side_by_side,
    "repeated_headers": repeated_headers,
    "thousands_dump": thousands_dump,
    "thousands_spaced": thousands_spaced,
}
