"""One rule evaluator: the form's rules expanded once into checks, evaluated in Python (validate, the digit splitter)
and compiled to the warehouse's SQL from the same checks — both give the same breaks on the same numbers."""

from __future__ import annotations

import random

import duckdb

from pipelines.report.arithmetic import APPLICATIONS, REVIEW, checks, evaluate, row_shape, table_templates
from pipelines.report.form import load_form
from warehouse.generated import rule_view
from warehouse.schema import application_column


def _statistics_rows(count: int, seed: int = 7) -> list[dict]:
    """Reports of both templates with small counts, blanks, and sums that hold or break at random."""
    form = load_form()
    rng = random.Random(seed)
    templates = table_templates(form)
    rows = []
    for index in range(count):
        template = templates[index % len(templates)]
        row: dict = {"report_id": f"r{index}", "organ_id": "o", "year": 2023}
        for form_row in form.all_application_rows():
            printed = any(r.key == form_row.key for r in template.rows)
            for column in form.column_keys:
                value = rng.choice([0, 0, 1, 2, None]) if printed else None
                row[application_column(form_row.key, column)] = value
        for block in form.review_blocks:
            for measure in form.review_measures:
                row[f"{block.key}_{measure.key}"] = rng.choice([0, 1, 2, None])
        if index % 3 == 0:  # a report whose sums hold: totals are the sums of their terms
            for form_row in template.rows:
                cells = [row[application_column(form_row.key, c)] for c in form.column_keys[:-1]]
                row[application_column(form_row.key, form.column_keys[-1])] = sum(c or 0 for c in cells)
        rows.append(row)
    return rows


def _python_breaks(rows: list[dict]) -> set[tuple[str, str, str]]:
    form = load_form()
    found = set()
    for row in rows:

        def value(ref, row=row):
            part, key, column = ref
            name = application_column(key, column) if part == APPLICATIONS else f"{key}_{column}"
            return row[name]

        for check in checks(form, table_templates(form)):
            if evaluate(check, value).broken:
                found.add((row["report_id"], check.rule.id, check.key))
    return found


def test_sql_and_python_find_the_same_breaks():
    form = load_form()
    rows = _statistics_rows(60)
    db = duckdb.connect()
    columns = list(rows[0])
    db.execute(
        "CREATE TABLE statistics AS SELECT * FROM (VALUES "
        + ", ".join("(" + ", ".join("?" for _ in columns) + ")" for _ in rows)
        + ") AS t("
        + ", ".join(f'"{c}"' for c in columns)
        + ")",
        [row[c] for row in rows for c in columns],
    )
    for column in columns[3:]:
        db.execute(f'ALTER TABLE statistics ALTER "{column}" TYPE BIGINT')
    sql_breaks = set()
    for rule in form.rules:
        db.execute(rule_view(rule))
        name = "check_" + rule.id.replace(".", "_")
        sql_breaks |= {
            (r, rule.id, where) for r, where in db.execute(f"SELECT report_id, location FROM {name}").fetchall()
        }
    python_breaks = _python_breaks(rows)
    assert python_breaks and sql_breaks == python_breaks


def test_rules_give_the_shape_of_a_printed_row():
    form = load_form()
    assert row_shape(form, APPLICATIONS) == (1, len(form.column_keys))
    assert row_shape(form, REVIEW) == (len(form.review_blocks), len(form.review_measures))


def test_checks_over_every_template_read_whichever_rows_a_report_printed():
    """（六）其他处理 as three rows (2021) or one (2019): the result term takes the rows the report printed."""
    form = load_form()
    results = next(
        c for c in checks(form, table_templates(form)) if c.rule.id == "applications.results_total" and c.key == "total"
    )
    values = {(APPLICATIONS, "total", "total"): 5, (APPLICATIONS, "other_handling", "total"): 5}
    for row in form.all_application_rows():
        values.setdefault((APPLICATIONS, row.key, "total"), 0 if row.key != "other_handling" else 5)
    for key in ("other_overdue_correction", "other_overdue_fee", "other_other"):
        values[(APPLICATIONS, key, "total")] = None
    assert not evaluate(results, values.get).broken
    values[(APPLICATIONS, "other_handling", "total")] = 4
    assert evaluate(results, values.get).broken
