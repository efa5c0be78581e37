"""Discovery as data, against a navigation tree of replica portals (national → province → city → county): from the
top page alone, ``govreports discover`` finds every government and its report column — whatever the family, behind
a hub page, Hanweb /col/ menus, a WAF or a JavaScript challenge, or on a platform's host — and nothing that only
looks like one; the proposed sources crawl exactly what hand-written ones do, with no hand-written hint."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from parsel import Selector

import replicas
from crawler.discovery import portal as reading
from crawler.discovery.family import detect
from crawler.pages import entry_target
from pipelines.archive.manifest import read_manifest
from pipelines.registry import load_registry
from replicas.server import Request
from replicas.tree import LOOKALIKES, PORTALS, serve_tree
from tests.crawler.conftest import ROOT, run_crawl


def _by_portal(tree: Any, sources: list[Any]) -> dict[str, Any]:
    """Portal key → the proposed source whose column is that portal's."""
    columns = {urlsplit(tree.column_url(key))[:3]: key for key in PORTALS}
    found = {}
    for source in sources:
        if source.has_column:
            found[columns[urlsplit(source.start_urls[0])[:3]]] = source
    return found


def _documents(data: Path) -> dict[str, set[tuple[str, str, bool]]]:
    """Source → (role, path, is report) of every page and attachment it archived."""
    found: dict[str, set[tuple[str, str, bool]]] = {}
    for row in read_manifest(data / "archive").to_pylist():
        if row["role"] in ("page", "attachment"):
            parts = urlsplit(row["url"])
            found.setdefault(row["source_id"], set()).add(
                (row["role"], f"{parts.path}?{parts.query}", bool(row["is_report"]))
            )
    return found


