"""Passes for what a page layout leaves in text: page numbers and footers between the lines of a report."""

from __future__ import annotations

import re

from pipelines.report.stream import Row, Shape

_DASHES = "-—–－~_"
_FOOTER = re.compile(
    rf"^(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[/／]\s*\d{1,4})$"
)


def page_footers(rows: list[Row], shape: Shape) -> list[Row]:
    """Page numbers a PDF's text keeps between lines ('— 3 —', '- 4 -', '第 3 页', '3/6') are dropped, inside
    tables too, so they are neither a row of numbers nor a line of label text.

    A bare number on a line of its own is kept: it may be a cell printed alone.
    """
    kept = []
    for row in rows:
        text = row.text.strip()
        if len(text) <= 16 and _FOOTER.match(text):
            shape.changed(f"'{text}'")
            continue
        kept.append(row)
    return kept
