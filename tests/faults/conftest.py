"""The fault-injection suite's tools: commands run as a user runs them (a child process), and the checks every
fault must pass — the process ends with a message (no traceback), every blob matches its sha256, the manifest
names every blob, and the warehouse answers with the previous or the new data, never a mixture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEEDS = ROOT.parent / "shared" / "seeds"
TABLES_BY_REPORT = ("reports", "statistics", "findings", "active_disclosure", "cells")


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    def assert_message_only(self) -> None:
        """Ended with a message of its own: no Python traceback anywhere in what it printed."""
        assert "Traceback" not in self.stdout + self.stderr, self.stdout + self.stderr
        assert self.code >= 0, f"killed by signal {-self.code}"


def govreports(data: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300,
               prefix: list[str] | None = None) -> Ran:
    """``govreports --data DATA ARGS`` as a child process (``prefix`` wraps it, e.g. in a mount namespace)."""
    command = [*(prefix or []), str(BIN / "govreports"), "--data", str(data), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})
    return Ran(done.returncode, done.stdout, done.stderr)


def seed_files() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"the shared seeds are not at {SEEDS}")
    return sorted(SEEDS.glob("*.txt"))


def check_archive(archive: Path, *, every_blob_named: bool = True) -> set[str]:
    """Every blob matches its sha256, every manifest row's blob is there, no temporary is left; with
    ``every_blob_named`` the manifest also names every blob. Returns the blobs."""
    store = BlobStore(archive)
    blobs = set(store)
    assert all(store.verify(digest) for digest in blobs), "a blob does not match its sha256"
    named = set(read_manifest(archive).column("sha256").to_pylist())
    assert named <= blobs, f"manifest rows without their blob: {sorted(named - blobs)[:3]}"
    if every_blob_named:
        assert blobs <= named, f"blobs no manifest row names: {sorted(blobs - named)[:3]}"
    return blobs


def report_ids(data: Path, env: dict[str, str] | None = None) -> dict[str, frozenset[str]]:
    """What SQL users see: the report ids present in every table that holds rows per report."""
    union = " UNION ALL ".join(f"SELECT '{name}' AS t, report_id FROM {name}" for name in TABLES_BY_REPORT)
    ran = govreports(data, "sql", f"SELECT t, report_id FROM ({union})", "--json", env=env)
    ran.assert_message_only()
    assert ran.code == 0, ran.stderr
    found: dict[str, set[str]] = {name: set() for name in TABLES_BY_REPORT}
    for line in ran.stdout.splitlines():
        row = json.loads(line)
        found[row["t"]].add(row["report_id"])
    return {name: frozenset(ids) for name, ids in found.items()}


def assert_one_state(state: dict[str, frozenset[str]], before: frozenset[str], after: frozenset[str]) -> str:
    """The warehouse holds exactly the reports of before or of after — in every table alike; returns which."""
    reports = state["reports"]
    assert reports in (before, after), f"reports table holds a mixture: {len(reports)} reports"
    for name, ids in state.items():
        assert ids <= reports, f"{name} has rows of reports the reports table does not have: a mixture"
    facts_of_new = [name for name in ("statistics", "findings") if state[name] & (after - before)]
    if reports == before:
        assert not facts_of_new, f"{facts_of_new} hold rows of the new batch while reports do not: a mixture"
    return "before" if reports == before else "after"


def copy_data(source: Path, target: Path) -> Path:
    """A copy of a data directory (without its catalog, whose views name the original's absolute paths)."""
    shutil.copytree(source, target, symlinks=True)
    (target / "catalog.duckdb").unlink(missing_ok=True)
    return target


def staged_leftovers(data: Path) -> list[Path]:
    warehouse = data / "warehouse"
    return [*warehouse.glob("_staging/*"), *warehouse.glob("*/_staging/*")]


def mount_namespace() -> list[str]:
    """A command prefix running its command in a mount namespace of its own (so a test can mount a read-only
    view or a tiny tmpfs over a data directory without touching the machine); skips when not permitted."""
    for prefix in (["unshare", "--mount"], ["unshare", "--map-root-user", "--mount"]):
        try:
            probe = subprocess.run([*prefix, "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", "/mnt"],
                                   capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    pytest.skip("mount namespaces are not permitted here (unshare --mount)")


def in_namespace(script: str, timeout: float = 300) -> Ran:
    """Run a bash ``script`` in a mount namespace of its own (mounts vanish with it)."""
    done = subprocess.run([*mount_namespace(), "bash", "-euo", "pipefail", "-c", script], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env={**os.environ, "COLUMNS": "200"})
    return Ran(done.returncode, done.stdout, done.stderr)
