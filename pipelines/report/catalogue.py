"""The complete rule catalogue: every finding the code can log, with its severity and meaning.

Three sources, each defining its rules once: pipelines/findings.yaml (readers, parser, warehouse), the form's
arithmetic rules (templates/rules.yaml: a break is an error, a blank term an info ``<rule>.unchecked``), and the
shape passes (passes/: ``shape.<pass>``, info). docs/findings.md is rendered from this; a test keeps it complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.findings import Severity, catalogue
from pipelines.report.form import Form, load_form
from pipelines.report.passes import PASSES


@dataclass(frozen=True)
class Entry:
    id: str
    severity: Severity
    meaning: str
    source: str  # where the rule is defined


def rule_catalogue(form: Form | None = None) -> dict[str, Entry]:
    form = form or load_form()
    entries = [Entry(r.id, r.severity, r.meaning, "pipelines/findings.yaml") for r in catalogue().values()]
    for rule in form.rules:
        entries.append(
            Entry(
                rule.id,
                Severity.ERROR,
                f"The printed numbers break the form: {rule.description}.",
                "pipelines/report/templates/rules.yaml",
            )
        )
        entries.append(
            Entry(
                f"{rule.id}.unchecked",
                Severity.INFO,
                f"{rule.id} could not be checked where a term is blank (blank is not zero).",
                "pipelines/report/templates/rules.yaml",
            )
        )
    for step in {step.rule: step for step in PASSES}.values():  # a pass may run at two points
        entries.append(Entry(step.rule, Severity.INFO, f"Shape pass: {step.meaning}", "pipelines/report/passes/"))
    out: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in out:
            raise ValueError(f"rule {entry.id} is defined twice ({out[entry.id].source}, {entry.source})")
        out[entry.id] = entry
    return out
