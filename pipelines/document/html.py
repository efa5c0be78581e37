"""HTML → Document: the report's own text and tables, without the portal's chrome.

Portal pages wrap a Word-pasted report in navigation, menus, breadcrumbs, sidebars and footers. The reader finds
the report's content container generically (no portal selectors): the nearest ancestor of the page's largest data
table (part 三 of a report) that holds most of the page's non-link text and nearly all its table cells; on a page
without data tables, the child of <body> holding most of the non-link text, descended into until the text splits.
Scripts, styles, forms and <nav>/<header>/<footer>/<aside> never count, nor do hidden blocks or link lists inside
the container. Inside the container, block elements start new lines and inline elements join with no
separator, so a number Word split across runs (`20</span><span>23`) reads "2023". Whitespace the author typed
(U+00A0, U+3000) is kept; whitespace of the HTML source collapses as a browser collapses it. A table that holds
tables is layout and is read through; every other table with two or more columns is a data Table, each printed
cell once with its rowspan/colspan and its grid row and column, empty cells kept (blank is not zero).

Speed matters (a crawl reads hundreds of thousands of pages), so text is taken with lxml's C serializer: cell
starts and block boundaries are marked in the tree with noncharacters, then each table and the container are
serialized as text once and split at the marks, instead of visiting every Word <span> from Python.
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.document.decode import decode_with_origin
from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Block, Cell, Document, Location, Paragraph, Table
from pipelines.findings import FindingsLog

MEDIA_TYPE = "text/html"

# Never text of the report: code, forms, embedded objects and the page's semantic chrome.
_SKIP = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "select", "option", "button",
    "input", "textarea", "svg", "canvas", "map", "nav", "header", "footer", "aside", "menu", "head", "title",
)  # fmt: skip
_BLOCK = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody",
    "thead", "tfoot", "tr", "td", "th", "caption", "section", "article", "main", "blockquote", "pre", "address",
    "center", "form", "fieldset", "legend", "hr", "figure", "figcaption", "details", "summary",
)  # fmt: skip
_BLOCKS = frozenset(_BLOCK)
_CELL = "\ufdd2"  # marks where each cell's text starts when a table is serialized at once
_LINE = "\ufdd0"  # a noncharacter: never in a real page, so it can mark line breaks in the tree
_TABLE = "\ufdd1"  # marks where a data table stood in the container's text
_SOURCE_SPACES = " \t\n\r\f\v"  # HTML's whitespace; U+00A0 and U+3000 are text the author typed
_SOURCE_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_COLLAPSIBLE = (_LINE, "\n", "\r", "  ", "\t", "\f", "\v")  # what _clean or a line mark changes in a stripped text
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# A source line break between two CJK characters is the editor wrapping a line, not a space the author typed.
_CJK_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t]*[\r\n][ \t\r\n]*(?=[{_CJK}])")
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|--)\s*")
_TITLE_SEPARATORS_LOOSE = re.compile(r"\s*[-–—_|｜]\s*")

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_DISPLAY_NONE = re.compile(rb"display\s*:\s*none")  # matched in the lowercased page
_BYTE_SPACES = frozenset(b" \t\n\r\f\v")  # what \s matches in a bytes pattern
_COLON = ord(":")
_HIDDEN_WORD = re.compile(rb"(?<=[\s])hidden(?=[\s=>/])")
_HIDDEN_ATTRIBUTE = etree.XPath(".//*[@hidden]")
_LEADING_DIGITS = re.compile(r"\s*(\d+)")
_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")
_LINK_TEXTS = etree.XPath(".//a//text()", smart_strings=False)
_DOMINANT_TEXT = 0.6
_DOMINANT_CELLS = 0.8
_LINK_HEAVY = 0.5


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    """Read an HTML page into a Document (reader findings for guessed encodings and missing content)."""
    decoded = decode_with_origin(data, source, declared_encoding, html=True)
    log = FindingsLog(source, "read")
    if decoded.origin == "utf-8-over-declared":
        log.info(
            "html.encoding_mislabelled",
            f"declared {decoded.declared} but the bytes are UTF-8; read as UTF-8",
            declared=decoded.declared,
        )
    elif decoded.origin == "lossy":
        log.warning(
            "html.encoding_damaged",
            f"{decoded.replaced} undecodable byte sequence(s) in {decoded.encoding} replaced by U+FFFD",
            encoding=decoded.encoding,
            replaced=decoded.replaced,
        )
    elif decoded.origin in ("gb18030", "detected", "weak-declared"):
        log.info(
            "html.encoding_guessed",
            f"no usable charset declared; read as {decoded.encoding} ({decoded.origin})",
            encoding=decoded.encoding,
        )
    utf8 = data if decoded.encoding in ("utf-8", "utf-8-sig") else decoded.text.encode("utf-8")
    root = _parse(utf8, source)
    title = _title(root)
    etree.strip_elements(root, *_SKIP, with_tail=False)
    body = next(root.iterchildren("body"), root)
    grids = _data_tables(body)
    container, found = _container(body, grids)
    if not found:
        log.warning(
            "html.no_content_container",
            "no content container told apart from the site's chrome; the text of the whole page is kept",
        )
    blocks = _blocks(container, grids, *_hiding(utf8))
    if not blocks:
        log.warning("html.no_content", "the page holds no text")
    return Document(source, sha256, MEDIA_TYPE, blocks=blocks, title=title, findings=log.findings)


def _parse(utf8: bytes, source: str) -> etree._Element:
    if utf8.startswith(b"\xef\xbb\xbf"):
        utf8 = utf8[3:]
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(utf8, parser)
    except (etree.ParserError, ValueError) as error:
        raise UnreadableDocument(source, f"unparseable HTML: {error}") from error
    if root is None:
        raise UnreadableDocument(source, "unparseable HTML: no document element")
    return root


def _hiding(page: bytes) -> tuple[bool, bool]:
    """Whether the page's body can hide blocks by style (display:none, visibility:hidden) and whether any element
    can carry the hidden attribute: only then is every block's style, or every element, worth checking.

    The patterns count only inside a tag (an inline style or an attribute, not CSS or text). bytes.find is slow on
    UTF-8 Chinese (~1 ns a byte), so the page is scanned for two words, not three: each "hidden" is either the
    attribute or the end of visibility:hidden."""
    lowered = page.lower()
    body = max(lowered.find(b"<body"), 0)
    styles = _in_a_tag(lowered, body, b"display", _DISPLAY_NONE)
    attributes = False
    start = lowered.find(b"hidden", body)
    while start != -1 and not (styles and attributes):
        if _inside_tag(lowered, start):
            attributes = attributes or _HIDDEN_WORD.match(lowered, start) is not None
            styles = styles or _after_visibility(lowered, body, start)
        start = lowered.find(b"hidden", start + 1)
    return styles, attributes


def _in_a_tag(page: bytes, start: int, word: bytes, pattern: re.Pattern[bytes]) -> bool:
    """Whether ``pattern`` (starting with ``word``) occurs from ``start`` on inside a tag."""
    start = page.find(word, start)
    while start != -1:
        if pattern.match(page, start) and _inside_tag(page, start):
            return True
        start = page.find(word, start + 1)
    return False


def _inside_tag(page: bytes, at: int) -> bool:
    return page.rfind(b"<", 0, at) > page.rfind(b">", 0, at)


def _after_visibility(page: bytes, body: int, at: int) -> bool:
    """Whether ``visibility\\s*:\\s*`` ends at ``at`` and starts in the body."""
    at -= 1
    while at >= body and page[at] in _BYTE_SPACES:
        at -= 1
    if at < body or page[at] != _COLON:
        return False
    at -= 1
    while at >= body and page[at] in _BYTE_SPACES:
        at -= 1
    start = at + 1 - len(b"visibility")
    return start >= body and page.startswith(b"visibility", start)


def _drop(element: etree._Element) -> None:
    """Remove an element and its content, keeping its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _text(element: etree._Element) -> str:
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _clean(text: str) -> str:
    """Collapse the HTML source's whitespace as a browser does (a line wrap between CJK characters is no space)."""
    text = text.strip(_SOURCE_SPACES)
    if "\n" in text or "\r" in text:
        text = _SOURCE_SPACE.sub(" ", _CJK_WRAP.sub("", text))
    elif "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _SOURCE_SPACE.sub(" ", text)
    return text


