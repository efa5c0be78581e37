"""Reports that drop part headings (or print them as table cells) still read: each table is found by content."""

from __future__ import annotations

import re

import pytest

from pipelines.report.form import load_form
from pipelines.report.parse import parse_bytes
from tests.conftest import seed_expected, seed_names, seed_text, value_mismatches


def without_part_headings(text: str) -> str:
    """The seed with every line that prints a part 二/三/四 heading removed (whatever its ordinal or markup)."""
    labels = [
        s.label for s in load_form().sections if s.key in {"active_disclosure", "applications", "review_litigation"}
    ]
    kept = []
    for line in text.splitlines():
        plain = re.sub(r"[#\s⼆⼀⼋⾏]|[一二三四、]", "", line.replace("⾏", "行").replace("⼆", "二"))
        if not any(plain == re.sub(r"[一二三四、]", "", label) for label in labels):
            kept.append(line)
    return "\n".join(kept)


@pytest.mark.parametrize("name", seed_names())
def test_tables_found_by_content_when_headings_are_missing(shared, name):
    text = without_part_headings(seed_text(name))
    assert text != seed_text(name)
    report = parse_bytes(text.encode("utf-8"), f"{name}-no-headings.txt").to_json()
    assert value_mismatches(seed_expected(name), report) == []
    assert any(f["rule"] == "layout.part_heading_missing" for f in report["findings"])
