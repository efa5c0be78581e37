"""The three table parts read from the row stream: part 二's items, part 三's rows, part 四's row, keyed by form keys.

The rows come normalised (stream.py and passes/): each a label and its printed values, or a label and one run of
digits. Reading a part is matching labels to the form's rows; a row printing the form's cells is read as printed,
one printing more by the rule of spec/report-json.md, and the others — a run, fewer cells, a cell holding digits of
several ('00', '9,0090') — by the form's sums (digits.py), or left blank with their candidate readings where the
sums leave more than one. Every value keeps its raw string and location; every rule applied is a finding.
"""

from __future__ import annotations

import re

from pipelines.document.model import Cell, Location
from pipelines.findings import FindingsLog
from pipelines.report.align import Segment, align, label_score, segments, unsettled
from pipelines.report.arithmetic import (
    APPLICATIONS,
    REVIEW,
    CellRef,
    Check,
    checks,
    evaluate,
    room_for_blanks,
    row_shape,
)
from pipelines.report.cells import read_cell
from pipelines.report.digits import (
    Printed,
    Reading,
    Resolved,
    cuts_of,
    item_readings,
    place_short,
    recut,
    resolve_rows,
    review_readings,
    standard_places,
)
from pipelines.report.form import ApplicationRow, Form, Item, Template
from pipelines.report.model import Value
from pipelines.report.normalize import bare, similarity
from pipelines.report.passes.digits import sub_cell
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


def _blank_either_end(values: list[Cell], width: int) -> bool:
    """More cells than the form with blanks at both ends ('', '1', '0' … '', ''): a merged label's empty cell before
    the numbers or a printed blank after them — which of them is layout the cells do not say (the sums may)."""
    return len(values) > width and not values[0].text.strip() and not values[-1].text.strip()


def numbers_of(row: Row, width: int, form: Form | None = None, part: str = "") -> tuple[list[Cell], Printed | None]:
    """A row's numbers as printed: its run, or its value cells (blank ends beyond the form's width dropped), and
    their digits — None where a cell prints anything but digits (a '/', a decimal, a note). A row that lost
    separators (Row.lost) keeps no blank ends: where its cells stood is lost with them; nor does a row of part 三 or
    四 whose blank end cells no count could fill (a merged label's empty cell, before numbers that lost a separator:
    '·', '140', '0' … '14')."""
    if row.run is not None:
        return [row.run], Printed.run_of(row.run.text)
    printed = (
        trim(row.values, width) if not row.lost and not _blank_either_end(row.values, width) else trim(row.values, 0)
    )
    cells = trim([piece for cell in printed for piece in _spaced(cell)], width)
    numbers = Printed.of([cell.text for cell in cells])
    if form is not None and numbers is not None and numbers.as_printed is not None and cells:
        blank_end = not cells[0].text.strip() or not cells[-1].text.strip()
        if blank_end and not room_for_blanks(form, part, numbers.as_printed):
            cells = trim(cells, 0)
            numbers = Printed.of([cell.text for cell in cells])
    return cells, numbers


def _spaced(cell: Cell) -> list[Cell]:
    """A cell printing numbers with spaces between them ('3 0': a separator lost, its space kept) as a cell per
    number; any other cell as it is."""
    tokens = list(re.finditer(r"\S+", cell.text))
    if len(tokens) < 2 or not all(token.group().isdigit() for token in tokens):
        return [cell]
    return [sub_cell(cell, token.start(), token.end()) for token in tokens]


def reading_values(cells: list[Cell], printed: Printed, reading: Reading) -> list[Value]:
    """The values of a reading, each pointing at the cell it was read from and, where it was cut out of a cell
    (a run, or a cell holding several numbers), at the span of its digits there."""
    out: list[Value] = []
    for number, cut in zip(reading, cuts_of(printed, reading), strict=True):
        if cut is None:
            out.append(Value.missing())
            continue
        cell = cells[cut.piece]
        if cut.whole and not printed.run:
            out.append(value_of(cell))
        else:
            out.append(Value(number, cell.text, _digits_location(cell, cut.start, cut.end), note=SPLIT_NOTE))
    return out


def _digits_location(cell: Cell, start: int, end: int) -> Location:
    """The location of the digits [start, end) of the cell's digits (its text's digits, separators left out)."""
    printed = [index for index, char in enumerate(cell.text) if char.isdigit()]
    if end > len(printed):
        return cell.location
    base = cell.location.span[0] if cell.location.span else 0
    where = cell.location
    span = (base + printed[start], base + printed[end - 1] + 1)
    return Location(where.table, where.row, where.col, where.line, where.page, where.bbox, span)