# --- title -------------------------------------------------------------------------------------------------------


def _title(root: etree._Element) -> str | None:
    """The report's title: <meta name=ArticleTitle>; else the longest <h1> that a <title> repeats (or that extends
    the title), unless it is much shorter than the title (a site-name logo); else the longest part of <title>
    (pages title themselves 'report title_site name'); else the first <h1>."""
    titles: list[str] = []
    headings: list[str] = []
    for element in root.iter("meta", "title", "h1"):
        if element.tag == "meta":
            if (element.get("name") or "").lower() == "articletitle" and _clean(element.get("content") or ""):
                return _clean(element.get("content") or "")
            continue
        text = _clean(_text(element))
        if text:
            (titles if element.tag == "title" else headings).append(text)
    if not titles:
        return headings[0] if headings else None
    parts = [part for part in _TITLE_SEPARATORS.split(titles[0]) if part]
    if len(parts) == 1:
        parts = [part for part in _TITLE_SEPARATORS_LOOSE.split(titles[0]) if part]
    longest = max(parts, key=len) if parts else titles[0]
    repeated = [heading for heading in headings if longest in heading or any(heading in title for title in titles)]
    best = max(repeated, key=len, default="")
    return best if len(best) * 2 >= len(longest) else longest


# --- data tables -------------------------------------------------------------------------------------------------


