"""Every HTML and text report in the corpus parses; its tables read as printed; its arithmetic is reported.

The corpus has no expected files: the values below are the corpus index's reading of the printed tables
(shared/corpus/INDEX.md), checked by eye against the files.
"""

from __future__ import annotations

import pytest

from pipelines.report.parse import parse_file
from tests.conftest import CORPUS


def corpus_files() -> list[str]:
    return sorted(
        p.name for p in CORPUS.glob("*") if p.suffix in {".html", ".htm", ".md", ".txt"} and p.name != "INDEX.md"
    )


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_parses_and_every_break_is_named(shared, name):
    report = parse_file(CORPUS / name).to_json()
    assert report["template"] == "2021" and report["agency"] and report["year"]
    for finding in report["findings"]:
        if finding["severity"] == "error":
            assert finding["values"]["left_sum"] != finding["values"]["right_sum"]


def test_shuyang_page_reads_as_printed(shared):
    report = parse_file(CORPUS / "shuyang-fgj-2023.html").to_json()
    assert (report["agency"], report["year"]) == ("沭阳县发展和改革局", 2023)
    assert report["active_disclosure"]["normative_documents"] == {"issued": 8, "repealed": 0, "in_force": 18}
    blank = [None] * 5
    assert report["applications"]["new_received"] == [26, *blank, 26]
    assert report["applications"]["granted"] == [26, *blank, 26]
    assert all(
        values == [0, *blank, 0]
        for key, values in report["applications"].items()
        if key not in {"new_received", "granted", "total"}
    )
    assert report["review_litigation"] == [0, 0, 0, 1, 1] + [0] * 10
    assert not [f for f in report["findings"] if f["severity"] in {"error", "warning"}]


def test_kewei_fragmented_markdown_reads_as_printed(shared):
    report = parse_file(CORPUS / "shanghai-kewei-2024.md").to_json()
    applications = report["applications"]
    assert applications["new_received"] == [32, 2, 0, 0, 0, 0, 34]
    assert applications["denied_internal_affairs"] == [1, 0, 0, 0, 0, 0, 1]
    assert applications["denied_process_info"] == [1, 0, 0, 0, 0, 0, 1]
    assert applications["unavailable_not_held"] == [4, 0, 0, 0, 0, 0, 4]
    assert applications["unavailable_needs_creation"] == [6, 0, 0, 0, 0, 0, 6]
    assert applications["other_overdue_correction"] == [8, 2, 0, 0, 0, 0, 10]
    assert applications["other_overdue_fee"] == [0] * 7
    assert applications["other_other"] == [4, 0, 0, 0, 0, 0, 4]
    assert applications["total"] == [33, 2, 0, 0, 0, 0, 35]
    assert applications["carried_forward"] == [1, 0, 0, 0, 0, 0, None], "the empty 总计 cell stays blank"
    assert report["active_disclosure"]["normative_documents"] == {"issued": 13, "repealed": 0, "in_force": 55}
    assert report["active_disclosure"]["licensing"] == {"decisions": 97}
    assert report["review_litigation"] == [1, 0, 0, 0, 1] + [0] * 10
    rules = {f["rule"] for f in report["findings"]}
    assert "layout.heading_renumbered" in rules and "applications.balance.unchecked" in rules
    assert "error" not in {f["severity"] for f in report["findings"]}
