"""SQL generated from the form model: the table views, the long views, per-report summaries and the form's rules.

Everything here that names a row, column, group or rule reads it from ``pipelines.report.form``; the hand-written
views in ``sql/`` build on these names. Every view reads its files under ``warehouse_root()``, a macro the catalog
defines first (catalog.py): the variable ``warehouse`` when a session sets it, else the folder beside the catalog
file, so the same text runs in any DuckDB client and a copied data directory keeps working.
"""

from __future__ import annotations

from pipelines.report.form import Rule, load_form
from warehouse.dictionary import FormCell, form_cells
from warehouse.schema import application_column, review_cells, tables
from warehouse.write import DATA_FILE

ROOT = "warehouse_root()"
KEYS = "report_id, organ_id, year"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_views() -> list[str]:
    """One view per Parquet table, reading every partition (year added from the path)."""
    out = []
    for name, table_spec in tables().items():
        if table_spec.partitioned:
            source = (
                f"read_parquet({ROOT} || '/{name}/year=*/{DATA_FILE}', hive_partitioning = true, "
                "hive_types = {'year': INTEGER})"
            )
        else:
            source = f"read_parquet({ROOT} || '/{name}/{DATA_FILE}')"
        out.append(f"-- {table_spec.description}\nCREATE OR REPLACE VIEW {name} AS SELECT * FROM {source};")
    return out


def part_views() -> list[str]:
    """``applications`` (part 三) and ``review_litigation`` (part 四): the two halves of ``statistics``."""
    app_cells = ", ".join(_quote(application_column(row, column)) for row, column in _application_cells())
    review = ", ".join(_quote(key) for key, _, _ in review_cells())
    return [
        "-- Part 三 wide: one row per report that printed it, one column per cell <row>__<column>.\n"
        f"CREATE OR REPLACE VIEW applications AS\nSELECT {KEYS}, {app_cells}\nFROM statistics WHERE has_applications;",
        "-- Part 四 wide: one row per report that printed it, the 15 cells <block>_<measure>.\n"
        f"CREATE OR REPLACE VIEW review_litigation AS\nSELECT {KEYS}, {review}\nFROM statistics WHERE has_review;",
    ]


def long_views() -> list[str]:
    """Part 三 and part 四 as one row per printed number (blank cells, null in the wide table, are left out), each
    with its printing from ``cells``: the string as printed, unit, note and location."""
    app_cells = [application_column(row, column) for row, column in _application_cells()]
    review = [key for key, _, _ in review_cells()]
    sep = "__"
    return [
        "-- Part 三 long: one row per (report, row, column) printed number, with the string as printed, its unit,\n"
        "-- note and location (JSON: line; table, row, col; page and bbox) from cells.\n"
        "CREATE OR REPLACE VIEW applications_long AS\n"
        "SELECT a.report_id, a.organ_id, a.year, a.row, a.column, a.value, c.raw, c.unit, c.note, c.location\n"
        f"FROM (SELECT {KEYS}, split_part(cell, '{sep}', 1) AS \"row\",\n"
        f"             split_part(cell, '{sep}', 2) AS \"column\", value\n"
        f"      FROM (UNPIVOT applications ON {', '.join(_quote(c) for c in app_cells)}\n"
        "            INTO NAME cell VALUE value)) a\n"
        "LEFT JOIN cells c ON c.report_id = a.report_id AND c.year = a.year AND c.part = 'applications'\n"
        "  AND c.row = a.row AND c.column = a.column;",
        "-- Part 四 long: one row per (report, block, measure) printed number, with its printing from cells.\n"
        "CREATE OR REPLACE VIEW review_litigation_long AS\n"
        "SELECT a.report_id, a.organ_id, a.year, a.block, a.measure, a.value, c.raw, c.unit, c.note, c.location\n"
        f"FROM (SELECT {KEYS}, regexp_extract(cell, '^(.*)_([a-z]+)$', 1) AS block,\n"
        "             regexp_extract(cell, '^(.*)_([a-z]+)$', 2) AS measure, value\n"
        f"      FROM (UNPIVOT review_litigation ON {', '.join(_quote(c) for c in review)}\n"
        "            INTO NAME cell VALUE value)) a\n"
        "LEFT JOIN cells c ON c.report_id = a.report_id AND c.year = a.year AND c.part = 'review_litigation'\n"
        "  AND c.row = a.block AND c.column = a.measure;",
    ]


def _application_cells() -> list[tuple[str, str]]:
    form = load_form()
    return [(row.key, column) for row in form.all_application_rows() for column in form.column_keys]


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(terms) + ")" if terms else "NULL"


def result_sum(column: str) -> str:
    """Sum of part 三's result rows in ``column``: rows every template has, plus whichever template-specific set
    the report printed (2021 itemises （六）其他处理 in three rows, 2019 prints one). Null when a term is blank."""
    form = load_form()
    templates = [t for t in form.templates.values() if t.has_tables]
    shared = [
        r.key for r in templates[0].result_rows if all(r.key in {x.key for x in t.result_rows} for t in templates)
    ]
    alternatives: list[list[str]] = []
    for template in templates:
        specific = [r.key for r in template.result_rows if r.key not in shared]
        if specific and specific not in alternatives:
            alternatives.append(specific)
    terms = [_quote(application_column(row, column)) for row in shared]
    if alternatives:
        options = [_sum([_quote(application_column(row, column)) for row in alt]) for alt in alternatives]
        terms.append(f"COALESCE({', '.join(options)})")
    return _sum(terms)


