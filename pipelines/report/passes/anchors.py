"""The form's labels as the row stream finds them in text that lost its line breaks: anchors, and a skeleton.

A skeleton is a row's text folded (NFKC, radical forms, no whitespace) with, for every folded character, where it
was printed, so a label found in it maps back to the printed characters. An anchor is a label of the form with its
printings, its ordinal and what kind of label it is (a section heading, a table's header, a row, a group of rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipelines.report.form import Form, Label, Template
from pipelines.report.normalize import fold

CJK_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Anchor:
    """A printed label the stream can be cut at: its folded printings, the ordinal the form gives it, its kind."""

    key: str
    printings: tuple[str, ...]
    ordinal: str | None
    kind: str  # heading | row | group | header
    part: str | None = None

    @property
    def needs_ordinal(self) -> bool:
        """Labels too short to be told apart from other text (其他, 总计) count only with their ordinal printed."""
        return min(len(p) for p in self.printings) <= 3 and self.ordinal is not None


class Skeleton:
    """A row's text folded (NFKC, radicals, no whitespace) with, for every folded character, where it was printed."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            for folded in _fold_char(char):
                chars.append(folded)
                origin.append(index)
        self.text = "".join(chars)
        self.origin = [*origin, len(text)]

    def printed(self, at: int) -> int:
        """Where the folded character ``at`` was printed (the end of the text for the end of the skeleton)."""
        return self.origin[at]

    def find(self, printings: tuple[str, ...], start: int = 0) -> tuple[int, int] | None:
        """The first occurrence at or after ``start`` of any printing (the longest where two start together)."""
        best: tuple[int, int] | None = None
        for printing in printings:
            at = self.text.find(printing, start)
            if at >= 0 and (best is None or at < best[0] or (at == best[0] and at + len(printing) > best[1])):
                best = (at, at + len(printing))
        return best

    def markup_before(self, at: int) -> int:
        """Where a heading's Markdown marks ('## ') before ``at`` start."""
        while at and self.text[at - 1] == "#":
            at -= 1
        return at

    def numeral_before(self, at: int) -> int | None:
        """Where a section ordinal printed just before ``at`` starts ('二、', '四.'), whichever numeral it is."""
        if at < 2 or self.text[at - 1] not in "、." or self.text[at - 2] not in CJK_NUMERALS:
            return None
        start = at - 2
        while start and self.text[start - 1] in CJK_NUMERALS:
            start -= 1
        if start and self.text[start - 1] in "(（":
            return None  # （二）… is a subsection of the narrative
        return start

    def ordinal_before(self, at: int, ordinal: str | None) -> int | None:
        """Where the ordinal printed just before ``at`` starts ('二、', '(三)', '2.'), or None."""
        if not ordinal:
            return None
        for printed in _ordinal_printings(ordinal):
            if self.text.startswith(printed, at - len(printed)):
                return at - len(printed)
        return None


@cache
def _fold_char(char: str) -> str:
    return "" if char.isspace() else fold(char)


@cache
def _ordinal_printings(ordinal: str) -> tuple[str, ...]:
    core = fold(ordinal).strip("()")
    if core.isdigit():
        return (f"{core}.", f"{core}、", f"({core})", f"{core},")
    if all(char in CJK_NUMERALS for char in core):
        if fold(ordinal).startswith("("):
            return (f"({core})",)
        return (f"{core}、", f"{core}.", f"{core},")
    return (fold(ordinal),)


def _printings(label: Label) -> tuple[str, ...]:
    return tuple(sorted({fold(p) for p in label.printings if p}, key=len, reverse=True))


@cache
def section_anchors(form: Form) -> tuple[Anchor, ...]:
    return tuple(Anchor(s.key, _printings(s), s.ordinal, "heading") for s in form.sections)


@cache
def table_starts(form: Form) -> dict[str, tuple[Anchor, ...]]:
    """What each table part prints first: part 二 its first band or caption, part 三 its note or first row (with its
    ordinal), part 四 its two block groups' labels side by side. A heading is taken without its ordinal where its
    table follows, and a dump whose headings are missing is still cut where each table starts."""
    items = form.all_items()
    first_row = form.all_application_rows()[0]
    blocks = form.review_blocks
    review = fold(blocks[0].label + next((b.group for b in blocks if b.group), "") or "")
    return {
        "active_disclosure": (
            Anchor("band", (fold(items[0].band),), None, "header"),
            Anchor("caption", (fold(form.headers["active_disclosure"]),), None, "header"),
        ),
        "applications": (
            Anchor("note", (fold(form.headers["applications_note"])[:8],), None, "header"),
            Anchor(first_row.key, _printings(first_row), first_row.ordinal, "row"),
        ),
        "review_litigation": (Anchor("blocks", (review,), None, "header"),),
    }


@cache
def part_anchors(form: Form, part: str) -> tuple[tuple[Anchor, ...], ...]:
    """The labels a table part is cut at, in the order each template prints them (one sequence per template)."""
    return tuple(_template_anchors(form, template, part) for template in form.templates.values() if template.has_tables)


def _template_anchors(form: Form, template: Template, part: str) -> tuple[Anchor, ...]:
    anchors: list[Anchor] = []
    if part == "active_disclosure":
        header = (fold(form.headers["active_disclosure"]),)
        bands_seen: set[str] = set()
        for item in template.items:
            if item.band and item.band not in bands_seen:
                bands_seen.add(item.band)
                anchors.append(Anchor(item.band, (fold(item.band),), None, "header", part))
                anchors.append(Anchor("caption", header, None, "header", part))
            anchors.append(Anchor(item.key, _printings(item), None, "row", part))
    elif part == "applications":
        anchors.append(Anchor("note", (fold(form.headers["applications_note"]),), None, "header", part))
        anchors.append(Anchor("applicants", (fold(form.headers["applicants"]),), None, "header", part))
        groups = {group.key: group for group in form.groups}
        seen: set[str] = set()
        for row in template.rows:
            if row.group and row.group not in seen and row.group in groups:
                seen.add(row.group)
                group = groups[row.group]
                anchors.append(Anchor(group.key, _printings(group), group.ordinal, "group", part))
            anchors.append(Anchor(row.key, _printings(row), row.ordinal, "row", part))
    return tuple(anchors)
