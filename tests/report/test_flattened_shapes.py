"""Property: every shape of tests/report/shapes.py, for every seed and 2019-form variant, flattened once more the
way a crawler or a copy-paste flattens text — whitespace collapsed to single spaces, all whitespace removed, line
breaks removed (tabs kept), tabs turned into spaces — gives the material's values exactly or leaves a value blank
with a warning naming it. Never a wrong number, never a crash.

Shapes made of Markdown or CSV lose their table structure so flattened (their pipes and commas run into the
text) and are mostly left blank — named, not guessed. The quick suite takes one flattening per shape and
material, in turn; the slow one takes all four.
"""

from __future__ import annotations

import re

import pytest

from pipelines.report.parse import parse_bytes
from tests.report.shapes import SHAPES, judge, materials

FLATTENINGS = {
    "spaced": lambda text: re.sub(r"\s+", " ", text),
    "glued": lambda text: re.sub(r"\s+", "", text),
    "no line breaks": lambda text: re.sub(r"[\r\n]", "", text),
    "tabs as spaces": lambda text: text.replace("\t", " "),
}
# A PDF page's bare page number ('3', a line of its own) glued to the last number of the page once the line breaks
# are gone ('16793' '3' → '167933') is no wrong number either: the recognisable footers ('- 2 -', '第 4 页') give the
# page sequence, and a part 二 number that ends with the missing page's number and runs into the text after it is
# left blank, naming both readings (passes/pages.py). Were every footer bare, nothing would bound where a page ends
# and it could not be told — no shape here prints only bare page numbers.


def _check(shape: str, flattening: str) -> None:
    for material in materials():
        rendering = SHAPES[shape](material)
        text = FLATTENINGS[flattening](rendering.text)
        report = parse_bytes(text.encode("utf-8"), f"{material.name}-{shape}-{flattening}.txt").to_json()
        identity = {key: rendering.expected(key) for key in ("agency", "year", "template")}
        wrong, _ = judge({**rendering.material.expected, **identity}, report)
        assert wrong == [], f"{material.name} as {shape}, {flattening}: never a wrong number"


CASES = [(shape, flattening) for shape in SHAPES for flattening in FLATTENINGS]
QUICK = [case for index, case in enumerate(CASES) if index % len(FLATTENINGS) == (index // len(FLATTENINGS)) % 4]


@pytest.mark.parametrize(("shape", "flattening"), QUICK)
def test_a_shape_flattened_once_more_never_gives_a_wrong_number(shared, shape, flattening):
    _check(shape, flattening)


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "flattening"), [case for case in CASES if case not in QUICK])
def test_every_shape_in_every_flattening_never_gives_a_wrong_number(shared, shape, flattening):
    _check(shape, flattening)