@pytest.fixture(scope="module")
def discovered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("discover")
    with serve_tree() as tree:
        cli = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "govreports"),
                "discover",
                tree.url("national") + "/",
                "--out",
                str(tmp / "proposed"),
                "--local",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
        registry = load_registry(tmp / "proposed")
        code, summary, stderr = run_crawl(tmp / "proposed", tmp / "discovered-data")
        hand = tmp / "hand"
        hand.mkdir()
        by_portal = _by_portal(tree, registry.columns)
        for key, portal in PORTALS.items():
            data = {
                **replicas.ALL[portal.replica].SOURCE,
                "id": f"hand-{key}",
                "local": True,
                "start_urls": [tree.column_url(key)],
            }
            (hand / f"hand-{key}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _hand_code, hand_summary, hand_stderr = run_crawl(hand, tmp / "hand-data")
        yield {
            "cli": cli,
            "registry": registry,
            "by_portal": by_portal,
            "code": code,
            "summary": summary,
            "stderr": stderr,
            "data": tmp / "discovered-data",
            "hand_data": tmp / "hand-data",
            "hand_summary": hand_summary,
            "hand_stderr": hand_stderr,
            "tree": tree,
        }


def test_cli_reports_what_it_found(discovered: dict[str, Any]) -> None:
    cli = discovered["cli"]
    assert cli.returncode == 0, cli.stderr[-3000:]
    assert f"{len(PORTALS)} portal(s), {len(PORTALS)} column(s) found" in cli.stdout


def test_every_government_and_its_column_is_found_and_described(discovered: dict[str, Any]) -> None:
    by_portal = discovered["by_portal"]
    assert set(by_portal) == set(PORTALS)
    registry = discovered["registry"]
    for key, portal in PORTALS.items():
        source = by_portal[key]
        assert (source.organ, source.region_code, source.family.value) == (
            portal.organ,
            portal.region_code,
            portal.family,
        ), key
        assert not source.verified and source.local and source.evidence is not None
        assert source.evidence.link_path[0].startswith("start → ") and source.evidence.signals
        assert set(source.evidence.titles) <= set(portal.expected) | {"河南省2023年政府信息公开工作年度报告"}
        assert source.portal == discovered["tree"].url(key) + "/"
    levels = {key: by_portal[key].level.value for key in PORTALS}
    assert levels["national"] == "central" and levels["henan"] == "province"
    assert levels["zhengzhou"] == "prefecture" and levels["shizhong"] == "county"
    parents = {key: by_portal[key].parent for key in PORTALS}
    assert parents == {
        "national": None,
        "henan": "国务院",
        "shandong": "国务院",
        "jiangsu": "国务院",
        "zhengzhou": "河南省人民政府",
        "zhumadian": "河南省人民政府",
        "zaozhuang": "山东省人民政府",
        "shizhong": "枣庄市人民政府",
        "suqian": "江苏省人民政府",
        "shuyang": "宿迁市人民政府",
    }
    assert all(
        registry.parent_of(registry.organ_of(by_portal[key])) is not None for key in PORTALS if key != "national"
    )
    assert not any(
        hint for key in PORTALS if key != "shuyang" for hint in by_portal[key].hints.model_dump(exclude_defaults=True)
    )  # only the JSON search API needs hints: the rest is read at crawl time


def test_lookalikes_are_not_proposed(discovered: dict[str, Any]) -> None:
    starts = [url for source in discovered["registry"].columns for url in source.start_urls]
    assert not [url for url in starts for path, _text in LOOKALIKES if path in url]


def test_discovered_sources_crawl_exactly_the_reports_each_column_lists(discovered: dict[str, Any]) -> None:
    assert discovered["summary"] is not None, discovered["stderr"][-3000:]
    rows = read_manifest(discovered["data"] / "archive").to_pylist()
    for key, portal in PORTALS.items():
        source = discovered["by_portal"][key]
        found = {row["title"] for row in rows if row["source_id"] == source.id and row["is_report"]}
        assert found == set(portal.expected), key


def test_discovered_sources_crawl_what_hand_written_ones_do(discovered: dict[str, Any]) -> None:
    assert discovered["hand_summary"] is not None, discovered["hand_stderr"][-3000:]
    discovered_documents = _documents(discovered["data"])
    hand_documents = _documents(discovered["hand_data"])
    for key in PORTALS:
        assert discovered_documents[discovered["by_portal"][key].id] == hand_documents[f"hand-{key}"], key


def test_reading_a_home_page() -> None:
    page = Selector(
        text="""<html><head><title>首页_某市人民政府门户网站</title></head><body>
      <div class="box"><h3>政府信息公开</h3><ul><li><a href="/xxgkzn/">政府信息公开指南</a></li>
      <li><a href="/xxgkml/">政府信息公开目录</a></li><li><a href="/nb/">政府信息公开年报</a></li></ul></div>
      <div><h3>网站管理</h3><a href="/zfwzgzndbb/">政府网站工作年度报表</a>
      <a href="/ndbg/">法治政府建设年度报告</a></div>
      <div class="fr"><span>县区政府</span><select onchange="window.open(this.value)"><option value="">请选择</option>
      <option value="http://www.a.gov.cn/">甲县</option><option value="http://www.b.gov.cn">乙区</option></select></div>
      <div><span>友情链接</span><a href="http://www.example.com/">外站</a></div>
      <p>网站标识码：4101000008</p></body></html>"""
    )
    assert reading.organ_name(page) == "某市人民政府"
    assert reading.region_code(page, "某市人民政府", None) == ("410100", "网站标识码 4101000008")
    assert [link.url for link in reading.column_links(page, "http://www.x.gov.cn/")] == ["http://www.x.gov.cn/nb/"]
    assert [link.score for link in reading.column_links(page, "http://www.x.gov.cn/")] == [2]
    below = reading.below_links(page, "http://www.x.gov.cn/")
    assert [link.url for link in below] == ["http://www.a.gov.cn/", "http://www.b.gov.cn"]
    assert {link.heading for link in below} == {"县区政府"}


def _get(site: Any, url: str) -> bytes:
    parts = urlsplit(url)
    return site.handle(Request("GET", parts.path, parse_qs(parts.query), {}, b"")).body


@pytest.mark.parametrize("source_id", sorted(set(replicas.ALL) - replicas.CHALLENGED))
def test_each_replica_column_is_told_apart(source_id: str) -> None:
    """The family a column page shows is the family its hand-written source names (entry shells followed)."""
    site, url = replicas.site(source_id), "http://h" + replicas.START_PATHS[source_id]
    body = _get(site, url)
    target = entry_target(body, url)
    body = _get(site, target) if target else body
    text = body.decode("utf-8" if b"charset" in body[:400].lower() else "gb18030", "replace")
    detection = detect(url, text)
    assert detection.family.value == replicas.ALL[source_id].SOURCE["family"], (source_id, detection.signals)


def test_bad_start_urls_are_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "govreports"), "discover", "ftp://x", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode != 0 and "not an http(s) URL: ftp://x" in done.stderr
