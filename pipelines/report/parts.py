"""The three table parts read from the row stream: part 二's items, part 三's rows, part 四's row, keyed by form keys.

The rows come normalised (stream.py and passes/): each a label and its printed values, or a label and one run of
digits. Reading a part is matching labels to the form's rows, placing printed cells by the rules of
spec/report-json.md (a row with fewer or more cells than the form), and splitting runs by the form's sums
(digits.py). Every value keeps its raw string and location; every rule applied is a finding.
"""

from __future__ import annotations

from pipelines.document.model import Cell, Location
from pipelines.findings import FindingsLog
from pipelines.report.align import Segment, align, label_score, segments
from pipelines.report.arithmetic import APPLICATIONS, REVIEW, CellRef, Check, checks, evaluate, row_shape
from pipelines.report.cells import read_cell
from pipelines.report.digits import block_readings, place_short, resolve_rows, standard_places
from pipelines.report.form import ApplicationRow, Form, Item, Template
from pipelines.report.model import Value
from pipelines.report.normalize import bare, similarity
from pipelines.report.split import split_free
from pipelines.report.stream import Row

CONFIDENT_LABEL = 0.9
SPLIT_NOTE = "split from run-together digits"


def value_of(cell: Cell, location: Location | None = None) -> Value:
    read = read_cell(cell.text)
    return Value(read.value, cell.text, location or cell.location, read.unit, read.note)


def trim(values: list[Cell], width: int) -> list[Cell]:
    """Drop blank cells at a row's ends while the row has more cells than the form (they are layout, not blanks)."""
    values = list(values)
    while len(values) > width and not values[-1].text.strip():
        values.pop()
    while len(values) > width and not values[0].text.strip():
        values.pop(0)
    return values


def run_values(run: Cell, numbers: tuple[int | None, ...] | list[int]) -> list[Value]:
    """Values read from a run of digits, each pointing at its own digits within the run where they can be found."""
    spans = _digit_spans(run, numbers)
    return [
        Value(number, run.text, location, note=SPLIT_NOTE) if number is not None else Value(None, "", run.location)
        for number, location in zip(numbers, spans, strict=True)
    ]


def _digit_spans(run: Cell, numbers: tuple[int | None, ...] | list[int]) -> list[Location]:
    base = run.location.span[0] if run.location.span else 0
    text, at, out = run.text, 0, []
    for number in numbers:
        if number is None:
            out.append(run.location)
            continue
        printed = str(number)
        while at < len(text) and not text[at].isdigit():
            at += 1
        found = text.startswith(printed, at)
        out.append(_with_span(run.location, base + at, base + at + len(printed)) if found else run.location)
        at += len(printed) if found else 0
    return out


def _with_span(location: Location, start: int, end: int) -> Location:
    return Location(
        location.table, location.row, location.col, location.line, location.page, location.bbox, (start, end)
    )


def _missing_run(run: Cell, count: int) -> list[Value]:
    return [Value(None, run.text, run.location) for _ in range(count)]


# --- part 二 -----------------------------------------------------------------------------------------------------


def item_for(label: str, items: tuple[Item, ...]) -> Item | None:
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


def read_active_disclosure(
    rows: list[Row], template: Template, form: Form, log: FindingsLog
) -> dict[str, dict[str, Value]]:
    result: dict[str, dict[str, Value]] = {}
    if not rows:
        log.warning("layout.part_missing", "part 二 (主动公开政府信息情况) not found", form_key="active_disclosure")
        return result
    _check_measure_headers(rows, template, form, log)
    for row in rows:
        if row.header or not row.has_numbers:
            continue
        item = item_for(row.label_text, template.items)
        if item is None or item.key in result:
            continue
        result[item.key] = _measure_values(item, row, log)
    for item in template.items:
        if item.key not in result:
            log.warning(
                "layout.row_missing",
                f"part 二 row {item.label} not found",
                form_key=f"active_disclosure.{item.key}",
            )
            result[item.key] = {measure.key: Value.missing() for measure in item.measures}
    return {item.key: result[item.key] for item in template.items}


