"""The explorer in the system Chromium (Playwright), as a reader uses it: search an organ, open a report, reveal a
cell's printed string and location, follow it to the archived original, see a broken sum highlighted, view a
ranking and a two-report comparison. Screenshots go to tmp/artifacts/explorer/ (not committed)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import CORPUS, SEEDS, ZHENGZHOU, Explored

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "tmp" / "artifacts" / "explorer"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]


@pytest.fixture(scope="module")
def page(explored: Explored) -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash run.sh setup` (as root it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1500, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        offsite: list[str] = []
        page.on(
            "request", lambda request: None if request.url.startswith(explored.url) else offsite.append(request.url)
        )
        yield page
        assert offsite == [], f"the explorer must work offline; it asked for {offsite}"
        browser.close()


def _rid(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_search_an_organ_open_a_report_reveal_a_cell_and_follow_it_to_the_original(page, explored: Explored) -> None:
    page.goto(explored.url + "/")
    page.get_by_role("searchbox").fill("郑州市公安局")
    page.get_by_role("button", name="搜索 Search").click()
    page.locator("#organs").get_by_role("link", name="郑州市公安局").click()
    page.get_by_role("heading", name="郑州市公安局").wait_for()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-counts'))")
    page.screenshot(path=ARTIFACTS / "organ.png", full_page=True)

    page.get_by_role("link", name=_rid(SEEDS / ZHENGZHOU)).click()
    cell = page.locator('td.value[data-key="applications/new_received/total"]')
    cell.click()
    inspector = page.locator("#inspector")
    assert inspector.locator('[data-field="printed"]').inner_text() == "115"
    assert "line 51" in inspector.locator('[data-field="where"]').inner_text()
    assert "本年新收" in inspector.locator('[data-field="label"]').inner_text()
    page.locator("td.value[data-key='review_litigation/review/upheld']").hover()
    assert inspector.locator('[data-field="label"]').inner_text() == "行政复议｜结果维持"
    cell.click()
    page.screenshot(path=ARTIFACTS / "report.png", full_page=True)

    with page.expect_navigation():
        inspector.get_by_role("link", name="open the archived original").click()
    assert "郑州市公安局 2023 年政府信息公开工作年度报告" in page.content()
    page.screenshot(path=ARTIFACTS / "original.png")


def test_a_pdf_cell_links_to_its_page_of_the_original(page, explored: Explored) -> None:
    pdf = next(CORPUS.glob("*.pdf"))
    page.goto(f"{explored.url}/report/{_year_of(page, explored, _rid(pdf))}/{_rid(pdf)}")
    page.locator('td.value[data-key="applications/new_received/total"]').click()
    link = page.locator('#inspector [data-field="original"]')
    href = link.get_attribute("href") or ""
    assert href.split("#")[1].startswith("page=") and int(href.split("=")[-1]) > 1
    reply = page.request.get(href.split("#")[0])
    assert reply.ok and reply.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(reply.body()).hexdigest() == hashlib.sha256(pdf.read_bytes()).hexdigest()


def _year_of(page, explored: Explored, report_id: str) -> str:
    reply = page.request.get(f"{explored.url}/report/{report_id}", max_redirects=0)
    return reply.headers["location"].split("/")[-2]


def test_a_broken_sum_is_highlighted_with_both_sides(page, explored: Explored) -> None:
    page.goto(f"{explored.url}/report/2022/{_rid(explored.broken)}")
    total = page.locator('td.value[data-key="applications/new_received/total"]')
    assert "broken-left" in (total.get_attribute("class") or "")
    colour = total.evaluate("cell => getComputedStyle(cell).color")
    assert colour != page.locator('td.value[data-key="applications/granted/total"]').evaluate(
        "cell => getComputedStyle(cell).color"
    )
    row_total = page.locator("#findings .break", has_text="applications.row_total")
    row_total.hover()
    assert page.locator("td.value.lit").count() == 7  # six applicant columns on the left, 总计 on the right
    assert "= 115" in row_total.inner_text() and "= 116" in row_total.inner_text()
    page.screenshot(path=ARTIFACTS / "broken-sum.png", full_page=True)


def test_a_ranking(page, explored: Explored) -> None:
    page.goto(explored.url + "/rankings")
    page.get_by_label("ratio").select_option("unavailable_share")
    page.get_by_label("year").select_option("2023")
    page.locator("input[name=min]").fill("0")
    page.get_by_role("button", name="排名 Rank").click()
    page.locator("#definition", has_text="无法提供 share").wait_for()
    assert page.locator("#ranking tbody tr").count() >= 3
    assert page.locator("#provinces tbody tr", has_text="河南省").count() == 1
    page.screenshot(path=ARTIFACTS / "ranking.png", full_page=True)


def test_two_reports_side_by_side(page, explored: Explored) -> None:
    page.goto(f"{explored.url}/report/2023/{_rid(SEEDS / ZHENGZHOU)}")
    page.get_by_label("对比 Compare with").select_option(label="2022")
    page.get_by_role("button", name="对比").click()
    page.get_by_role("heading", name="对比 Two reports side by side").wait_for()
    total = page.locator('td.pair.differs:has([data-key="applications/new_received/total"])')
    assert total.inner_text().replace(" ", "") == "115|116"  # A (this report, 2023) | B (2022)
    page.screenshot(path=ARTIFACTS / "compare.png", full_page=True)
