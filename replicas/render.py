"""A seed report rendered as a portal prints it: the page HTML, and the run-together text a flattened dump prints.

Tests, the file-format engineer (HTML → DOCX/DOC/XLSX/PDF) and the replica portals need report pages that look
like the real ones without copying any: the values come from a seed's expected JSON (real figures, never
invented), the narrative from the seed text as it is, and every label of the three tables from the form model
(`load_form()`), laid out like the official form — part 二 with 第二十条 band rows as colspan, part 三 with its
three-row header and 三、本年度办理结果 and the （三）… group labels as rowspan cells, part 四 with its three-row
header. Around them go the things real pages carry: site chrome (header, navigation with links to other years'
reports, breadcrumb, metadata table, footer, scripts and styles), Word-pasted runs that split digits across tags,
``&nbsp;`` in cells, blank cells for values the report left blank. GBK pages declare no charset anywhere.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.report.form import Form, Item, Template, load_form

STYLES = ("trs", "hanweb")
"""trs: TRS WCM page, <meta name=ArticleTitle>, body in <div class=TRS_Editor>, cells in <p style="text-indent: 0em;">.
hanweb: old table-laid-out JCMS page (the content sits in nested layout tables), body in <div id=zoom>, every run a
Word <span style=…><font face=…>, the rowspan group label split into one span per character."""
ENCODINGS = ("utf-8", "gbk")

_CJK_NUMERALS = "一二三四五六七八九十"
_OPEN_NOTE = ("(", "（")
_CLOSE_NOTE = (")", "）")


# --- the tables as printed rows ----------------------------------------------------------------------------------


@dataclass
class PrintedCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # label | value | header | band | group
    blank: bool = False


@dataclass
class PrintedTable:
    part: str
    rows: list[list[PrintedCell]] = field(default_factory=list)


def _number(value: Any) -> PrintedCell:
    if value is None:
        return PrintedCell("", kind="value", blank=True)
    if isinstance(value, float):
        return PrintedCell(repr(value), kind="value")
    return PrintedCell(str(value), kind="value")


def _numbered(ordinal: str | None, label: str) -> str:
    """'一' → '一、label'; '（一）' → '（一）label'; '1' → '1.label' — the form's own numbering."""
    if not ordinal:
        return label
    if ordinal.isdigit():
        return f"{ordinal}.{label}"
    if all(char in _CJK_NUMERALS for char in ordinal):
        return f"{ordinal}、{label}"
    return f"{ordinal}{label}"


def _template(form: Form, expected: dict) -> Template | None:
    template = expected.get("template")
    if template not in ("2021", "2019"):
        return None
    if template == "2021" and "other_handling" in expected.get("applications", {}):
        return form.templates["hybrid"]
    return form.templates[template]


def disclosure_table(form: Form, template: Template, expected: dict, caption: str) -> PrintedTable:
    """Part 二: one band row per 第二十条 item (colspan over the table), its header row, then its items."""
    disclosure = expected.get("active_disclosure", {})
    items = [item for item in template.items if item.key in disclosure]
    width = 1 + max((len(item.measures) for item in items), default=1)
    table = PrintedTable("active_disclosure")
    groups: list[list[Item]] = []
    for item in items:
        if groups and groups[-1][0].band == item.band and groups[-1][0].measures == item.measures:
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        measures = group[0].measures
        spans = [1] * (len(measures) - 1) + [width - len(measures)]
        table.rows.append([PrintedCell(group[0].band, colspan=width, kind="band")])
        header = [PrintedCell(caption, kind="header")]
        header += [PrintedCell(m.label, colspan=s, kind="header") for m, s in zip(measures, spans, strict=True)]
        table.rows.append(header)
        for item in group:
            row = [PrintedCell(item.label)]
            for measure, span in zip(measures, spans, strict=True):
                values = disclosure[item.key]
                cell = _number(values.get(measure.key))
                unit = values.get(f"{measure.key}_unit")
                if unit and not cell.blank:
                    cell.text += unit
                cell.colspan = span
                row.append(cell)
            table.rows.append(row)
    return table


