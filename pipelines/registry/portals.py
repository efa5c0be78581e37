"""The registry of real portals, built from ``shared/registry/portals.csv`` (one row per organ, from public
crawls): every row becomes an organ's source file; where the row names its report column (or the column is a
category of Guangdong's gkmlpt platform, found by name in the platform's TREE at crawl time), the file carries it;
the rest are marked for discovery from their portal. Region codes come from the division-code package
(``pipelines.regions``): the organ's own name first (a county's department names its county), else the row's
region; a parent is the government above in the registry. Nothing is verified (no internet here).

    python -m pipelines.registry.portals ../shared/registry/portals.csv sources/
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipelines.regions import code_of
from pipelines.registry.load import load_registry
from pipelines.registry.model import NATIONAL, Evidence, Family, Hints, Level, Source
from pipelines.registry.names import comparable
from pipelines.registry.write import write_source

FAMILIES = {
    "trs": Family.TRS,
    "hanweb": Family.HANWEB,
    "jcms-api": Family.JCMS,
    "gkmlpt": Family.GKMLPT,
    "json-api": Family.JSON_API,
}
"""The CSV's cms → a family module; the others (static-other, the city platforms, nanwei-igs, unknown) are walked
as plain lists until someone looks at the column."""
GOVERNMENT_LEVELS = ("central", "province", "prefecture", "county")
MUNICIPALITIES = ("11", "12", "31", "50")
"""北京, 天津, 上海, 重庆: province-level cities whose districts sit directly below them."""
_ID_WORDS = re.compile(r"[a-z0-9]+")


@dataclass
class Built:
    """What a build did: the sources, and every decision a person should know about."""

    sources: list[Source] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    region_from_row: list[str] = field(default_factory=list)
    """Organs whose code is their row's region (their own name names no deeper division)."""
    no_region: list[str] = field(default_factory=list)
    """Organs no division could be found for (given their province's code, or 100000)."""


def _portal(value: str) -> str:
    value = value.strip()
    if re.match(r"https?://", value):
        return value if urlsplit(value).path else value + "/"
    return f"http://{value}/"