def _measure_values(item: Item, row: Row, log: FindingsLog) -> dict[str, Value]:
    count = len(item.measures)
    where = f"part 二 row {item.label}"
    if row.run is not None:
        return _split_item_run(item, row.run, where, log)
    values = trim(row.values, count)
    if len(values) != count:
        log.warning(
            "parse.cell_count",
            f"{where} printed {len(values)} cells where the form has {count}",
            where,
            printed=[cell.text for cell in values],
        )
    result = {measure.key: value_of(cell) for measure, cell in zip(item.measures, values, strict=False)}
    for measure in item.measures[len(values) :]:
        result[measure.key] = Value.missing()
    return result


def _split_item_run(item: Item, run: Cell, where: str, log: FindingsLog) -> dict[str, Value]:
    count = len(item.measures)
    if count == 1:
        return {item.measures[0].key: value_of(run)}
    digits = run.text.strip()
    split = split_free(digits, count)
    if len(split.candidates) != 1 or not split.exhausted:
        log.warning(
            "parse.ambiguous_split",
            f"{where}: '{digits}' splits {len(split.candidates)}{'' if split.exhausted else '+'} ways; "
            "values left blank",
            where,
            digits=digits,
            candidates=split.candidates[:12],
        )
        return dict(zip((m.key for m in item.measures), _missing_run(run, count), strict=True))
    numbers = split.candidates[0]
    log.info("parse.split_by_sums", f"{where}: '{digits}' read as {numbers}", where, digits=digits, values=numbers)
    return dict(zip((m.key for m in item.measures), run_values(run, numbers), strict=True))


def _check_measure_headers(rows: list[Row], template: Template, form: Form, log: FindingsLog) -> None:
    """Flag part 二 column headers printed other than the form prints them ('本年度止件数' for 本年废止件数).

    A header row may come as one cell per label or as one run of text, so the known printings are taken out
    of the row's text and what is left over is what was printed differently.
    """
    measures = template.measures
    printings = sorted({bare(p) for m in measures for p in m.printings}, key=len, reverse=True)
    header = bare(form.headers["active_disclosure"])
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
                log.warning(
                    "label.variant",
                    f"part 二 column header printed as '{printed}' for '{best.label}'",
                    f"row {row.position}",
                    printed=printed,
                    form_label=best.label,
                    measure=best.key,
                )


# --- part 三 -----------------------------------------------------------------------------------------------------


def row_segments(row: Row) -> tuple[Segment, ...]:
    """The row's own label, and the same joined to the lines above it (the better reading wins in align)."""
    own = segments(row.label_text)
    return own + segments(row.above + row.label_text) if row.above else own


def read_applications(rows: list[Row], template: Template, form: Form, log: FindingsLog) -> dict[str, list[Value]]:
    width = len(form.columns)
    if not rows:
        log.warning(
            "layout.part_missing", "part 三 (收到和处理政府信息公开申请情况) not found", form_key="applications"
        )
        return {}
    data = [row for row in rows if row.has_numbers]
    _check_column_headers([row for row in rows if row.header], form, log)
    assignment, _ = align([row_segments(row) for row in data], template.rows)
    result: dict[str, list[Value]] = {}
    runs: dict[str, Row] = {}
    short: set[str] = set()  # rows read with fewer cells than the form, placed by the rule of report-json.md
    for printed, index in zip(data, assignment, strict=True):
        if index is None:
            log.warning(
                "parse.row_unmatched",
                f"part 三 printed row not in the form: '{printed.label_text or printed.text}'",
                printed.where(),
                printed=printed.text,
            )
            continue
        form_row = template.rows[index]
        if printed.label_text:
            _check_row_label(printed, form_row, log)
        if printed.run is not None:
            runs[form_row.key] = printed
        else:
            result[form_row.key] = _fit_row(printed, form_row, template, form, log)
            if len(trim(printed.values, width)) < width:
                short.add(form_row.key)
    if runs:
        result.update(_split_runs(runs, result, template, form, log, short))
    _place_short_rows(result, short, template, form, log)
    for form_row in template.rows:
        if form_row.key not in result:
            log.warning(
                "layout.row_missing",
                f"part 三 row {form_row.label} not found",
                form_key=f"applications.{form_row.key}",
            )
            result[form_row.key] = [Value.missing() for _ in range(width)]
    return {form_row.key: result[form_row.key] for form_row in template.rows}


