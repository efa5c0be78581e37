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
}


def dumps(name: str) -> dict[str, str]:
    data = (CORPUS / name).read_bytes()
    text = read_document(data, name).text()
    out = {f"text {mode}": re.sub(r"\s+", sep, text) for mode, sep in (("spaced", " "), ("glued", ""))}
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
