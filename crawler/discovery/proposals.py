"""Proposals as source files: one per column found, ``verified: false``, with the evidence (the link path
followed, the report titles seen, what showed the family), in the registry's own format and folders; portals whose
column was not found are registered as organs marked for discovery (their portal, no column)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.discovery.spider import PortalVisit, Proposal
from pipelines.regions import level_of
from pipelines.registry import NATIONAL, Evidence, Lists, Source, write_source
from pipelines.titles import recognise

_GOVERNMENT = re.compile(r"人民政府$|^国务院$|政府$")


def source_id(url: str, taken: set[str]) -> str:
    """A readable, stable id from the column's host and path (``www.zhengzhou.gov.cn`` → ``zhengzhou``), made unique
    among ``taken`` with the path and then a counter."""
    parts = urlsplit(url)
    host = (parts.hostname or "source").lower()
    words = [word for word in re.split(r"[.\-]", host) if word not in ("www", "gov", "cn", "com", "org", "net")]
    if not words or all(word.isdigit() for word in words):  # a bare address (replicas): its port says which
        words = ["local", str(parts.port or 80)]
    base = "-".join(words)
    path = [word for word in re.split(r"[^a-z0-9]+", parts.path.lower() + " " + parts.fragment) if word
            and word not in ("index", "html", "shtml", "htm", "list", "col")]
    candidates = [base, "-".join([base, *path[-2:]]), "-".join([base, *path])]
    for candidate in candidates:
        candidate = re.sub(r"-+", "-", candidate).strip("-")[:80]
        if candidate and candidate not in taken:
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"


def level(visit: PortalVisit) -> str | None:
    """The organ's level: a government's from its region code; a department's from the portal that lists it."""
    if visit.department and visit.parent_level:
        parent = visit.parent_level.removeprefix("department-of-")
        return f"department-of-{parent}"
    if not _GOVERNMENT.search(visit.organ):
        return None
    return "central" if visit.region_code == NATIONAL else level_of(visit.region_code)


def to_source(proposal: Proposal, taken: set[str], local: bool, found_at: str) -> Source:
    visit = proposal.visit
    detection = proposal.detection
    evidence = Evidence(found_by=f"govreports discover {found_at}", link_path=proposal.link_path,
                        titles=proposal.titles, signals=detection.signals if detection else [])
    common = {
        "organ": visit.organ, "region_code": visit.region_code, "level": level(visit), "parent": visit.parent,
        "portal": visit.home, "local": local, "verified": False, "evidence": evidence,
    }
    notes = f"region code from {visit.region_from}"
    if detection is None or proposal.column_url is None:
        return Source(id=source_id(visit.home, taken), **common,
                      notes=f"{notes}; no report column found from the portal (marked for discovery)")
    hosts = sorted({urlsplit(url).hostname or "" for url in (detection.start_url, visit.home)} - {""})
    organs = {title.organ for title in (recognise(text, visit.organ) for text in proposal.titles) if title.organ}
    lists = Lists.MANY if organs - {visit.organ} else Lists.ONE
    off_host = urlsplit(detection.start_url).hostname != urlsplit(visit.home).hostname
    return Source(
        id=source_id(detection.start_url, taken), **common, start_urls=[detection.start_url],
        allowed_domains=hosts if off_host else [], family=detection.family, hints=detection.hints, lists=lists,
        notes=notes + ("; the column is on another host than the portal" if off_host else ""),
    )


def write_proposals(proposals: list[Proposal], directory: Path, local: bool) -> list[Path]:
    """Write every proposal as a source file under ``directory`` (folders by province); return the paths."""
    found_at = datetime.now(UTC).strftime("%Y-%m-%d")
    taken = {path.stem for path in directory.rglob("*.yaml")} if directory.is_dir() else set()
    written: list[Path] = []
    for proposal in proposals:
        source = to_source(proposal, taken, local, found_at)
        taken.add(source.id)
        written.append(write_source(directory, source))
    return written
