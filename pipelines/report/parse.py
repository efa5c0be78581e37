"""Document → Report: the values of parts 二, 三 and 四 keyed by form keys, as printed, with findings.

Every value keeps its raw string and location. Rows printed with fewer or more cells than the form, glued
digits, missing parts and mangled labels are read by the rules of spec/report-json.md and each gets a finding;
nothing printed is rewritten, and the arithmetic is checked afterwards by validate.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Cell, Document, Location
from pipelines.document.read import read_document
from pipelines.findings import Finding, Severity
from pipelines.report.align import Segment, align, label_score, segments
from pipelines.report.cells import clean, read_cell
from pipelines.report.form import ApplicationRow, Form, Item, Template, load_form
from pipelines.report.identify import identify, not_a_report_reason
from pipelines.report.locate import Layout, PrintedRow, locate
from pipelines.report.model import Report, Value
from pipelines.report.normalize import bare, similarity
from pipelines.report.ocr_check import check_ocr
from pipelines.report.split import split_free, split_summed
from pipelines.report.validate import validate

PARSER_VERSION = "1.0.0"
LEGACY_LAST_YEAR = 2018
_GLUED = re.compile(r"^(?P<label>.*?\D)(?P<digits>\d+(?:\.\d+)?)$")
_CONFIDENT_LABEL = 0.9


def parse_file(path: str | Path) -> Report:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(str(path), "no such file") from None
    except IsADirectoryError:
        raise UnreadableDocument(str(path), "is a directory, not a file") from None
    except OSError as error:
        raise UnreadableDocument(str(path), f"cannot read: {error.strerror}") from None
    return parse_bytes(data, str(path))


def parse_bytes(data: bytes, source: str, *, declared_encoding: str | None = None) -> Report:
    return parse_document(read_document(data, source, declared_encoding=declared_encoding))


def parse_document(document: Document) -> Report:
    form = load_form()
    layout = locate(document, form)
    identity = identify(document.title, layout)
    report = Report(
        source=document.source,
        sha256=document.sha256,
        media_type=document.media_type,
        parser_version=PARSER_VERSION,
        agency=identity.agency,
        year=identity.year,
    )
    findings = [*document.findings, *layout.findings]
    if identity.agency is None:
        findings.append(Finding("identity.no_title", Severity.WARNING, "no report title naming the organ and year"))
    elif identity.year_from != "title":
        findings.append(
            Finding(
                "identity.year_not_in_title",
                Severity.WARNING,
                f"year {identity.year} taken from the {identity.year_from}",
            )
        )
    parts_found = any(layout.regions.get(key) for key in ("active_disclosure", "applications", "review_litigation"))
    reason = not_a_report_reason(identity)
    if reason or not (identity.title_says_report or parts_found):
        findings.append(
            Finding(
                "identity.not_a_report", Severity.WARNING, reason or "neither a report title nor the report's tables"
            )
        )
        report.findings = findings
        return report
    template = _choose_template(layout, form, identity.year)
    report.template = template.reported_as if template else None
    report.template_variant = template.id if template else None
    if template is None or not template.has_tables:
        findings.append(
            Finding("template.legacy", Severity.INFO, "pre-2019 free-form report: no standard tables to read")
        )
        report.template = "legacy"
        report.template_variant = "legacy"
        report.findings = findings
        return report
    if template.id == "hybrid":
        findings.append(
            Finding(
                "template.hybrid",
                Severity.INFO,
                "2021 part 二 with a single-row （六）其他处理 (read as other_handling)",
            )
        )
    context = _Context(document, form, findings, boundary_blanks=document.media_type == "text/plain")
    report.active_disclosure = _parse_active_disclosure(layout.regions.get("active_disclosure", []), template, context)
    report.applications = _parse_applications(layout.regions.get("applications", []), template, context)
    report.review_litigation = _parse_review(layout.regions.get("review_litigation", []), context)
    findings.extend(check_ocr(report, form))  # before validate: a doubted reading is blank, not a broken sum
    findings.extend(validate(report, form))
    report.findings = findings
    return report


@dataclass
class _Context:
    document: Document
    form: Form
    findings: list[Finding]
    boundary_blanks: bool

    def note(self, rule: str, severity: Severity, message: str, location: str = "", **values) -> None:
        self.findings.append(Finding(rule, severity, message, location, values))


# --- finding the parts ---------------------------------------------------------------------------------


def _choose_template(layout: Layout, form: Form, year: int | None) -> Template | None:
    """Template from the printed headers: part 二's measure labels and the shape of （六）其他处理."""
    disclosure = bare("".join(row.text for row in layout.regions.get("active_disclosure", [])))
    applications = layout.regions.get("applications", [])
    votes = {
        name: sum(bare(marker) in disclosure for marker in form.templates[name].markers) for name in ("2021", "2019")
    }
    if not applications and not disclosure:
        text = bare("".join(row.text for row in layout.rows))
        if (year is not None and year <= LEGACY_LAST_YEAR) or any(
            bare(m) in text for m in form.templates["legacy"].markers
        ):
            return form.templates["legacy"]
    itemised = _other_itemised(applications, form)
    if votes["2019"] > votes["2021"]:
        return form.templates["2019"]
    if votes["2021"] == 0 and votes["2019"] == 0 and year is not None and year <= LEGACY_LAST_YEAR:
        return form.templates["legacy"]
    if votes["2021"] == 0 and year is not None and year < 2021 and not itemised:
        return form.templates["2019"]
    return form.templates["2021"] if itemised or not applications else form.templates["hybrid"]