def _open(printed: Printed, width: int, row: Row) -> bool:
    """Whether a row's printed numbers are to be read by the sums: fewer than the form's cells, or as many with
    one printing a leading zero ('00': two cells whose separator was lost), or a row that lost separators."""
    return (
        len(printed.pieces) < width
        or (len(printed.pieces) == width and printed.as_printed is None)
        or bool(row.lost and len(printed.pieces) <= width)
    )


def _shown(printed: Printed) -> str:
    return " ".join(printed.pieces)


def _split(printed: Printed, reading: Reading) -> bool:
    """Whether the reading cuts a printed piece (a run, or a cell holding several numbers)."""
    return printed.run or any(cut is not None and not cut.whole for cut in cuts_of(printed, reading))


def _ambiguous(
    log: FindingsLog,
    where: str,
    form_key: str,
    printed: Printed,
    readings: list[Reading],
    exhausted: bool,
    how: str,
) -> None:
    """A warning naming the digits that could not be read, the form's row left blank (``form_key``) and their
    candidate readings; ``how`` says why."""
    count = f"{len(readings)}{'' if exhausted else '+'}"
    log.warning(
        "parse.ambiguous_split",
        f"{where}: '{_shown(printed)}' {how.format(count=count)}; values left blank",
        where,
        form_key=form_key,
        digits=_shown(printed),
        candidates=[list(reading) for reading in readings][:12],
    )


def _recut(log: FindingsLog, where: str, form_key: str, printed: Printed, others: list[Reading]) -> None:
    as_printed = printed.as_printed
    log.warning(
        "parse.ambiguous_split",
        f"{where}: '{_shown(printed)}' breaks the form's sums as printed, and cut with one separator more (two "
        f"cells run together) keeps them {len(others)} way(s); values left blank",
        where,
        form_key=form_key,
        digits=_shown(printed),
        candidates=[list(as_printed or ()), *[list(reading) for reading in others][:11]],
    )


def _how(state: Resolved | None) -> str:
    if state is not None and not state.readings and state.first:
        return "splits {count} ways by its own sums, none of which the other rows' sums allow"
    return "splits {count} ways by the form's sums"


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
    keys = [measure.key for measure in item.measures]
    if row.run is not None and count == 1:
        return {keys[0]: value_of(row.run)}
    cells, printed = numbers_of(row, count)
    if printed is not None and (printed.run or len(printed.pieces) != count or row.lost):
        tier = item_readings(printed, count, lost=bool(row.lost))
        if len(tier.readings) != 1 or not tier.exhausted:
            how = "reads {count} ways (no sum ties the measures)"
            _ambiguous(log, where, f"active_disclosure.{item.key}", printed, tier.readings, tier.exhausted, how)
            return {key: Value(None, "", row.location) for key in keys}
        reading = tier.readings[0]
        if _split(printed, reading):
            log.info(
                "parse.split_by_sums",
                f"{where}: '{_shown(printed)}' read as {list(reading)}",
                where,
                digits=_shown(printed),
                values=list(reading),
            )
        if None in reading or len(printed.pieces) > count:
            log.warning(
                "parse.cell_count",
                f"{where} printed {len(cells)} cells where the form has {count}",
                where,
                printed=[cell.text for cell in cells],
            )
        return dict(zip(keys, reading_values(cells, printed, reading), strict=True))
    if row.run is not None:
        log.warning(
            "parse.ambiguous_split",
            f"{where}: '{row.run.text}' is not {count} numbers; values left blank",
            where,
            form_key=f"active_disclosure.{item.key}",
            digits=row.run.text,
            candidates=[],
        )
        return {key: Value(None, "", row.location) for key in keys}
    if len(cells) != count:
        log.warning(
            "parse.cell_count",
            f"{where} printed {len(cells)} cells where the form has {count}",
            where,
            printed=[cell.text for cell in cells],
        )
    result = {key: value_of(cell) for key, cell in zip(keys, cells, strict=False)}
    for key in keys[len(cells) :]:
        result[key] = Value.missing()
    return result


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
    printed_labels = [row_segments(row) for row in data]
    assignment, _ = align(printed_labels, template.rows)
    undecided = unsettled(printed_labels, template.rows, assignment)
    for at, options in undecided.items():
        candidates = [template.rows[option].key for option in options]
        log.warning(
            "parse.row_unmatched",
            f"part 三 printed row '{data[at].label_text or data[at].text}' could be any of {', '.join(candidates)}:"
            " its label does not say which and the form's order leaves more rows than it; not read",
            data[at].where(),
            printed=data[at].text,
            candidates=candidates,
        )
        assignment[at] = None
    result: dict[str, list[Value]] = {}
    open_rows: dict[str, tuple[Row, list[Cell], Printed | None]] = {}
    short: set[str] = set()  # rows read with fewer cells than the form, placed by the rule of report-json.md
    for at, (printed, index) in enumerate(zip(data, assignment, strict=True)):
        if index is None:
            if at in undecided:
                continue
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
        cells, numbers = numbers_of(printed, width, form, APPLICATIONS)
        if printed.run is not None or (numbers is not None and _open(numbers, width, printed)):
            open_rows[form_row.key] = (printed, cells, numbers)
        elif numbers is not None and (others := recut(numbers, form, APPLICATIONS)):
            where = f"part 三 row {form_row.key} (printed row {printed.position})"
            _recut(log, where, f"applications.{form_row.key}", numbers, others)
            result[form_row.key] = [Value(None, "", printed.location) for _ in range(width)]
        else:
            result[form_row.key] = _fit_row(printed, cells, form_row, template, form, log)
            if len(cells) < width:
                short.add(form_row.key)
    if open_rows:
        result.update(_read_open_rows(open_rows, result, template, form, log))
    _place_short_rows(result, short, template, form, log)
    _distrust_placed_blanks(result, {*open_rows, *short}, template, form, log)
    for form_row in template.rows:
        if form_row.key not in result:
            log.warning(
                "layout.row_missing",
                f"part 三 row {form_row.label} not found",
                form_key=f"applications.{form_row.key}",
            )
            result[form_row.key] = [Value.missing() for _ in range(width)]
    return {form_row.key: result[form_row.key] for form_row in template.rows}


