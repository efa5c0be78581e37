"""The finding: one record for every problem short of a crash, logged by every stage.

Problems are data (as in zavod's issue log): a reader that meets an image-only page, a parser that meets a row
with seven cells where the form has six, a validator that meets a broken sum — each says so with a rule id, a
severity, where it was and the numbers involved, and nothing printed is ever rewritten.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


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
