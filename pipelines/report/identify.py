"""Which report this is: the organ and the year from the title, and whether the document is a report at all.

The year is the year the report covers as its title prints it (a report on 2023 is published in 2024). A
document whose title is not a report title and that has no report tables is not a report (a notice, a 工作要点):
the parser says so instead of producing numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.report.locate import Layout
from pipelines.report.normalize import fold

_REPORT = r"(?:政府)?(?:信息|政务)公开(?:工作)?(?:年度)?(?:报告|年报|工作报告)"
_AGENCY_FIRST = re.compile(r"(?P<agency>.*?)(?P<year>(?:19|20)\d{2})年度?(?:的)?" + _REPORT)
_YEAR_FIRST = re.compile(r"(?P<year>(?:19|20)\d{2})年度?(?P<agency>.+?)" + _REPORT)
_NOT_REPORT = re.compile(r"工作要点|通知|解读|意见|办法|方案|计划|征求")
_JUNK_PREFIX = re.compile(r"^(?:正文|标题[:：]?|#+|关于|[\d.、]+)+")
_JUNK_SUFFIX = re.compile(r"[-_|－—].*$")
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计周期|统计时间)[^0-9]{0,12}(?P<year>(?:19|20)\d{2})年\s*1\s*月\s*1\s*日")
_TITLE_ROWS = 14
_NOT_AN_ORGAN = {"政府", "本机关", "本单位", "我局", "我委", "我办", "本部门", "年度"}


@dataclass
class Identity:
    agency: str | None
    year: int | None
    title: str | None
    title_says_report: bool
    year_from: str | None = None


def _clean_agency(text: str) -> str:
    agency = _JUNK_PREFIX.sub("", text).strip("：:，,。 ")
    return agency


def _match_title(text: str) -> tuple[str, int] | None:
    """(agency, year) from a title-like text, or None."""
    text = _JUNK_SUFFIX.sub("", fold(text)) if "报告" in text.split("-")[0] else fold(text)
    for pattern in (_AGENCY_FIRST, _YEAR_FIRST):
        for match in pattern.finditer(text):
            agency = _clean_agency(match["agency"])
            if len(agency) >= 3 and agency not in _NOT_AN_ORGAN and not _NOT_REPORT.search(agency):
                return agency, int(match["year"])
    return None


def identify(title: str | None, layout: Layout) -> Identity:
    candidates: list[str] = [title] if title else []
    texts = [row.text.strip() for row in layout.rows[:_TITLE_ROWS] if row.text.strip()]
    for size in (1, 2, 3):  # a title on one line first, then titles wrapped over two or three lines
        candidates.extend("".join(texts[i : i + size]) for i in range(len(texts) - size + 1))
    for candidate in candidates:
        if len(fold(candidate)) > 80:
            continue
        hit = _match_title(candidate)
        if hit:
            return Identity(agency=hit[0], year=hit[1], title=candidate, title_says_report=True, year_from="title")
    year = _period_year(layout)
    return Identity(
        agency=None,
        year=year,
        title=title or (texts[0] if texts else None),
        title_says_report=False,
        year_from="statistics period" if year else None,
    )


def _period_year(layout: Layout) -> int | None:
    for row in layout.rows[:80]:
        match = _PERIOD.search(fold(row.text))
        if match:
            return int(match["year"])
    return None


def not_a_report_reason(identity: Identity) -> str | None:
    """Why the document is not a report, judged from its title; None when the title does not rule it out."""
    if identity.title and _NOT_REPORT.search(fold(identity.title)) and not identity.title_says_report:
        return f"title is not a report title: {identity.title}"
    return None
