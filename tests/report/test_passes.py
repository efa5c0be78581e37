"""The shape passes: each is named in the catalogue, each fires on some shape of the seeds (none is dead code),
and the seeds' own tidy text needs almost none of them."""

from __future__ import annotations

from collections import defaultdict

from pipelines.findings import Severity
from pipelines.report.catalogue import rule_catalogue
from pipelines.report.parse import parse_bytes
from pipelines.report.passes import PASSES
from tests.conftest import seed_names, seed_text
from tests.report.shapes import SHAPES, materials


def test_every_pass_repairs_some_shape(shared):
    fired: dict[str, set[str]] = defaultdict(set)
    for material in materials():
        for name, shape in SHAPES.items():
            rendering = shape(material)
            for finding in parse_bytes(rendering.data, rendering.source).findings:
                if finding.rule.startswith("shape."):
                    assert finding.severity == Severity.INFO
                    fired[finding.rule].add(name)
    assert [step.rule for step in PASSES if not fired[step.rule]] == []


def test_every_pass_is_catalogued_with_its_meaning():
    catalogue = rule_catalogue()
    for step in PASSES:
        assert catalogue[step.rule].meaning.endswith(step.meaning)
        assert len(step.meaning) > 30, step.name


def test_tidy_seeds_need_no_repair_but_their_own(shared):
    """Tab-separated seeds: only seed 002's labels wrapped over lines (三、本年度办理 / 结果) are joined."""
    repaired = {
        name: {
            f.rule for f in parse_bytes(seed_text(name).encode("utf-8"), name).findings if f.rule.startswith("shape.")
        }
        for name in seed_names()
    }
    assert repaired == {name: ({"shape.floating_labels"} if name.startswith("002") else set()) for name in seed_names()}