def _other_itemised(rows: list[PrintedRow], form: Form) -> bool:
    """True where part 三 prints （六）其他处理 in three rows (2021) rather than one (2019)."""
    keys = [row for row in form.templates["2021"].rows if row.group == "other" and row.ordinal != "3"]
    text = bare("".join(row.text for row in rows))
    return any(bare(row.label)[:8] in text for row in keys)


# --- cells -------------------------------------------------------------------------------------------


def _value(cell: Cell, location: Location | None = None) -> Value:
    read = read_cell(cell.text)
    return Value(read.value, cell.text, location or cell.location, read.unit, read.note)


def _split_row(row: PrintedRow) -> tuple[list[Cell], list[Cell]]:
    """(label cells, value cells): values are the cells after the last label cell."""
    last_label = -1
    for index, cell in enumerate(row.cells):
        if read_cell(cell.text).kind == "text":
            last_label = index
    return row.cells[: last_label + 1], row.cells[last_label + 1 :]


def _label_text(cells: list[Cell]) -> str:
    return "".join(cell.text for cell in cells if cell.text.strip())


def _glued(label_cells: list[Cell]) -> tuple[str, str, Cell] | None:
    """A label with the row's digits glued to its end ('（七）总计12310000124'): (label, digits, cell)."""
    if not label_cells:
        return None
    cell = label_cells[-1]
    match = _GLUED.match(clean(cell.text))
    if not match or not any("\u4e00" <= ch <= "\u9fff" for ch in match["label"]):
        return None
    return match["label"], match["digits"], cell


def _trim(values: list[Cell], width: int, boundary_blanks: bool) -> list[Cell]:
    """Drop blank cells at a row's ends that are layout, not printed blanks.

    In tab-separated text a merged label leaves empty cells before the numbers and the line ends with a tab:
    those ends are always layout. In HTML, Markdown and the rest a blank cell is a printed blank, so ends are
    dropped only while the row has more cells than the form.
    """
    values = list(values)
    while values and (boundary_blanks or len(values) > width) and not values[-1].text.strip():
        values.pop()
    while values and (boundary_blanks or len(values) > width) and not values[0].text.strip():
        values.pop(0)
    return values


# --- part 二 -----------------------------------------------------------------------------------------


def _item_for(label: str, items: tuple[Item, ...]) -> Item | None:
    """The part 二 item a row label names: exactly, with a short note after it, or after its band label."""
    text = bare(label)
    bands = {bare(item.band) for item in items}
    for item in items:
        for printing in item.printings:
            wanted = bare(printing)
            if text == wanted or (text.startswith(wanted) and len(text) - len(wanted) <= 2):
                return item
            if text.endswith(wanted) and text[: -len(wanted)] in bands:
                return item
    return None


