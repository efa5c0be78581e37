"""The parse stage hands a page the pictures archived with it, whichever night they came: it reads only what the
manifest gained since its last run, so the pages' pictures are indexed beside its outcomes; a page whose picture
came a night later than the page is parsed again with it. (No OCR here: a stand-in parser notes what it was
handed; tests/ocr/test_crawl_pictures.py reads real pictures end to end.)"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from pipelines.archive.manifest import append_records
from pipelines.archive.store import BlobStore
from pipelines.report.model import Report
from pipelines.report.parse import parse_bytes
from pipelines.report.stage import PICTURE_INDEX, parse_archive
from pipelines.report.store import REPORTS_DIR
from tests.conftest import seed_names, seed_text

SITE = "https://example.gov.cn/gknb"


def noting_parser(data: bytes, source: str, pictures=None, *, notes: str) -> Report:
    """Parses the text, and notes (one JSON line per call, in the file ``notes``) which pictures the page's
    ``<img src>`` found: src → the picture's bytes, or None."""
    handed = {src: (found.decode() if (found := pictures(src)) else None) for src in ("t2.png", "t3.png")} \
        if pictures else {}  # fmt: skip
    with open(notes, "a", encoding="utf-8") as noted:
        noted.write(json.dumps({"source": source, "pictures": handed}) + "\n")
    return parse_bytes(data, source)


def _night(archive: Path, run_id: str, pages: dict[str, bytes], pictures: dict[str, tuple[str, bytes]],
           failed: tuple[str, ...] = ()) -> None:  # fmt: skip
    """One crawl's manifest: pages (name → body; ``failed`` answered 500) and pictures (name → (page, bytes))."""
    blobs = BlobStore(archive)
    records = [
        {"source_id": "s", "url": f"{SITE}/{name}", "sha256": blobs.put(data), "size": len(data), "role": "page",
         "http_status": 500 if name in failed else 200}
        for name, data in pages.items()
    ] + [
        {"source_id": "s", "url": f"{SITE}/{name}", "sha256": blobs.put(data), "size": len(data), "role": "picture",
         "parent_url": f"{SITE}/{page}", "media_type": "image/png"}
        for name, (page, data) in pictures.items()
    ]  # fmt: skip
    append_records(archive, run_id, records)


def _handed(notes: Path) -> dict[str, dict[str, str | None]]:
    calls = [json.loads(line) for line in notes.read_text(encoding="utf-8").splitlines()] if notes.exists() else []
    notes.unlink(missing_ok=True)
    return {call["source"].removeprefix(f"{SITE}/"): call["pictures"] for call in calls}


def test_a_page_is_handed_its_pictures_whichever_night_they_came(tmp_path):
    notes = tmp_path / "handed.jsonl"  # the workers (forked from a server started before) write it
    archive = tmp_path / "archive"
    first, second = (seed_text(name).encode() for name in seed_names()[:2])
    parse = {"workers": 1, "version": "v", "parser": partial(noting_parser, notes=str(notes))}

    # Night 1: page p1 with its picture; p2's picture came, p2 itself failed.
    _night(
        archive,
        "n1",
        {"p1.html": first, "p2.html": second},
        {"t2.png": ("p1.html", b"p1 table 2"), "t3.png": ("p2.html", b"p2 table 3")},
        failed=("p2.html",),
    )
    assert parse_archive(archive, **parse).parsed == 1
    assert _handed(notes) == {"p1.html": {"t2.png": "p1 table 2", "t3.png": None}}
    assert (archive / REPORTS_DIR / PICTURE_INDEX).is_file()

    # Night 2: p2 comes (its picture was archived the night before); nothing else is parsed again.
    _night(archive, "n2", {"p2.html": second}, {})
    assert parse_archive(archive, **parse).parsed == 1
    assert _handed(notes) == {"p2.html": {"t2.png": None, "t3.png": "p2 table 3"}}

    # Night 3: a second picture of p1 arrives alone (its first fetch had failed): p1 is parsed again with both.
    _night(archive, "n3", {}, {"t3.png": ("p1.html", b"p1 table 3")})
    parse_archive(archive, **parse)
    assert _handed(notes) == {"p1.html": {"t2.png": "p1 table 2", "t3.png": "p1 table 3"}}

    # Night 4: nothing new, nothing parsed; a rebuild hands every page its pictures from the whole manifest.
    assert parse_archive(archive, **parse).parsed == 0 and _handed(notes) == {}
    parse_archive(archive, rebuild=True, **parse)
    assert _handed(notes) == {
        "p1.html": {"t2.png": "p1 table 2", "t3.png": "p1 table 3"},
        "p2.html": {"t2.png": None, "t3.png": "p2 table 3"},
    }
