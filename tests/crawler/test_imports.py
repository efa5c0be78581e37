"""The crawler imports only the ground floor's archive, findings, settings, registry and titles, and its process
plumbing (locks, child processes, fault messages, crash points) — never the parser or warehouse."""

from __future__ import annotations

import ast
from pathlib import Path

CRAWLER = Path(__file__).resolve().parents[2] / "crawler"
ALLOWED = (
    "pipelines.archive",
    "pipelines.findings",
    "pipelines.settings",
    "pipelines.registry",
    "pipelines.titles",
    "pipelines.regions",
    "pipelines.locks",
    "pipelines.children",
    "pipelines.faults",
    "pipelines.crashpoints",
)
FORBIDDEN_TOP = {"warehouse", "dagster_project", "govreports", "replicas", "dagster"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "pipelines" and node.level == 0:
            names.update(f"pipelines.{alias.name}" for alias in node.names)  # from pipelines import crashpoints
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_crawler_imports_only_what_it_may() -> None:
    for path in CRAWLER.rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN_TOP, f"{path}: imports {name}"
            if top == "pipelines":
                assert name.startswith(ALLOWED), f"{path}: imports {name}"
