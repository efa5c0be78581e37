"""Is a listed title an annual report? Organ + year + 政府信息公开(工作)年度报告 / 年报, and none of the words that
mark notices, work plans or explanations (通知, 要点, 解读 …), which are archived but never taken as reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"[\s\u3000]+")
_REPORT = re.compile(
    r"^(?P<agency>.*?)[《“\"]?(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*(?P<after>[^\d《》]{0,30}?)"
    r"(?:(?:政府)?(?:政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|报表|年报)|(?:政府)?信息公开年报)"
)
_NOT_REPORT = re.compile(r"通知|要点|解读|图解|函|计划|方案|意见|征求|目录|指南|制度|规定|办法|公告|落实情况|清单")
_AGENCY_TRIM = re.compile(r"^[《“\"【\[]+|[》”\"】\]\-—_：:（(]+$")


@dataclass(frozen=True)
class Guess:
    """What a title says: report or not, and the organ and report year it names (None when it names none)."""

    is_report: bool
    agency: str | None = None
    year: int | None = None


def recognise(title: str | None, default_agency: str | None = None) -> Guess:
    """Guess from a listing or page title; the agency defaults to the source's organ when the title names none."""
    if not title:
        return Guess(False)
    text = _SPACE.sub("", title)
    match = _REPORT.search(text)
    if not match:
        return Guess(False)
    head, tail = text[: match.start("year")], text[match.end() :]
    if _NOT_REPORT.search(head) or _NOT_REPORT.search(tail):
        return Guess(False)
    after = re.sub(r"^本?(?:机关|单位|部门)$", "", match.group("after"))
    agency = _AGENCY_TRIM.sub("", match.group("agency")).strip() or after or default_agency
    return Guess(True, agency=agency, year=int(match.group("year")))