class _Grid:
    """A data table as parsed: each row (<tr>) with its cells (its <td>/<th> children), how many cells the
    container's search counts for it (every child of every row), and its <br>s (their cells print several lines).
    Found once for the whole page, since both the search for the content container and the reading of its tables
    need them."""

    __slots__ = ("breaks", "cells", "rows")

    def __init__(
        self, rows: list[tuple[etree._Element, list[etree._Element]]], cells: int, breaks: list[etree._Element]
    ) -> None:
        self.rows = rows
        self.cells = cells
        self.breaks = breaks


def _data_tables(root: etree._Element) -> dict[etree._Element, _Grid]:
    """Every data table under ``root``: a table with no table inside and a row of two or more cells (anything else
    is layout, read through)."""
    grids = {}
    for table in root.iter("table"):
        grid = _grid(table)
        if grid is not None:
            grids[table] = grid
    return grids


def _grid(table: etree._Element) -> _Grid | None:
    """The rows of a table, or None if it holds a table or no row has two cells.

    One walk over the table for rows, cells, line breaks and tables inside (a cell belongs to the row it is a child
    of; the parser leaves stray cells outside rows, which no row reads), instead of a child iterator per row (twice
    the cost) and a walk for each of the others."""
    rows: list[tuple[etree._Element, list[etree._Element]]] = []
    cells: list[etree._Element] = []
    breaks: list[etree._Element] = []
    tr = None
    count = 0
    wide = False
    walk = table.iter("tr", "td", "th", "br", "table")
    next(walk)  # the table itself
    for element in walk:
        tag = element.tag
        if tag == "br":
            breaks.append(element)
        elif tag == "table":
            return None
        elif tag == "tr":
            tr, cells = element, []
            rows.append((tr, cells))
            children = len(tr)
            count += children
            wide = wide or children >= 2
        else:
            parent = element.getparent()
            if parent is tr:
                cells.append(element)
            elif parent is not None and parent.tag == "tr":  # a cell after a row nested in its row
                next(row_cells for row, row_cells in rows if row is parent).append(element)
    return _Grid(rows, count, breaks) if wide else None


def _is_data_table(element: etree._Element) -> bool:
    if element.tag != "table" or next(element.iterdescendants("table"), None) is not None:
        return False
    return any(len(row) >= 2 for row in element.iter("tr"))


# --- the content container ---------------------------------------------------------------------------------------


def _container(body: etree._Element, grids: dict[etree._Element, _Grid]) -> tuple[etree._Element, bool]:
    """The element holding the report: returns it and whether it is narrower than the whole page.

    A report page's largest data table is part 三 of the report; the container is its nearest ancestor holding most
    of the page's non-link text and nearly all its table cells. Without data tables, descend from <body> into the
    child holding most of the non-link text until the text splits among children.
    """
    body_weight = _weight(body)
    if body_weight == 0:
        return body, False
    if grids:
        # Cells under each ancestor, from one walk up from each table (not a walk per table per ancestor tried).
        inside: dict[etree._Element, int] = {}
        for table, grid in grids.items():
            for ancestor in table.iterancestors():
                inside[ancestor] = inside.get(ancestor, 0) + grid.cells
        node = max(grids, key=lambda table: grids[table].cells).getparent()
        total = sum(grid.cells for grid in grids.values())
        while node is not body:
            if inside.get(node, 0) >= _DOMINANT_CELLS * total and _weight(node) >= _DOMINANT_TEXT * body_weight:
                break
            node = node.getparent()
    else:
        node, weight = body, body_weight
        while True:
            best, best_weight = None, 0.0
            for child in node:
                if isinstance(child.tag, str) and _TEXT_LENGTH(child) >= _DOMINANT_TEXT * weight:
                    child_weight = _weight(child)
                    if child_weight > best_weight:
                        best, best_weight = child, child_weight
            if best is None or best_weight < _DOMINANT_TEXT * weight or not _has_blocks(best):
                break
            node, weight = best, best_weight
    return node, node is not body or next(body.iter("a"), None) is None