def _parse_active_disclosure(
    rows: list[PrintedRow], template: Template, context: _Context
) -> dict[str, dict[str, Value]]:
    result: dict[str, dict[str, Value]] = {}
    if not rows:
        context.note(
            "layout.part_missing",
            Severity.WARNING,
            "part 二 (主动公开政府信息情况) not found",
            form_key="active_disclosure",
        )
        return result
    _check_measure_headers(rows, template, context)
    index = 0
    while index < len(rows):
        row = rows[index]
        labels, values = _split_row(row)
        glued = _glued(labels) if not values else None
        item = _item_for(glued[0] if glued else _label_text(labels), template.items)
        if glued and item is None:
            glued = None
            item = _item_for(_label_text(labels), template.items)
        if item is None or item.key in result:
            index += 1
            continue
        if not values and not glued and index + 1 < len(rows):
            next_labels, next_values = _split_row(rows[index + 1])
            if not next_labels and next_values:
                values, index = next_values, index + 1
        result[item.key] = _measure_values(item, values, glued, row, context)
        index += 1
    for item in template.items:
        if item.key not in result:
            context.note(
                "layout.row_missing",
                Severity.WARNING,
                f"part 二 row {item.label} not found",
                form_key=f"active_disclosure.{item.key}",
            )
            result[item.key] = {measure.key: Value.missing() for measure in item.measures}
    return {item.key: result[item.key] for item in template.items}


def _measure_values(
    item: Item, values: list[Cell], glued: tuple[str, str, Cell] | None, row: PrintedRow, context: _Context
) -> dict[str, Value]:
    count = len(item.measures)
    where = f"part 二 row {item.label}"
    if glued:
        _, digits, cell = glued
        if count == 1:
            cells = [Cell(digits, cell.location)]
        else:
            candidates = split_free(digits, count)
            if len(candidates) != 1:
                context.note(
                    "parse.ambiguous_split",
                    Severity.WARNING,
                    f"{where}: '{digits}' splits {len(candidates)} ways; values left blank",
                    where,
                    digits=digits,
                    candidates=candidates[:12],
                )
                return {measure.key: Value(None, digits, cell.location) for measure in item.measures}
            cells = [Cell(str(number), cell.location) for number in candidates[0]]
            context.note(
                "parse.split_by_sums",
                Severity.INFO,
                f"{where}: '{digits}' read as {candidates[0]}",
                where,
                digits=digits,
                values=candidates[0],
            )
        values = cells
    values = _trim(values, count, context.boundary_blanks)
    if len(values) != count:
        context.note(
            "parse.cell_count",
            Severity.WARNING,
            f"{where} printed {len(values)} cells where the form has {count}",
            where,
            printed=[cell.text for cell in values],
        )
    result = {}
    for measure, cell in zip(item.measures, values, strict=False):
        result[measure.key] = _value(cell)
    for measure in item.measures[len(values) :]:
        result[measure.key] = Value.missing()
    return result


def _check_measure_headers(rows: list[PrintedRow], template: Template, context: _Context) -> None:
    """Flag part 二 column headers printed other than the form prints them ('本年度止件数' for 本年废止件数).

    A header row may come as one cell per label or as one run of text, so the known printings are taken out
    of the row's text and what is left over is what was printed differently.
    """
    measures = template.measures
    printings = sorted({bare(p) for m in measures for p in m.printings}, key=len, reverse=True)
    header = bare(context.form.headers["active_disclosure"])
    for row in rows:
        text = bare(row.text)
        if not text.startswith(header):
            continue
        leftover = text[len(header) :]
        for printing in printings:
            leftover = leftover.replace(printing, "|")
        for printed in filter(None, leftover.split("|")):
            best = max(measures, key=lambda m: max(similarity(printed, p) for p in m.printings))
            if max(similarity(printed, p) for p in best.printings) >= 0.5:
                context.note(
                    "label.variant",
                    Severity.WARNING,
                    f"part 二 column header printed as '{printed}' for '{best.label}'",
                    f"row {row.position}",
                    printed=printed,
                    form_label=best.label,
                    measure=best.key,
                )


# --- part 三 -----------------------------------------------------------------------------------------


@dataclass
class _DataRow:
    row: PrintedRow
    label: str
    own_label: bool
    values: list[Cell]
    digits: str | None = None
    above: str = ""  # label lines printed above a labelled row: a wrapped label's first half, or a group label

    def segments(self) -> tuple[Segment, ...]:
        """The row's own label, and the same joined to the lines above it (the better reading wins in align)."""
        own = segments(self.label)
        return own + segments(self.above + self.label) if self.above else own


