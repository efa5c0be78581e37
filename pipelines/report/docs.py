"""The form model as Markdown: the reference page docs/form.md is generated from it, never written by hand."""

from __future__ import annotations

from pipelines.report.form import Form, load_form


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def render_form(form: Form | None = None) -> str:
    form = form or load_form()
    out = [
        "# The report form, as govreports reads it",
        "",
        "Generated from `pipelines/report/templates/` by `govreports form` — edit the YAML, not this page.",
        "",
        "## Templates",
        "",
        *_table(
            ["template", "reported as", "part 二 items", "part 三 rows", "description"],
            [
                [t.id, t.reported_as, str(len(t.items)), str(len(t.rows)), t.description]
                for t in form.templates.values()
            ],
        ),
        "",
        "## Sections",
        "",
        *_table(
            ["key", "ordinal", "heading", "variants"],
            [[s.key, s.ordinal or "", s.label, "; ".join(s.variants)] for s in form.sections],
        ),
    ]
    for template in form.templates.values():
        if not template.items:
            continue
        out += ["", f"## Part 二 — template {template.id}", ""]
        out += _table(
            ["item", "label", "variants", "band", "measures"],
            [
                [i.key, i.label, "; ".join(i.variants), i.band, ", ".join(f"{m.key} ({m.label})" for m in i.measures)]
                for i in template.items
            ],
        )
    out += ["", "## Part 三 — columns", ""]
    out += _table(["column", "label", "variants"], [[c.key, c.label, "; ".join(c.variants)] for c in form.columns])
    out += ["", "## Part 三 — rows (every template)", ""]
    used = {
        key: [t.id for t in form.templates.values() if any(r.key == key for r in t.rows)]
        for key in (r.key for r in form.all_application_rows())
    }
    out += _table(
        ["row", "ordinal", "label", "group", "role", "templates"],
        [
            [r.key, r.ordinal or "", r.label, r.group or "", getattr(r, "role", ""), ", ".join(used[r.key])]
            for r in form.all_application_rows()
        ],
    )
    out += ["", "## Part 四 — 15 cells: blocks × measures", ""]
    out += _table(["block", "label"], [[b.key, b.label] for b in form.review_blocks])
    out += [""]
    out += _table(["measure", "label"], [[m.key, m.label] for m in form.review_measures])
    out += ["", "## Arithmetic rules (each break is an error finding)", ""]
    out += _table(
        ["rule", "kind", "left", "right", "meaning"],
        [[r.id, r.kind, " + ".join(r.left), " + ".join(r.right), r.description] for r in form.rules],
    )
    return "\n".join(out) + "\n"
