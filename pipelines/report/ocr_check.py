"""The form's arithmetic as the OCR checker: a cell read from an image that breaks the form's sums is named, with
what was read and the readings that would satisfy the form.

Row sums, column sums, 新收 + 结转 = 总计 + 结转下年, results = 总计: every digit of parts 三 and 四 is checked
by two or three identities, so a misread digit shows as broken sums meeting in one cell. For each broken check,
every term read by OCR (``Location.engine``) is tried at the value that would make the check hold; the value is
a candidate when it satisfies every other check the cell is in and is a plausible misreading of what was read —
digits OCR confuses (0/6/8/9, 1/7, 3/8, 5/6), a digit dropped or doubled, or any digit where the engine was
unsure — or whatever the difference, the value two broken checks meeting in the cell agree on. Several cells may
each explain the same break: all are named. Nothing is replaced: a candidate cell is
left blank (its reading kept as raw), and its finding gives the reading and the candidates. A reading the
engine doubted that no check can verify (part 二 has no sums; a blank term leaves a check open) is left blank
too, and a cell of an image where nothing was read, in a row with numbers, is named — blank as printed, or a
digit not seen.

The checks are the form's, expanded and evaluated by the one rule evaluator (arithmetic.py); the findings go to the
document's log.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.findings import FindingsLog
from pipelines.report.arithmetic import APPLICATIONS, REVIEW, CellRef, Check, Number, checks, evaluate
from pipelines.report.form import Form, Template
from pipelines.report.model import Report, Value

DISCLOSURE = "active_disclosure"
LOW_CONFIDENCE = 0.75  # a reading below this is not trusted without a check that verifies it
_CONFUSED = (set("0689"), {"1", "7"}, {"3", "8"}, {"5", "6"})
_MAX_CHANGED = 2  # digits a plausible misreading changes


def cells(report: Report, form: Form) -> dict[CellRef, Value]:
    """Every value of the report by its cell."""
    found: dict[CellRef, Value] = {}
    for item, measures in report.active_disclosure.items():
        for measure, value in measures.items():
            found[DISCLOSURE, item, measure] = value
    for row, values in report.applications.items():
        for column, value in zip(form.column_keys, values, strict=False):
            found[APPLICATIONS, row, column] = value
    if len(report.review_litigation) == len(form.review_keys):
        refs = [(REVIEW, block.key, measure.key) for block in form.review_blocks for measure in form.review_measures]
        found.update(zip(refs, report.review_litigation, strict=True))
    return found


@dataclass
class _Reading:
    """The report's values as read, and the checks that bear on them."""

    values: dict[CellRef, Value]
    checks: list[Check]

    def number(self, ref: CellRef) -> Number | None:
        value = self.values.get(ref)
        return value.value if value is not None else None

    def broken(self, check: Check, ref: CellRef | None = None, reading: Number | None = None) -> bool:
        """Whether the check breaks (with ``ref`` read as ``reading``); a blank term leaves it unbroken."""
        if ref is None:
            return evaluate(check, self.number).broken
        return evaluate(check, lambda cell: reading if cell == ref else self.number(cell)).broken

    def holds(self, check: Check) -> bool:
        outcome = evaluate(check, self.number)
        return outcome.checkable and not outcome.broken

    @staticmethod
    def on_left(check: Check, ref: CellRef) -> bool:
        return any(ref in term.cells for entry in check.left for term in entry)


def check_ocr(report: Report, template: Template, form: Form, log: FindingsLog) -> None:
    """Log the cells read by OCR that the arithmetic doubts, each left blank with its reading kept."""
    values = cells(report, form)
    read = {ref for ref, value in values.items() if value.location.engine}
    if not read:
        return
    reading = _Reading(values, [check for check in checks(form, (template,)) if check.cells <= values.keys()])
    by_cell: dict[CellRef, list[Check]] = {}
    for check in reading.checks:
        for ref in check.cells:
            by_cell.setdefault(ref, []).append(check)
    broken = [check for check in reading.checks if reading.broken(check)]
    candidates = _candidates(reading, broken, read, by_cell)
    doubted: set[CellRef] = set()
    explained: set[str] = set()
    for group, group_checks in _groups(broken, candidates):
        explained.update(check.where for check in group_checks)
        options = [
            {"cell": _key(ref), "read": values[ref].raw, "reading": candidate}
            for ref in group
            for candidate in sorted(candidates[ref])
        ]
        places = ", ".join(sorted({check.where for check in group_checks}))
        for ref in group:
            value = values[ref]
            readings = " or ".join(str(candidate) for candidate in sorted(candidates[ref]))
            others = [option for option in options if option["cell"] != _key(ref)]
            message = (
                f"{_describe(ref, form)} read '{value.raw}'{_confidence(value)}: the form's sums hold with "
                f"{readings} ({places})"
            )
            if others:
                message += "; or, as well, " + "; ".join(f"{o['cell']} as {o['reading']}" for o in others)
            _log(log, "ocr.misread", message + "; left blank", ref, value, candidates=options)
            doubted.add(ref)
    for check in broken:
        if check.where in explained:
            continue
        for ref in sorted(check.cells & (read - doubted)):
            value = values[ref]
            if _doubtful(value):
                message = (
                    f"{_describe(ref, form)} read '{value.raw}'{_confidence(value)} is a term of a broken sum "
                    f"({check.where}) no single misreading explains; left blank"
                )
                _log(log, "ocr.doubtful", message, ref, value)
                doubted.add(ref)
    for ref in sorted(read - doubted):
        value = values[ref]
        if value.value is None or not _doubtful(value) or any(reading.holds(c) for c in by_cell.get(ref, [])):
            continue  # blank, trusted, or verified by a sum that holds
        message = f"{_describe(ref, form)} read '{value.raw}'{_confidence(value)} and no sum can verify it; left blank"
        _log(log, "ocr.unverified", message, ref, value)
        doubted.add(ref)
    for ref in doubted:
        value = values[ref]
        value.note = f"OCR reading '{value.raw}' doubted" + (f"; {value.note}" if value.note else "")
        value.value = None
    _log_blanks(values, form, log)


