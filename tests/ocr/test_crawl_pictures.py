"""The crawler archives the pictures a report page shows, linked to the page (a report's tables may be pictures),
and not the site's logo, icons or pictures of pages that are not reports — a real crawl of a local site."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore
from replicas.server import ReplicaServer, Reply, Request, Site
from tests.crawler.conftest import run_crawl
from tests.ocr import scans

TITLE = "驻马店市公安局2023年政府信息公开工作年度报告"
TABLE = scans.table_picture([["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], ["1", "0", "0", "0", "1"]])


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class PictureSite(Site):
    """A column with a report page whose part 四 is a picture, and a notice page with a picture of its own."""

    name = "pictures"
    table = _png(TABLE)
    other = _png(scans.table_picture([["通知"]]))

    def handle(self, request: Request) -> Reply:
        pages = {
            "/gknb/index.html": (
                "列表",
                '<ul><li><a href="/gknb/t1.html">' + TITLE + "</a></li>"
                '<li><a href="/gknb/t2.html">政务公开咨询服务</a></li></ul>',
            ),
            "/gknb/t1.html": (
                TITLE,
                '<nav><img src="/logo.png"></nav><h1>' + TITLE + "</h1>"
                "<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src='images/t4.png' width='600'></p>"
                "<p><img src='/icons/print.gif' width='16' height='16'> 打印</p>",
            ),
            "/gknb/t2.html": ("政务公开咨询服务", "<h1>政务公开咨询服务</h1><p><img src='images/notice.png'></p>"),
        }
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


@pytest.mark.slow
def test_a_report_pages_pictures_are_archived_with_it(tmp_path: Path) -> None:
    with ReplicaServer(PictureSite()) as server:
        sources = tmp_path / "sources"
        sources.mkdir()
        source = {"id": "replica-pictures", "organ": "驻马店市公安局", "region_code": "411700", "family": "plain",
                  "start_urls": [f"{server.base_url}/gknb/index.html"], "local": True}  # fmt: skip
        (sources / "replica-pictures.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
        code, _, stderr = run_crawl(sources, tmp_path / "data")
        assert code == 0, stderr[-2000:]
        requested = {entry.path for entry in server.log}
    rows = read_manifest(tmp_path / "data" / "archive").to_pylist()
    pictures = [row for row in rows if row["role"] == "picture"]
    assert [(row["url"].removeprefix(server.base_url), row["parent_url"].removeprefix(server.base_url))
            for row in pictures] == [("/gknb/images/t4.png", "/gknb/t1.html")]  # fmt: skip
    assert pictures[0]["media_type"] == "image/png"
    assert BlobStore(tmp_path / "data" / "archive").get(pictures[0]["sha256"]) == PictureSite.table
    assert not {"/logo.png", "/icons/print.gif", "/gknb/images/notice.png"} & requested