def applications_table(form: Form, template: Template, expected: dict, note: str, caption: str) -> PrintedTable:
    """Part 三: a three-row header, then rows labelled over three columns (results group, sub-group, item)."""
    columns = form.columns
    legal = [column for column in columns if column.group]
    legal_group = legal[0].group if legal else ""
    table = PrintedTable("applications")
    table.rows.append(
        [
            PrintedCell(note, rowspan=3, colspan=3, kind="header"),
            PrintedCell(caption, colspan=len(columns), kind="header"),
        ]
    )
    second: list[PrintedCell] = []
    for column in columns:
        if not column.group:
            second.append(PrintedCell(column.label, rowspan=2, kind="header"))
        elif column is legal[0]:
            second.append(PrintedCell(legal_group or "", colspan=len(legal), kind="header"))
    table.rows.append(second)
    table.rows.append([PrintedCell(column.label, kind="header") for column in legal])
    groups = {group.key: group for group in form.groups}
    values = expected.get("applications", {})
    rows = [row for row in template.rows if row.key in values]
    grouped = [row for row in rows if row.group]
    in_subgroup: dict[str, int] = {}
    for row in grouped:
        if row.group != "results":
            in_subgroup[row.group] = in_subgroup.get(row.group, 0) + 1
    seen_results, seen_subgroups = False, set()
    for row in rows:
        printed: list[PrintedCell] = []
        label = _numbered(row.ordinal, row.label)
        if not row.group:
            printed.append(PrintedCell(label, colspan=3))
        else:
            if not seen_results:
                results = groups["results"]
                printed.append(
                    PrintedCell(_numbered(results.ordinal, results.label), rowspan=len(grouped), kind="group")
                )
                seen_results = True
            if row.group == "results":
                printed.append(PrintedCell(label, colspan=2))
            else:
                if row.group not in seen_subgroups:
                    group = groups[row.group]
                    name = _numbered(group.ordinal, group.label)
                    printed.append(PrintedCell(name, rowspan=in_subgroup[row.group], kind="group"))
                    seen_subgroups.add(row.group)
                printed.append(PrintedCell(label))
        printed += [_number(value) for value in values[row.key]]
        table.rows.append(printed)
    return table


def review_table(form: Form, expected: dict) -> PrintedTable:
    """Part 四: block groups (行政复议 | 行政诉讼), blocks, measures, then the one row of 15 values."""
    blocks, measures = form.review_blocks, form.review_measures
    width = len(measures)
    table = PrintedTable("review_litigation")
    top: list[PrintedCell] = []
    second: list[PrintedCell] = []
    third: list[PrintedCell] = []
    for index, block in enumerate(blocks):
        if not block.group:
            top.append(PrintedCell(block.label, colspan=width, kind="header"))
            second += [PrintedCell(m.label, rowspan=2, kind="header") for m in measures]
        else:
            if index == 0 or blocks[index - 1].group != block.group:
                span = sum(width for other in blocks if other.group == block.group)
                top.append(PrintedCell(block.group, colspan=span, kind="header"))
            second.append(PrintedCell(block.label, colspan=width, kind="header"))
            third += [PrintedCell(m.label, kind="header") for m in measures]
    table.rows += [top, second, third, [_number(value) for value in expected.get("review_litigation", [])]]
    return table


# --- the seed text: title, narrative, section headings and the captions the form model does not hold ------------------


@dataclass
class SeedText:
    title: str
    before: list[str]  # narrative before part 二 (part 一 and any preface)
    headings: dict[str, str]  # section key → heading line as printed
    after: list[str]  # narrative of parts 五 and 六
    note: str = ""  # part 三's '(本列数据的勾稽关系为…)' as printed
    applicant_caption: str = ""  # part 三's header over the applicant columns
    item_caption: str = ""  # part 二's header over the item labels


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lstrip("#")


def _heading_key(line: str, form: Form) -> str | None:
    bare = _bare(line)
    for section in form.sections:
        for printing in section.printings:
            printing = _bare(printing)
            if bare in (printing, _bare(_numbered(section.ordinal, printing))):
                return section.key
    return None


