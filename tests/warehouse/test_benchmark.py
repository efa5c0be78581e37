"""The national-scale benchmark runs end to end (at a tiny scale) through the real write path and catalog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_benchmark_runs_at_a_small_scale(tmp_path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "warehouse_scale.py"),
            "--scale",
            "0.001",
            "--repeat",
            "2",
            "--rewrite",
            "--compare-rows",
            "--data",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "2,250 reports" in run.stdout
    for query in ("(a national totals", "(b one organ", "(c column balance", "(d top 20"):
        assert run.stdout.count(query) == 2, run.stdout
    assert (tmp_path / "data" / "warehouse" / "statistics" / "year=2024" / "data.parquet").is_file()