def _application_rows(rows: list[PrintedRow], form: Form) -> tuple[list[_DataRow], list[PrintedRow]]:
    """Printed rows with numbers, each with its label (wrapped label lines above it joined); and header rows."""
    column_labels = {bare(p) for column in form.columns for p in column.printings}
    column_labels.add(bare(form.headers["applicants"]))
    note = form.headers["applications_note"]
    data: list[_DataRow] = []
    headers: list[PrintedRow] = []
    pending: list[str] = []
    for row in rows:
        labels, values = _split_row(row)
        label = _label_text(labels)
        glued = _glued(labels) if not any(cell.text.strip() for cell in values) else None
        if glued and len(glued[1]) >= len(form.columns) - 1:
            data.append(_DataRow(row, glued[0], True, [], glued[1]))
            pending = []
            continue
        numbers = [cell for cell in values if cell.text.strip()]
        digits = clean(numbers[0].text) if len(numbers) == 1 and not label else ""
        if digits.isdigit() and len(digits) >= len(form.columns) - 1:
            data.append(_DataRow(row, "".join(pending), False, [], digits))
            pending = []
            continue
        if not numbers or (not label and len(numbers) < 2):
            if any(bare(cell.text) in column_labels for cell in row.cells) or similarity(label, note) > 0.6:
                headers.append(row)
                pending = []
            else:
                pending.append(label or _label_text(values))
            continue
        own = bool(bare(label))
        data.append(
            _DataRow(row, label if own else "".join(pending), own, values, above="".join(pending) if own else "")
        )
        pending = []
    return data, headers


def _parse_applications(rows: list[PrintedRow], template: Template, context: _Context) -> dict[str, list[Value]]:
    form = context.form
    width = len(form.columns)
    if not rows:
        context.note(
            "layout.part_missing",
            Severity.WARNING,
            "part 三 (收到和处理政府信息公开申请情况) not found",
            form_key="applications",
        )
        return {}
    data, headers = _application_rows(rows, form)
    _check_column_headers(headers, context)
    assignment, _ = align([row.segments() for row in data], template.rows)
    result: dict[str, list[Value]] = {}
    glued: dict[str, _DataRow] = {}
    for printed, index in zip(data, assignment, strict=True):
        if index is None:
            context.note(
                "parse.row_unmatched",
                Severity.WARNING,
                f"part 三 printed row not in the form: '{printed.label or printed.row.text}'",
                f"row {printed.row.position}",
                printed=printed.row.text,
            )
            continue
        form_row = template.rows[index]
        if printed.own_label:
            _check_row_label(printed, form_row, context)
        if printed.digits is not None:
            glued[form_row.key] = printed
            continue
        result[form_row.key] = _fit_row(printed, form_row, width, context)
    if glued:
        result.update(_split_glued_rows(glued, result, template, context))
    for form_row in template.rows:
        if form_row.key not in result:
            context.note(
                "layout.row_missing",
                Severity.WARNING,
                f"part 三 row {form_row.label} not found",
                form_key=f"applications.{form_row.key}",
            )
            result[form_row.key] = [Value.missing() for _ in range(width)]
    return {form_row.key: result[form_row.key] for form_row in template.rows}


def _check_row_label(printed: _DataRow, form_row: ApplicationRow, context: _Context) -> None:
    score = label_score(printed.segments(), form_row)
    if score < _CONFIDENT_LABEL:
        context.note(
            "label.mangled",
            Severity.WARNING,
            f"part 三 row label '{printed.label}' read as '{form_row.label}'",
            f"row {printed.row.position}",
            printed=printed.label,
            form_label=form_row.label,
            row=form_row.key,
        )


def _check_column_headers(headers: list[PrintedRow], context: _Context) -> None:
    text = bare("".join(row.text for row in headers))
    if not text:
        return
    for column in context.form.columns:
        if bare(column.label) in text:
            continue
        variant = next((v for v in column.variants if bare(v) in text), None)
        if variant:
            context.note(
                "label.variant",
                Severity.WARNING,
                f"part 三 column header printed as '{variant}' for the form's '{column.label}'",
                "part 三 header",
                printed=variant,
                form_label=column.label,
                column=column.key,
            )


def _row_sum_holds(numbers: list[int | float | None]) -> bool:
    return all(n is not None for n in numbers) and sum(numbers[:-1]) == numbers[-1]


