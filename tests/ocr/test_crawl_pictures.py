"""A report page that prints its tables as pictures, end to end: the crawler archives the page's pictures linked
to the page (not the site's logo or icons, nor the pictures of a page that is no report), and the parse stage —
what the nightly job runs after the crawl — reads them with the page, by OCR, into the page's report."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore
from pipelines.report.stage import parse_archive
from pipelines.report.store import ReportStore
from replicas.server import ReplicaServer, Reply, Request, Site
from tests.crawler.conftest import run_crawl
from tests.ocr import scans

TITLE = "驻马店市公安局2023年政府信息公开工作年度报告"
MEASURES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
REVIEW = [1, 0, 0, 0, 1, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0]


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class PictureSite(Site):
    """A column with a report page whose part 四 is a picture, and a page that is no report, with a picture."""

    name = "pictures"
    table = _png(scans.table_picture([MEASURES * 3, [str(number) for number in REVIEW]], cell=(130, 64)))
    other = _png(scans.table_picture([["通知"]]))

    def handle(self, request: Request) -> Reply:
        report = (
            f'<nav><img src="/logo.png"></nav><h1>{TITLE}</h1><p>一、总体情况</p><p>本年度工作情况如下。</p>'
            "<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src='images/t4.png' width='900'></p>"
            "<p><img src='/icons/print.gif' width='16' height='16'> 打印</p><p>五、存在的主要问题及改进情况</p>"
        )
        pages = {
            "/gknb/index.html": ("列表", f'<ul><li><a href="/gknb/t1.html">{TITLE}</a></li>'
                                 '<li><a href="/gknb/t2.html">政务公开咨询服务</a></li></ul>'),
            "/gknb/t1.html": (TITLE, report),
            "/gknb/t2.html": ("政务公开咨询服务", "<h1>政务公开咨询服务</h1><p><img src='images/notice.png'></p>"),
        }  # fmt: skip
        if request.path in pages:
            title, body = pages[request.path]
            page = f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"
            return Reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
        pictures = {"/gknb/images/t4.png": self.table, "/gknb/images/notice.png": self.other,
                    "/logo.png": self.other, "/icons/print.gif": b"GIF89a"}  # fmt: skip
        if request.path in pictures:
            return Reply(200, pictures[request.path], [("Content-Type", "image/png")], kind="attachment")
        if request.path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow:\n", [("Content-Type", "text/plain")], kind="robots")
        return Reply(404, b"not found", [("Content-Type", "text/plain")], kind="fault")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("pictures")
    with ReplicaServer(PictureSite()) as server:
        sources = folder / "sources"
        sources.mkdir()
        source = {"id": "replica-pictures", "organ": "驻马店市公安局", "region_code": "411700", "family": "plain",
                  "start_urls": [f"{server.base_url}/gknb/index.html"], "local": True}  # fmt: skip
        (sources / "replica-pictures.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
        code, _, stderr = run_crawl(sources, folder / "data")
        assert code == 0, stderr[-2000:]
        requested = {entry.path for entry in server.log}
    archive = folder / "data" / "archive"
    return {"archive": archive, "base": server.base_url, "requested": requested,
            "rows": read_manifest(archive).to_pylist()}  # fmt: skip


@pytest.mark.slow
def test_a_report_pages_pictures_are_archived_with_it(crawled: dict[str, Any]) -> None:
    base = crawled["base"]
    pictures = [row for row in crawled["rows"] if row["role"] == "picture"]
    assert [(row["url"].removeprefix(base), row["parent_url"].removeprefix(base)) for row in pictures] == [
        ("/gknb/images/t4.png", "/gknb/t1.html")
    ]
    assert pictures[0]["media_type"] == "image/png"
    assert BlobStore(crawled["archive"]).get(pictures[0]["sha256"]) == PictureSite.table
    assert not {"/logo.png", "/icons/print.gif", "/gknb/images/notice.png"} & crawled["requested"]


@pytest.mark.slow
def test_the_parse_stage_reads_a_pages_pictures_into_its_report(crawled: dict[str, Any]) -> None:
    archive = crawled["archive"]
    result = parse_archive(archive, workers=1)
    page = next(row for row in crawled["rows"] if row["url"].endswith("/gknb/t1.html"))
    picture = next(row for row in crawled["rows"] if row["role"] == "picture")
    store = ReportStore(archive, result.parser_version)
    assert picture["sha256"] not in store.parsed(), "a picture is read with its page, not as a document"
    report = store.get(page["sha256"]).report
    assert [value.value for value in report.review_litigation] == REVIEW
    where = report.review_litigation[7].location
    assert (where.engine, where.image) == ("rapidocr", "images/t4.png") and where.image_box
    assert any(finding.rule == "ocr.read" for finding in report.findings)


@pytest.mark.slow
def test_a_re_parse_reads_the_pictures_from_the_ocr_cache(crawled: dict[str, Any], ocr_cache: str) -> None:
    """(The cache is the session's here — the workers' fork server keeps the tests' setting; without it the cache
    is beside the archive parsed: tests/ocr/test_pictures.py.)"""
    archive = crawled["archive"]
    first = parse_archive(archive, workers=1, rebuild=True)
    kept = {path: path.stat().st_mtime_ns for path in Path(ocr_cache).rglob("*.json")}
    assert kept
    again = parse_archive(archive, workers=1, rebuild=True)
    assert again.parsed == first.parsed >= 1
    assert {path: path.stat().st_mtime_ns for path in Path(ocr_cache).rglob("*.json")} == kept
    assert again.cpu_seconds < 5, "nothing is read by OCR again"
    page = next(row for row in crawled["rows"] if row["url"].endswith("/gknb/t1.html"))
    report = ReportStore(archive, again.parser_version).get(page["sha256"]).report
    assert [value.value for value in report.review_litigation] == REVIEW


@pytest.mark.slow
def test_the_warehouse_marks_a_report_read_by_ocr_and_its_cells(crawled: dict[str, Any]) -> None:
    from pipelines.settings import Settings
    from warehouse import catalog
    from warehouse.build import build

    settings = Settings.resolve(crawled["archive"].parent)
    build(settings, workers=1, sources_dir=crawled["archive"].parent.parent / "sources")
    with catalog.connect(settings) as db:
        marked = db.execute("SELECT source, ocr_engine FROM reports ORDER BY source").fetchall()
        cells = db.execute(
            "SELECT c.raw, c.engine, c.confidence, c.location FROM cells c JOIN reports r USING (report_id)"
            " WHERE c.part = 'review_litigation' ORDER BY c.row, c.column"
        ).fetchall()
    assert [engine for source, engine in marked if source.endswith("/gknb/t1.html")] == ["rapidocr"]
    assert len(cells) == 15 and all(
        engine == "rapidocr" and 0.5 < confidence <= 1 for _, engine, confidence, _ in cells
    )
    assert all('"image_box"' in location and '"images/t4.png"' in location for *_, location in cells)