def _place_short_rows(
    result: dict[str, list[Value]], short: set[str], template: Template, form: Form, log: FindingsLog
) -> None:
    """Rows read with fewer cells than the form, placed by the rule of report-json.md: where those places break
    the form's column sums and exactly one other placement keeps them, the blank is where the sums say."""
    width = len(form.column_keys)
    numbers = {key: [value.value for value in values] for key, values in result.items()}
    for key in sorted(short & result.keys()):
        values = result[key]
        count = sum(1 for value in values if value.raw)
        places_now = standard_places(count, width)
        if count < 2 or any(not values[i].raw for i in places_now):
            continue
        printed = [values[i] for i in places_now]
        places = place_short(key, [value.value for value in printed], numbers, template, form)
        if places is None:
            continue
        placed = [Value.missing() for _ in range(width)]
        for value, place in zip(printed, places, strict=True):
            placed[place] = value
        result[key] = placed
        numbers[key] = [value.value for value in placed]
        blanks = [form.column_keys[i] for i in range(width) if i not in places]
        log.warning(
            "parse.cell_count",
            f"part 三 row {key}: {len(printed)} cells printed where the form has {width}; the form's sums place the "
            f"blank(s) at {', '.join(blanks)}",
            f"part 三 row {key}",
            printed=[value.raw for value in printed],
            blank=blanks,
        )


def _check_row_label(printed: Row, form_row: ApplicationRow, log: FindingsLog) -> None:
    score = label_score(row_segments(printed), form_row)
    if score < CONFIDENT_LABEL:
        log.warning(
            "label.mangled",
            f"part 三 row label '{printed.label_text}' read as '{form_row.label}'",
            printed.where(),
            printed=printed.label_text,
            form_label=form_row.label,
            row=form_row.key,
        )


def _check_column_headers(headers: list[Row], form: Form, log: FindingsLog) -> None:
    text = bare("".join(row.text for row in headers))
    if not text:
        return
    for column in form.columns:
        if bare(column.label) in text:
            continue
        variant = next((v for v in column.variants if bare(v) in text), None)
        if variant:
            log.warning(
                "label.variant",
                f"part 三 column header printed as '{variant}' for the form's '{column.label}'",
                "part 三 header",
                printed=variant,
                form_label=column.label,
                column=column.key,
            )


def _fit_row(printed: Row, form_row: ApplicationRow, template: Template, form: Form, log: FindingsLog) -> list[Value]:
    """Seven values from a printed row, by the rule of report-json.md for rows with fewer or more cells."""
    width = len(form.columns)
    cells = trim(printed.values, width)
    where = f"part 三 row {form_row.key} (printed row {printed.position})"
    if len(cells) == width:
        return [value_of(cell) for cell in cells]
    if len(cells) < width:
        log.warning(
            "parse.cell_count",
            f"{where}: {len(cells)} cells printed where the form has {width}; first is 自然人, last is "
            f"总计, the rest fill the legal-person columns from the left",
            where,
            printed=[cell.text for cell in cells],
        )
        values = [value_of(cell) for cell in cells]
        if len(values) == 1:
            return values + [Value.missing() for _ in range(width - 1)]
        middle = values[1:-1] + [Value.missing() for _ in range(width - len(values))]
        return [values[0], *middle, values[-1]]
    refs = [(APPLICATIONS, form_row.key, column) for column in form.column_keys]
    return _window(cells, refs, checks(form, (template,)), where, log)


def _window(
    cells: list[Cell], refs: list[CellRef], rules: tuple[Check, ...], where: str, log: FindingsLog
) -> list[Value]:
    """The form's cells out of a row printed with more: by the rule of report-json.md, the run of cells that
    satisfies the form's sums (evaluated like any check) wins, else the first ones. Where several different runs
    satisfy them (two rows' numbers printed as one), none is taken and the candidates are named."""
    width = len(refs)
    own = [check for check in rules if check.cells <= set(refs)]
    numbers = [read_cell(cell.text).value for cell in cells]
    fitting: dict[tuple[int | float | None, ...], int] = {}
    for start in range(len(cells) - width + 1):
        window = dict(zip(refs, numbers[start : start + width], strict=True))
        outcomes = [evaluate(check, window.get) for check in own]
        if all(outcome.checkable and not outcome.broken for outcome in outcomes):
            fitting.setdefault(tuple(numbers[start : start + width]), start)
    printed = [cell.text for cell in cells]
    if len(fitting) > 1:
        log.warning(
            "parse.ambiguous_cells",
            f"{where}: {len(cells)} cells printed where the form has {width}, and {len(fitting)} runs of them fit "
            "the form's sums; values left blank",
            where,
            printed=printed,
            candidates=[list(candidate) for candidate in fitting][:12],
        )
        return [Value(None, "", cells[0].location) for _ in range(width)]
    start = next(iter(fitting.values()), 0)
    log.warning(
        "parse.cell_count",
        f"{where}: {len(cells)} cells printed where the form has {width}; read cells {start + 1}–{start + width}",
        where,
        printed=printed,
    )
    return [value_of(cell) for cell in cells[start : start + width]]


