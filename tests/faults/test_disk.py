"""Issue 15 case 6, and a full disk: every command ends with one line naming the file and what to do — no raw
OSError or DuckDB traceback — and nothing archived or already in the warehouse is lost.

Simulated, never by filling the machine's disk: a read-only bind mount of the data directory, or a tmpfs of a few
hundred kilobytes mounted in its place, each in a mount namespace of the test's own.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.faults.conftest import (
    BIN,
    Ran,
    assert_one_state,
    check_archive,
    copy_data,
    govreports,
    in_namespace,
    report_ids,
    seed_files,
    staged_leftovers,
)
from tests.faults.test_build import built_then_more  # noqa: F401 - the shared fixture

GOVREPORTS = shlex.quote(str(BIN / "govreports"))


def read_only(data: Path, *command: str) -> Ran:
    """``govreports --data DATA COMMAND`` with DATA mounted read-only."""
    quoted = " ".join(shlex.quote(part) for part in command)
    where = shlex.quote(str(data))
    return in_namespace(
        f"mount --bind {where} {where} && mount -o remount,bind,ro {where} && "
        f"exec {GOVREPORTS} --data {where} {quoted}"
    )


def one_line_naming(ran: Ran, words: str) -> str:
    ran.assert_message_only()
    assert ran.code != 0
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, ran.stderr
    assert words in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ("build",),
        ("ingest", "SEED"),
        ("crawl", "--sources", "SOURCES"),
        ("sql", "SELECT count(*) FROM reports"),  # the catalog is missing: building it needs a write
    ],
    ids=["build", "ingest", "crawl", "sql-without-catalog"],
)
def test_read_only_data_directory(built_then_more, tmp_path: Path, command: tuple[str, ...]) -> None:  # noqa: F811
    base, before, _ = built_then_more
    data = copy_data(base, tmp_path / "data")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "dead.yaml").write_text(
        "id: dead\norgan: 某市人民政府\nregion_code: '410100'\nfamily: plain\nstart_urls: ['http://127.0.0.1:9/']\n"
        "local: true\n",
        encoding="utf-8",
    )
    arguments = [{"SEED": str(seed_files()[0]), "SOURCES": str(sources)}.get(part, part) for part in command]
    blobs_before = check_archive(data / "archive")
    line = one_line_naming(read_only(data, *arguments), "read-only file system")
    assert "remount it read-write, or choose another data directory with --data DIR" in line and str(data) in line
    assert check_archive(data / "archive") == blobs_before
    assert assert_one_state(report_ids(data), before, before) == "before"


def test_sql_on_a_read_only_data_directory_answers(built_then_more, tmp_path: Path) -> None:  # noqa: F811
    base, before, _ = built_then_more
    data = copy_data(base, tmp_path / "data")
    assert govreports(data, "sql", "SELECT 1").code == 0  # the catalog exists
    ran = read_only(data, "sql", "SELECT count(*) AS n FROM reports", "--csv")
    ran.assert_message_only()
    assert ran.code == 0, ran.stderr
    assert ran.stdout.split() == ['"n"', str(len(before))]


def full_disk(data: Path, free_kb: int, script: str) -> Ran:
    """Run ``script`` with DATA on a tmpfs with about ``free_kb`` KB free; DATA is copied in before and back after
    (so the test can look at what the command left)."""
    where = shlex.quote(str(data))
    return in_namespace(
        f"""
        mount -t tmpfs -o size=64m tmpfs /mnt
        cp -a {where} /mnt/data
        used=$(du -sk /mnt | cut -f1)
        mount -o remount,size=$(( used + {free_kb} ))k /mnt
        set +e
        {script}
        echo "exit=$?" >&2
        set -e
        rm -rf {where} && cp -a /mnt/data {where}
        """
    )


def test_build_on_a_full_disk_keeps_the_previous_data(built_then_more, tmp_path: Path) -> None:  # noqa: F811
    base, before, after = built_then_more
    data = copy_data(base, tmp_path / "data")
    assert govreports(data, "sql", "SELECT 1").code == 0  # the catalog exists; the build writes tables
    ran = full_disk(data, 96, f"{GOVREPORTS} --data /mnt/data build")
    status = ran.stderr.strip().splitlines()[-1]
    assert status == "exit=1", ran.stderr
    message = Ran(1, ran.stdout, "\n".join(ran.stderr.strip().splitlines()[:-1]))
    line = one_line_naming(message, "no space left on device")
    assert "free space on that disk" in line
    assert assert_one_state(report_ids(data), before, after) == "before"
    rebuilt = govreports(data, "build")
    assert rebuilt.code == 0, rebuilt.stderr
    assert assert_one_state(report_ids(data), before, after) == "after"
    assert staged_leftovers(data) == []


def test_ingest_on_a_full_disk_then_again_with_space(tmp_path: Path) -> None:
    data, folder = tmp_path / "data", tmp_path / "downloads"
    folder.mkdir()
    for index in range(40):  # distinct files, so every one needs new space
        (folder / f"report-{index}.txt").write_bytes(seed_files()[index % 5].read_bytes() + f"\n{index}".encode())
    assert govreports(data, "ingest", str(folder / "report-0.txt")).code == 0  # the archive exists
    ran = full_disk(data, 48, f"{GOVREPORTS} --data /mnt/data ingest {shlex.quote(str(folder))}")
    assert ran.stderr.strip().splitlines()[-1] == "exit=1", ran.stderr
    message = Ran(1, ran.stdout, "\n".join(ran.stderr.strip().splitlines()[:-1]))
    one_line_naming(message, "no space left on device")
    check_archive(data / "archive", every_blob_named=False)  # whole blobs only; the rows may not have fit
    again = govreports(data, "ingest", str(folder))
    assert again.code == 0, again.stderr
    assert len(check_archive(data / "archive")) == 40


@pytest.mark.slow
def test_crawl_on_a_full_disk_stops_with_one_line(tmp_path: Path) -> None:
    import replicas

    data = tmp_path / "data"
    (data / "archive").mkdir(parents=True)
    with replicas.serve_all(["replica-trs"]) as urls:
        replicas.write_sources(tmp_path / "sources", urls)
        sources = shlex.quote(str(tmp_path / "sources"))
        ran = full_disk(data, 64, f"{GOVREPORTS} --data /mnt/data crawl --sources {sources}")
    assert ran.stderr.strip().splitlines()[-1] == "exit=3", ran.stderr
    assert "Traceback" not in ran.stdout + ran.stderr
    lines = [line for line in ran.stderr.splitlines()[:-1] if line.startswith("govreports crawl:")]
    assert len(lines) == 1 and "no space left on device" in lines[0] and "free space" in lines[0], ran.stderr
    check_archive(data / "archive", every_blob_named=False)