def _rule_side(rule: Rule, side: tuple[str, ...], column: str) -> str:
    terms = []
    for key in side:
        if key == "@result":
            terms.append(result_sum(column))
        else:
            terms.append(_quote(application_column(key, column)))
    return _sum(terms)


def summary_view() -> str:
    """One row per report: each part 三 row's 总计 cell, each group's 总计, and all results (the ratios' inputs)."""
    form = load_form()
    total = form.column_keys[-1]
    rows = form.all_application_rows()
    columns = [f"{_quote(application_column(r.key, total))} AS {_quote(r.key)}" for r in rows]
    for group in form.groups:
        members = [r for r in rows if r.group == group.key]
        if members and all(r.role == "result" for r in members):
            terms = [_quote(application_column(m.key, total)) for m in members]
            columns.append(f"{_sum(terms)} AS {_quote(group.key)}")
    columns.append(f"{result_sum(total)} AS results")
    columns.extend(_quote(key) for key, _, _ in review_cells())
    columns.extend(["counted", "copies"])
    return (
        "-- One row per report with tables: part 三 in its 总计 column (each row, each group's sum, all results)\n"
        "-- and part 四's cells — the inputs of every ratio and total view, read from one table without a join.\n"
        "CREATE OR REPLACE VIEW application_summary AS\n"
        f"SELECT report_id, organ_id, year, {', '.join(columns)}\nFROM statistics;"
    )


def rule_view_name(rule: Rule) -> str:
    return "check_" + rule.id.replace(".", "_")


def rule_view(rule: Rule) -> str:
    """The breaks of one form rule as rows: report, where (column, row or block), left and right sums."""
    return (
        f"-- Breaks of {rule.id}: {rule.description}. A blank term makes a cell uncheckable, not broken.\n"
        f"CREATE OR REPLACE VIEW {rule_view_name(rule)} AS\n{rule_select(rule)};"
    )


def breaks_select(source: str) -> str:
    """Every rule's breaks over ``source``, a relation shaped like ``statistics`` (the explorer passes the one row
    of the report it shows: the same compiled checks, without scanning the table)."""
    return "\nUNION ALL ".join(rule_select(rule, source) for rule in load_form().rules)


def rule_select(rule: Rule, table: str = "statistics") -> str:
    """The SELECT of one rule's breaks over ``table``."""
    form = load_form()
    if rule.kind == "column_identity":
        checks = [
            (column, _rule_side(rule, rule.left, column), _rule_side(rule, rule.right, column))
            for column in form.column_keys
        ]
    elif rule.kind == "row_identity":
        checks = [
            (
                row.key,
                _sum([_quote(application_column(row.key, c)) for c in rule.left]),
                _sum([_quote(application_column(row.key, c)) for c in rule.right]),
            )
            for row in form.all_application_rows()
        ]
    elif rule.kind == "block_identity":
        checks = [
            (
                block.key,
                _sum([_quote(f"{block.key}_{m}") for m in rule.left]),
                _sum([_quote(f"{block.key}_{m}") for m in rule.right]),
            )
            for block in form.review_blocks
        ]
    else:
        raise ValueError(f"rule {rule.id}: unknown kind {rule.kind!r}")
    structs = ", ".join(
        f"{{'location': {_literal(where)}, 'left_value': {left}, 'right_value': {right}}}"
        for where, left, right in checks
    )
    prefilter = " OR ".join(f"{left} <> {right}" for _, left, right in checks)
    return (
        f"SELECT {KEYS}, {_literal(rule.id)} AS rule, b.location, b.left_value, b.right_value\n"
        f"FROM (SELECT {KEYS}, unnest(list_filter([{structs}], lambda t: t.left_value <> t.right_value)) AS b\n"
        f"      FROM {table} WHERE {prefilter})"
    )


def rule_views() -> list[str]:
    rules = load_form().rules
    union = "\nUNION ALL ".join(f"SELECT * FROM {rule_view_name(rule)}" for rule in rules)
    return [
        *(rule_view(rule) for rule in rules),
        f"-- Every break of the form's own arithmetic, recomputed from the stored numbers.\n"
        f"CREATE OR REPLACE VIEW form_breaks AS\n{union};",
    ]


def _value(value: str | tuple[str, ...] | None) -> str:
    if value is None:
        return "NULL::VARCHAR"
    if isinstance(value, tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return _literal(value)


FORM_CELL_COLUMNS = tuple(FormCell.__dataclass_fields__)


def form_cells_view() -> str:
    """The form's cells with their printed labels, so SQL users can name rows and columns as the form prints them."""
    rows = ",\n".join(
        "  (" + ", ".join(_value(getattr(cell, name)) for name in FORM_CELL_COLUMNS) + ")" for cell in form_cells()
    )
    return (
        "-- The form's cells with their printed Chinese labels: one row per (part, row, column) any template prints;\n"
        "-- wide_column names the statistics column of a part 三 or 四 cell (part 二 is stored long).\n"
        "CREATE OR REPLACE VIEW form_cells AS\nSELECT * FROM (VALUES\n"
        f"{rows}\n) AS t({', '.join(_quote(name) for name in FORM_CELL_COLUMNS)});"
    )


def generated_sql() -> list[str]:
    """Every generated statement, in dependency order."""
    return [*table_views(), form_cells_view(), *part_views(), *long_views(), summary_view(), *rule_views()]