def _tokens(lines: list[str]) -> list[str]:
    return [token for line in lines for token in line.split() if token]


def read_seed_text(text: str, expected: dict, form: Form | None = None) -> SeedText:
    """Split a seed's text into title, narrative before and after the tables, headings and table captions."""
    form = form or load_form()
    lines = [line.rstrip() for line in text.splitlines()]
    table_parts = ("active_disclosure", "applications", "review_litigation")
    headings: dict[str, str] = {}
    sections: dict[str, list[str]] = {"before": []}
    current = "before"
    for line in lines:
        key = _heading_key(line, form) if line.strip() else None
        if key and key not in headings:
            headings[key] = line.strip().lstrip("#").strip()
            current = key if key in table_parts else ("after" if key in ("problems", "other_matters") else "before")
            sections.setdefault(current, [])
            if current in ("before", "after"):
                sections[current].append(headings[key])
            continue
        sections.setdefault(current, []).append(line)
    before = [line.strip().lstrip("#").strip() for line in sections["before"] if line.strip()]
    after = [line.strip().lstrip("#").strip() for line in sections.get("after", []) if line.strip()]
    title, before = _title(before, expected, set(headings.values()))
    seed = SeedText(title=title, before=before, headings=headings, after=after)
    measures = [m.label for item in form.templates["2021"].items + form.templates["2019"].items for m in item.measures]
    tokens = _tokens(sections.get("active_disclosure", []))
    bare_measures = {_bare(label) for label in measures}
    for index, token in enumerate(tokens):
        if _bare(token) in bare_measures and index:
            seed.item_caption = tokens[index - 1]
            break
    column_labels = {_bare(printing) for column in form.columns for printing in column.printings}
    column_labels |= {_bare(column.group) for column in form.columns if column.group}
    note: list[str] = []
    for token in _tokens(sections.get("applications", [])):
        if _bare(token) in column_labels:
            break
        if (note and not note[-1].endswith(_CLOSE_NOTE)) or (not note and token.startswith(_OPEN_NOTE)):
            note.append(token)
        elif not seed.applicant_caption:
            seed.applicant_caption = token
    seed.note = "".join(note)
    return seed


def _title(lines: list[str], expected: dict, headings: set[str]) -> tuple[str, list[str]]:
    """The title: the first run of up to three short lines naming the organ and the year (removed from the text)."""
    agency, year = _bare(expected.get("agency") or ""), str(expected.get("year") or "")
    for start in range(min(len(lines), 6)):
        for end in range(start + 1, min(start + 3, len(lines)) + 1):
            if lines[end - 1] in headings:
                break
            joined = "".join(line.strip() for line in lines[start:end])
            if len(joined) > 80:
                break
            if agency and agency in _bare(joined) and year in joined:
                return unicodedata.normalize("NFKC", joined), lines[:start] + lines[end:]
    return "", lines


# --- HTML --------------------------------------------------------------------------------------------------------


_WORD_RUN = "font-size:{size};font-family:仿宋_GB2312;mso-hansi-font-family:宋体;color:black"
_WORD_CELL = "width:{width}pt;border:solid windowtext 1.0pt;border-top:none;padding:0cm 5.4pt 0cm 5.4pt"
_WORD_CELL_PARAGRAPH = "text-align:center;line-height:150%"
_WORD_PARAGRAPH = "text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;mso-line-height-rule:exactly"