def _candidates(
    reading: _Reading, broken: list[Check], read: set[CellRef], by_cell: dict[CellRef, list[Check]]
) -> dict[CellRef, set[int]]:
    """Cell → the values that make every check it is in possible and are a misreading of what was read."""
    found: dict[CellRef, set[int]] = {}
    for check in broken:
        outcome = evaluate(check, reading.number)
        difference = outcome.right_sum - outcome.left_sum
        for ref in check.cells & read:
            current = reading.number(ref)
            if current is None:
                continue
            exact = current + difference if reading.on_left(check, ref) else current - difference
            wanted = round(exact)
            if abs(exact - wanted) > 1e-9 or wanted < 0 or wanted == current:
                continue  # counts are whole numbers: a decimal read in a count cell can only be wrong
            # A misreading OCR makes; or whatever it is, the one value two broken sums meeting in the cell agree on.
            pinned = sum(1 for other in by_cell[ref] if reading.broken(other)) >= 2
            if not (pinned or _plausible(reading.values[ref], wanted)):
                continue
            if not any(reading.broken(other, ref, wanted) for other in by_cell[ref]):
                found.setdefault(ref, set()).add(wanted)
    return found


def _groups(broken: list[Check], candidates: dict[CellRef, set[int]]) -> list[tuple[list[CellRef], list[Check]]]:
    """The candidate cells grouped by the breaks they explain (cells explaining one break are one group)."""
    groups: list[tuple[list[CellRef], list[Check]]] = []
    for check in broken:
        explaining = sorted(ref for ref in candidates if ref in check.cells)
        if not explaining:
            continue
        for group_cells, group_checks in groups:
            if set(group_cells) & set(explaining):
                group_cells.extend(ref for ref in explaining if ref not in group_cells)
                group_checks.append(check)
                break
        else:
            groups.append((explaining, [check]))
    return groups


def _plausible(value: Value, wanted: int) -> bool:
    """Whether ``wanted`` is a misreading OCR makes of the digits read: confusable digits swapped, a digit dropped
    or doubled, or — where the engine was unsure — any one digit."""
    read = "".join(ch for ch in value.raw if ch.isdigit())
    target = str(wanted)
    if len(read) == len(target):
        changed = [(a, b) for a, b in zip(read, target, strict=True) if a != b]
        if len(changed) > _MAX_CHANGED:
            return False
        confusable = all(any({a, b} <= group for group in _CONFUSED) for a, b in changed)
        return confusable or (_doubtful(value) and len(changed) == 1)
    if abs(len(read) - len(target)) == 1:
        longer, shorter = (read, target) if len(read) > len(target) else (target, read)
        return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
    return False


def _doubtful(value: Value) -> bool:
    confidence = value.location.confidence
    return confidence is not None and confidence < LOW_CONFIDENCE


def _log_blanks(values: dict[CellRef, Value], form: Form, log: FindingsLog) -> None:
    """A finding per row of an image's table where cells beside numbers hold nothing read (in part 二, whose rows
    hold one or three numbers, any cell of a row found)."""
    rows: dict[tuple[str, str], list[CellRef]] = {}
    for ref in values:
        rows.setdefault((ref[0], ref[1]), []).append(ref)
    for (part, row), refs in rows.items():
        blank = [ref for ref in refs if values[ref].location.engine and not values[ref].raw.strip()]
        if blank and (part == DISCLOSURE or any(values[ref].value is not None for ref in refs)):
            log.info(
                "ocr.blank",
                f"{part} row {row}: nothing read in {', '.join(_describe(ref, form) for ref in blank)} "
                "(blank as printed, or a mark the engine did not see)",
                values[blank[0]].location,
                form_key=f"{part}.{row}",
                cells=[_key(ref) for ref in blank],
            )


def _log(log: FindingsLog, rule: str, message: str, ref: CellRef, value: Value, **extra: object) -> None:
    location = value.location
    details = {
        "cell": _key(ref),
        "read": value.raw,
        "engine": location.engine,
        "confidence": location.confidence,
        "page": location.page,
        "image_box": list(location.image_box) if location.image_box else None,
        **extra,
    }
    log.warning(rule, message, location, form_key=_key(ref), **{k: v for k, v in details.items() if v is not None})


def _key(ref: CellRef) -> str:
    return ".".join(ref)


def _confidence(value: Value) -> str:
    confidence = value.location.confidence
    return f" (confidence {confidence:.2f})" if confidence is not None else ""


def _describe(ref: CellRef, form: Form) -> str:
    part, row, column = ref
    if part == APPLICATIONS:
        label = next((r.label for r in form.all_application_rows() if r.key == row), row)
        header = next((c.label for c in form.columns if c.key == column), column)
        return f"part 三 {label} × {header}"
    if part == REVIEW:
        block = next((b.label for b in form.review_blocks if b.key == row), row)
        measure = next((m.label for m in form.review_measures if m.key == column), column)
        return f"part 四 {block} × {measure}"
    item = next((i.label for i in form.all_items() if i.key == row), row)
    return f"part 二 {item} × {column}"
