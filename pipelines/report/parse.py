"""Document → Report: the values of parts 二, 三 and 四 keyed by form keys, as printed, with findings.

The steps, each a module of its own: the row stream with its shape passes and the parts located (reading.py), which
report it is (identify.py), which template it prints (template.py), the three parts read (parts.py), values the form
cannot hold set aside (plausible.py), the form's arithmetic checked (validate.py). Every step logs to the document's
one findings log; nothing printed is rewritten.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Document
from pipelines.document.read import read_document
from pipelines.findings import FindingsLog
from pipelines.report.agency import confirmed_agency
from pipelines.report.form import load_form
from pipelines.report.identify import identify, not_a_report_reason
from pipelines.report.model import Report
from pipelines.report.parts import read_active_disclosure, read_applications, read_review
from pipelines.report.plausible import check_values
from pipelines.report.reading import read_layout
from pipelines.report.template import choose_template
from pipelines.report.validate import validate

PARSER_VERSION = "1.2.0"


def parse_file(path: str | Path) -> Report:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(str(path), "no such file") from None
    except IsADirectoryError:
        raise UnreadableDocument(str(path), "is a directory, not a file") from None
    except OSError as error:
        raise UnreadableDocument(str(path), f"cannot read: {error.strerror}") from None
    return parse_bytes(data, str(path))


def parse_bytes(data: bytes, source: str, *, declared_encoding: str | None = None) -> Report:
    return parse_document(read_document(data, source, declared_encoding=declared_encoding))


def parse_document(document: Document) -> Report:
    form = load_form()
    log = FindingsLog(document.source, "parse", list(document.findings))
    layout = read_layout(document, form, log)
    identity = identify(document.title, layout)
    report = Report(
        source=document.source,
        sha256=document.sha256,
        media_type=document.media_type,
        parser_version=PARSER_VERSION,
        agency=confirmed_agency(identity.agency, identity.title, "\n".join(row.text for row in layout.rows), log),
        year=identity.year,
        findings=log.findings,
    )
    if identity.agency is None:
        log.warning("identity.no_title", "no report title naming the organ and year")
    elif identity.year_from != "title":
        log.warning("identity.year_not_in_title", f"year {identity.year} taken from the {identity.year_from}")
    parts_found = any(layout.part(key) for key in ("active_disclosure", "applications", "review_litigation"))
    reason = not_a_report_reason(identity)
    if reason or not (identity.title_says_report or parts_found):
        log.warning("identity.not_a_report", reason or "neither a report title nor the report's tables")
        return report
    template = choose_template(layout, form, identity.year)
    if template is None or not template.has_tables:
        free_form = template or next(t for t in form.templates.values() if not t.has_tables)
        report.template, report.template_variant = free_form.reported_as, free_form.id
        log.info("template.legacy", f"{free_form.description}: no standard tables to read")
        return report
    report.template, report.template_variant = template.reported_as, template.id
    if template.id != template.reported_as:
        log.info("template.hybrid", f"{template.description} (reported as the {template.reported_as} template)")
    report.active_disclosure = read_active_disclosure(layout.part("active_disclosure"), template, form, log)
    report.applications = read_applications(layout.part("applications"), template, form, log)
    report.review_litigation = read_review(layout.part("review_litigation"), template, form, log)
    check_values(report, template, form, log)
    validate(report, form, log.stage("validate"))
    return report
