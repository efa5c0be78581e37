"""The README's examples print what they claim: every ``console`` block is run, command by command, in a fresh
directory holding the bundled samples, and each output line it shows must be printed ('…' stands for what varies:
a run id, a path)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WIDTH = "110"
"""The terminal width the README's tables were printed at."""


def console_blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each ```console block as (command, output lines) pairs."""
    blocks = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        blocks.append(steps)
    return blocks


def _pattern(line: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in line.rstrip().split("…")) + "$")


def run_readme(workdir: Path) -> list[tuple[str, list[str], list[str]]]:
    """Run every example; return (command, claimed lines, printed lines)."""
    shutil.copytree(ROOT / "samples", workdir / "samples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "COLUMNS": WIDTH}
    env.pop("GOVREPORTS_DATA", None)
    results = []
    for block in console_blocks((ROOT / "README.md").read_text(encoding="utf-8")):
        for command, claimed in block:
            run = subprocess.run(
                ["bash", "-c", command], cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False
            )
            printed = [line.rstrip() for line in (run.stdout + run.stderr).splitlines() if line.strip()]
            results.append((command, claimed, printed))
    return results


@pytest.mark.slow
def test_the_readme_examples_print_what_they_claim(tmp_path) -> None:
    results = run_readme(tmp_path)
    assert len(results) >= 10
    for command, claimed, printed in results:
        for line in claimed:
            if line.strip():
                assert any(_pattern(line).match(got) for got in printed), (command, line, printed)


if __name__ == "__main__":  # print what each example prints now, to paste into the README after a change
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for command, _, printed in run_readme(Path(scratch)):
            print(f"$ {command}", *printed, sep="\n")
