"""The finding: one record for every problem short of a crash, logged by every stage.

Problems are data (as in zavod's issue log): a reader that meets an image-only page, a parser that meets a row
with seven cells where the form has six, a validator that meets a broken sum — each says so with a rule id, a
severity, where it was and the numbers involved, and nothing printed is ever rewritten.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