def _weight(element: etree._Element) -> float:
    """Characters of text that are not link text (navigation is links; a report is prose and numbers)."""
    total = _TEXT_LENGTH(element)
    if not total:
        return 0.0
    return max(total - sum(len(text.strip()) for text in _LINK_TEXTS(element)), 0.0)


def _has_blocks(element: etree._Element) -> bool:
    return next(element.iterdescendants(*_BLOCK, "br"), None) is not None


# --- reading the container ---------------------------------------------------------------------------------------


def _blocks(
    container: etree._Element, grids: dict[etree._Element, _Grid], hidden_styles: bool, hidden_attributes: bool
) -> list[Block]:
    """Paragraphs and data tables of the container, in reading order.

    Data tables are read first and replaced by a placeholder line (after their <caption>, if any, as a paragraph),
    so that only the narrative's blocks need line marks. Hidden blocks (display:none, the hidden attribute) are
    dropped; ``hidden_styles`` says whether the page can hold any (``hidden_attributes`` likewise), which spares
    checking every block on pages that cannot. The page's data tables are found again only if something was
    dropped (a dropped row or nested table changes what a table holds).
    """
    dropped = False
    for block in _link_heavy(container):
        _drop(block)
        dropped = True
    hidden = [node for node in container.iter(*_BLOCK) if _is_hidden(node)] if hidden_styles else []
    if hidden_attributes:
        hidden += _HIDDEN_ATTRIBUTE(container)
    if hidden:
        dropped = True
        for element in hidden:
            if not any(ancestor in hidden for ancestor in element.iterancestors()):
                _drop(element)
    if dropped:
        grids = _data_tables(container)
    tables: list[Table] = []
    for element in [table for table in container.iter("table") if table in grids]:
        caption = next(element.iterchildren("caption"), None)
        title = _clean(_text(caption)) if caption is not None else ""
        tables.append(_table(element, grids.pop(element), len(tables)))
        # The table becomes its placeholder line: cheaper than a new element, and cheapest once the cells read are
        # let go (lxml moves a removed node that Python still holds into a document of its own).
        element.clear(keep_tail=True)
        element.tag = "p"
        element.text = f"{title}{_LINE}{_TABLE}{len(tables) - 1}{_TABLE}"
    _mark_lines(container)
    blocks: list[Block] = []
    line_number = 0
    for raw in _text(container).split(_LINE):
        if raw.isspace() or not raw:
            continue  # a blank paragraph (Word's <p>&nbsp;</p> spacers) says nothing
        line = _clean(raw)
        if line[0] == _TABLE and line[-1] == _TABLE:
            blocks.append(tables[int(line[1:-1])])
        else:
            line_number += 1
            blocks.append(Paragraph(line, Location(line=line_number)))
    return blocks


def _mark_lines(element: etree._Element) -> None:
    """Put a line mark where every block (and every <br>) starts and ends, for the text serializer to keep.

    A block's start is marked at the end of the text before it (its previous sibling's tail, or its parent's text),
    not at the start of its own text: the same place in the serialized text, but that text is short (source
    whitespace), while a paragraph's own text is long and lxml copies and checks every character it is given."""
    for node in element.iter():
        tag = node.tag
        if tag == "br":
            pass
        elif tag in _BLOCKS:
            previous = node.getprevious()
            if previous is not None:
                tail = previous.tail
                previous.tail = tail + _LINE if tail else _LINE
            else:
                parent = node.getparent()
                if parent is not None:
                    text = parent.text
                    parent.text = text + _LINE if text else _LINE
        else:
            continue
        tail = node.tail
        node.tail = _LINE + tail if tail else _LINE


def _is_hidden(element: etree._Element) -> bool:
    style = element.get("style")
    return (
        style is not None
        and ("isplay" in style or "ISPLAY" in style or "isibility" in style or "ISIBILITY" in style)
        and _HIDDEN_STYLE.search(style) is not None
    )


def _link_heavy(container: etree._Element) -> list[etree._Element]:
    """Blocks inside the container that are mostly links: related-report lists, share bars, pagers."""
    counts: dict[etree._Element, int] = {}
    for link in container.iter("a"):
        parent = link.getparent()
        while parent is not None and parent is not container:
            counts[parent] = counts.get(parent, 0) + 1
            parent = parent.getparent()
    heavy = []
    for element, count in counts.items():
        if count < 2 or element.tag not in _BLOCKS or _is_data_table(element):
            continue
        total = _TEXT_LENGTH(element)
        if total and sum(len(text.strip()) for text in _LINK_TEXTS(element)) >= _LINK_HEAVY * total:
            heavy.append(element)
    return [element for element in heavy if not any(ancestor in heavy for ancestor in element.iterancestors())]


