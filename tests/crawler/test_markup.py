"""The real markup of portals.md, reproduced by replica variants and walked by one real crawl: hand-written TRS
pagers, Hanweb pages without a datastore and with opaque nextgroups, the JCMS api-gateway (and its partial listing
from abroad), gkmlpt under a path prefix, city platforms with entry shells and plain pagers, a many-organ column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import replicas
from pipelines.archive.manifest import read_manifest
from tests.crawler.conftest import run_crawl

IDS = sorted(set(replicas.VARIANTS) - {"replica-gkmlpt"})


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("markup")
    with replicas.serve_all(IDS) as urls:
        replicas.write_sources(tmp / "sources", urls)
        code, summary, stderr = run_crawl(tmp / "sources", tmp / "data")
        yield {
            "code": code,
            "summary": summary,
            "stderr": stderr,
            "rows": read_manifest(tmp / "data" / "archive").to_pylist(),
            "log": {source_id: list(server.log) for source_id, server in urls.servers.items()},
        }


def _health(crawled: dict[str, Any], source_id: str) -> dict[str, Any]:
    assert crawled["summary"] is not None, crawled["stderr"][-3000:]
    return next(record for record in crawled["summary"]["sources"] if record["source_id"] == source_id)


@pytest.mark.parametrize("source_id", IDS)
def test_each_variant_yields_exactly_its_reports(crawled: dict[str, Any], source_id: str) -> None:
    rows = [row for row in crawled["rows"] if row["source_id"] == source_id]
    assert {row["title"] for row in rows if row["is_report"]} == replicas.expected_reports(source_id)
    health = _health(crawled, source_id)
    assert health["reports_found"] == len(replicas.expected_reports(source_id))
    assert health["finish_reason"] == "finished"


def test_hand_written_pager_stops_at_the_first_page_that_adds_nothing(crawled: dict[str, Any]) -> None:
    paths = [entry.path for entry in crawled["log"]["replica-trs-countpage"] if entry.kind == "list"]
    assert paths.count("/zwgk/zfxxgknb/index_3.shtml") == 1  # the first broken stub ends the walk
    assert "/zwgk/zfxxgknb/index_4.shtml" not in paths
    assert _health(crawled, "replica-trs-countpage")["errors"] == {}
    numbered = [entry.path for entry in crawled["log"]["replica-trs-numbered"] if entry.kind == "list"]
    assert numbered == ["/list/xxgknb/1.html", "/list/xxgknb/2.html", "/list/xxgknb/3.html"]


def test_tables_file_belongs_to_the_report_and_an_explanation_does_not(crawled: dict[str, Any]) -> None:
    attachments = [
        row for row in crawled["rows"] if row["source_id"] == "replica-trs-countpage" and row["role"] == "attachment"
    ]
    tables = [row for row in attachments if row["url"].endswith("_tables.txt")]
    about = [row for row in attachments if row["url"].endswith("_jd.doc")]
    assert tables and all(row["is_report"] and row["kind"] == "tables" and row["parent_url"] for row in tables)
    assert about and all(not row["is_report"] and row["kind"] == "about" for row in about)
    notes = [row for row in crawled["rows"] if row["title"] == "2023年政府信息公开工作年度报告统计表填报说明"]
    assert notes and all(row["kind"] == "about" and not row["is_report"] for row in notes)


def test_hanweb_without_datastore_and_with_opaque_nextgroups(crawled: dict[str, Any]) -> None:
    art = crawled["log"]["replica-hanweb-art"]
    assert not any(entry.path.startswith("/col/col1/") for entry in art)  # menus are not items
    groups = [entry for entry in crawled["log"]["replica-hanweb-nextgroup"] if entry.kind == "api"]
    assert groups and all(entry.method == "GET" for entry in groups)  # followed as written, never a built form
    assert groups[-1].size < 100  # the empty group ends the list
    assert _health(crawled, "replica-hanweb-nextgroup")["errors"] == {}


def test_jcms_gateway_pages_and_a_partial_listing_from_abroad(crawled: dict[str, Any]) -> None:
    pages = [entry.path for entry in crawled["log"]["replica-jcms"] if entry.kind == "api"]
    assert len(pages) == 4  # pages 1 to 3 list the 5 items, page 4 is empty
    overseas = [entry for entry in crawled["log"]["replica-jcms-overseas"] if entry.kind == "api"]
    assert len(overseas) == 2  # page 2 repeats page 1: stop, never loop
    assert _health(crawled, "replica-jcms-overseas")["errors"] == {"partial_listing": 1}


def test_gkmlpt_keeps_the_path_prefix_and_counts_items(crawled: dict[str, Any]) -> None:
    api = [entry.path for entry in crawled["log"]["replica-gkmlpt-dept"] if entry.kind == "api"]
    assert api and all(path.startswith("/lhqkjhgyxxhj/gkmlpt/api/all/721") for path in api)
    assert len(api) == 3  # 5 articles, 2 a page


def test_platforms_entry_shell_followed_and_pager_links_are_not_items(crawled: dict[str, Any]) -> None:
    beijing = _health(crawled, "replica-platform-beijing")
    assert beijing["errors"] == {}  # the ~100-byte location.replace root is not a deleted document
    hefei = [row for row in crawled["rows"] if row["source_id"] == "replica-platform-hefei"]
    lists = sorted(row["url"].rsplit("=", 1)[-1] for row in hefei if row["role"] == "list")
    assert lists == ["2", "3", "nb"]  # every list page walked as a list
    assert not [row for row in hefei if row["role"] == "page" and "spage.xp" in row["url"]]


def test_many_organ_column_resolves_each_reports_organ(crawled: dict[str, Any]) -> None:
    reports = {
        row["title"]: row
        for row in crawled["rows"]
        if row["source_id"] == "replica-many" and row["is_report"] and row["role"] == "page"
    }
    organs = {title: (row["agency"], row["region_code"]) for title, row in reports.items()}
    assert organs == {
        "郑州市公安局2023年政府信息公开工作年度报告": ("郑州市公安局", "410100"),
        "驻马店市公安局2021年政府信息公开工作年度报告": ("驻马店市公安局", "411700"),
        "枣庄市公安局市中分局2023年政府信息公开工作年度报告": ("枣庄市公安局市中分局", "370402"),
        "郑州市某某中心2023年政府信息公开工作年度报告": ("郑州市某某中心", "410100"),  # unregistered: as printed
    }


def test_summary_is_json(crawled: dict[str, Any]) -> None:
    assert json.loads(json.dumps(crawled["summary"]))["status"] in ("ok", "degraded")


def test_api_results_are_kept_to_the_column_and_plain_pagers_are_not_items(tmp_path) -> None:
    with replicas.serve_all(["replica-json", "replica-plain"]) as urls:
        replicas.write_sources(tmp_path / "sources", urls)
        _code, summary, stderr = run_crawl(tmp_path / "sources", tmp_path / "data")
        plain_log = list(urls.servers["replica-plain"].log)
    assert summary is not None, stderr[-2000:]
    rows = read_manifest(tmp_path / "data" / "archive").to_pylist()
    assert not [row for row in rows if "/zwgk/xxgk/" in row["url"]]  # another channel's search hit
    lists = sorted(entry.path for entry in plain_log if entry.kind == "list")
    assert lists == ["/gknb/index.html", "/gknb/list_2.htm", "/gknb/list_3.htm"]
    assert not [
        row for row in rows if row["source_id"] == "replica-plain" and row["role"] == "page" and "list_" in row["url"]
    ]
