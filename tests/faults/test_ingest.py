"""Issue 15 cases 2 and 3: one bad file never stops an ingest, and an ingest never leaves the folder it was given.

Every bad kind of file at once (empty, a pipe, a link out of the folder, a link to a folder, a dangling link, one
larger than a report can be): each is reported on its own line with its reason, the good files land, and the
archive stays whole (every blob matches its sha256 and has its manifest row). A link to /etc/passwd archives
nothing of it. Killed right after storing a file, before its row, an ingest run again completes the archive.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore
from pipelines.crashpoints import ENV as CRASH_AT
from tests.faults.conftest import check_archive, govreports, seed_files
from warehouse.ingest import MAX_FILE_BYTES


def hostile_folder(folder: Path) -> dict[str, str]:
    """Three seeds and one of every bad kind of file; returns bad file name → the words its reason must have."""
    folder.mkdir()
    for seed in seed_files()[:3]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "sub").mkdir()
    (folder / "sub" / "nested.txt").write_bytes(seed_files()[3].read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "etc").symlink_to("/etc")
    (folder / "gone.txt").symlink_to(folder / "no-such-file")
    (folder / "same.txt").symlink_to(folder / seed_files()[0].name)  # inside the folder: fine
    with open(folder / "huge.pdf", "wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_FILE_BYTES + 1)
    (folder / ".hidden").write_bytes(b"never a report")
    return {
        "empty.txt": "empty file",
        "pipe.txt": "not a regular file",
        "passwd.txt": "outside the folder given",
        "etc": "outside the folder given",
        "gone.txt": "No such file",
        "huge.pdf": "larger than",
    }


def test_bad_files_are_reported_the_rest_ingested_and_nothing_leaves_the_folder(tmp_path: Path) -> None:
    data, folder = tmp_path / "data", tmp_path / "downloads"
    bad = hostile_folder(folder)
    ran = govreports(data, "ingest", str(folder), timeout=120)
    ran.assert_message_only()
    assert ran.code == 1, ran.stderr  # something was skipped
    lines = [line for line in ran.stderr.splitlines() if line.startswith("govreports ingest: skipped")]
    assert len(lines) == len(bad), ran.stderr
    for name, reason in bad.items():
        assert any(f"{folder / name}:" in line and reason in line for line in lines), (name, ran.stderr)
    assert "ingested 5 file(s)" in ran.stdout and "6 skipped" in ran.stdout, ran.stdout

    archive = data / "archive"
    blobs = check_archive(archive)
    rows = read_manifest(archive).to_pylist()
    assert sorted(Path(row["url"].removeprefix("file://")).name for row in rows) == sorted(
        [*(seed.name for seed in seed_files()[:3]), "nested.txt", "same.txt"]
    )
    assert hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest() not in blobs
    assert len(blobs) == 4  # same.txt is the first seed again: one blob, two rows


def test_a_file_named_on_the_command_line_may_be_a_link(tmp_path: Path) -> None:
    link = tmp_path / "report.txt"
    link.symlink_to(seed_files()[0])
    ran = govreports(tmp_path / "data", "ingest", str(link))
    ran.assert_message_only()
    assert ran.code == 0 and "ingested 1 file(s)" in ran.stdout, ran.stdout + ran.stderr


def test_a_killed_ingest_run_again_leaves_every_blob_named(tmp_path: Path) -> None:
    data, folder = tmp_path / "data", tmp_path / "downloads"
    folder.mkdir()
    for seed in seed_files():
        (folder / seed.name).write_bytes(seed.read_bytes())
    killed = govreports(data, "ingest", str(folder), env={CRASH_AT: "ingest.stored"})
    assert killed.code == -9, killed.stderr  # killed right after the first blob, before its manifest row
    store = BlobStore(data / "archive")
    assert len(list(store)) == 1 and read_manifest(data / "archive").num_rows == 0
    check_archive(data / "archive", every_blob_named=False)

    again = govreports(data, "ingest", str(folder))
    again.assert_message_only()
    assert again.code == 0, again.stderr
    blobs = check_archive(data / "archive")
    assert len(blobs) == len(seed_files())
    assert not any(store.tmp.iterdir()) if store.tmp.exists() else True
