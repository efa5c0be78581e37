"""What a report read by OCR must give: every value exact, or blank with a finding that names the cell — never a
silently wrong value."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from pipelines.report.form import load_form

IDENTITY = ("agency", "year", "template")
_PART_THREE_ROW = re.compile(r"part 三 row (\w+)")


def named_cells(report: dict[str, Any]) -> set[str]:
    """Every cell a finding of the report names (its form key, its cell, the cells and candidates it lists)."""
    named: set[str] = set()
    for finding in report["findings"]:
        values = finding.get("values", {})
        for key in (finding.get("form_key"), values.get("cell")):
            if key:
                named.add(key)
        named.update(values.get("cells", []))
        named.update(option["cell"] for option in values.get("candidates") or [] if isinstance(option, dict))
        row = _PART_THREE_ROW.match(str(finding.get("location") or ""))
        if row:  # a finding on a part 三 row that names it only where it is (parse.ambiguous_split)
            named.add(f"applications.{row[1]}")
    return named


def pairs(expected: dict[str, Any], got: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(cell key, expected value, value read) for every cell of the expected report."""
    form = load_form()
    for item, measures in expected["active_disclosure"].items():
        for measure, value in measures.items():
            yield f"active_disclosure.{item}.{measure}", value, got["active_disclosure"].get(item, {}).get(measure)
    for row, values in expected["applications"].items():
        printed = got["applications"].get(row) or [None] * len(values)
        for column, want, have in zip(form.column_keys, values, printed, strict=True):
            yield f"applications.{row}.{column}", want, have
    printed = got["review_litigation"] or [None] * len(expected["review_litigation"])
    for key, want, have in zip(form.review_keys, expected["review_litigation"], printed, strict=True):
        block, _, measure = key.rpartition("_")
        yield f"review_litigation.{block}.{measure}", want, have


def _named(key: str, named: set[str]) -> bool:
    """Whether a finding names the cell, or its row (a row not found: every cell of it)."""
    return key in named or key.rpartition(".")[0] in named


def outcomes(expected: dict[str, Any], got: dict[str, Any]) -> dict[str, str]:
    """Each cell: 'exact'; 'blank' (left blank, a finding names it); 'wrong' (anything else)."""
    named = named_cells(got)
    return {
        key: "exact" if want == have else "blank" if have is None and _named(key, named) else "wrong"
        for key, want, have in pairs(expected, got)
    }


def silent_mismatches(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Identity slips, and cells whose value differs from the expected one except blanks a finding names."""
    misses = [
        f"{key}: expected {expected[key]!r}, got {got.get(key)!r}" for key in IDENTITY if expected[key] != got.get(key)
    ]
    wrong = {key for key, outcome in outcomes(expected, got).items() if outcome == "wrong"}
    misses += [f"{key}: expected {want!r}, got {have!r}" for key, want, have in pairs(expected, got) if key in wrong]
    return misses


def blanked(expected: dict[str, Any], got: dict[str, Any]) -> int:
    """How many cells the reading left blank (with a finding) that the report prints."""
    return Counter(outcomes(expected, got).values())["blank"]