def _fit_row(printed: _DataRow, form_row: ApplicationRow, width: int, context: _Context) -> list[Value]:
    """Seven values from a printed row, by the rule of report-json.md for rows with fewer or more cells."""
    cells = _trim(printed.values, width, context.boundary_blanks)
    where = f"part 三 row {form_row.key} (printed row {printed.row.position})"
    if len(cells) == width:
        return [_value(cell) for cell in cells]
    if len(cells) < width:
        context.note(
            "parse.cell_count",
            Severity.WARNING,
            f"{where}: {len(cells)} cells printed where the form has {width}; first is 自然人, last is "
            f"总计, the rest fill the legal-person columns from the left",
            where,
            printed=[cell.text for cell in cells],
        )
        values = [_value(cell) for cell in cells]
        if len(values) == 1:
            return values + [Value.missing() for _ in range(width - 1)]
        middle = values[1:-1] + [Value.missing() for _ in range(width - len(values))]
        return [values[0], *middle, values[-1]]
    start = _summing_window(cells, width, width)
    context.note(
        "parse.cell_count",
        Severity.WARNING,
        f"{where}: {len(cells)} cells printed where the form has {width}; read cells {start + 1}–{start + width}",
        where,
        printed=[cell.text for cell in cells],
    )
    return [_value(cell) for cell in cells[start : start + width]]


def _summing_window(cells: list[Cell], width: int, block: int) -> int:
    """Start of the first run of ``width`` cells whose blocks each sum to their last cell; else 0.

    The rule of report-json.md for rows printed with more cells than the form: the alignment that satisfies
    the form's sums wins, else the first cells.
    """
    numbers = [read_cell(cell.text).value for cell in cells]
    for start in range(len(cells) - width + 1):
        window = numbers[start : start + width]
        if all(_row_sum_holds(window[i : i + block]) for i in range(0, width, block)):
            return start
    return 0


def _split_glued_rows(
    glued: dict[str, _DataRow], known: dict[str, list[Value]], template: Template, context: _Context
) -> dict[str, list[Value]]:
    """Split every glued row by its row sum, then narrow the candidates by the column identities."""
    width = len(context.form.columns)
    candidates = {key: _row_candidates(row.digits or "", width) for key, row in glued.items()}
    keys = list(candidates)
    combos: list[tuple[list[int], ...]] = []
    sizes = [max(1, len(candidates[key])) for key in keys]
    total = 1
    for size in sizes:
        total *= size
    if total <= 20000 and all(candidates[key] for key in keys):
        for combo in product(*(candidates[key] for key in keys)):
            trial = {key: list(values) for key, values in zip(keys, combo, strict=True)}
            if _columns_hold(trial, known, template, context.form):
                combos.append(combo)
    result: dict[str, list[Value]] = {}
    for position, key in enumerate(keys):
        row = glued[key]
        cell = row.row.cells[-1]
        where = f"part 三 row {key} (printed row {row.row.position})"
        options = {tuple(combo[position]) for combo in combos} or {tuple(c) for c in candidates[key]}
        if len(options) == 1:
            numbers: list[int | None] = list(next(iter(options)))
            context.note(
                "parse.split_by_sums",
                Severity.INFO,
                f"{where}: '{row.digits}' read as {numbers}",
                where,
                digits=row.digits,
                values=numbers,
            )
            if len(numbers) < width:
                context.note(
                    "parse.cell_count",
                    Severity.WARNING,
                    f"{where}: the digits split into {len(numbers)} cells where the form has {width}; first is "
                    "自然人, last is 总计, the rest fill the legal-person columns from the left",
                    where,
                    digits=row.digits,
                )
                numbers = [*numbers[:-1], *([None] * (width - len(numbers))), numbers[-1]]
            result[key] = [
                Value(n, row.digits or "", cell.location, note="split from run-together digits") for n in numbers
            ]
        else:
            context.note(
                "parse.ambiguous_split",
                Severity.WARNING,
                f"{where}: '{row.digits}' splits {len(options)} ways by the form's sums; values left blank",
                where,
                digits=row.digits,
                candidates=[list(o) for o in sorted(options)][:12],
            )
            result[key] = [Value(None, row.digits or "", cell.location) for _ in range(width)]
    return result


def _row_candidates(digits: str, width: int) -> list[list[int]]:
    """Splits of a glued part 三 row by its row sum; a row one cell short (as printed) when none fits the form."""
    return split_summed(digits, 1, width) or split_summed(digits, 1, width - 1)


