"""A real ``govreports crawl`` of every replica portal in one engine, then a second night with nothing changed, then
a third on which every held document is due for a check.

One crawl (module fixture) is checked from every side: the reports found per portal, the archive's bytes, the
WARC files, the health record, the replica servers' request logs.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

import replicas
from crawler.filenames import from_content_disposition
from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore, sha256_hex
from tests.crawler.conftest import ROOT, Replicas, run_crawl
from tests.crawler.test_archive import warcio_check

DOCUMENT = ("page", "attachment")
FAMILIES = [*replicas.MODULES, "replica-gkmlpt"]
"""One replica per family (gkmlpt beside json_api); the real-markup and anti-bot variants have tests of their own
(test_markup.py, test_access.py)."""


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("crawl")
    with replicas.serve_all(FAMILIES) as urls:
        portals = Replicas(urls, tmp / "sources", tmp / "data")
        replicas.write_sources(portals.sources, urls)
        first = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "govreports"), "--data", str(portals.data), "crawl", "--sources",
             str(portals.sources)], capture_output=True, text=True, timeout=180, cwd=ROOT,
        )
        first_log = {source_id: list(server.log) for source_id, server in urls.servers.items()}
        in_flight = {source_id: server.max_in_flight for source_id, server in urls.servers.items()}
        manifest_after_first = read_manifest(portals.archive).to_pylist()
        portals.clear_logs()
        code, second, stderr = run_crawl(portals.sources, portals.data)
        second_log = {source_id: list(server.log) for source_id, server in urls.servers.items()}
        portals.clear_logs()
        _, third, _ = run_crawl(portals.sources, portals.data, "--set", "GOVREPORTS_REVALIDATE_DAYS=0")
        third_log = {source_id: list(server.log) for source_id, server in urls.servers.items()}
        yield {
            "portals": portals, "cli": first, "first_log": first_log, "rows": manifest_after_first,
            "in_flight": in_flight,
            "second": second, "second_code": code, "second_stderr": stderr, "second_log": second_log,
            "third": third, "third_log": third_log,
        }


def _health(portals: Replicas) -> dict[str, Any]:
    """The first run's health summary (``health/<day>/<run_id>.json``; run ids sort by time)."""
    files = sorted((portals.archive / "health").glob("*/*.json"), key=lambda path: path.name)
    return json.loads(files[0].read_text(encoding="utf-8"))


def test_cli_prints_a_summary_table(crawled: dict[str, Any]) -> None:
    cli = crawled["cli"]
    assert cli.returncode == 0, cli.stderr
    for source_id in FAMILIES:
        assert source_id[:8] in cli.stdout
    assert "health:" in cli.stderr


@pytest.mark.parametrize("source_id", sorted(FAMILIES))
def test_finds_exactly_the_listed_reports(crawled: dict[str, Any], source_id: str) -> None:
    rows = [row for row in crawled["rows"] if row["source_id"] == source_id]
    found = {row["title"] for row in rows if row["is_report"]}
    assert found == replicas.expected_reports(source_id)
    health = next(r for r in _health(crawled["portals"])["sources"] if r["source_id"] == source_id)
    assert health["reports_found"] == len(replicas.expected_reports(source_id))
    assert health["status"] in ("ok", "degraded") and health["finish_reason"] == "finished"


def test_non_reports_are_archived_but_not_reports(crawled: dict[str, Any]) -> None:
    titles = {row["title"]: row["is_report"] for row in crawled["rows"] if row["role"] == "page"}
    for title in ("关于印发2024年政务公开工作要点的通知", "《郑州市公安局2023年政府信息公开工作年度报告》解读",
                  "关于2014年政府信息公开工作要点落实情况的函", "关于开展2023年政府信息公开工作年度报告编制工作的通知",
                  "2023年政务公开工作要点"):
        assert titles[title] is False


def test_every_blob_matches_its_sha256_and_every_row_has_its_blob(crawled: dict[str, Any]) -> None:
    store = BlobStore(crawled["portals"].archive)
    blobs = list(store)
    assert blobs and all(store.verify(digest) for digest in blobs)
    assert {row["sha256"] for row in crawled["rows"]} == set(blobs)
    assert not any(store.tmp.iterdir())