@dataclass
class _Markup:
    """How one portal family prints runs, cells and paragraphs. Word-pasted (hanweb) pages wrap every run in a
    styled <span><font>; numbers of two or more digits are split across two runs (every ``every``-th of them);
    some cells carry ``&nbsp;`` around their value or before their label."""

    style: str
    every: int = 2
    count: int = 0
    multi_digit: int = 0

    def run(self, text: str, size: str = "10.5pt") -> str:
        escaped = html.escape(text)
        if self.style != "hanweb":
            return escaped
        return f'<span style="{_WORD_RUN.format(size=size)}"><font face="仿宋_GB2312">{escaped}</font></span>'

    def number(self, text: str) -> str:
        self.count += 1
        if len(text) > 1:
            self.multi_digit += 1
            if self.multi_digit % self.every == 1:
                cut = len(text) // 2
                head, tail = self.run(text[:cut]), self.run(text[cut:])
                return f'<span style="font-family: 仿宋_GB2312;">{head}</span><span>{tail}</span>'
        if self.count % 5 == 0:
            return f"&nbsp;{self.run(text)}&nbsp;"
        return self.run(text)

    def label(self, text: str, per_character: bool = False) -> str:
        if per_character:
            return "".join(f'<span style="font-family: 黑体;">{html.escape(char)}</span>' for char in text)
        if self.count % 4 == 1:
            return "&nbsp;" + self.run(text)
        return self.run(text)

    def blank(self) -> str:
        return "<span><o:p>&nbsp;</o:p></span>" if self.style == "hanweb" else "&nbsp;"

    def cell(self, inner: str, rowspan: int, colspan: int) -> str:
        spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
        if self.style == "trs":
            return f'<td valign="center"{spans}><p style="text-indent: 0em;">{inner}</p></td>'
        width = 42 * colspan
        return (
            f"<td width={width * 4 // 3}{spans} valign=center style='{_WORD_CELL.format(width=width)}'>"
            f"<p class=MsoNormal align=center style='{_WORD_CELL_PARAGRAPH}'>{inner}<o:p></o:p></p></td>"
        )

    def paragraph(self, inner: str) -> str:
        if self.style == "trs":
            return f'<p style="text-indent: 2em;">{inner}</p>'
        return f"<p class=MsoNormal style='{_WORD_PARAGRAPH}'>{inner}<o:p></o:p></p>"

    def prose(self, text: str) -> str:
        """A narrative line; in Word-pasted pages the first four-digit number is split across two runs."""
        match = re.search(r"\d{4}", text) if self.style == "hanweb" else None
        if not match:
            return self.run(text, "16.0pt")
        cut = match.start() + 2
        return self.run(text[:cut], "16.0pt") + self.run(text[cut:], "16.0pt")


