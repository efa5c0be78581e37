"""Every pinned dependency earns its place: the product's are imported by the product (or listed below with the
reason they are needed without an import); the dev extras by the tests and benchmarks, or are tools.

Issue 15 found two that nothing imported (python-docx, dagster-duckdb): a dependency nobody uses is a pin to keep
current, a licence to check and an install to wait for, for nothing.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PRODUCT = tuple(pattern.rstrip("*") for pattern in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"])
"""The packages a wheel ships (pyproject's own list)."""
USED_WITHOUT_IMPORT = {
    "s3fs": "fsspec loads it for s3:// locations (the warehouse on object storage)",
    "defusedxml": "openpyxl parses workbooks with it when it is installed (billion laughs, XXE)",
    "dagster-webserver": "`govreports ui` runs `dagster dev`, which serves the UI with it",
    "jinja2": "the explorer's templates, rendered through starlette.templating.Jinja2Templates",
}
TOOLS = {
    "pytest-timeout": "pytest plugin: the suite's per-test timeout (pyproject's timeout = 600)",
    "ruff": "run by tests/test_architecture.py",
    "mypy": "type checks (tool.mypy)",
    "types-pyyaml": "type stubs for mypy",
    "import-linter": "run by tests/test_architecture.py (lint-imports)",
}


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _modules(distribution: str) -> set[str]:
    found = set()
    for module, distributions in importlib.metadata.packages_distributions().items():
        if any(_name(d) == distribution for d in distributions):
            found.add(module)
    return found


def _imports(folders: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names


def _unused(requirements: list[str], folders: tuple[str, ...], excused: dict[str, str]) -> list[str]:
    imported = _imports(folders)
    return [
        name for name in map(_name, requirements)
        if name not in excused and not _modules(name) & imported
    ]


def test_every_product_dependency_is_imported_or_explained() -> None:
    project = PYPROJECT["project"]
    assert _unused(project["dependencies"], PRODUCT, USED_WITHOUT_IMPORT) == []
    assert not {"python-docx", "dagster-duckdb"} & set(map(_name, project["dependencies"]))


def test_every_dev_dependency_is_used_by_tests_benchmarks_or_is_a_tool() -> None:
    project = PYPROJECT["project"]
    dev = project["optional-dependencies"]["dev"]
    assert _unused(dev, ("tests", "benchmarks", *PRODUCT), {**TOOLS, **USED_WITHOUT_IMPORT}) == []


def test_the_lock_pins_exactly_what_pyproject_asks_for() -> None:
    """Every direct dependency has its pin, and no pin is left of one that was dropped."""
    project = PYPROJECT["project"]
    wanted = {_name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]}
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {_name(line) for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line)}
    direct = {
        _name(line) for line, via in zip(lock.splitlines(), lock.splitlines()[1:], strict=False)
        if re.match(r"^[A-Za-z0-9]", line) and "govreports (pyproject.toml)" in via
    }
    assert wanted <= pinned
    assert direct <= wanted | {"dagster-celery"}