def test_same_report_at_two_urls_is_stored_once_and_linked_to_both(crawled: dict[str, Any]) -> None:
    rows = [row for row in crawled["rows"] if row["source_id"] == "replica-json" and row["is_report"]
            and row["title"].startswith("沭阳县")]
    assert len({row["url"] for row in rows}) == 2 and len({row["sha256"] for row in rows}) == 1
    attachments = [row for row in crawled["rows"] if row["source_id"] == "replica-hanweb"
                   and row["role"] == "attachment"]
    assert len(attachments) == 2 and len({row["sha256"] for row in attachments}) == 1
    redirected = next(row for row in attachments if "redirect" in row["url"])
    assert redirected["final_url"].endswith("/attach/0/4e59a3178dec41fda94e6a596ebc228f.txt")


def test_attachments_media_type_from_bytes_and_names_from_content_disposition(crawled: dict[str, Any]) -> None:
    attachments = {row["url"].rsplit("/", 1)[-1]: row for row in crawled["rows"] if row["role"] == "attachment"}
    txt = attachments["P020240308512345678901.txt"]
    assert txt["content_type"] == "application/octet-stream" and txt["media_type"] == "text/plain"
    assert txt["filename"] == "郑州市公安局2023年政府信息公开工作年度报告.txt"  # GBK in the header
    assert attachments["P020240308512345678902.doc"]["media_type"] == "text/html"  # a .doc that is HTML
    hanweb = next(row for key, row in attachments.items() if key.startswith("downfile.jsp?classid=0&filename=4e"))
    assert hanweb["filename"] == "枣庄市公安局市中分局2023年政府信息公开工作年度报告.txt"  # RFC 5987
    plain = attachments["nb2021.txt"]
    assert plain["filename"] == "驻马店市公安局2021年政府信息公开工作年度报告.txt"  # ../../ dropped
    store = BlobStore(crawled["portals"].archive)
    assert store.get(txt["sha256"]) == (ROOT / "samples" / "zhengzhou-police-2023.txt").read_bytes()


def test_gbk_pages_without_charset_are_decoded(crawled: dict[str, Any]) -> None:
    rows = [row for row in crawled["rows"] if row["source_id"] in ("replica-trs", "replica-plain")]
    store = BlobStore(crawled["portals"].archive)
    report = next(row for row in rows if row["url"].endswith("t20240308_87885.html"))
    body = store.get(report["sha256"])
    assert b"charset" not in body.lower() and report["content_type"] == "text/html"
    assert "郑州市公安局".encode("gbk") in body  # the bytes stay GBK; the title was read from them
    truncated = next(row for row in rows if row["url"].endswith("t20240110_3.html"))
    assert truncated["link_text"] == "2023年政府信息公开工作…" and truncated["is_report"]


def test_faults(crawled: dict[str, Any]) -> None:
    health = {r["source_id"]: r for r in _health(crawled["portals"])["sources"]}
    trs = health["replica-trs"]
    assert trs["errors"] == {"http_404": 1, "redirect_loop": 1, "refused_address": 1}
    assert trs["robots_forbidden"] == 1 and trs["offsite_filtered"] == 1 and trs["retries"] == 1
    assert health["replica-hanweb"]["errors"] == {"deleted": 1}
    assert health["replica-json"]["errors"] == {"deleted": 1}
    assert health["replica-plain"]["errors"] == {} and health["replica-plain"]["retries"] == 2  # 412 and 429
    log = crawled["first_log"]["replica-trs"]
    assert not any("/private/" in entry.path for entry in log)  # robots.txt obeyed
    assert [e.status for e in log if e.path.endswith("P020240308512345678901.txt")] == [503, 200]
    assert any(row["url"].endswith("go/slow.html") and row["http_status"] == 200 for row in crawled["rows"])
    assert not any("example.gov.cn" in row["url"] or "10.0.0.1" in (row["final_url"] or "")
                   for row in crawled["rows"])