def _blank_end(values: list[Value]) -> bool:
    return any(v.value is not None for v in values) and (values[0].value is None or values[-1].value is None)


def _distrust_placed_blanks(
    result: dict[str, list[Value]], placed: set[str], template: Template, form: Form, log: FindingsLog
) -> None:
    """Rows whose blanks were placed (printed with fewer cells than the form, or read by the sums from numbers
    that lost their separators), or that print a blank at an end (a merged label's empty cell or a blank cell: the
    cells do not say), are a reading, not a printing: where, all rows read, a column rule of the form through such
    a row cannot hold, the reading is not trusted — the row is left blank, its reading named. (A row printed whole
    that breaks a rule is the report's own, flagged by the validator.)"""
    columns = form.column_keys
    suspect = {key for key in placed & result.keys() if any(value.value is None for value in result[key])}
    # a row printed with a blank at an end: a merged label's empty cell or a printed blank, the cells do not say
    suspect |= {key for key, values in result.items() if _blank_end(values)}
    if not suspect:
        return

    def value(ref: CellRef) -> float | int | None:
        values = result.get(ref[1])
        return values[columns.index(ref[2])].value if values and ref[2] in columns else None

    rules = [c for c in checks(form, (template,)) if c.rule.part == APPLICATIONS]
    for check in rules:
        rows = {ref[1] for ref in check.cells} & suspect
        if not rows or evaluate(check, value).possible:
            continue
        for key in sorted(rows):
            reading = [v.value for v in result[key]]
            log.warning(
                "parse.ambiguous_cells",
                f"part 三 row {key}: its blanks were placed by a reading ({reading}) that breaks the form's "
                f"{check.rule.id} ({check.where}) with every other row read; "
                "values left blank",
                f"part 三 row {key}",
                candidates=[reading],
            )
            result[key] = [Value(None, "", v.location) for v in result[key]]
            suspect.discard(key)


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


