"""Titles, read once for the whole product: is this the annual report, the report's tables, a document *about*
the report, or something else — and which organ and year does it name.

The crawler asks it of every listed link and page title, the parser of every document's title (through
``pipelines.report.identify``), discovery of column names; nobody keeps a second list of words. A report title
is organ + year + the report phrase (政府信息公开工作年度报告, 信息公开年报 …). Documents about the report (解读,
通知, 编制说明, 填报说明, 提纲, 模板, 报告格式 …) are archived but never taken as reports; the report's tables
published as a file of their own (…年度报告统计表.xls) belong to the report. Look-alikes that are not about
information disclosure (政府网站工作年度报表, 法治政府建设年度报告, 住房公积金年度报告) never match, because the
phrase must say 信息公开.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

_SPACE = re.compile(r"[\s\u3000\u00a0\u2002\u200b]+")
_CJK_YEAR = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CJK_YEAR_RUN = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")

DISCLOSURE = r"(?:政府信息|政务信息|信息|政务)公开"
"""'…信息公开' in the forms titles print it; the report phrase must contain it."""
PHRASE = DISCLOSURE + r"(?:工作)?(?:情况)?(?:的)?(?:年度)?(?:工作)?(?:报告|年报|报表)"
"""The report phrase (政府信息公开工作年度报告, 信息公开年报 …): the one pattern every reader of titles uses."""
YEAR = r"(?:19|20)\d{2}\s*年(?:度)?(?:的)?"
"""The year a title names (2023年, 2023年度), as printed before the phrase."""
_REPORT = re.compile(
    r"(?P<head>.*?)[《〈“\"]?(?P<year>(?:19|20)\d{2})\s*年(?:度)?(?:的)?(?P<between>[^\d《》]{0,30}?)(?P<phrase>"
    + PHRASE
    + r")(?P<tail>.*)$"
)
ABOUT_WORDS = (
    "解读",
    "图解",
    "问答",
    "答记者问",
    "通知",
    "通报",
    "公告",
    "公示",
    "函",
    "要点",
    "计划",
    "方案",
    "意见",
    "征求",
    "办法",
    "规定",
    "制度",
    "指南",
    "目录",
    "清单",
    "落实情况",
    "填报说明",
    "编制说明",
    "说明",
    "提纲",
    "模板",
    "范本",
    "样表",
    "样式",
    "格式",
    "培训",
    "会议",
    "讲话",
    "评估",
    "考核",
    "检查",
    "督查",
    "报送",
)
"""Words that make a title a document *about* the report (or about disclosure work), never the report itself."""
_ABOUT = re.compile("|".join(sorted(ABOUT_WORDS, key=len, reverse=True)))
_ORGAN_WORDS_WITH_ABOUT = re.compile(r"计划生育|规划|意见箱")
"""Organ names that contain an about-word (卫生和计划生育委员会) are not about-words."""
_TABLES = re.compile(r"^(?:附件\d*[:：]?)?(?:的)?(?:附表|统计表|统计报表|数据表|表格|附表\d*)")
_TAIL_END = re.compile(r"[，。；;,《〈“:：!！?？]")
TAIL_LENGTH = 20
_SITE_SEPARATOR = re.compile(r"[_|｜]|\s[-—－]\s")
"""What page titles put between the document's title and the site's or column's name."""
_QUOTES = re.compile(r"^[《〈“\"'【\[（(]+|[》〉”\"'】\]）)：:，,。\-—_]+$")
_JUNK_PREFIX = re.compile(
    r"^(?:正文|标题[:：]?|#+|关于|附件\d*[:：]?|[\d.、．]+(?=\D)|[（(]?[一二三四五六七八九十]+[)）、])+"
)
_PRONOUNS = frozenset(
    {
        "本机关",
        "本单位",
        "本部门",
        "本局",
        "本委",
        "本办",
        "我局",
        "我委",
        "我办",
        "我单位",
        "我部门",
        "政府",
        "年度",
        "全年",
        "本年度",
    }
)
_COLUMN = re.compile(DISCLOSURE + r"(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)|工作报表|公开年报")
_COLUMN_LOOKALIKES = re.compile(r"网站|法治|公积金|决算|预算|统计年鉴|审计|社会责任|环境")


