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
from pipelines.titles import Kind, recognise

_PERIOD = re.compile(r"(?:统计期限|统计时限|统计周期|统计时间)[^0-9]{0,12}(?P<year>(?:19|20)\d{2})年\s*1\s*月\s*1\s*日")
_TITLE_ROWS = 14
_PAGE_ROWS = 60  # a page's chrome (navigation, a list of the column's reports) above the article, at most
_MIN_ORGAN = 3
"""A title's organ has at least three characters (郑州市公安局, 国务院); shorter heads are words, not organs."""


@dataclass
class Identity:
    agency: str | None
    year: int | None
    title: str | None
    title_says_report: bool
    year_from: str | None = None


def _match_title(text: str) -> tuple[str | None, int, Kind] | None:
    """(organ or None, year, kind) from a title-like text that reads as the report (or its tables), or None."""
    title = recognise(fold(text))
    if not title.is_report or title.year is None:
        return None
    organ = title.organ if title.organ and len(title.organ) >= _MIN_ORGAN else None
    return organ, title.year, title.kind


def identify(title: str | None, layout: Layout) -> Identity:
    candidates: list[str] = [title] if title else []
    texts = [row.text.strip() for row in layout.rows[:_TITLE_ROWS] if row.text.strip()]
    first_part = min((heading.position for heading in layout.headings.values()), default=_PAGE_ROWS)
    page = [row.text.strip() for row in layout.rows[: min(first_part, _PAGE_ROWS)] if row.text.strip()]
    own = _own_title([*candidates, *page])
    if own is not None:
        return own
    for size in (1, 2, 3):  # a title on one line first, then titles wrapped over two or three lines
        candidates.extend("".join(texts[i : i + size]) for i in range(len(texts) - size + 1))
    without_organ: Identity | None = None
    for candidate in candidates:
        if len(fold(candidate)) > 80:
            continue
        hit = _match_title(candidate)
        if hit and hit[0]:
            return Identity(agency=hit[0], year=hit[1], title=candidate, title_says_report=True, year_from="title")
        if hit and without_organ is None:
            without_organ = Identity(
                agency=None, year=hit[1], title=candidate, title_says_report=True, year_from="title"
            )
    if without_organ is not None:
        return without_organ
    year = _period_year(layout)
    return Identity(
        agency=None,
        year=year,
        title=title or (texts[0] if texts else None),
        title_says_report=False,
        year_from="statistics period" if year else None,
    )


def _own_title(lines: list[str]) -> Identity | None:
    """The report's own title where the page prints several report titles on lines of their own (a column's list
    of other years' reports above the article): the year printed most often is the report's — the page prints
    its own title again (heading, 标题 in its metadata) — and the first title of that year is taken. None where the
    lines print fewer than two titles naming an organ (the title is then looked for line by line)."""
    hits = [(line, hit) for line in lines if len(fold(line)) <= 80 and (hit := _match_title(line)) and hit[0]]
    if len(hits) < 2:
        return None
    years = [hit[1] for _, hit in hits]
    year = max(years, key=lambda y: (years.count(y), -years.index(y)))
    line, (agency, _, _) = next((line, hit) for line, hit in hits if hit[1] == year)
    return Identity(agency=agency, year=year, title=line, title_says_report=True, year_from="title")


def _period_year(layout: Layout) -> int | None:
    for row in layout.rows[:80]:
        match = _PERIOD.search(fold(row.text))
        if match:
            return int(match["year"])
    return None


def not_a_report_reason(identity: Identity) -> str | None:
    """Why the document is not a report, judged from its title (a document about the report or about disclosure
    work: 解读, 通知, 编制说明 …); None when the title does not rule it out."""
    if identity.title and not identity.title_says_report:
        title = recognise(fold(identity.title))
        if title.kind is Kind.ABOUT:
            return f"title is not a report title ({title.reason}): {identity.title}"
    return None
