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

The checks are the form's rules expanded over columns, rows and blocks (``checks``): the narrow interface to
the rule evaluator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipelines.findings import Finding, Severity
from pipelines.report.form import Form
from pipelines.report.model import Report, Value

CellRef = tuple[str, str, str]  # (part, row, column): ('applications', 'granted', 'natural_person')
LOW_CONFIDENCE = 0.75  # a reading below this is not trusted without a check that verifies it
_CONFUSED = (set("0689"), {"1", "7"}, {"3", "8"}, {"5", "6"})
_MAX_CHANGED = 2  # digits a plausible misreading changes


@dataclass(frozen=True)
class Check:
    """One place a rule applies: sum(left) = sum(right) over these cells."""

    rule: str
    where: str
    left: tuple[CellRef, ...]
    right: tuple[CellRef, ...]

    @property
    def cells(self) -> tuple[CellRef, ...]:
        return self.left + self.right


def checks(report: Report, form: Form) -> Iterator[Check]:
    """The form's rules over the report's columns, rows and blocks, each naming its cells."""
    applications, review = "applications", "review_litigation"
    rows = list(report.applications)
    results = {row.key for row in form.all_application_rows() if row.role == "result"}
    for rule in form.rules:
        if rule.kind == "column_identity" and rows:

            def side(keys: tuple[str, ...], column: str) -> tuple[CellRef, ...]:
                names = [row for row in rows if row in results] if keys == ("@result",) else list(keys)
                return tuple((applications, row, column) for row in names)

            for column in form.column_keys:
                left, right = side(rule.left, column), side(rule.right, column)
                if all(ref[1] in report.applications for ref in left + right):
                    yield Check(rule.id, f"{applications} column {column}", left, right)
        elif rule.kind == "row_identity":
            for row in rows:
                yield Check(
                    rule.id,
                    f"{applications} row {row}",
                    tuple((applications, row, column) for column in rule.left),
                    tuple((applications, row, column) for column in rule.right),
                )
        elif rule.kind == "block_identity" and len(report.review_litigation) == len(form.review_keys):
            for block in form.review_blocks:
                yield Check(
                    rule.id,
                    f"{review} block {block.key}",
                    tuple((review, block.key, measure) for measure in rule.left),
                    tuple((review, block.key, measure) for measure in rule.right),
                )


def cells(report: Report, form: Form) -> dict[CellRef, Value]:
    """Every value of the report by its cell."""
    found: dict[CellRef, Value] = {}
    for item, measures in report.active_disclosure.items():
        for measure, value in measures.items():
            found["active_disclosure", item, measure] = value
    for row, values in report.applications.items():
        for column, value in zip(form.column_keys, values, strict=False):
            found["applications", row, column] = value
    for key, value in zip(form.review_keys, report.review_litigation, strict=False):
        block, _, measure = key.rpartition("_")
        found["review_litigation", block, measure] = value
    return found


def check_ocr(report: Report, form: Form) -> list[Finding]:
    """Findings for the cells read by OCR that the arithmetic doubts; each such cell is left blank."""
    values = cells(report, form)
    read = {ref for ref, value in values.items() if value.location.engine}
    if not read:
        return []
    found = list(checks(report, form))
    by_cell: dict[CellRef, list[Check]] = {}
    for check in found:
        for ref in check.cells:
            by_cell.setdefault(ref, []).append(check)

    def number(ref: CellRef) -> int | float | None:
        return values[ref].value if ref in values else None

    def holds(check: Check, ref: CellRef | None = None, reading: int | float | None = None) -> bool | None:
        """Whether the check holds (with ``ref`` read as ``reading``); None where a term is blank."""
        terms = [reading if cell == ref else number(cell) for cell in check.cells]
        if any(term is None for term in terms):
            return None
        left = sum(terms[: len(check.left)])  # type: ignore[arg-type]
        right = sum(terms[len(check.left) :])  # type: ignore[arg-type]
        return abs(left - right) < 1e-9

    broken = [check for check in found if holds(check) is False]
    findings: list[Finding] = []
    doubted: set[CellRef] = set()
    explained: set[str] = set()
    candidates: dict[CellRef, set[int]] = {}
    for check in broken:
        difference = sum(number(ref) or 0 for ref in check.right) - sum(number(ref) or 0 for ref in check.left)
        for ref in check.cells:
            current = number(ref)
            if ref not in read or current is None:
                continue
            exact = current + difference if ref in check.left else current - difference
            wanted = round(exact)
            if abs(exact - wanted) > 1e-9 or wanted < 0 or wanted == current:
                continue  # counts are whole numbers: a decimal read in a count cell can only be wrong
            # A misreading OCR makes; or whatever it is, the one value two broken sums meeting in the cell agree on.
            pinned = sum(1 for other in by_cell[ref] if holds(other) is False) >= 2
            if not (_plausible(values[ref], wanted) or pinned):
                continue
            if all(holds(other, ref, wanted) is not False for other in by_cell[ref]):
                candidates.setdefault(ref, set()).add(wanted)
    # One finding per group of cells that explain the same breaks.
    groups: list[tuple[list[CellRef], list[Check]]] = []
    for check in broken:
        explaining = sorted(ref for ref in candidates if ref in check.cells)
        if not explaining:
            continue
        explained.add(check.where)
        for group_cells, group_checks in groups:
            if set(group_cells) & set(explaining):
                group_cells.extend(ref for ref in explaining if ref not in group_cells)
                group_checks.append(check)
                break
        else:
            groups.append((explaining, [check]))
    for group_cells, group_checks in groups:
        options = [
            {"cell": _key(ref), "read": values[ref].raw, "reading": reading}
            for ref in group_cells
            for reading in sorted(candidates[ref])
        ]
        for ref in group_cells:
            value = values[ref]
            others = [option for option in options if option["cell"] != _key(ref)]
            readings = " or ".join(str(reading) for reading in sorted(candidates[ref]))
            message = (
                f"{_describe(ref, form)} read '{value.raw}'{_confidence(value)}: the form's sums hold with "
                f"{readings} ({', '.join(sorted({check.where for check in group_checks}))})"
            )
            if others:
                message += "; or, as well, " + "; ".join(f"{o['cell']} as {o['reading']}" for o in others)
            findings.append(_finding("ocr.misread", Severity.WARNING, message + "; left blank", ref, value, options))
            doubted.add(ref)
    for check in broken:
        if check.where in explained:
            continue
        for ref in check.cells:
            value = values.get(ref)
            if ref in read and value is not None and _doubtful(value) and ref not in doubted:
                findings.append(
                    _finding(
                        "ocr.doubtful",
                        Severity.WARNING,
                        f"{_describe(ref, form)} read '{value.raw}'{_confidence(value)} is a term of a broken "
                        f"sum ({check.where}) no single misreading explains; left blank",
                        ref,
                        value,
                    )
                )
                doubted.add(ref)
    for ref in sorted(read - doubted):
        value = values[ref]
        if value.value is None or not _doubtful(value):
            continue
        if any(holds(check) for check in by_cell.get(ref, [])):
            continue  # a sum verifies the reading
        findings.append(
            _finding(
                "ocr.unverified",
                Severity.WARNING,
                f"{_describe(ref, form)} read '{value.raw}'{_confidence(value)} and no sum of the form can "
                "verify it; left blank",
                ref,
                value,
            )
        )
        doubted.add(ref)
    for ref in doubted:
        value = values[ref]
        value.note = f"OCR reading '{value.raw}' doubted" + (f"; {value.note}" if value.note else "")
        value.value = None
    findings.extend(_blanks(report, form, values))
    return findings