def _html_table(table: PrintedTable, markup: _Markup) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            if cell.blank:
                inner = markup.blank()
            elif cell.kind == "value":
                inner = markup.number(cell.text)
            else:
                inner = markup.label(cell.text, per_character=cell.kind == "group" and cell.rowspan > 10)
            cells.append(markup.cell(inner, cell.rowspan, cell.colspan))
        rows.append("<tr style='height:20.1pt'>\n" + "\n".join(cells) + "\n</tr>")
    return (
        '<table class=MsoNormalTable border="1" cellspacing="0" cellpadding="0" width="100%" '
        "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
        "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


def _content(seed: SeedText, tables: list[PrintedTable], markup: _Markup) -> str:
    parts = [markup.paragraph(markup.prose(line)) for line in seed.before]
    for table in tables:
        heading = seed.headings.get(table.part)
        if heading:
            parts.append(markup.paragraph(f"<b>{markup.run(heading, '16.0pt')}</b>"))
        parts.append(_html_table(table, markup))
    parts += [markup.paragraph(markup.prose(line)) for line in seed.after]
    return "\n".join(parts)


_CSS = """body{margin:0;font-family:"Microsoft YaHei",SimSun,sans-serif;font-size:14px;color:#333}
.header{height:120px;background:#0d4a9e}.header .logo{float:left;color:#fff;font-size:28px}
.nav ul li{float:left;width:11%;text-align:center}.nav ul li a{color:#fff;line-height:44px}
.crumb{height:36px;line-height:36px;border-bottom:1px solid #ddd}.crumb a{color:#666}
.side{float:left;width:240px}.side li{line-height:30px;border-bottom:1px dashed #ccc}
.article{float:right;width:900px}.article h1{font-size:22px;text-align:center}
.TRS_Editor p,#zoom p{line-height:2;font-size:16px}.TRS_Editor table td,#zoom table td{border:1px solid #000}
.footer{clear:both;background:#eee;padding:20px 0;text-align:center;color:#666}.hide{display:none}"""

_SCRIPT = """var _tj = _tj || [];
(function () {
  var hm = document.createElement("script"); hm.src = "/js/tongji.js"; document.head.appendChild(hm);
})();
function createPageHTML(n, c, name, ext) {
  var s = "";
  for (var i = 0; i < n; i++) { s += '<a href="' + name + (i ? "_" + i : "") + "." + ext + '">' + (i + 1) + "</a>"; }
  document.write('<div class="page">' + s + "</div>");
}
var rel_appendix = '<table><tr><td>附件</td><td><a href="./P020240120.pdf">下载文字版</a></td></tr></table>';
document.write('<div class="share"><a href="javascript:window.print()">打印本页</a>'
  + '<a href="javascript:window.close()">关闭窗口</a></div>');"""


def _chrome_links(title: str, year: int) -> dict[str, str]:
    """Navigation menus, and the column's list of this organ's reports of other years (titles with the year swapped)."""
    menus = ["首页", "走进本机关", "政务公开", "政府信息公开", "政务服务", "互动交流", "专题专栏", "数据开放"]
    nav = "".join(f'<li><a href="/col/{index}/index.html">{name}</a></li>' for index, name in enumerate(menus))
    reports = []
    for other in range(year + 1, year - 5, -1):
        if other != year:
            name = html.escape(title.replace(str(year), str(other), 1))
            reports.append(
                f'<li><a href="../{other + 1}01/t{other + 1}0120_{other}.html" title="{name}">{name}</a></li>'
            )
    return {"nav": nav, "reports": "".join(reports)}


def _page(seed: SeedText, expected: dict, content: str, style: str, encoding: str, chrome: bool) -> str:
    agency = expected.get("agency") or ""
    year = int(expected.get("year") or 0)
    title = seed.title or agency
    site = f"{agency}门户网站"
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">' if encoding == "utf-8" else ""
    container = (
        f'<div class=TRS_Editor><div class="Custom_UnionStyle">\n{content}\n</div></div>'
        if style == "trs"
        else f'<div id="zoom" class="article_zoom">\n{content}\n</div>'
    )
    if not chrome:
        return (
            f"<!DOCTYPE html>\n<html>\n<head>\n{charset}\n<title>{html.escape(title)}</title>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n{container}\n</body>\n</html>\n"
        )
    links = _chrome_links(title, year)
    metas = (
        f'<meta name="ArticleTitle" content="{html.escape(title)}">\n'
        f'<meta name="PubDate" content="{year + 1}-01-20 09:30">\n'
        f'<meta name="ContentSource" content="{html.escape(agency)}">\n'
        '<meta name="ColumnName" content="政府信息公开年报">\n'
        if style == "trs"
        else f'<meta name="keywords" content="{html.escape(agency)},政府信息公开">\n'
    )
    header = (
        f'<div class="header"><div class="logo"><a href="/">{html.escape(site)}</a></div>'
        '<div class="search"><form action="/search"><input name="q" value="请输入关键字">'
        "<button>搜索</button></form></div></div>\n"
        f'<div class="nav"><ul>{links["nav"]}</ul></div>\n'
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
        '<a href="/zwgk/zfxxgknb/">政府信息公开年报</a></div>\n'
    )
    metadata = (
        '<table class="xxgk_table" width="100%"><tr><td>发布机构：</td><td>'
        f"{html.escape(agency)}</td><td>发布日期：</td><td>{year + 1}-01-20</td></tr>"
        f'<tr><td>标　　题：</td><td colspan="3">{html.escape(title)}</td></tr></table>\n'
    )
    side = f'<div class="side"><h3>年度报告</h3><ul>{links["reports"]}</ul></div>\n'
    footer = (
        '<div class="footer"><p><a href="/about.html">关于本站</a> | <a href="/map.html">网站地图</a> | '
        '<a href="/contact.html">联系我们</a></p>'
        f"<p>主办单位：{html.escape(agency)}　承办单位：{html.escape(agency)}办公室</p>"
        "<p>建议使用IE9以上浏览器或谷歌浏览器浏览本网站</p></div>\n"
    )
    article = (
        f'<div class="article"><h1>{html.escape(title)}</h1>\n{metadata}'
        f'<div class="info">来源：{html.escape(agency)}　<span class="hide">浏览次数：</span></div>\n'
        f"{container}\n"
        '<div class="appendix"><script>document.write(rel_appendix);</script></div>\n'
        '<div class="prevnext"><p>上一篇：<a href="../prev.html">关于开展政务公开工作的通知</a></p>'
        '<p>下一篇：<a href="../next.html">政务公开工作要点</a></p></div></div>\n'
    )
    if style == "trs":
        body = f'{header}<div class="main">{side}{article}</div>\n{footer}'
    else:
        body = (
            f'<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td>{header}</td></tr></table>\n'
            '<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>'
            f'<td width="240" valign="top">{side}</td><td valign="top">{article}</td></tr></table>\n'
            f'<table width="1000" align="center"><tr><td>{footer}</td></tr></table>'
        )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n{charset}\n'
        f"<title>{html.escape(title)}_{html.escape(site)}</title>\n{metas}"
        f"<style>\n{_CSS}\n</style>\n<script>\n{_SCRIPT}\n</script>\n</head>\n<body>\n{body}\n"
        '<script>createPageHTML(1, 0, "index", "html");</script>\n</body>\n</html>\n'
    )


