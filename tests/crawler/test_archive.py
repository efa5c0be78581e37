"""The archive API on its own: blobs, manifest, WARC, media types."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.archive.manifest import ManifestCursor, ManifestError, append_records, read_manifest, read_new
from pipelines.archive.media import DOCX, HTML, PDF, TEXT, media_type
from pipelines.archive.state import COLUMNS, CrawlState, SourceState, StateError
from pipelines.archive.store import BlobStore, CorruptBlob
from pipelines.archive.warc import RunWarc, recover

ROOT = Path(__file__).resolve().parents[2]


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / ".venv" / "bin" / "warcio"), "check", "-v", str(path)],
                          capture_output=True, text=True)


def test_blob_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = "郑州市公安局".encode()
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    path = store.path(digest)
    assert path == tmp_path / "blobs" / "sha256" / digest[:2] / digest[2:4] / digest
    mtime = path.stat().st_mtime_ns
    assert store.put(data) == digest and path.stat().st_mtime_ns == mtime  # never rewritten
    assert store.get(digest) == data and store.verify(digest) and list(store) == [digest]
    assert not any(store.tmp.iterdir())


def test_blob_damage_is_detected_and_repaired_by_put(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"report bytes")
    store.path(digest).write_bytes(b"damaged")
    assert not store.verify(digest)
    with pytest.raises(CorruptBlob, match=digest):
        store.get(digest)
    store.put(b"report bytes")
    assert store.get(digest) == b"report bytes"


def test_blob_errors_name_the_input(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(ValueError, match="not a sha256"):
        store.path("../../etc/passwd")
    with pytest.raises(FileNotFoundError, match="0" * 64):
        store.get("0" * 64)


def test_sweep_removes_temporaries_of_dead_writers_only(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    store.tmp.mkdir(parents=True)
    dead = store.tmp / "999999999-abc"
    mine = store.tmp / f"{os.getpid()}-abc"
    dead.write_bytes(b"half")
    mine.write_bytes(b"in progress")
    assert store.sweep() == [dead]
    assert mine.exists()


def test_manifest_append_parts_and_read(tmp_path: Path) -> None:
    digest = BlobStore(tmp_path).put(b"x")
    first = append_records(tmp_path, "run1", [{"source_id": "s", "url": "http://a/1", "sha256": digest,
                                                "http_status": 200, "etag": '"e1"', "year": 2023}])
    second = append_records(tmp_path, "run1", [{"source_id": "s", "url": "http://a/2", "sha256": digest}])
    assert first is not None and second is not None and first != second  # never overwritten
    table = read_manifest(tmp_path)
    assert table.num_rows == 2 and table.column("run_id").to_pylist() == ["run1", "run1"]
    assert table.schema.field("year").type == pa.int16()
    assert table.column("etag").to_pylist() == ['"e1"', None]
    assert append_records(tmp_path, "run2", []) is None
    assert read_manifest(tmp_path / "nothing").num_rows == 0


def test_manifest_rejects_bad_records(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="unknown field"):
        append_records(tmp_path, "r", [{"source_id": "s", "url": "u", "sha256": "a" * 64, "colour": "red"}])
    with pytest.raises(ManifestError, match="missing"):
        append_records(tmp_path, "r", [{"source_id": "s", "url": "u"}])
    with pytest.raises(ManifestError, match="run_id"):
        append_records(tmp_path, "../r", [{"source_id": "s", "url": "u", "sha256": "a" * 64}])


def test_warc_passes_warcio_check_and_a_torn_tail_is_recovered(tmp_path: Path) -> None:
    warc = RunWarc(tmp_path, "r1")
    warc.write("http://127.0.0.1/a?x=1", "GET", [("Host", "127.0.0.1")], b"", "HTTP/1.1", 200, "OK",
               [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")], b"<html>\xd6\xd0</html>")
    (path,) = warc.close()
    assert Path(path).name == "r1-00000.warc.gz" and Path(path).parent.parent.name == "warc"
    done = warcio_check(Path(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("digest pass") == 2

    torn = RunWarc(tmp_path, "r2")
    for index in range(3):
        torn.write(f"http://127.0.0.1/{index}", "GET", [], b"", "HTTP/1.1", 200, "OK", [], b"x" * 5000)
    open_path = torn.open_path
    good_size = open_path.stat().st_size
    with open(open_path, "ab") as handle:  # a record cut off mid-write, as SIGKILL leaves it
        handle.write(b"\x1f\x8b\x08\x00" + b"\x00" * 30)
    (recovered,) = recover(tmp_path)
    assert Path(recovered) == open_path.with_name("r2-00000.warc.gz")
    assert Path(recovered).stat().st_size == good_size
    assert warcio_check(Path(recovered)).returncode == 0


def test_warc_files_rotate_by_size(tmp_path: Path) -> None:
    warc = RunWarc(tmp_path, "big", max_bytes=8_000)  # two 5 KB pairs a file
    for index in range(6):
        warc.write(f"http://127.0.0.1/{index}", "GET", [], b"", "HTTP/1.1", 200, "OK", [], os.urandom(5000))
    files = warc.close()
    assert [Path(name).name for name in files] == ["big-00000.warc.gz", "big-00001.warc.gz", "big-00002.warc.gz"]
    assert warc.records == 12 and all(warcio_check(Path(name)).returncode == 0 for name in files)


def test_manifest_cursor_reads_only_what_is_new(tmp_path: Path) -> None:
    digest = BlobStore(tmp_path).put(b"x")
    row = {"source_id": "s", "sha256": digest, "http_status": 200}
    append_records(tmp_path, "night1", [{**row, "url": "http://a/1"}])
    first, cursor = read_new(tmp_path)
    assert first.column("url").to_pylist() == ["http://a/1"]
    again, cursor = read_new(tmp_path, ManifestCursor.from_json(cursor.to_json()))
    assert again.num_rows == 0
    append_records(tmp_path, "night2", [{**row, "url": "http://a/2"}, {**row, "url": "http://a/3"}])
    second, cursor = read_new(tmp_path, cursor)
    assert second.column("url").to_pylist() == ["http://a/2", "http://a/3"]
    later = datetime.now(UTC) + timedelta(days=3)  # the watermark moves on; older parts are never listed again
    _, cursor = read_new(tmp_path, cursor, now=later)
    assert cursor.seen == set() and read_new(tmp_path, cursor, now=later)[0].num_rows == 0
    assert read_manifest(tmp_path).num_rows == 3


def test_state_round_trip_merge_and_recovery_of_a_dead_run(tmp_path: Path) -> None:
    state = CrawlState(tmp_path)
    assert state.load("s").entries == {}
    digest = BlobStore(tmp_path).put(b"page")
    when = datetime(2025, 1, 1, tzinfo=UTC)
    source = SourceState("s", meta={"expected_years": [2022, 2023]})
    source.merge_fetch({"url": "http://a/p", "sha256": digest, "http_status": 200, "role": "page", "fetched_at": when,
                        "title": "某局 2023年 政府信息公开工作年度报告", "is_report": True, "year": 2023,
                        "children": ["http://a/p.pdf"]})
    source.merge_fetch({"url": "http://a/list", "sha256": digest, "http_status": 200, "role": "list"})
    source.merge_fetch({"url": "http://a/gone", "sha256": digest, "http_status": 404, "role": "page"})
    state.save(source)
    loaded = state.load("s")
    assert list(loaded.entries) == ["http://a/p"] and loaded.meta == {"expected_years": [2022, 2023]}
    entry = loaded.entries["http://a/p"]
    assert entry["report_key"] == "某局2023年政府信息公开工作年度报告" and entry["children"] == ["http://a/p.pdf"]

    lease = state.begin_run("killed")  # a run of this process is alive; one of a dead pid is not
    assert state.recover() == []
    append_records(tmp_path, "killed", [{"source_id": "s", "url": "http://a/p.pdf", "sha256": digest,
                                          "http_status": 200, "role": "attachment"}])
    lease.pid = 999_999_999
    state.location.write_bytes(f"state/runs/{lease.run_id}.json", lease.to_json())
    assert state.recover() == ["killed"] and state.leases() == []
    assert set(state.load("s").entries) == {"http://a/p", "http://a/p.pdf"}
    assert state.load("s").entries["http://a/p"]["children"] == ["http://a/p.pdf"]


@pytest.mark.parametrize("name", ["s.arrow", "s.parquet"])
def test_unreadable_state_names_the_file_and_the_remedy(tmp_path: Path, name: str) -> None:
    (tmp_path / "state" / "sources").mkdir(parents=True)
    (tmp_path / "state" / "sources" / name).write_bytes(b"not a table")
    with pytest.raises(StateError, match=rf"{re.escape(name)} .*remove it"):
        CrawlState(tmp_path).load("s")


def test_an_earlier_versions_parquet_state_is_read_and_replaced_when_saved(tmp_path: Path) -> None:
    state = CrawlState(tmp_path)
    held = SourceState("s")
    held.merge_fetch({"url": "http://a/p.pdf", "sha256": "ab" * 32, "http_status": 200, "role": "attachment",
                      "fetched_at": datetime(2026, 11, 1, 3, 4, 5, 123456, tzinfo=UTC), "year": 2025})
    (tmp_path / "state" / "sources").mkdir(parents=True)
    pq.write_table(held.to_table(), tmp_path / "state" / "sources" / "s.parquet")
    expected = {url: {name: entry.get(name) for name in COLUMNS} for url, entry in held.entries.items()}
    legacy = state.load("s")
    assert legacy.entries == expected and legacy.needs_save()
    state.save(legacy)
    assert sorted(path.name for path in (tmp_path / "state" / "sources").iterdir()) == ["s.arrow"]
    again = state.load("s")
    assert again.entries == expected and not again.needs_save()
    assert again.entries["http://a/p.pdf"]["fetched_at"] == datetime(2026, 11, 1, 3, 4, 5, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n", PDF),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", HTML),
        (b'<meta http-equiv="refresh" content="0;URL=../" />', HTML),
        ("郑州市公安局 2023 年".encode("gbk"), TEXT),
        (b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml", DOCX),
    ],
)
def test_media_type_from_bytes(data: bytes, expected: str) -> None:
    assert media_type(data) == expected