def _split_runs(
    runs: dict[str, Row],
    known: dict[str, list[Value]],
    template: Template,
    form: Form,
    log: FindingsLog,
    short: set[str],
) -> dict[str, list[Value]]:
    width = len(form.columns)
    printed = {key: [value.value for value in values] for key, values in known.items()}
    resolved = resolve_rows(
        {key: row.run.text.strip() for key, row in runs.items() if row.run}, printed, template, form
    )
    result: dict[str, list[Value]] = {}
    for key, state in resolved.items():
        row = runs[key]
        run = row.run
        assert run is not None
        digits = run.text.strip()
        where = f"part 三 row {key} (printed row {row.position})"
        numbers = state.values
        if numbers is None:
            count = f"{len(state.readings)}{'' if state.exhausted else '+'}"
            log.warning(
                "parse.ambiguous_split",
                f"{where}: '{digits}' splits {count} ways by the form's sums; values left blank",
                where,
                digits=digits,
                candidates=[list(reading) for reading in state.readings][:12],
            )
            result[key] = _missing_run(run, width)
            continue
        log.info(
            "parse.split_by_sums",
            f"{where}: '{digits}' read as {list(numbers)}",
            where,
            digits=digits,
            values=list(numbers),
        )
        if state.short:
            short.add(key)
            log.warning(
                "parse.cell_count",
                f"{where}: the digits split into {sum(n is not None for n in numbers)} cells where the form has "
                f"{width}; first is 自然人, last is 总计, the rest fill the legal-person columns from the left",
                where,
                digits=digits,
            )
        result[key] = run_values(run, numbers)
    return result


# --- part 四 -----------------------------------------------------------------------------------------------------


def read_review(rows: list[Row], template: Template, form: Form, log: FindingsLog) -> list[Value]:
    width = len(form.review_keys)
    blocks, block = row_shape(form, REVIEW)
    if not rows:
        log.warning("layout.part_missing", "part 四 (行政复议、行政诉讼) not found", form_key="review_litigation")
        return []
    data = next(
        (row for row in rows if row.run or (row.printed and (not row.label_text or len(row.printed) >= block))), None
    )
    if data is None:
        log.warning("layout.part_missing", "part 四 numbers not found", form_key="review_litigation")
        return []
    if data.run is not None:
        return _split_review(data.run, blocks, block, log)
    cells = trim(data.values, width)
    if len(cells) > width:
        refs = [(REVIEW, b.key, m.key) for b in form.review_blocks for m in form.review_measures]
        return _window(cells, refs, checks(form, (template,)), "part 四", log)
    if len(cells) < width:
        log.warning(
            "parse.cell_count",
            f"part 四 printed {len(cells)} numbers where the form has {width}",
            "part 四",
            printed=[cell.text for cell in cells],
        )
    values = [value_of(cell) for cell in cells]
    return values + [Value.missing() for _ in range(width - len(values))]


def _split_review(run: Cell, blocks: int, block: int, log: FindingsLog) -> list[Value]:
    digits = run.text.strip()
    split, extra = block_readings(digits, blocks, block)
    if split.candidates and extra:
        log.warning(
            "parse.cell_count",
            f"part 四: '{digits}' has {extra} digit(s) more than the form's sums take; the first "
            f"{len(digits) - extra} are read",
            "part 四",
            digits=digits,
        )
    if len(split.candidates) == 1 and split.exhausted:
        numbers = split.candidates[0]
        log.info(
            "parse.split_by_sums", f"part 四: '{digits}' read as {numbers}", "part 四", digits=digits, values=numbers
        )
        return run_values(run, numbers)
    log.warning(
        "parse.ambiguous_split",
        f"part 四: '{digits}' splits {len(split.candidates)}{'' if split.exhausted else '+'} ways by the form's sums; "
        "values left blank",
        "part 四",
        digits=digits,
        candidates=split.candidates[:12],
    )
    return _missing_run(run, blocks * block)
