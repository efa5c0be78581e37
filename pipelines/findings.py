"""The finding and the findings log: one record for every problem short of a crash, logged by every stage.

Problems are data (as in zavod's issue log): a reader that meets an image-only page, a parser that meets a row
with seven cells where the form has six, a validator that meets a broken sum — each says so through the log of
the document it works on, with a rule id from the catalogue (``findings.yaml``), a severity, where it was and
the numbers involved, and nothing printed is ever rewritten.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Protocol

import yaml


class Severity(StrEnum):
    """error: the printed numbers break the form's arithmetic; warning: a reader must know; info: layout notes."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass
class Finding:
    rule: str
    severity: Severity
    message: str
    location: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    stage: str = "parse"
    form_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return {key: value for key, value in data.items() if value not in (None, {}, "")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """The finding ``to_json()`` printed; raises ValueError when ``data`` is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("rule"), str):
            raise ValueError(f"not a finding: {data!r}")
        unknown = set(data) - {field.name for field in fields(cls)}
        if unknown:
            raise ValueError(f"finding {data['rule']}: unknown key(s) {sorted(unknown)}")
        values = data.get("values") or {}
        if not isinstance(values, dict):
            raise ValueError(f"finding {data['rule']}: values {values!r} is not an object")
        return cls(
            rule=data["rule"],
            severity=Severity(data.get("severity", Severity.WARNING)),
            message=str(data.get("message", "")),
            location=str(data.get("location", "")),
            values=values,
            stage=str(data.get("stage", "parse")),
            form_key=data.get("form_key"),
        )


class Describable(Protocol):
    """A place in a document that can say where it is (pipelines.document.model.Location)."""

    def describe(self) -> str: ...


class FindingsLog:
    """The findings of one document, bound to the stage that logs them.

    Every stage of one document writes into the same list: ``log.stage("validate")`` is the same log for the
    next stage. ``log.warning("parse.cell_count", "…", location, printed=[…])`` records a Finding whose
    values are the keyword arguments.
    """

    def __init__(self, source: str, stage: str, findings: list[Finding] | None = None) -> None:
        self.source = source
        self.name = stage
        self.findings: list[Finding] = findings if findings is not None else []

    def stage(self, stage: str) -> FindingsLog:
        """The same document's log, for another stage."""
        return FindingsLog(self.source, stage, self.findings)

    def error(
        self, rule: str, message: str, location: str | Describable = "", *, form_key: str | None = None, **values: Any
    ) -> Finding:
        return self._log(rule, Severity.ERROR, message, location, form_key, values)

    def warning(
        self, rule: str, message: str, location: str | Describable = "", *, form_key: str | None = None, **values: Any
    ) -> Finding:
        return self._log(rule, Severity.WARNING, message, location, form_key, values)

    def info(
        self, rule: str, message: str, location: str | Describable = "", *, form_key: str | None = None, **values: Any
    ) -> Finding:
        return self._log(rule, Severity.INFO, message, location, form_key, values)

    def _log(
        self,
        rule: str,
        severity: Severity,
        message: str,
        location: str | Describable,
        form_key: str | None,
        values: dict[str, Any],
    ) -> Finding:
        where = location if isinstance(location, str) else location.describe()
        finding = Finding(rule, severity, message, where, values, self.name, form_key)
        self.findings.append(finding)
        return finding

    def __len__(self) -> int:
        return len(self.findings)


@dataclass(frozen=True)
class Rule:
    """One entry of the rule catalogue: what a finding with this id means."""

    id: str
    severity: Severity
    meaning: str


@cache
def catalogue() -> dict[str, Rule]:
    """The rule catalogue of findings.yaml (the form's arithmetic rules and the parser's shape passes add theirs)."""
    text = resources.files("pipelines").joinpath("findings.yaml").read_text(encoding="utf-8")
    return {
        rule_id: Rule(rule_id, Severity(entry["severity"]), " ".join(entry["meaning"].split()))
        for rule_id, entry in yaml.safe_load(text).items()
    }
