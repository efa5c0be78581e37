"""Every explorer page, fetched over HTTP from the real server on a built warehouse, read as HTML."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from urllib.parse import quote

import lxml.html
import pytest
from click.testing import CliRunner

from explorer.app import create_app
from govreports.cli import main
from pipelines.report.form import load_form
from pipelines.settings import Settings
from warehouse.catalog import NoWarehouse

from .conftest import ORGAN, SEEDS, ZHENGZHOU, Explored

BOM = b"\xef\xbb\xbf"


def _get(explored: Explored, path: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(explored.url + path, timeout=60) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _page(explored: Explored, path: str):
    status, _, body = _get(explored, path)
    assert status == 200, body[:2000]
    return lxml.html.fromstring(body.decode("utf-8"))


def _rid(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_search_by_organ_name_and_by_region(explored: Explored) -> None:
    page = _page(explored, "/?q=" + quote("公安"))
    organs = [a.text_content() for a in page.cssselect("#organs a")]
    assert "郑州市公安局" in organs and "驻马店市公安局" in organs
    henan = _page(explored, "/?region=410000")
    assert [a.text_content() for a in henan.cssselect("#organs a")] == ["郑州市公安局"]
    by_region_name = _page(explored, "/?q=" + quote("郑州"))
    rows = [row.text_content() for row in by_region_name.cssselect("#organs tbody tr")]
    assert any("郑州市公安局" in row and "河南省/郑州市" in row for row in rows)
    status, headers, body = _get(explored, "/?q=" + quote("公安") + "&format=csv")
    assert status == 200 and headers["content-type"].startswith("text/csv") and body.startswith(BOM)
    assert body.decode("utf-8-sig").splitlines()[0].startswith("organ_id,organ,region_code,region_name")


def test_organ_page_lists_its_reports_year_by_year_with_charts(explored: Explored) -> None:
    page = _page(explored, "/organ/" + quote(ORGAN))
    years = [row.cssselect("td")[0].text_content() for row in page.cssselect("#history tbody tr")]
    assert years == ["2022", "2023"]
    charts = json.loads(page.get_element_by_id("chart-data").text)
    assert charts["years"] == [2022, 2023] and charts["counts"]["new_received"] == [116, 115]
    assert page.cssselect('a[href*="/compare?a=2022/"]')
    assert page.cssselect('script[src$="chart.umd.min.js"]'), "Chart.js comes from the explorer, not a CDN"
    status, _, body = _get(explored, "/organ/" + quote(ORGAN) + "?format=csv")
    assert status == 200 and body.startswith(BOM) and b"2022" in body


def test_a_report_reveals_each_cells_printing_location_and_original(explored: Explored) -> None:
    rid = _rid(SEEDS / ZHENGZHOU)
    page = _page(explored, f"/report/2023/{rid}")
    (cell,) = page.cssselect('td.value[data-key="applications/new_received/total"]')
    assert cell.text_content().strip() == "115" and cell.get("data-printed") == "115"
    assert "line 51" in cell.get("data-where")
    assert "一、本年新收政府信息公开申请数量" in cell.get("data-label") and "115" in cell.get("title")
    form = load_form()
    template = form.templates["2021"]
    printed = sum(len(i.measures) for i in template.items) + len(template.rows) * len(form.columns) + 15
    assert len(page.cssselect("td.value")) == printed  # every cell of the form's three tables, as printed
    assert [th.text_content() for th in page.cssselect("table.form-review_litigation th")][:2] == [
        "行政复议",
        "行政诉讼",
    ]
    original = page.get_element_by_id("original").get("href")
    status, headers, body = _get(explored, original.replace(explored.url, ""))
    assert status == 200 and body == (SEEDS / ZHENGZHOU).read_bytes()
    assert headers["content-security-policy"] == "sandbox"
    assert not page.cssselect(".value.broken"), "the seed keeps every sum"
    status, _, download = _get(explored, f"/report/2023/{rid}?format=csv")
    lines = download.decode("utf-8-sig").splitlines()
    assert status == 200 and lines[0].startswith("report_id,year,part,row,column,label,value,printed")
    assert len(lines) == printed + 1 and any(line.split(",")[3:5] == ["new_received", "total"] for line in lines)
    status, headers, _ = _get(explored, f"/report/{rid}")
    assert status == 200  # redirected to /report/2023/<id>


def test_a_broken_sum_is_highlighted_with_both_sides(explored: Explored) -> None:
    rid = _rid(explored.broken)
    page = _page(explored, f"/report/2022/{rid}")
    (total,) = page.cssselect('td.value[data-key="applications/new_received/total"]')
    assert total.text_content().strip() == "116"
    assert {"broken-left", "broken-right"} <= set(total.get("class").split())  # balance's left, row total's right
    (person,) = page.cssselect('td.value[data-key="applications/new_received/natural_person"]')
    assert "broken-left" in person.get("class")
    breaks = [item.text_content() for item in page.cssselect("#findings .break")]
    assert any("applications.row_total" in b and "= 115" in b and "= 116" in b for b in breaks), breaks
    assert any("applications.balance" in b and "= 125" in b and "= 124" in b for b in breaks), breaks
    assert page.cssselect("#findings .severity-error")


def test_rankings_define_the_ratio_by_the_warehouse_macro(explored: Explored) -> None:
    page = _page(explored, "/rankings?measure=unavailable_share&year=2023&min=0")
    definition = page.get_element_by_id("definition").text_content()
    assert "无法提供 share" in definition and "unavailable_share(unavailable, handled)" in definition
    ranked = [row.cssselect("td")[1].text_content() for row in page.cssselect("#ranking tbody tr")]
    assert "郑州市公安局" in ranked
    provinces = [row.text_content() for row in page.cssselect("#provinces tbody tr")]
    assert any("河南省" in row for row in provinces)
    henan = _page(explored, "/rankings?measure=unavailable_share&year=2023&min=0&province=410000")
    assert [row.cssselect("td")[1].text_content() for row in henan.cssselect("#ranking tbody tr")] == ["郑州市公安局"]
    status, _, body = _get(explored, "/rankings?measure=denied_share&year=2023&min=0&format=csv")
    assert status == 200 and body.startswith(BOM) and b"rank,organ,region_name" in body
    status, _, _ = _get(explored, "/rankings?measure=drop_table")
    assert status == 400


def test_two_reports_side_by_side(explored: Explored) -> None:
    a, b = _rid(explored.broken), _rid(SEEDS / ZHENGZHOU)
    page = _page(explored, f"/compare?a=2022/{a}&b=2023/{b}")
    differing = [
        cell
        for cell in page.cssselect("td.pair.differs")
        if cell.cssselect('[data-key="applications/new_received/total"]')
    ]
    assert len(differing) == 1 and "116" in differing[0].text_content() and "115" in differing[0].text_content()
    same = page.cssselect('td.pair:not(.differs) [data-key="applications/granted/total"]')
    assert same
    status, _, body = _get(explored, f"/compare?a=2022/{a}&b=2023/{b}&format=csv")
    assert status == 200 and body.startswith(BOM)


def test_bad_addresses_get_clear_answers(explored: Explored) -> None:
    for path, status in [
        ("/report/2023/0000000000000000", 404),
        ("/organ/nobody", 404),
        ("/compare", 400),
        ("/compare?a=x&b=y", 400),
        ("/original/" + "0" * 64, 404),
    ]:
        got, _, body = _get(explored, path)
        assert got == status, (path, body[:500])


def test_serve_names_a_missing_warehouse(tmp_path) -> None:
    with pytest.raises(NoWarehouse):
        create_app(Settings.resolve(tmp_path / "none"))
    result = CliRunner().invoke(main, ["--data", str(tmp_path / "none"), "serve"])
    assert result.exit_code == 1 and str(tmp_path / "none") in result.output
    assert not (tmp_path / "none").exists()