def test_warc_files_pass_warcio_check_and_keep_bytes_as_received(crawled: dict[str, Any]) -> None:
    warcs = sorted((crawled["portals"].archive / "warc").glob("*/*.warc.gz"))
    first_run = crawled["rows"][0]["run_id"]
    assert [path.name for path in warcs if path.name.startswith(first_run)] == [f"{first_run}-00000.warc.gz"]
    assert len(warcs) == 3  # one series per crawl process, not a file per source
    assert not list((crawled["portals"].archive / "warc").glob("*/*.open"))
    for path in warcs:
        done = warcio_check(path)
        assert done.returncode == 0, done.stdout + done.stderr
    store = BlobStore(crawled["portals"].archive)
    statuses: Counter[str] = Counter()
    gzipped = 0
    first_run = crawled["rows"][0]["run_id"]
    for path in warcs:
        if not path.name.startswith(first_run):
            continue
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                statuses[record.http_headers.get_statuscode()] += 1
                if record.http_headers.get_header("Content-Encoding") == "gzip":
                    raw = record.raw_stream.read()
                    assert raw[:2] == b"\x1f\x8b"  # as received, still compressed
                    assert store.exists(sha256_hex(gzip.decompress(raw)))  # blob = the decoded document
                    gzipped += 1
    assert gzipped >= 5
    assert statuses["503"] >= 2 and statuses["302"] >= 3 and statuses["404"] >= 2  # a page and a robots.txt


def test_at_most_two_requests_at_once_per_host(crawled: dict[str, Any]) -> None:
    assert all(1 <= most <= 2 for most in crawled["in_flight"].values()), crawled["in_flight"]


def test_second_night_asks_for_no_held_document(crawled: dict[str, Any]) -> None:
    second = crawled["second"]
    assert second is not None, crawled["second_stderr"]
    for source_id, log in crawled["second_log"].items():
        documents = [entry for entry in log if entry.kind in DOCUMENT and entry.status in (200, 304)]
        assert documents == [], source_id  # held whole: not even a conditional request
        assert any(entry.kind == "list" and entry.status == 200 for entry in log)  # lists are re-read
    for record in second["sources"]:
        assert record["new_reports"] == 0 and record["new_blobs"] == 0
        assert record["reports_found"] == len(replicas.expected_reports(record["source_id"]))
        assert record["skipped"] > 0 and record["pages_fetched"] < 8, record


def test_documents_due_for_a_check_are_asked_conditionally(crawled: dict[str, Any]) -> None:
    third = crawled["third"]
    assert third is not None
    validated = {urlsplit(row["final_url"]).path for row in crawled["rows"] if row["role"] in DOCUMENT
                 and row["http_status"] == 200 and (row["etag"] or row["last_modified"])}  # redirects: the target
    assert len(validated) >= 5
    answers = [(e.path.split("?")[0], e.status) for log in crawled["third_log"].values() for e in log
               if e.kind in DOCUMENT]
    assert {path for path, status in answers if status == 304} == validated  # each asked with its validators
    assert not [path for path, status in answers if status == 200 and path in validated]
    for record in third["sources"]:
        assert record["new_reports"] == 0 and record["new_blobs"] == 0
        assert record["reports_found"] == len(replicas.expected_reports(record["source_id"]))


def test_content_disposition_of_replica_is_raw_gbk() -> None:
    """The replica really sends GBK bytes in the header (what generic clients turn into mojibake)."""
    site = replicas.site("replica-trs")
    from replicas.server import Request

    reply = site.handle(Request("GET", "/xxgk/zfxxgknb/202403/P020240308512345678902.doc", {}, {}, b""))
    header = reply.header("Content-Disposition")
    assert isinstance(header, bytes) and "郑州".encode("gbk") in header
    assert from_content_disposition(header) == "郑州市公安局2023年政府信息公开工作年度报告.doc"


def test_nothing_generated_outside_the_data_directory(crawled: dict[str, Any]) -> None:
    data: Path = crawled["portals"].data
    names = ["blobs", "health", "manifest", "state", "warc", "writers.lock"]
    assert sorted(p.name for p in (data / "archive").iterdir()) == names
    assert sorted(p.name for p in data.iterdir()) == ["archive"]