def _fit_row(
    printed: Row, cells: list[Cell], form_row: ApplicationRow, template: Template, form: Form, log: FindingsLog
) -> list[Value]:
    """Seven values from a printed row's cells (numbers_of), by the rule of report-json.md for rows with fewer or
    more cells."""
    width = len(form.columns)
    cells = trim(cells, width)
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
    satisfy them, or the row prints more than half a row's cells too many (several rows' numbers after one label,
    where a run fits by chance), none is taken and the candidates are named."""
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
    several = len(cells) - width > width // 2  # more than a few extra cells: several rows' numbers, not one row's
    if len(fitting) > 1 or several:
        log.warning(
            "parse.ambiguous_cells",
            f"{where}: {len(cells)} cells printed where the form has {width}"
            + (", the numbers of more than one row" if several else "")
            + f", and {len(fitting)} runs of them fit the form's sums; values left blank",
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


def _read_open_rows(
    rows: dict[str, tuple[Row, list[Cell], Printed | None]],
    known: dict[str, list[Value]],
    template: Template,
    form: Form,
    log: FindingsLog,
) -> dict[str, list[Value]]:
    """The rows whose numbers are a run or fewer cells than the form: read by the form's sums (digits.py)."""
    width = len(form.columns)
    printed_numbers = {key: [value.value for value in values] for key, values in known.items()}
    readable = {key: numbers for key, (_, _, numbers) in rows.items() if numbers is not None}
    resolved = resolve_rows(readable, printed_numbers, template, form)
    result: dict[str, list[Value]] = {}
    for key, (row, cells, numbers) in rows.items():
        where = f"part 三 row {key} (printed row {row.position})"
        state = resolved.get(key)
        reading = state.values if state else None
        if numbers is None or state is None or reading is None:
            candidates, exhausted = (state.candidates, state.exhausted) if state else ([], True)
            printing = numbers or Printed((row.text,))
            _ambiguous(log, where, f"applications.{key}", printing, candidates, exhausted, _how(state))
            result[key] = [Value(None, "", row.location) for _ in range(width)]
            continue
        if _split(numbers, reading):
            log.info(
                "parse.split_by_sums",
                f"{where}: '{_shown(numbers)}' read as {list(reading)}",
                where,
                digits=_shown(numbers),
                values=list(reading),
            )
        if state.tier.dropped:
            log.warning(
                "parse.cell_count",
                f"{where}: '{_shown(numbers)}' has {state.tier.dropped} digit(s) more than the row; the form's sums "
                f"read it as {list(reading)}",
                where,
                digits=_shown(numbers),
                values=list(reading),
            )
        if None in reading:
            blanks = [form.column_keys[i] for i, number in enumerate(reading) if number is None]
            log.warning(
                "parse.cell_count",
                f"{where}: {width - len(blanks)} cells printed where the form has {width}; "
                + (
                    "first is 自然人, last is 总计, the rest fill the legal-person columns from the left"
                    if reading == _standard(reading)
                    else f"the form's sums place the blank(s) at {', '.join(blanks)}"
                ),
                where,
                printed=list(numbers.pieces),
                blank=blanks,
            )
        result[key] = reading_values(cells, numbers, reading)
    return result


def _standard(reading: Reading) -> Reading:
    """The reading's numbers at the places the rule of report-json.md gives them."""
    numbers = [number for number in reading if number is not None]
    slots: list[int | None] = [None] * len(reading)
    for number, place in zip(numbers, standard_places(len(numbers), len(reading)), strict=True):
        slots[place] = number
    return tuple(slots)


# --- part 四 -----------------------------------------------------------------------------------------------------


def read_review(rows: list[Row], template: Template, form: Form, log: FindingsLog) -> list[Value]:
    width = len(form.review_keys)
    _, block = row_shape(form, REVIEW)
    if not rows:
        log.warning("layout.part_missing", "part 四 (行政复议、行政诉讼) not found", form_key="review_litigation")
        return []
    data = next(
        (row for row in rows if row.run or (row.printed and (not row.label_text or len(row.printed) >= block))), None
    )
    if data is None:
        log.warning("layout.part_missing", "part 四 numbers not found", form_key="review_litigation")
        return []
    cells, numbers = numbers_of(data, width, form, REVIEW)
    if data.run is not None or (numbers is not None and _open(numbers, width, data)):
        return _split_review(data, cells, numbers, template, form, log)
    if numbers is not None and (others := recut(numbers, form, REVIEW)):
        _recut(log, "part 四", REVIEW, numbers, others)
        return [Value(None, "", data.location) for _ in range(width)]
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


def _split_review(
    row: Row, cells: list[Cell], numbers: Printed | None, template: Template, form: Form, log: FindingsLog
) -> list[Value]:
    width = len(form.review_keys)
    state = review_readings(numbers, template, form) if numbers is not None else None
    reading = state.values if state is not None else None
    if numbers is None or state is None or reading is None:
        candidates, exhausted = (state.candidates, state.exhausted) if state else ([], True)
        _ambiguous(log, "part 四", REVIEW, numbers or Printed((row.text,)), candidates, exhausted, _how(state))
        return [Value(None, "", row.location) for _ in range(width)]
    shown = _shown(numbers)
    if state.tier.dropped:
        log.warning(
            "parse.cell_count",
            f"part 四: '{shown}' has {state.tier.dropped} digit(s) more than the form's sums take; the first "
            f"{len(numbers.digits) - state.tier.dropped} are read",
            "part 四",
            digits=shown,
        )
    if None in reading:
        log.warning(
            "parse.cell_count",
            f"part 四 printed {len(numbers.pieces)} numbers where the form has {width}",
            "part 四",
            printed=list(numbers.pieces),
        )
    if _split(numbers, reading):
        log.info(
            "parse.split_by_sums",
            f"part 四: '{shown}' read as {list(reading)}",
            "part 四",
            digits=shown,
            values=list(reading),
        )
    return reading_values(cells, numbers, reading)
