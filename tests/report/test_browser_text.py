"""A portal page as a real browser's innerText gives it — what a crawler that scrapes with a browser stores: the page
chrome (navigation with the column's other reports, breadcrumb, metadata), then the article, table cells separated
by tabs with each cell's paragraphs on lines of their own, a merged cell printed once. Every seed and 2019 variant,
rendered as both portal families' pages (replicas.render), read in Debian's chromium: the values and the report's
own year and organ exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.report.parse import parse_bytes
from replicas.render import STYLES, render_html
from tests.report.shapes import judge, materials

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def inner_texts() -> dict[str, tuple[dict, str]]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash run.sh setup` (as root it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        page = browser.new_page()
        for material in materials():
            for style in STYLES:
                page.set_content(render_html(material.expected, material.text, style=style).decode("utf-8"))
                out[f"{material.name}.{style}"] = (material.expected, page.evaluate("document.body.innerText"))
        browser.close()
    return out


def test_browser_inner_text_reads_exactly(shared, inner_texts):
    for name, (expected, text) in inner_texts.items():
        report = parse_bytes(text.encode("utf-8"), f"{name}.innertext.txt").to_json()
        wrong, blank = judge(expected, report)
        assert (wrong, blank) == ([], []), name


def test_browser_inner_text_dumped_on_one_line_reads_exactly(shared, inner_texts):
    """The same text with its whitespace collapsed (a crawler that stores innerText on one line)."""
    for name, (expected, text) in inner_texts.items():
        report = parse_bytes(" ".join(text.split()).encode("utf-8"), f"{name}.innertext-line.txt").to_json()
        wrong, blank = judge(expected, report)
        assert (wrong, blank) == ([], []), name