def _columns_hold(trial: dict[str, list[int]], known: dict[str, list[Value]], template: Template, form: Form) -> bool:
    """Whether the column identities of part 三 hold for a trial split (rules with unknown terms pass)."""

    width = len(form.columns)

    def cell(key: str, column: int) -> int | float | None:
        if key in trial:
            numbers = trial[key]
            if len(numbers) < width:
                numbers = [*numbers[:-1], *[None] * (width - len(numbers)), numbers[-1]]
            return numbers[column]
        values = known.get(key)
        return values[column].value if values else None

    for rule in form.rules:
        if rule.kind != "column_identity":
            continue
        left = [r.key for r in template.result_rows] if rule.left == ("@result",) else list(rule.left)
        for column in range(len(form.columns)):
            terms_left = [cell(key, column) for key in left]
            terms_right = [cell(key, column) for key in rule.right]
            if None in terms_left or None in terms_right:
                continue
            if sum(terms_left) != sum(terms_right):
                return False
    return True


# --- part 四 -----------------------------------------------------------------------------------------


def _parse_review(rows: list[PrintedRow], context: _Context) -> list[Value]:
    form = context.form
    width = len(form.review_keys)
    block = len(form.review_measures)
    if not rows:
        context.note(
            "layout.part_missing",
            Severity.WARNING,
            "part 四 (行政复议、行政诉讼) not found",
            form_key="review_litigation",
        )
        return []
    cells: list[Cell] = []
    for row in rows:
        labels, values = _split_row(row)
        glued = _glued(labels) if not values else None
        if glued is None and not labels and len(values) == 1 and len(clean(values[0].text)) >= width:
            glued = ("", clean(values[0].text), values[0])
        if glued and len(glued[1]) >= width and not cells:
            return _split_review(glued[1], glued[2], context)
        printed = [cell for cell in values if cell.text.strip()]
        if labels and cells and len(printed) < block:
            break
        if not labels or len(printed) >= block:  # header text and numbers can share a flattened line
            cells.extend(values)
        if len(cells) >= width:
            break
    cells = _trim(cells, width, context.boundary_blanks)
    if not cells:
        context.note("layout.part_missing", Severity.WARNING, "part 四 numbers not found", form_key="review_litigation")
        return []
    if len(cells) > width:
        start = _summing_window(cells, width, block)
        context.note(
            "parse.cell_count",
            Severity.WARNING,
            f"part 四 printed {len(cells)} numbers where the form has {width}; read numbers "
            f"{start + 1}–{start + width}",
            "part 四",
            printed=[cell.text for cell in cells],
        )
        cells = cells[start : start + width]
    elif len(cells) < width:
        context.note(
            "parse.cell_count",
            Severity.WARNING,
            f"part 四 printed {len(cells)} numbers where the form has {width}",
            "part 四",
            printed=[cell.text for cell in cells],
        )
    values = [_value(cell) for cell in cells]
    return values + [Value.missing() for _ in range(width - len(values))]


def _split_review(digits: str, cell: Cell, context: _Context) -> list[Value]:
    form = context.form
    blocks, parts = len(form.review_blocks), len(form.review_measures)
    candidates = split_summed(digits, blocks, parts)
    extra = 0
    while not candidates and extra < 3 and len(digits) - extra > blocks * parts:
        extra += 1
        candidates = split_summed(digits[: len(digits) - extra], blocks, parts)
    if candidates and extra:
        context.note(
            "parse.cell_count",
            Severity.WARNING,
            f"part 四: '{digits}' has {extra} digit(s) more than the form's sums take; the first "
            f"{len(digits) - extra} are read",
            "part 四",
            digits=digits,
        )
    if len(candidates) == 1:
        context.note(
            "parse.split_by_sums",
            Severity.INFO,
            f"part 四: '{digits}' read as {candidates[0]}",
            "part 四",
            digits=digits,
            values=candidates[0],
        )
        return [Value(n, digits, cell.location, note="split from run-together digits") for n in candidates[0]]
    context.note(
        "parse.ambiguous_split",
        Severity.WARNING,
        f"part 四: '{digits}' splits {len(candidates)} ways by the form's sums; values left blank",
        "part 四",
        digits=digits,
        candidates=candidates[:12],
    )
    return [replace(Value.missing(), raw=digits) for _ in range(blocks * parts)]
