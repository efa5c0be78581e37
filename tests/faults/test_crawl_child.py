"""Issue 15 case 4: ``govreports crawl`` and its crawl child live and die together, with sane exit statuses.

Killed with SIGKILL (no handler of its own runs), the command takes its child with it: the child stops within
the grace period instead of crawling on into the data directory. A Ctrl-C stops the crawl cleanly (WARC closed,
every manifest row written) and exits 130. A child killed on its own gives a message and status 3 — not the 247
that ``sys.exit(-9)`` made of it. Whatever the kill, the archive stays whole and the next crawl completes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import replicas
from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore
from tests.faults.conftest import BIN, ROOT, Ran, check_archive, govreports

pytestmark = pytest.mark.slow


def children(pid: int) -> list[int]:
    """Live children of ``pid`` (zombies are dead: a container's init may be slow to reap them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def slow_portals(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    with replicas.serve_all(delay=0.3) as urls:
        replicas.write_sources(tmp_path / "sources", urls)
        yield tmp_path / "sources", tmp_path / "data"


def start_crawl(sources: Path, data: Path) -> tuple[subprocess.Popen[str], int]:
    """``govreports crawl`` in a session of its own (signals reach only it); (command, its crawl child's pid)
    once the child has archived something."""
    command = subprocess.Popen(
        [str(BIN / "govreports"), "--data", str(data), "crawl", "--sources", str(sources)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    store = BlobStore(data / "archive")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and command.poll() is None:
        crawl = children(command.pid)
        if crawl and len(list(store)) >= 5:
            return command, crawl[0]
        time.sleep(0.05)
    command.kill()
    pytest.fail("the crawl did not start archiving")


def finish(command: subprocess.Popen[str]) -> Ran:
    out, err = command.communicate(timeout=120)
    return Ran(command.returncode, out, err)


def test_sigkill_of_the_command_stops_its_crawl_child(slow_portals: tuple[Path, Path]) -> None:
    sources, data = slow_portals
    command, child = start_crawl(sources, data)
    command.kill()
    command.wait()
    deadline = time.monotonic() + 30
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child), "the crawl child went on crawling after its command was killed"
    archive = data / "archive"
    rows = read_manifest(archive).num_rows
    time.sleep(1.5)
    assert read_manifest(archive).num_rows == rows  # nothing more is written into the data directory
    check_archive(archive, every_blob_named=False)

    again = govreports(data, "crawl", "--sources", str(sources), timeout=300)
    again.assert_message_only()
    assert again.code == 0, again.stderr
    check_archive(archive)  # the run completed what the killed one stored
    assert not list((archive / "warc").rglob("*.open"))


def test_ctrl_c_stops_the_crawl_cleanly_with_status_130(slow_portals: tuple[Path, Path]) -> None:
    sources, data = slow_portals
    command, child = start_crawl(sources, data)
    os.kill(command.pid, signal.SIGINT)
    ran = finish(command)
    ran.assert_message_only()
    assert ran.code == 130, ran.stderr
    assert "stopped on SIGINT" in ran.stderr and "run the crawl again" in ran.stderr, ran.stderr
    assert not alive(child)
    archive = data / "archive"
    check_archive(archive)  # a clean stop writes every row before it ends
    assert not list((archive / "warc").rglob("*.open"))  # and closes its WARC files


def test_a_killed_crawl_child_gives_a_message_and_status_3(slow_portals: tuple[Path, Path]) -> None:
    sources, data = slow_portals
    command, child = start_crawl(sources, data)
    os.kill(child, signal.SIGKILL)
    ran = finish(command)
    ran.assert_message_only()
    assert ran.code == 3, (ran.code, ran.stderr)
    assert "the crawl process was killed (SIGKILL)" in ran.stderr, ran.stderr
    check_archive(data / "archive", every_blob_named=False)
