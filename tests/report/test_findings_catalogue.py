"""The rule catalogue is complete and docs/findings.md is it rendered.

Every rule id the code can log — read from the source itself: literal ids given to a log's .error/.warning/.info,
to Finding(…), to any parameter or field named ``rule`` / ``*_rule``, or under a "rule" key — is in the catalogue,
with the severity it is logged at. The generated page is in sync with the catalogue.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pipelines.findings import FindingsLog, Severity
from pipelines.report.catalogue import rule_catalogue
from pipelines.report.docs import render_findings

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pipelines", "warehouse", "crawler", "dagster_project", "govreports")
DOC = ROOT / "docs" / "findings.md"
RULE_ID = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")
LOG_METHODS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and RULE_ID.match(node.value):
        return node.value
    return None


def _rule_name(name: str) -> bool:
    return name == "rule" or name.endswith("_rule")


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def emitted_rules() -> list[tuple[str, Severity | None, str]]:
    """(rule id, severity where the call says it, file:line) for every literal rule id in the code."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    rule_params: dict[str, int] = {}  # functions whose parameter number N is a rule id
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.args if a.arg != "self"]
                for index, arg in enumerate(names):
                    if _rule_name(arg):
                        rule_params[node.name] = index
    found: list[tuple[str, Severity | None, str]] = []
    for path, tree in trees.items():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            hits: list[tuple[str | None, Severity | None]] = []
            if isinstance(node, ast.Call):
                name = _name(node.func)
                first = node.args[0] if node.args else None
                if isinstance(node.func, ast.Attribute) and name in LOG_METHODS:
                    hits.append((_literal(first), LOG_METHODS[name]))
                elif name == "Finding" and first is not None:
                    severity = node.args[1] if len(node.args) > 1 else None
                    level = Severity(severity.attr.lower()) if isinstance(severity, ast.Attribute) else None
                    hits.append((_literal(first), level))
                elif name in rule_params and len(node.args) > rule_params[name]:
                    hits.append((_literal(node.args[rule_params[name]]), None))
                hits += [(_literal(k.value), None) for k in node.keywords if k.arg and _rule_name(k.arg)]
            elif isinstance(node, ast.Dict):
                hits += [(_literal(v), None) for k, v in zip(node.keys, node.values, strict=True) if _key(k)]
            elif isinstance(node, ast.AnnAssign) and _rule_name(_name(node.target)):
                hits.append((_literal(node.value), None))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    pairs = (
                        zip(target.elts, node.value.elts, strict=False)
                        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                        else [(target, node.value)]
                    )
                    hits += [(_literal(value), None) for t, value in pairs if _rule_name(_name(t))]
            found += [(rule, level, f"{where}:{node.lineno}") for rule, level in hits if rule]
    return found


def _key(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value == "rule"


def test_the_scan_sees_the_code_that_logs():
    rules = {rule for rule, _, _ in emitted_rules()}
    # one literal of each way a rule reaches a finding: a log method, a helper's rule parameter, a field default
    assert {"parse.cell_count", "html.no_content", "warehouse.unknown_row", "read.unreadable"} <= rules


def test_every_rule_the_code_logs_is_in_the_catalogue_with_its_severity():
    catalogue = rule_catalogue()
    missing = [f"{rule} ({where})" for rule, _, where in emitted_rules() if rule not in catalogue]
    assert missing == [], "add these to pipelines/findings.yaml"
    wrong = [
        f"{rule} logged as {level} ({where}), catalogued as {catalogue[rule].severity}"
        for rule, level, where in emitted_rules()
        if level is not None and catalogue[rule].severity != level
    ]
    assert wrong == []


def test_every_catalogued_rule_is_still_logged_somewhere():
    """A rule nobody logs any more is a stale entry (rules of the form and of the passes are generated)."""
    logged = {rule for rule, _, _ in emitted_rules()}
    stale = [e.id for e in rule_catalogue().values() if e.source == "pipelines/findings.yaml" and e.id not in logged]
    assert stale == []


def test_findings_reference_is_generated_from_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == render_findings(), "run: govreports findings --write docs/findings.md"


def test_the_log_binds_stage_and_document():
    log = FindingsLog("a.html", "read")
    log.warning("html.no_content", "the page holds no text", "line 3", reason="empty")
    validate = log.stage("validate")
    validate.error("applications.balance", "breaks", "applications column total", left_sum=1, right_sum=2)
    assert [(f.rule, f.stage, f.severity) for f in log.findings] == [
        ("html.no_content", "read", Severity.WARNING),
        ("applications.balance", "validate", Severity.ERROR),
    ]
    assert log.findings[0].to_json() == {
        "rule": "html.no_content",
        "severity": "warning",
        "message": "the page holds no text",
        "location": "line 3",
        "values": {"reason": "empty"},
        "stage": "read",
    }
    assert validate.source == "a.html" and validate.findings is log.findings


@pytest.mark.parametrize("rule", ["shape.lone_numbers", "applications.balance.unchecked", "value.overflow"])
def test_generated_and_listed_rules_are_documented(rule):
    assert f"| {rule} |" in render_findings()