def _host_words(url: str) -> list[str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    words = [w for w in re.split(r"[.\-]", host) if w and w not in ("www", "gov", "cn", "org", "com", "net")]
    words = words[::-1] if len(words) > 1 else words  # edu.gd → gd-edu: the place, then the office
    path = [w for w in _ID_WORDS.findall(parts.path.lower()) if w not in ("index", "html", "shtml")][:1]
    return words + path


def source_id(row: dict[str, str], taken: set[str]) -> str:
    """``edu.gd.gov.cn`` → ``gd-edu``; a platform's organs add their code (``beijing-zfxxgk-110016``)."""
    words = _host_words(row["column_url"] or _portal(row["portal"]))
    if row.get("site_id") and row["cms"] in ("beijing-platform", "hefei-platform"):
        words.append(row["site_id"][-6:])
    base = "-".join(words) or "organ"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def region_code(row: dict[str, str], built: Built) -> str:
    if row["region"] == "中央" or row["level"].endswith("central"):
        return NATIONAL
    from_row = code_of(row["region"])
    own = code_of(row["organ"])
    if (
        own
        and from_row
        and own.startswith(_significant(from_row))
        and len(_significant(own)) > len(_significant(from_row))
    ):
        return own
    if from_row:
        if own != from_row:
            built.region_from_row.append(row["organ"])
        return from_row
    if own:
        return own
    built.no_region.append(row["organ"])
    return NATIONAL


def _significant(code: str) -> str:
    """The digits a code fixes: 44 for 440000, 4403 for 440300, all six for a county."""
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def _column(row: dict[str, str], portal: str) -> tuple[list[str], Family, dict[str, Any]]:
    column = row["column_url"].strip()
    cms = row["cms"]
    if column:
        start = column.split("{Y}")[0]  # per-year sub-columns are followed from the column root
        return [start], FAMILIES.get(cms, Family.PLAIN), {}
    if cms == "gkmlpt" and row["site_id"]:
        return [portal.rstrip("/") + "/gkmlpt/index"], Family.GKMLPT, {"sid": row["site_id"]}
    return [], Family.PLAIN, {}


def _parent(row: dict[str, str], code: str, governments: dict[tuple[str, str], str]) -> str | None:
    level = row["level"]
    if level == "central":
        return None
    if level == "department-of-central":
        return governments.get(("central", NATIONAL))
    if level.startswith("department-of-"):
        own_level = level.removeprefix("department-of-")
        key = code[:2] + "0000" if own_level == "province" else code[:4] + "00" if own_level == "prefecture" else code
        return governments.get((own_level, key))
    above = {
        "province": ("central", NATIONAL),
        "prefecture": ("province", code[:2] + "0000"),
        "county": ("prefecture", code[:4] + "00"),
    }
    if level == "county" and code[:2] in MUNICIPALITIES:  # a municipality's districts are under the city itself
        return governments.get(("province", code[:2] + "0000"))
    return governments.get(above[level]) if level in above else None


def build(rows: list[dict[str, str]], existing: Sequence[Source] = ()) -> Built:
    """Sources for ``rows``; an organ that an ``existing`` source already names is merged into it, not repeated."""
    built = Built()
    known = {comparable(s.organ): s for s in existing}
    taken = {s.id for s in existing}
    codes = {row["organ"]: region_code(row, built) for row in rows}
    governments: dict[tuple[str, str], str] = {}
    for row in rows:
        if row["level"] in GOVERNMENT_LEVELS:
            governments.setdefault((row["level"], codes[row["organ"]]), row["organ"])
    for row in rows:
        if comparable(row["organ"]) in known:
            built.merged.append(f"{row['organ']} → {known[comparable(row['organ'])].id}")
            continue
        portal = _portal(row["portal"])
        code = codes[row["organ"]]
        starts, family, hints = _column(row, portal)
        notes = [
            f"portals.csv: cms {row['cms']}" + (f", site id {row['site_id']}" if row["site_id"] else ""),
            f"reachable from abroad: {row['reachable_from_abroad']}",
        ]
        if not re.match(r"https?://", row["portal"].strip()):
            notes.append("the portal's scheme was not recorded: http assumed")
        if "{Y}" in row["column_url"]:
            notes.append(f"per-year sub-columns ({row['column_url']}): walked from the column root")
        if not starts:
            notes.append("report column unknown: marked for discovery from the portal")
        if row["notes"]:
            notes.append(row["notes"])
        hosts = {urlsplit(url).hostname or "" for url in [portal, *starts]} - {""}
        if len(hosts) > 1:
            notes.append("the column is on another host than the portal")
        source = Source(
            id=source_id(row, taken),
            organ=row["organ"],
            region_code=code,
            level=Level(row["level"]),
            parent=_parent(row, code, governments),
            portal=portal,
            start_urls=starts,
            allowed_domains=sorted(hosts) if len(hosts) > 1 and starts else [],
            family=family,
            hints=Hints.model_validate(hints),
            evidence=Evidence(found_by="shared/registry/portals.csv (public crawls)", signals=[row["evidence"]]),
            notes="; ".join(notes),
        )
        taken.add(source.id)
        built.sources.append(source)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.registry.portals", description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="portals.csv")
    parser.add_argument("out", type=Path, help="the sources directory to write into (existing files are kept)")
    args = parser.parse_args(argv)
    with args.csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = list(load_registry(args.out).sources.values()) if args.out.is_dir() else []
    built = build(rows, existing)
    for source in built.sources:
        write_source(args.out, source)
    print(
        f"{len(built.sources)} source files written ({sum(s.has_column for s in built.sources)} with a column); "
        f"{len(built.merged)} merged into existing files: {', '.join(built.merged) or '-'}"
    )
    print(
        f"region code from the row's region (the organ's name names no deeper division): "
        f"{len(built.region_from_row)}: {', '.join(built.region_from_row) or '-'}"
    )
    print(f"no division found: {len(built.no_region)}: {', '.join(built.no_region) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
