"""The parse benchmarks run end to end at a tiny size (their figures are read by people, not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*arguments: str) -> str:
    run = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run.stdout


@pytest.mark.slow
def test_reader_benchmark_prints_the_ratio_to_lxml(shared) -> None:
    output = _run("benchmarks/parse_speed.py", "--pages", "2", "--rounds", "1", "--runs", "2")
    assert "HTML reader cold (fresh process), median page:" in output and "× bare lxml" in output


@pytest.mark.slow
def test_pool_benchmark_prints_the_speed_up_and_growth(shared) -> None:
    output = _run("benchmarks/parse_stage.py", "--documents", "10", "20", "--rounds", "1")
    assert "2 workers on 20 documents:" in output and "growth 10 → 20 documents" in output
