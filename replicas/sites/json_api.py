"""A TRS 海贝 column (pingtan-like): ``nlist.htm`` prints the first items statically and an avalon template for
the rest, which only ``POST /fjdzapp/search`` (form ``channelid``, ``page``, ``prepage``; JSON with ``pageCount``
and ``data[]``) lists. A report is listed under two URLs (``docpuburl`` and ``chnldocurl``, the same bytes); one
entry's ``docpuburl`` is a file with no HTML page; a deleted document answers a meta-refresh stub. The report page
is the bundled saved portal page (UTF-8). ETag and Last-Modified on documents. The API refuses requests without
``X-Requested-With``, and mixes into its first page a document of another channel (``chnlid`` differs: a report of
another organ published elsewhere on the site), which is not the column's."""

from __future__ import annotations

import hashlib
import html
import json
import math
from typing import Any

from replicas.content import SHUYANG, ZHUMADIAN, notice
from replicas.server import Reply, Request, Site
from replicas.sites.common import DELETED_STUB, PUBLISHED, not_found

COLUMN = "/sygfj/gknb/"
LIST_PAGE = f"{COLUMN}nlist.htm"
API = "/fjdzapp/search"
CHANNEL = "200210"
STATIC = 2

SHUYANG_TITLE = "沭阳县发展和改革局2023年政府信息公开年度报告"
ENTRIES: list[dict[str, Any]] = [
    {"doctitle": SHUYANG_TITLE, "docpuburl": "./202401/2ecfb31a335f4d689220a3a23e24a986.shtml",
     "chnldocurl": f"{COLUMN}202401/t20240117_105587.shtml", "docreltime": "2024-01-17", "kind": "shuyang"},
    {"doctitle": "沭阳县发展和改革局2024年政务公开工作要点", "docpuburl": "./202403/t20240301_105600.shtml",
     "docreltime": "2024-03-01", "kind": "notice"},
    {"doctitle": ZHUMADIAN.title, "docpuburl": "./202203/P020220301000000000001.txt", "docreltime": "2022-03-01",
     "kind": "file"},
    {"doctitle": "关于2014年政府信息公开工作要点落实情况的函", "docpuburl": "./201503/t20150301_1001.shtml",
     "docreltime": "2015-03-01", "kind": "notice"},
    {"doctitle": "沭阳县发展和改革局2019年政府信息公开年度报告", "docpuburl": "./202001/t20200115_9001.shtml",
     "docreltime": "2020-01-15", "kind": "deleted"},
]
OTHER_CHANNEL = {"doctitle": "沭阳县人民政府2023年政府信息公开工作年度报告",
                 "docpuburl": "/zwgk/xxgk/202401/t20240120_2001.shtml", "docreltime": "2024-01-20",
                 "chnlid": "200300", "kind": "notice"}
"""A search hit from another channel: the search API does not keep to the column."""
EXPECTED_REPORTS = {SHUYANG_TITLE, ZHUMADIAN.title}
SOURCE: dict[str, Any] = {
    "id": "replica-json",
    "organ": "沭阳县发展和改革局",
    "region_code": "321322",
    "family": "json_api",
    "hints": {
        "api_url": API,
        "api_method": "POST",
        "api_params": {"channelid": CHANNEL, "sortfield": "-pubdate", "page": "{page}", "prepage": "2"},
        "items_path": "data",
        "page_count_path": "pageCount",
        "first_page": 1,
    },
}


def _path(url: str) -> str:
    return COLUMN + url.removeprefix("./") if url.startswith("./") else url


def _validators(data: bytes) -> list[tuple[str, str | bytes]]:
    return [("ETag", '"' + hashlib.sha1(data).hexdigest()[:20] + '"'), ("Last-Modified", PUBLISHED)]


class JsonApiSite(Site):
    name = "json_api"

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        for entry in [*ENTRIES, OTHER_CHANNEL]:
            for field in ("docpuburl", "chnldocurl"):
                if entry.get(field):
                    self.documents[_path(entry[field])] = entry

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", [("Content-Type", "text/html")], kind="robots")
        if path in (COLUMN, LIST_PAGE):
            return self.column()
        if path == API:
            return self.search(request)
        entry = self.documents.get(path)
        if entry is None:
            return not_found()
        if entry["kind"] == "deleted":
            return Reply(200, DELETED_STUB, [("Content-Type", "text/html")], kind="page")
        if entry["kind"] == "file":
            data = ZHUMADIAN.data()
            return Reply(200, data, [("Content-Type", "application/octet-stream"), *_validators(data)],
                         kind="attachment")
        data = SHUYANG.data() if entry["kind"] == "shuyang" else self.notice_page(entry["doctitle"])
        return Reply(200, data, [("Content-Type", "text/html; charset=utf-8"), *_validators(data)], kind="page")

    def notice_page(self, title: str) -> bytes:
        return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
                f"<body><div class=\"TRS_Editor\">{notice(title)}</div></body></html>").encode()

    def column(self) -> Reply:
        static = "".join(
            f'<dd><a href="{entry["docpuburl"]}" title="{html.escape(entry["doctitle"])}" target="_blank">'
            f'{html.escape(entry["doctitle"])}</a><span>{entry["docreltime"]}</span></dd>'
            for entry in ENTRIES[:STATIC]
        )
        body = (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政府信息公开年报</title></head><body>"
            f"<div class=\"list\"><dl>{static}</dl>"
            '<dl ms-controller="list"><dd ms-repeat="list"><a ms-attr-href="el.chnldocurl" '
            'ms-attr-title="el.doctitle">{{el.doctitle}}</a><span>{{el.docreltime}}</span></dd></dl></div>'
            f"<script>var channelid = '{CHANNEL}'; var searchUrl = '{API}';</script></body></html>"
        )
        return Reply(200, body.encode(), [("Content-Type", "text/html; charset=utf-8")], kind="list")

    def search(self, request: Request) -> Reply:
        if request.method != "POST" or request.headers.get("x-requested-with") != "XMLHttpRequest":
            return Reply(403, b'{"error": "forbidden"}', [("Content-Type", "application/json")], kind="fault")
        form = request.form()
        if form.get("channelid") != [CHANNEL]:
            return Reply(200, b'{"pageCount": 0, "data": []}', [("Content-Type", "application/json")], kind="api")
        page = int(form.get("page", ["1"])[0])
        size = int(form.get("prepage", ["10"])[0])
        rows = [
            {"chnlid": CHANNEL} | {key: value for key, value in entry.items() if key != "kind"}
            | {"pubdate": entry["docreltime"]}
            for entry in ENTRIES[(page - 1) * size: page * size] + ([OTHER_CHANNEL] if page == 1 else [])
        ]
        data = {"pageCount": math.ceil(len(ENTRIES) / size), "total": len(ENTRIES), "data": rows}
        return Reply(200, json.dumps(data, ensure_ascii=False).encode(), [("Content-Type", "application/json")],
                     kind="api")