def printed_tables(expected: dict, seed: SeedText, form: Form | None = None) -> list[PrintedTable]:
    """The report's three tables as printed rows (empty when the seed's template has no standard tables)."""
    form = form or load_form()
    template = _template(form, expected)
    if template is None:
        return []
    return [
        disclosure_table(form, template, expected, seed.item_caption),
        applications_table(form, template, expected, seed.note, seed.applicant_caption),
        review_table(form, expected),
    ]


def render_html(
    expected: dict, seed_text: str, *, style: str = "trs", encoding: str = "utf-8", chrome: bool = True
) -> bytes:
    """A full portal page for the seed. ``encoding='gbk'`` gives GBK bytes (GB18030 where GBK lacks a character)
    with no charset declared anywhere; ``chrome=False`` gives the report alone in a bare page."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; one of {STYLES}")
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; one of {ENCODINGS}")
    form = load_form()
    seed = read_seed_text(seed_text, expected, form)
    content = _content(seed, printed_tables(expected, seed, form), _Markup(style))
    page = _page(seed, expected, content, style, encoding, chrome)
    return page.encode("utf-8" if encoding == "utf-8" else "gb18030")


def render_run_together_text(expected: dict, seed_text: str) -> str:
    """Plain text as a flattened web-page dump prints the report: narrative as is, each table row's printed cells
    concatenated with no separator ('一、本年新收政府信息公开申请数量1141000115'), blank cells printing nothing."""
    form = load_form()
    seed = read_seed_text(seed_text, expected, form)
    lines = [seed.title, *seed.before] if seed.title else list(seed.before)
    for table in printed_tables(expected, seed, form):
        heading = seed.headings.get(table.part)
        if heading:
            lines.append(heading)
        lines += ["".join(cell.text for cell in row) for row in table.rows]
    lines += seed.after
    return "\n".join(lines) + "\n"


def render_seeds(seeds: Path, out: Path) -> list[Path]:
    """Write every seed's renderings into ``out``: each style × encoding as HTML, and the run-together text."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for expected_path in sorted(seeds.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        text = (seeds / f"{name}.txt").read_text(encoding="utf-8")
        for style in STYLES:
            for encoding in ENCODINGS:
                path = out / f"{name}.{style}.{encoding}.html"
                path.write_bytes(render_html(expected, text, style=style, encoding=encoding))
                written.append(path)
        path = out / f"{name}.run-together.txt"
        path.write_text(render_run_together_text(expected, text), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="Render the seed reports as portal pages and run-together text.")
    parser.add_argument("out", type=Path, help="directory to write the renderings into")
    parser.add_argument("--seeds", type=Path, default=Path("../shared/seeds"), help="folder of *.expected.json + *.txt")
    args = parser.parse_args()
    for path in render_seeds(args.seeds, args.out):
        print(path)


if __name__ == "__main__":
    main()
