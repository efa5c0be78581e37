"""Shared fixtures: a warehouse built by the real parser from the seeds and the corpus, read in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.report.model import Report
from pipelines.report.outcome import ParsedDocument
from pipelines.settings import Settings
from warehouse.build import build
from warehouse.ingest import ingest
from warehouse.rows import Outcome

SHARED = Path(__file__).resolve().parents[2].parent / "shared"  # ../shared beside the repository
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.name != "INDEX.md")


def expected(seed: Path) -> dict:
    return json.loads(seed.with_name(seed.name.replace(".txt", ".expected.json")).read_text(encoding="utf-8"))


def outcome(
    sha256: str,
    report: dict,
    source: str = "test",
    *,
    parser_version: str = "test",
    organ_id: str | None = None,
    source_id: str = "test",
    media_type: str = "text/plain",
) -> Outcome:
    """A document as the warehouse loads it, its Report read from report JSON (a seed's expected values)."""
    parsed = ParsedDocument(sha256, source, parser_version, report=Report.from_json(report))
    return Outcome(parsed, source_id, media_type, organ_id=organ_id)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Seeds and corpus ingested as a local source and built (the same for every test that only reads)."""
    if not SEEDS.is_dir():
        pytest.skip("the shared seeds are not on this machine")
    settings = Settings.resolve(tmp_path_factory.mktemp("warehouse") / "data")
    ingest(settings, [*seed_files(), *corpus_files()], name="shared")
    build(settings, sources_dir=tmp_path_factory.mktemp("no-sources"))
    return settings