# --- reading a data table ----------------------------------------------------------------------------------------


def _span(value: str) -> int:
    """A rowspan/colspan as browsers read it: leading digits count ('2;', '2.0', '3px'); anything else is 1."""
    if value.isdecimal():
        span = int(value)
    else:
        digits = _LEADING_DIGITS.match(value)
        span = int(digits.group(1)) if digits else 1
    return span if span > 0 else 1


def _cell_texts(table: etree._Element, cells: list[etree._Element], breaks: list[etree._Element]) -> list[str]:
    """Every cell's text, from one serialization of the table: a mark starts each cell's text, and cells that may
    print more than one line get line marks inside (their lines join with newlines); runs within a line join as
    they are. A cell may print several lines if it has several child elements (Word's one <p> per cell is one
    line) or a <br> anywhere inside; marking lines in a cell of inline runs changes nothing, so a loose test is
    enough, and most cells need no line marks."""
    multiline = []
    for cell in cells:
        if len(cell) > 1:
            multiline.append(cell)
        text = cell.text
        cell.text = _CELL + text if text else _CELL
    for br in breaks:
        cell = next((ancestor for ancestor in br.iterancestors("td", "th")), None)
        if cell is not None and cell not in multiline:
            multiline.append(cell)
    for cell in multiline:
        for child in cell:
            _mark_lines(child)
    raws = _text(table).split(_CELL)[1:]
    texts = [raw.strip(_SOURCE_SPACES) for raw in raws]
    joined = _CELL.join(texts)
    if not any(mark in joined for mark in _COLLAPSIBLE):
        return texts  # most tables: every cell's text is clean once stripped (checked at once, not cell by cell)
    for at in sorted(_holding(joined, _COLLAPSIBLE)):
        text = texts[at]
        if _LINE in text:
            parts = [_clean(part) for part in text.split(_LINE) if part.strip(_SOURCE_SPACES)]
            texts[at] = "\n".join(part for part in parts if part)
        else:
            texts[at] = _clean(text)  # the stripped text, as _clean strips first
    return texts


def _holding(joined: str, marks: tuple[str, ...]) -> set[int]:
    """The indexes of the cell texts (joined by _CELL) that hold any of ``marks``: found with str.find over the
    joined text, not by testing every cell (a table with one such cell among 300 costs 60 µs less)."""
    found: set[int] = set()
    for mark in marks:
        at = joined.find(mark)
        while at != -1:
            found.add(joined.count(_CELL, 0, at))
            end = joined.find(_CELL, at)
            if end == -1:
                break
            at = joined.find(mark, end)
    return found


def _spacer(tr: etree._Element) -> bool:
    """Word's zero-height row of empty cells that fixes column widths (<tr height=0>): not a printed row."""
    return tr.get("height") == "0" and not _text(tr).strip(_SOURCE_SPACES)


def _table(element: etree._Element, grid: _Grid, index: int) -> Table:
    """Printed rows with each cell's grid position: a merged cell occupies the slots its spans cover.

    This is the reader's per-cell loop, the work a bare grid extraction does too, so it does no more per cell than
    it must: the spans are read only where a cell has them, rows of cells that span nothing skip the bookkeeping."""
    printed = [cells for tr, cells in grid.rows if not (tr.get("height") == "0" and _spacer(tr))]
    texts = _cell_texts(element, [cell for cells in printed for cell in cells], grid.breaks)
    rows: list[list[Cell]] = []
    occupied: dict[int, set[int]] = {}
    next_text = 0
    for row, tds in enumerate(printed):
        taken = occupied.pop(row, None)
        col = 0
        cells: list[Cell] = []
        for td in tds:
            if taken:
                while col in taken:
                    col += 1
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            rows_spanned = _span(rowspan) if rowspan else 1
            columns_spanned = _span(colspan) if colspan else 1
            cells.append(Cell(texts[next_text], Location(index, row, col), rows_spanned, columns_spanned))
            next_text += 1
            if rows_spanned > 1:
                for below in range(row + 1, row + rows_spanned):
                    occupied.setdefault(below, set()).update(range(col, col + columns_spanned))
            col += columns_spanned
        if cells:
            rows.append(cells)
    return Table(rows=rows, index=index, location=Location(table=index))
