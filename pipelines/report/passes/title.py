"""The report's title in a page dumped on one line, so that the dump can be cut there and the title read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.report.passes.anchors import Skeleton
from pipelines.titles import PHRASE, YEAR

_TITLE = re.compile(YEAR + PHRASE)  # the year, then the report phrase as pipelines.titles defines it
_AGENCY_CHARS = re.compile(r"[\u4e00-\u9fff()]")


@dataclass(frozen=True)
class _Title:
    start: int  # where the organ's name may start (at most)
    name_end: int  # where the year starts
    end: int
    year: str
    weak: bool  # printed inside a sentence, not on a line of its own


def _titles(skeleton: Skeleton, before: int, bounds: set[int]) -> list[_Title]:
    """Every '<organ><year>年…年度报告' printed before ``before``: the organ's name runs back from the year over
    name characters, to a space, punctuation or the end of a heading (``bounds``)."""
    found = []
    for match in _TITLE.finditer(skeleton.text, 0, before):
        start = match.start()
        while start > 0 and start not in bounds and _AGENCY_CHARS.match(skeleton.text[start - 1]):
            if start < match.start() and skeleton.origin[start] - skeleton.origin[start - 1] > 1:
                break  # a space in the printed text: the name does not run across it (except before the year)
            start -= 1
        weak = start > 0 and skeleton.text[start - 1] in "，,。；;、" and start not in bounds
        found.append(_Title(start, match.start(), match.end(), match.group()[:4], weak))
    return found


def title_span(skeleton: Skeleton, before: int, bounds: set[int]) -> tuple[int, int] | None:
    """The report's own title among the titles printed before part 二.

    A page prints its own title several times (window title, heading, metadata table) and other years' titles once
    each (a list of the column's reports): the year printed most often is the report's, and the organ's name is the
    longest ending its printings share. A single title printed inside a sentence ('现向社会公布XX局2023年度…报告')
    gives the longest ending of the name the report prints again elsewhere.
    """
    titles = _titles(skeleton, before, bounds)
    if not titles:
        return None
    years = [title.year for title in titles]
    year = max(years, key=lambda y: (years.count(y), -years.index(y)))
    own = [title for title in titles if title.year == year]
    names = [skeleton.text[title.start : title.name_end] for title in own]
    first = own[0]
    if len(own) > 1:
        shared = _shared_ending(names)
        if len(shared) >= 2:
            return skeleton.printed(first.name_end - len(shared)), skeleton.printed(first.end - 1) + 1
    if first.weak:
        name = names[0]
        for cut in range(len(name) - 3):  # the longest ending of four characters or more printed again
            if skeleton.text.count(name[cut:]) > 1:
                return skeleton.printed(first.name_end - len(name) + cut), skeleton.printed(first.end - 1) + 1
    return skeleton.printed(first.start), skeleton.printed(first.end - 1) + 1


def _shared_ending(names: list[str]) -> str:
    """The longest ending at least two of the names share."""
    best = ""
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            length = 0
            while length < min(len(a), len(b)) and a[len(a) - 1 - length] == b[len(b) - 1 - length]:
                length += 1
            if length > len(best):
                best = a[len(a) - length :]
    return best
