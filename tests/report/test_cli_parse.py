"""`govreports parse` as a user runs it: one JSON line per document, and bad files named in clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEEDS

CLI = [sys.executable, "-m", "govreports.cli"]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_parse_prints_one_json_line_per_document(shared):
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    result = run("parse", *seeds)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    reports = [json.loads(line) for line in lines]
    assert [r["document"]["source"] for r in reports] == [str(p) for p in seeds]
    assert all(r["parser_version"] and r["template"] == "2021" for r in reports)


def test_pretty_output_is_indented_json(shared):
    result = run("parse", "--pretty", sorted(SEEDS.glob("*.txt"))[0])
    assert result.stdout.startswith("{\n")
    assert json.loads(result.stdout)["agency"] == "郑州市公安局"


def test_bad_files_are_named_and_the_others_still_parsed(shared, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.doc"
    binary.write_bytes(bytes(range(256)) * 40)
    undecodable = tmp_path / "mojibake.txt"
    undecodable.write_bytes(b"\xff\xfe\xfd" + bytes([0x81, 0x20, 0xFE, 0x7F]) * 300)
    missing = tmp_path / "missing.txt"
    good = sorted(SEEDS.glob("*.txt"))[0]
    result = run("parse", empty, missing, binary, good, undecodable, tmp_path)
    assert result.returncode != 0
    assert len(result.stdout.splitlines()) == 1 and json.loads(result.stdout)["agency"] == "郑州市公安局"
    errors = result.stderr.splitlines()
    for path in (empty, missing, binary, tmp_path):
        assert any(str(path) in line for line in errors), (path, errors)
    assert any("empty" in line for line in errors)
    assert any("no such file" in line for line in errors)
    assert "Traceback" not in result.stderr


def test_data_directory_option_beats_env_beats_default(tmp_path, monkeypatch):
    from pipelines.settings import Settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVREPORTS_DATA", raising=False)
    assert Settings.resolve().data == str(tmp_path / "data")
    monkeypatch.setenv("GOVREPORTS_DATA", str(tmp_path / "from-env"))
    assert Settings.resolve().data == str(tmp_path / "from-env")
    assert Settings.resolve(tmp_path / "from-option").data == str(tmp_path / "from-option")
    assert Settings.resolve("s3://bucket/prefix").warehouse == "s3://bucket/prefix/warehouse"