def _plausible(value: Value, wanted: int) -> bool:
    """Whether ``wanted`` is a misreading OCR makes of the digits read: confusable digits swapped, a digit dropped
    or doubled, or — where the engine was unsure — any one digit."""
    read = "".join(ch for ch in value.raw if ch.isdigit())
    target = str(wanted)
    unsure = _doubtful(value)
    if len(read) == len(target):
        changed = [(a, b) for a, b in zip(read, target, strict=True) if a != b]
        if len(changed) > _MAX_CHANGED:
            return False
        return (unsure and len(changed) == 1) or all(any({a, b} <= group for group in _CONFUSED) for a, b in changed)
    if abs(len(read) - len(target)) == 1:
        longer, shorter = (read, target) if len(read) > len(target) else (target, read)
        return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
    return False


def _doubtful(value: Value) -> bool:
    confidence = value.location.confidence
    return confidence is not None and confidence < LOW_CONFIDENCE


def _blanks(report: Report, form: Form, values: dict[CellRef, Value]) -> Iterator[Finding]:
    """A finding per row of an image's table where cells beside numbers hold nothing read."""
    rows: dict[tuple[str, str], list[CellRef]] = {}
    for ref in values:
        rows.setdefault(ref[:2], []).append(ref)
    for (part, row), refs in rows.items():
        printed = [values[ref] for ref in refs]
        blank = [ref for ref in refs if values[ref].location.engine and not values[ref].raw.strip()]
        if blank and any(value.value is not None for value in printed):
            yield Finding(
                "ocr.blank",
                Severity.INFO,
                f"{part} row {row}: nothing read in {', '.join(_describe(ref, form) for ref in blank)} "
                "(blank as printed, or a mark the engine did not see)",
                location=values[blank[0]].location.describe(),
                values={"cells": [_key(ref) for ref in blank]},
                stage="validate",
                form_key=f"{part}.{row}",
            )


def _finding(
    rule: str, severity: Severity, message: str, ref: CellRef, value: Value, candidates: list | None = None
) -> Finding:
    location = value.location
    values = {
        "cell": _key(ref),
        "read": value.raw,
        "engine": location.engine,
        "confidence": location.confidence,
        "page": location.page,
        "image_box": list(location.image_box) if location.image_box else None,
        "candidates": candidates,
    }
    return Finding(
        rule,
        severity,
        message,
        location=location.describe(),
        values={key: item for key, item in values.items() if item is not None},
        stage="validate",
        form_key=_key(ref),
    )


def _key(ref: CellRef) -> str:
    return ".".join(ref)


def _confidence(value: Value) -> str:
    confidence = value.location.confidence
    return f" (confidence {confidence:.2f})" if confidence is not None else ""


def _describe(ref: CellRef, form: Form) -> str:
    part, row, column = ref
    if part == "applications":
        label = next((r.label for r in form.all_application_rows() if r.key == row), row)
        header = next((c.label for c in form.columns if c.key == column), column)
        return f"part 三 {label} × {header}"
    if part == "review_litigation":
        block = next((b.label for b in form.review_blocks if b.key == row), row)
        measure = next((m.label for m in form.review_measures if m.key == column), column)
        return f"part 四 {block} × {measure}"
    item = next((i.label for i in form.all_items() if i.key == row), row)
    return f"part 二 {item} × {column}"
