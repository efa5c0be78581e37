"""A build killed at every point of its commit, two builds at once, and a reader racing a writer: the warehouse
answers with the previous data or the new, never a mixture, and the next build completes it.

The kills are SIGKILL at named points (pipelines.crashpoints): after the batch's files are staged, after the
commit journal is written, between two of the moves it names, and after the new catalog is built but before it
replaces the old one. Issue 15 case 5 (two builds at once) and case 9 (staging swept) are reproduced here.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.crashpoints import ENV as CRASH_AT
from pipelines.settings import Settings
from tests.faults.conftest import (
    BIN,
    ROOT,
    assert_one_state,
    check_archive,
    copy_data,
    govreports,
    report_ids,
    seed_files,
    staged_leftovers,
)
from warehouse.rows import report_id
from warehouse.write import Warehouse


@pytest.fixture(scope="module")
def built_then_more(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, frozenset[str], frozenset[str]]:
    """A data directory built from three seeds, with two more seeds ingested and not built yet; the report ids
    before and after the pending build."""
    data = tmp_path_factory.mktemp("base") / "data"
    seeds = seed_files()
    assert govreports(data, "ingest", *map(str, seeds[:3])).code == 0
    assert govreports(data, "build").code == 0
    before = report_ids(data)["reports"]
    assert govreports(data, "ingest", *map(str, seeds[3:])).code == 0
    after = before | {report_id(_sha256(seed)) for seed in seeds[3:]}
    assert len(after) == len(seeds)
    return data, before, after


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("point", "readers_see"),
    [
        ("warehouse.commit.staged", "before"),  # killed before the commit point: nothing of the batch is visible
        ("warehouse.commit.journaled", "after"),  # committed, nothing moved yet: the next reader finishes the moves
        ("warehouse.commit.moving", "after"),  # committed, one file moved: likewise
        ("catalog.refresh.built", "after"),  # the tables are in; only the new catalog file was not renamed
    ],
)
def test_build_killed_at_each_point_leaves_previous_or_new_data(
    built_then_more: tuple[Path, frozenset[str], frozenset[str]], tmp_path: Path, point: str, readers_see: str
) -> None:
    base, before, after = built_then_more
    data = copy_data(base, tmp_path / "data")
    killed = govreports(data, "build", env={CRASH_AT: point})
    assert killed.code == -9, f"the build was not killed at {point}: {killed.stderr}"

    assert assert_one_state(report_ids(data), before, after) == readers_see
    rebuilt = govreports(data, "build")
    rebuilt.assert_message_only()
    assert rebuilt.code == 0, rebuilt.stderr
    state = report_ids(data)
    assert assert_one_state(state, before, after) == "after"
    assert staged_leftovers(data) == [] and not list(data.glob(".catalog.duckdb.*"))
    check_archive(data / "archive")
    duplicates = govreports(data, "sql", "SELECT report_id FROM reports GROUP BY 1 HAVING count(*) > 1", "--csv")
    assert duplicates.stdout.strip() == "\"report_id\"", duplicates.stdout  # the header only


def test_two_builds_at_once_the_second_waits_and_says_for_whom(
    built_then_more: tuple[Path, frozenset[str], frozenset[str]], tmp_path: Path
) -> None:
    base, _, after = built_then_more
    data = copy_data(base, tmp_path / "data")
    command = [str(BIN / "govreports"), "--data", str(data), "build"]
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = data / "warehouse.lock"
    deadline = time.monotonic() + 60
    while (not lock.exists() or not lock.read_text()) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.01)
    second = govreports(data, "build")
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    second.assert_message_only()
    assert second.code == 0, second.stderr
    if "waiting for the warehouse" in second.stderr:  # the first was still writing when the second started
        assert f"govreports --data {data} build (pid {first.pid}" in second.stderr, second.stderr
    else:
        pytest.skip("the first build finished before the second started; nothing was concurrent")
    state = report_ids(data)
    assert assert_one_state(state, frozenset(), after) == "after"
    assert "0 parsed now" in second.stdout  # the second found the first's work done


def test_a_second_build_that_cannot_wait_names_the_holder(tmp_path: Path) -> None:
    from pipelines import locks
    from warehouse.staging import lock_path

    data = tmp_path / "data"
    assert govreports(data, "ingest", str(seed_files()[0])).code == 0
    settings = Settings.resolve(data)
    with locks.exclusive(lock_path(settings), "warehouse"):
        ran = govreports(data, "build", env={locks.TIMEOUT_ENV: "0.5"})
    ran.assert_message_only()
    assert ran.code == 1
    assert "the warehouse is being written by python -m pytest" in ran.stderr and "waited" in ran.stderr
    assert ran.stderr.count("\n") <= 2, ran.stderr  # the waiting line and the error line


def test_readers_never_open_a_file_twice_while_a_writer_replaces_it(tmp_path: Path) -> None:
    """Issue 15 case 5: Warehouse.read opened a partition by name twice; a writer's rename in between read the
    new file's body with the old file's footer ("Unexpected end of stream"). Now each read opens it once."""
    warehouse = Warehouse(str(tmp_path / "warehouse"))
    tables = [
        pa.table({"organ_id": [f"o{i}-{n}" for n in range(size)], "name": ["x" * (i % 50)] * size})
        for i, size in enumerate([10, 20_000, 5, 40_000, 1_000] * 4)
    ]
    schema_columns = {"organ_id", "name"}
    stop = threading.Event()
    failures: list[BaseException] = []

    def write() -> None:
        index = 0
        while not stop.is_set():
            warehouse.write_file("organs", None, tables[index % len(tables)])
            index += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        deadline = time.monotonic() + 5
        reads = 0
        while time.monotonic() < deadline:
            try:
                table = warehouse.read("organs")
                assert schema_columns <= set(table.column_names)
                reads += 1
            except Exception as error:  # any failure is the bug
                failures.append(error)
                break
    finally:
        stop.set()
        writer.join()
    assert failures == [] and reads > 10


def test_a_catalog_refresh_killed_before_its_rename_leaves_the_old_catalog_or_none(
    built_then_more: tuple[Path, frozenset[str], frozenset[str]], tmp_path: Path
) -> None:
    """The catalog is built beside the old one and renamed into place: killed before the rename, the next reader
    finds no half-built catalog (the temporary is swept) and answers."""
    base, before, _ = built_then_more
    data = copy_data(base, tmp_path / "data")  # without a catalog: the first reader builds it
    killed = govreports(data, "sql", "SELECT 1", env={CRASH_AT: "catalog.refresh.built"})
    assert killed.code == -9
    assert list(data.glob(".catalog.duckdb.*")) and not (data / "catalog.duckdb").exists()
    assert assert_one_state(report_ids(data), before, before) == "before"
    assert not list(data.glob(".catalog.duckdb.*"))
