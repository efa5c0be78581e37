"""The archive API on its own: blobs, manifest, WARC, media types."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.archive.manifest import ManifestError, append_records, latest_by_url, read_manifest
from pipelines.archive.media import DOCX, HTML, PDF, TEXT, media_type
from pipelines.archive.store import BlobStore, CorruptBlob
from pipelines.archive.warc import RunWarc, recover

ROOT = Path(__file__).resolve().parents[2]


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "warcio"), "check", "-v", str(path)], capture_output=True, text=True
    )


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
    first = append_records(
        tmp_path,
        "run1",
        [{"source_id": "s", "url": "http://a/1", "sha256": digest, "http_status": 200, "etag": '"e1"', "year": 2023}],
    )
    second = append_records(tmp_path, "run1", [{"source_id": "s", "url": "http://a/2", "sha256": digest}])
    assert first is not None and second is not None and first != second  # never overwritten
    table = read_manifest(tmp_path)
    assert table.num_rows == 2 and table.column("run_id").to_pylist() == ["run1", "run1"]
    assert table.schema.field("year").type == pa.int16()
    assert latest_by_url(tmp_path, "s")["http://a/1"]["etag"] == '"e1"'
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
    warc.write(
        "http://127.0.0.1/a?x=1",
        "GET",
        [("Host", "127.0.0.1")],
        b"",
        "HTTP/1.1",
        200,
        "OK",
        [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
        b"<html>\xd6\xd0</html>",
    )
    path = warc.close()
    done = warcio_check(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("digest pass") == 2

    torn = RunWarc(tmp_path, "r2")
    for index in range(3):
        torn.write(f"http://127.0.0.1/{index}", "GET", [], b"", "HTTP/1.1", 200, "OK", [], b"x" * 5000)
    torn._handle.flush()
    good_size = torn.open_path.stat().st_size
    with open(torn.open_path, "ab") as handle:  # a record cut off mid-write, as SIGKILL leaves it
        handle.write(b"\x1f\x8b\x08\x00" + b"\x00" * 30)
    assert recover(tmp_path) == [tmp_path / "warc" / "r2.warc.gz"]
    assert (tmp_path / "warc" / "r2.warc.gz").stat().st_size == good_size
    assert warcio_check(tmp_path / "warc" / "r2.warc.gz").returncode == 0


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
