"""SQL generated from the form model: the table views, the long views, per-report summaries and the form's rules.

Everything here that names a row, column, group or rule reads it from ``pipelines.report.form``; the hand-written
views in ``sql/`` build on these names. Every view reads its files under ``warehouse_root()``, a macro the catalog
defines first (catalog.py): the variable ``warehouse`` when a session sets it, else the folder beside the catalog
file, so the same text runs in any DuckDB client and a copied data directory keeps working.
"""

from __future__ import annotations

from pipelines.report.arithmetic import APPLICATIONS, CellRef, Entry, Term, result_terms, table_templates
from pipelines.report.arithmetic import checks as form_checks
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


def _cell(ref: CellRef) -> str:
    part, row, column = ref
    return _quote(application_column(row, column) if part == APPLICATIONS else f"{row}_{column}")


def _term(term: Term) -> str:
    """A term of a check as SQL: its cell, or the first of its options whose cells are all printed."""
    options = [_sum([_cell(ref) for ref in option]) for option in term.options]
    if len(options) == 1 and len(term.options[0]) == 1:
        return _cell(term.options[0][0])
    return options[0] if len(options) == 1 else f"COALESCE({', '.join(options)})"


def _entry(entry: Entry) -> str:
    """One key of a rule's side: a cell as is, ``@result`` as the sum of its terms."""
    return _term(entry[0]) if len(entry) == 1 and len(entry[0].options) == 1 else _sum([_term(t) for t in entry])


def _side(entries: tuple[Entry, ...]) -> str:
    return _sum([_entry(entry) for entry in entries])


def result_sum(column: str) -> str:
    """Sum of part 三's result rows in ``column``: rows every template has, plus whichever template-specific set
    the report printed (2021 itemises （六）其他处理 in three rows, 2019 prints one). Null when a term is blank."""
    return _sum([_term(term) for term in result_terms(column, table_templates(load_form()))])


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
    """The breaks of one form rule as rows: report, where (column, row or block), left and right sums — compiled
    from the rule evaluator's checks over every template (pipelines/report/arithmetic.py)."""
    form = load_form()
    table = "statistics"
    checks = [
        (check.key, _side(check.left), _side(check.right))
        for check in form_checks(form, table_templates(form))
        if check.rule.id == rule.id
    ]
    if not checks:
        raise ValueError(f"rule {rule.id}: no checks")
    structs = ", ".join(
        f"{{'location': {_literal(where)}, 'left_value': {left}, 'right_value': {right}}}"
        for where, left, right in checks
    )
    prefilter = " OR ".join(f"{left} <> {right}" for _, left, right in checks)
    return (
        f"-- Breaks of {rule.id}: {rule.description}. A blank term makes a cell uncheckable, not broken.\n"
        f"CREATE OR REPLACE VIEW {rule_view_name(rule)} AS\n"
        f"SELECT {KEYS}, {_literal(rule.id)} AS rule, b.location, b.left_value, b.right_value\n"
        f"FROM (SELECT {KEYS}, unnest(list_filter([{structs}], lambda t: t.left_value <> t.right_value)) AS b\n"
        f"      FROM {table} WHERE {prefilter});"
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
