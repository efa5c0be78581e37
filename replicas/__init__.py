"""Local replica portal sites (CMS families with their faults), served on 127.0.0.1 for tests and the demo.

    with replicas.serve_all() as urls:          # {source_id: base_url}; urls.servers[source_id].log
        replicas.write_sources(tmp / "sources", urls)

Each site module (``replicas.sites.<family>``) holds the site, its ``SOURCE`` fields and ``EXPECTED_REPORTS``:
the titles of exactly the reports it lists and serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import yaml

from replicas.server import ReplicaServer, Site
from replicas.sites import (
    challenge,
    gkmlpt,
    hanweb,
    hanweb_art,
    hanweb_nextgroup,
    jcms,
    json_api,
    many,
    plain,
    platform,
    trs,
    trs_countpage,
    trs_numbered,
)

MODULES: dict[str, ModuleType] = {module.SOURCE["id"]: module for module in (trs, hanweb, json_api, plain)}
"""Source id → site module: one replica per CMS family, what ``serve_all()`` serves by default."""


def _variant(source: dict[str, Any], expected: set[str]) -> SimpleNamespace:
    return SimpleNamespace(SOURCE=source, EXPECTED_REPORTS=expected)


VARIANTS: dict[str, ModuleType | SimpleNamespace] = {
    gkmlpt.SOURCE["id"]: gkmlpt,
    gkmlpt.DEPARTMENT_SOURCE["id"]: _variant(gkmlpt.DEPARTMENT_SOURCE, gkmlpt.EXPECTED_REPORTS),
    trs_countpage.SOURCE["id"]: trs_countpage,
    trs_numbered.SOURCE["id"]: trs_numbered,
    hanweb_art.SOURCE["id"]: hanweb_art,
    hanweb_nextgroup.SOURCE["id"]: hanweb_nextgroup,
    jcms.SOURCE["id"]: jcms,
    jcms.OVERSEAS_SOURCE["id"]: _variant(jcms.OVERSEAS_SOURCE, jcms.EXPECTED_OVERSEAS),
    platform.BEIJING_SOURCE["id"]: _variant(platform.BEIJING_SOURCE, platform.BEIJING_EXPECTED),
    platform.HEFEI_SOURCE["id"]: _variant(platform.HEFEI_SOURCE, platform.HEFEI_EXPECTED),
    many.SOURCE["id"]: many,
    "replica-jsl": _variant({**plain.SOURCE, "id": "replica-jsl"}, plain.EXPECTED_REPORTS),
    "replica-jsl-browser": _variant({**plain.SOURCE, "id": "replica-jsl-browser"}, plain.EXPECTED_REPORTS),
    "replica-waf": _variant({**plain.SOURCE, "id": "replica-waf"}, plain.EXPECTED_REPORTS),
    "replica-reset": _variant({**plain.SOURCE, "id": "replica-reset",
                               "access": {"headers": {"User-Agent": challenge.BROWSER_USER_AGENT}}},
                              plain.EXPECTED_REPORTS),
}
"""Further replicas — other flavours of a family and the real markup of portals.md (hand-written pagers, Hanweb
/art/ pages and opaque nextgroups, the JCMS api-gateway, gkmlpt under a path, city platforms, a many-organ column)
— served when asked for by id. Kept out of the default set because their reports repeat organ-years the default
set already publishes (the bundled samples are few), which a warehouse counting organ-years would see as
re-publications. The anti-bot fronts (加速乐 JS cookie challenge, its browser-only flavour, a WAF's cookie
redirect and 412 script, a connection reset without a browser User-Agent) wrap the plain column."""
ALL: dict[str, ModuleType | SimpleNamespace] = {**MODULES, **VARIANTS}

START_PATHS = {
    "replica-trs": f"{trs.COLUMN}index.html",
    "replica-hanweb": hanweb.COLUMN,
    "replica-json": json_api.LIST_PAGE,
    "replica-gkmlpt": f"/gkmlpt/index#{gkmlpt.CATEGORY}",
    "replica-gkmlpt-dept": f"{gkmlpt.DEPARTMENT_PREFIX}/gkmlpt/index#{gkmlpt.CATEGORY}",
    "replica-plain": f"{plain.COLUMN}index.html",
    "replica-trs-countpage": trs_countpage.START,
    "replica-trs-numbered": trs_numbered.START,
    "replica-hanweb-art": hanweb_art.START,
    "replica-hanweb-nextgroup": hanweb_nextgroup.START,
    "replica-jcms": jcms.START,
    "replica-jcms-overseas": jcms.START,
    "replica-platform-beijing": platform.BEIJING_START,
    "replica-platform-hefei": platform.HEFEI_START,
    "replica-many": many.START,
    "replica-jsl": f"{plain.COLUMN}index.html",
    "replica-jsl-browser": f"{plain.COLUMN}index.html",
    "replica-waf": f"{plain.COLUMN}index.html",
    "replica-reset": f"{plain.COLUMN}index.html",
}
_SITES: dict[str, Callable[[], Site]] = {
    "replica-trs": trs.TrsSite, "replica-hanweb": hanweb.HanwebSite, "replica-json": json_api.JsonApiSite,
    "replica-gkmlpt": gkmlpt.GkmlptSite, "replica-plain": plain.PlainSite,
    "replica-gkmlpt-dept": lambda: gkmlpt.GkmlptSite(prefix=gkmlpt.DEPARTMENT_PREFIX),
    "replica-trs-countpage": trs_countpage.TrsCountPageSite, "replica-trs-numbered": trs_numbered.TrsNumberedSite,
    "replica-hanweb-art": hanweb_art.HanwebArtSite, "replica-hanweb-nextgroup": hanweb_nextgroup.HanwebNextgroupSite,
    "replica-jcms": jcms.JcmsSite, "replica-jcms-overseas": lambda: jcms.JcmsSite(overseas=True),
    "replica-platform-beijing": platform.PlatformSite, "replica-platform-hefei": platform.PlatformSite,
    "replica-many": many.ManyOrgansSite,
    "replica-jsl": lambda: challenge.JslGuard(plain.PlainSite(), uses=6),
    "replica-jsl-browser": lambda: challenge.JslGuard(plain.PlainSite(), dom=True),
    "replica-waf": lambda: challenge.WafGuard(plain.PlainSite()),
    "replica-reset": lambda: challenge.ResetGuard(plain.PlainSite()),
}
CHALLENGED = frozenset({"replica-jsl", "replica-jsl-browser", "replica-waf", "replica-reset"})
"""Variants behind an anti-bot front (their column is the plain replica's)."""
ORGANS: dict[str, list[dict[str, Any]]] = {many.SOURCE["id"]: many.ORGANS}
"""Organ-only registry entries a replica needs beside its column's source (the organs a many-organ column lists)."""


def site(source_id: str) -> Site:
    """A fresh site (fault counters reset)."""
    return _SITES[source_id]()


class Served(dict[str, str]):
    """{source_id: base_url} of running replicas; ``servers`` holds the servers themselves (request logs)."""

    servers: dict[str, ReplicaServer]


@contextmanager
def serve_all(ids: list[str] | None = None, delay: float = 0.0) -> Iterator[Served]:
    """Start the replicas of ``MODULES`` (or ``ids``, variants included) on free ports of 127.0.0.1 until the block
    ends; ``delay`` slows every reply by that many seconds."""
    with ExitStack() as stack:
        served = Served()
        served.servers = {}
        for source_id in ids or MODULES:
            server = stack.enter_context(ReplicaServer(site(source_id), delay=delay))
            served.servers[source_id] = server
            served[source_id] = server.base_url
        yield served


def source_data(source_id: str, base_url: str) -> dict[str, Any]:
    """The source fields of a replica served at ``base_url``."""
    data = dict(ALL[source_id].SOURCE)
    data.update(start_urls=[base_url.rstrip("/") + START_PATHS[source_id]], local=True, verified=True,
                notes="replica portal on this machine (replicas package)")
    return data


def write_sources(directory: Path, urls: dict[str, str | ReplicaServer]) -> list[Path]:
    """Write one source YAML per replica into ``directory``; ``urls`` maps source id to base URL or server."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source_id, where in urls.items():
        base_url = where.base_url if isinstance(where, ReplicaServer) else where
        path = directory / f"{source_id}.yaml"
        path.write_text(yaml.safe_dump(source_data(source_id, base_url), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        written.append(path)
        for organ in ORGANS.get(source_id, ()):
            path = directory / f"{organ['id']}.yaml"
            path.write_text(yaml.safe_dump({**organ, "local": True}, allow_unicode=True, sort_keys=False),
                            encoding="utf-8")
            written.append(path)
    return written


def expected_reports(source_id: str) -> set[str]:
    return set(ALL[source_id].EXPECTED_REPORTS)
