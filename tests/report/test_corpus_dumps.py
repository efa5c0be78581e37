"""The real reports of the corpus as the other programs print them: the reader's text of each with its line breaks
and cell boundaries collapsed (a spaced and a glued one-line dump), and the saved portal page as a browser's
innerText. Every value reads as the tidy parse reads it, or is left blank with a warning naming it — never another
number; the dumps that keep a space between cells read every value."""

from __future__ import annotations

import re

import lxml.html
import pytest

from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes, parse_file
from tests.conftest import CORPUS
from tests.report.shapes import judge

FILES = ("huaian-city-2024.pdf", "shuyang-fgj-2023.html", "shanghai-kewei-2024.md")
# Dumps that keep a space between cells, of documents whose tables kept their rows: every value is read.
EXACT = {
    ("huaian-city-2024.pdf", "text spaced"),
    ("shuyang-fgj-2023.html", "text spaced"),
    ("shuyang-fgj-2023.html", "page spaced"),
    ("shanghai-kewei-2024.md", "text spaced"),  # labels floated away from their numbers: the rows cut by their sums
    ("shanghai-kewei-2024.md", "markdown unpiped spaced"),
    ("shanghai-kewei-2024.md", "markdown spaced"),  # its pipes cut the cells: blanks placed by the sums
    ("shanghai-kewei-2024.md", "markdown glued"),
}
# What stays blank, with its finding: 上海市科委's 规范性文件 row glued ('13055') reads four ways — no sum ties
# part 二's measures.
BLANK = {
    ("shanghai-kewei-2024.md", "text glued"): ["normative_documents"],
    ("shanghai-kewei-2024.md", "markdown unpiped glued"): ["normative_documents"],
}


def dumps(name: str) -> dict[str, str]:
    data = (CORPUS / name).read_bytes()
    text = read_document(data, name).text()
    out = {f"text {mode}": re.sub(r"\s+", sep, text) for mode, sep in (("spaced", " "), ("glued", ""))}
    if name.endswith(".md"):  # the Markdown itself flattened: its pipes and rules run into the line, or dropped
        raw = data.decode("utf-8")
        out |= {f"markdown {mode}": re.sub(r"\s+", sep, raw) for mode, sep in (("spaced", " "), ("glued", ""))}
        bare = raw.replace("|", " ")
        out |= {f"markdown unpiped {mode}": re.sub(r"\s+", sep, bare) for mode, sep in (("spaced", " "), ("glued", ""))}
    if name.endswith(".html"):
        root = lxml.html.document_fromstring(data)
        for element in root.iter("script", "style"):
            element.drop_tree()
        page = root.text_content()
        out |= {f"page {mode}": re.sub(r"\s+", sep, page) for mode, sep in (("spaced", " "), ("glued", ""))}
    return out


@pytest.mark.parametrize("name", FILES)
def test_corpus_dumps_read_as_the_tidy_parse_or_name_what_they_cannot(shared, name):
    reference = parse_file(CORPUS / name).to_json()
    for shape, text in dumps(name).items():
        report = parse_bytes(text.encode("utf-8"), f"{name}.{shape}.txt").to_json()
        wrong, blank = judge(reference, report)
        assert wrong == [], f"{name} as {shape}: never a wrong number"
        if (name, shape) in EXACT:
            assert blank == [], f"{name} as {shape}"
        if (name, shape) in BLANK:
            assert {cell.split(".")[1] for cell in blank} == set(BLANK[name, shape]), f"{name} as {shape}"