class Kind(StrEnum):
    """What a title says the document is."""

    REPORT = "report"
    """The annual report (政府信息公开工作年度报告) of an organ and a year."""
    TABLES = "tables"
    """The report's statistical tables published as a file of their own: part of that report."""
    ABOUT = "about"
    """A document about the report or about disclosure work (解读, 通知, 编制说明 …): archived, never a report."""
    OTHER = "other"
    """Anything else."""


@dataclass(frozen=True)
class Title:
    """The verdict on one title: its kind, the organ and year it names (None when it names none), and why."""

    kind: Kind
    organ: str | None = None
    year: int | None = None
    reason: str = ""

    @property
    def is_report(self) -> bool:
        """The report itself or its tables: what the archive counts toward an organ-year."""
        return self.kind in (Kind.REPORT, Kind.TABLES)


def clean(text: str | None) -> str:
    """The comparable form of a title: NFKC (full-width and Kangxi radical forms folded), no whitespace, years
    written in Chinese numerals (二〇二三年) as digits."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _CJK_YEAR_RUN.sub(lambda match: match.group(0).translate(_CJK_YEAR), text)
    return _SPACE.sub("", text)


def _about_word(text: str) -> str | None:
    match = _ABOUT.search(_ORGAN_WORDS_WITH_ABOUT.sub("", text))
    return match.group(0) if match else None


def _title_tail(tail: str) -> str:
    """What follows the report phrase as part of the title (》解读, 编制工作的通知, 统计表): up to the first sentence
    punctuation or opening quote — a line of running text goes on past the title (根据《…规定》的要求，…)."""
    return _TAIL_END.split(tail, maxsplit=1)[0][:TAIL_LENGTH]


def _organ(head: str, between: str) -> str | None:
    """The organ a title names: the words before the year, else those between the year and the phrase."""
    for part in (head, between):
        organ = _JUNK_PREFIX.sub("", part)
        organ = _QUOTES.sub("", organ).strip()
        organ = _QUOTES.sub("", organ).strip()
        organ = re.sub(r"(?:关于|的)$", "", organ)
        if organ and organ not in _PRONOUNS and not organ.isdigit() and len(organ) >= 2:
            return organ
    return None


def recognise(title: str | None, default_organ: str | None = None) -> Title:
    """The verdict on a listing, page or document title; the organ falls back to ``default_organ`` (the column's
    organ) when the title names none."""
    text = clean(title)
    if not text:
        return Title(Kind.OTHER, reason="no title")
    parts = [clean(part) for part in _SITE_SEPARATOR.split(unicodedata.normalize("NFKC", title or ""))]
    text = next((part for part in parts if _REPORT.search(part)), text)
    match = _REPORT.search(text)
    if not match:
        word = _about_word(text)
        if word and re.search(DISCLOSURE, text):
            return Title(Kind.ABOUT, reason=f"about disclosure work ({word}), no report title")
        return Title(Kind.OTHER, reason="no report title (organ, year, 政府信息公开…年度报告)")
    head, between, tail = match.group("head"), match.group("between"), _title_tail(match.group("tail"))
    word = _about_word(head) or _about_word(between) or _about_word(tail)
    if word:
        return Title(Kind.ABOUT, year=int(match.group("year")), reason=f"a document about the report ({word})")
    organ = _organ(head, between) or default_organ
    year = int(match.group("year"))
    if _TABLES.match(tail):
        return Title(Kind.TABLES, organ, year, "the report's tables as a file of their own")
    return Title(Kind.REPORT, organ, year, "report title")


def is_report_column(text: str | None) -> bool:
    """A link or column name that leads to the report column (政府信息公开年报, 信息公开年度报告, 工作报表 …), not a
    look-alike (政府网站工作年度报表, 法治政府建设年度报告, 住房公积金年度报告) and not a single report."""
    name = clean(text)
    if not name or len(name) > 24 or re.search(r"(?:19|20)\d{2}", name):
        return False
    return bool(_COLUMN.search(name)) and not _COLUMN_LOOKALIKES.search(name) and not _about_word(name)
