"""What parsing made of one archived document: its Report, or the reason there is none.

The parse stage persists one outcome per (parser version, document) and the warehouse loads them back as these
typed objects. A document without a Report is a failed outcome carrying one finding that says why: a reader
refused the bytes (``read.*``), the archive could not give them (``archive.*``: retried on every run, since the
bytes may come back), or the parser raised, was killed or ran out of time (``parse.*``).

Status: parsed (the form's tables read); the id of a free-form template (legacy: a report before the 2019 form,
with no tables to read); not_report (read, but not a report); unreadable (no reader could read the bytes, or the
archive lost them); failed (the parser broke on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pipelines.findings import Finding
from pipelines.report.form import load_form
from pipelines.report.model import Report


@dataclass
class ParsedDocument:
    """One archived document after the parse stage: exactly one of ``report`` and ``failure`` is set."""

    sha256: str
    source: str
    parser_version: str
    report: Report | None = None
    failure: Finding | None = None

    def __post_init__(self) -> None:
        if (self.report is None) == (self.failure is None):
            raise ValueError(f"{self.source}: a parsed document has either a report or a failure, not both or none")

    @property
    def status(self) -> str:
        if self.report is None:
            rule = self.failure.rule if self.failure else ""
            return "unreadable" if rule.startswith(("read.", "archive.")) else "failed"
        if self.report.template is None:
            return "not_report"
        return self.report.template if self.report.template in _free_form_templates() else "parsed"

    @property
    def archive_fault(self) -> bool:
        """The archive could not give the bytes (missing or damaged blob): not the parser's verdict, so retried."""
        return self.failure is not None and self.failure.rule.startswith("archive.")

    @property
    def findings(self) -> list[Finding]:
        """Every finding of the document: the report's, or the failure."""
        return list(self.report.findings) if self.report is not None else [self.failure] if self.failure else []

    def to_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "source": self.source,
            "parser_version": self.parser_version,
            "report": self.report.to_json() if self.report is not None else None,
            "failure": self.failure.to_json() if self.failure is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedDocument:
        """The outcome ``to_json()`` printed; raises ValueError naming what does not fit."""
        if not isinstance(data, dict):
            raise ValueError(f"a parsed document is a JSON object, not {type(data).__name__}")
        try:
            sha256, source, version = data["sha256"], data["source"], data["parser_version"]
        except KeyError as error:
            raise ValueError(f"a parsed document without {error.args[0]!r}") from None
        report = Report.from_json(data["report"]) if data.get("report") is not None else None
        failure = Finding.from_json(data["failure"]) if data.get("failure") is not None else None
        return cls(str(sha256), str(source), str(version), report, failure)


@cache
def _free_form_templates() -> frozenset[str]:
    """Templates without tables (the form's data says which): a report on one is read, but holds no numbers."""
    return frozenset(t.reported_as for t in load_form().templates.values() if not t.has_tables)
