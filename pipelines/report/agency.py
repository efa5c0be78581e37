"""The organ's name as the whole report prints it: a title whose name the body never prints, while the body prints a
name one character different again and again, is an OCR slip in the title (郑卅 for 郑州) — read as the body has it.

The title names the organ once; the narrative names it many times ('2023 年，郑州市公安局严格执行…'). Where the
two disagree by one character and the title's spelling appears nowhere else, the body's spelling is the organ's
name, and a warning names both. A name the body does not repeat is left as the title prints it (the organ
registry's fuzzy match is the next safeguard).
"""

from __future__ import annotations

import re
from collections import Counter

from pipelines.findings import FindingsLog
from pipelines.report.normalize import fold

_CJK = re.compile(r"[\u4e00-\u9fff]")
_REPEATED = 2  # the body must print the other spelling at least this often


def confirmed_agency(agency: str | None, title: str | None, body: str, log: FindingsLog) -> str | None:
    if not agency or len(agency) < 3:
        return agency
    body, title = fold(body), fold(title or "")
    outside = body.count(agency) - (body.count(title) if title and agency in title else 0)
    if outside > 0:
        return agency
    patterns = "|".join(re.escape(agency[:i]) + "." + re.escape(agency[i + 1 :]) for i in range(len(agency)))
    spellings = Counter(m for m in re.findall(patterns, body) if m != agency)
    spellings = Counter({name: count for name, count in spellings.items() if _one_cjk_slip(agency, name)})
    if not spellings:
        return agency
    name, count = spellings.most_common(1)[0]
    if count < _REPEATED or (len(spellings) > 1 and spellings.most_common(2)[1][1] == count):
        return agency
    log.warning(
        "identity.agency_lookalike",
        f"the title names the organ '{agency}', printed nowhere else; the report prints '{name}' {count} times: "
        f"read as '{name}'",
        form_key="agency",
        printed=agency,
        read=name,
        times=count,
    )
    return name


def _one_cjk_slip(printed: str, other: str) -> bool:
    differ = [(a, b) for a, b in zip(printed, other, strict=True) if a != b]
    return len(differ) == 1 and all(_CJK.match(char) for char in differ[0])
