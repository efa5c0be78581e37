"""The explorer's routes: Starlette endpoints rendering Jinja2 templates, every page also downloadable as CSV.

    /                         search organs by name and region
    /organ/{organ_id}         an organ's reports year by year, its key measures as charts
    /report/{year}/{id}       a report laid out as printed: each cell's printing, location and original; breaks
    /compare?a=Y/ID&b=Y/ID    two reports side by side
    /rankings                 reports and provinces ranked by a ratio (the warehouse's macros, defined on the page)
    /original/{sha256}        the archived original, as received (sandboxed: its scripts never run here)

Any page with ``?format=csv`` downloads what it shows (UTF-8 with a byte-order mark, for Excel).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from explorer.layout import CellKey, Printed, broken_sums, grids, table_template
from explorer.reader import Reader, ReportData
from pipelines.report.form import load_form
from pipelines.settings import Settings
from warehouse.dictionary import describe
from warehouse.schema import application_column

HERE = Path(__file__).resolve().parent
CSV_BOM = "\ufeff"
KEY_MEASURES = ("new_received", "handled", "denied", "unavailable", "review_total", "review_corrected")
"""The counts an organ's chart draws year by year (its ratios get a chart of their own)."""
HISTORY_COLUMNS = (
    "year",
    "report_id",
    "template",
    "new_received",
    "carried_over",
    "handled",
    "denied",
    "unavailable",
    "carried_forward",
    "review_total",
    "review_corrected",
    "denied_share",
    "unavailable_share",
    "review_correction_rate",
    "carry_forward_rate",
    "copies",
    "errors",
    "warnings",
)


def label(relation: str, column: str) -> str:
    """A column's Chinese label from the data dictionary (the key itself when it has none)."""
    doc = describe(relation, column)
    return doc.label if doc else column


def _csv(rows: list[dict[str, Any]], name: str, columns: list[str] | None = None) -> Response:
    """What a page shows, as CSV for Excel (UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    names = columns or (list(rows[0]) if rows else [])
    writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row.get(key) is None else row.get(key) for key in names})
    filename = quote(f"{name}.csv")
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


def _percent(value: Any) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@dataclass
class Pair:
    """One cell of two reports side by side."""

    a: Printed
    b: Printed

    @property
    def differs(self) -> bool:
        return self.a.value != self.b.value


@dataclass
class Break:
    """A sum of the form that does not add up: the rule, where, both sides with their cells."""

    index: int
    rule: str
    description: str
    where: str
    left_value: Any
    right_value: Any
    left: list[str]
    right: list[str]


def _value_of(data: ReportData, key: CellKey) -> Any:
    part, row, column = key
    if part == "active_disclosure":
        return data.disclosure.get((row, column), {}).get("value")
    statistics = data.statistics or {}
    return statistics.get(application_column(row, column) if part == "applications" else f"{row}_{column}")


def _printed(data: ReportData, key: CellKey, text: str) -> Printed:
    printing = data.cells.get(key, {})
    unit = printing.get("unit") or data.disclosure.get(key[1:], {}).get("unit")
    return Printed(
        key, text, _value_of(data, key), printing.get("raw"), unit, printing.get("note"), printing.get("location") or {}
    )


def _breaks(data: ReportData) -> tuple[list[Break], dict[CellKey, tuple[set[str], list[int]]]]:
    """The report's broken sums, and for every cell concerned its side(s) and the breaks it takes part in."""
    form = load_form()
    template = table_template(form, data.meta.get("template"))
    names = _names(form)
    marks: dict[CellKey, tuple[set[str], list[int]]] = {}
    out = []
    for index, broken in enumerate(broken_sums(template, lambda key: _value_of(data, key), form)):
        for side, cells in (("left", broken.left), ("right", broken.right)):
            for key in cells:
                sides, indices = marks.setdefault(key, (set(), []))
                sides.add(side)
                indices.append(index)
        # Name the terms by what varies along the rule: the rows of a column, the columns of a row, the results of
        # a block.
        term = 1 if broken.rule.kind == "column_identity" else 2
        out.append(
            Break(
                index,
                broken.rule.id,
                broken.rule.description,
                names.get(broken.where, broken.where),
                _whole(broken.left_sum),
                _whole(broken.right_sum),
                [names.get(key[term], key[term]) for key in broken.left],
                [names.get(key[term], key[term]) for key in broken.right],
            )
        )
    return out, marks


def _whole(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def _names(form: Any) -> dict[str, str]:
    """Printed names of the form's rows, columns, blocks and results (ordinals included), by key."""
    names = {column.key: column.label for column in form.columns}
    names.update({block.key: block.label for block in form.review_blocks})
    names.update({measure.key: measure.label for measure in form.review_measures})
    for row in form.all_application_rows():
        ordinal = row.ordinal or ""
        names[row.key] = f"{ordinal}.{row.label}" if ordinal.isdigit() else f"{ordinal}{row.label}"
    return names


def create_app(settings: Settings) -> Starlette:
    """The explorer over ``settings``' data directory (read-only); raises ``NoWarehouse`` when there is none."""
    reader = Reader(settings)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters.update(percent=_percent, number=_number, quote=lambda text: quote(str(text), safe=""))
    templates.env.globals.update(label=label, data_dir=settings.data)

    def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status)

    def search(request: Request) -> Response:
        text = request.query_params.get("q", "").strip() or None
        region = request.query_params.get("region", "").strip() or None
        organs, matches = reader.search(text, region)
        if request.query_params.get("format") == "csv":
            return _csv(
                organs,
                "organs",
                ["organ_id", "organ", "region_code", "region_name", "reports", "copies", "first_year", "last_year"],
            )
        return render(
            request,
            "search.html",
            {
                "q": text or "",
                "region": region or "",
                "organs": organs,
                "matches": matches,
                "provinces": reader.provinces(),
            },
        )

    def organ(request: Request) -> Response:
        organ_id = request.path_params["organ_id"]
        found, history = reader.organ(organ_id)
        if found is None:
            raise HTTPException(404, f"no organ {organ_id!r} in this warehouse")
        if request.query_params.get("format") == "csv":
            return _csv(history, f"organ {found['organ']}", list(HISTORY_COLUMNS))
        charts = {
            "years": [row["year"] for row in history],
            "counts": {name: [row.get(name) for row in history] for name in KEY_MEASURES},
            "ratios": {name: [row.get(name) for row in history] for name in reader.ratios},
            "labels": {name: label("organ_history", name) for name in (*KEY_MEASURES, *reader.ratios)},
        }
        return render(
            request,
            "organ.html",
            {
                "organ": found,
                "history": history,
                "columns": HISTORY_COLUMNS,
                "charts": json.dumps(charts),
                "ratios": reader.ratios,
            },
        )

    def load_report(year: int, report_id: str, details: bool = True) -> ReportData:
        data = reader.report(year, report_id, details)
        if data is None:
            raise HTTPException(404, f"no report {report_id!r} of {year} in this warehouse")
        return data

    def report(request: Request) -> Response:
        year, report_id = request.path_params["year"], request.path_params["report_id"]
        data = load_report(year, report_id)
        breaks, marks = _breaks(data)

        def value(key: CellKey, text: str) -> Printed:
            cell = _printed(data, key, text)
            cell.sides, cell.breaks = marks.get(key, (set(), []))
            return cell

        template = table_template(load_form(), data.meta.get("template"))
        if request.query_params.get("format") == "csv":
            rows = [
                {
                    "report_id": report_id,
                    "year": year,
                    "part": cell.key[0],
                    "row": cell.key[1],
                    "column": cell.key[2],
                    "label": cell.label,
                    "value": cell.value,
                    "printed": cell.printed,
                    "unit": cell.unit,
                    "note": cell.note,
                    "where": cell.where,
                    "page": cell.location.get("page"),
                    "broken": " ".join(sorted(cell.sides)),
                }
                for grid in grids(template, value)
                for grid_row in grid.rows
                for cell in grid_row
                if isinstance(cell, Printed)
            ]
            return _csv(rows, f"report {report_id} {year}")
        return render(
            request,
            "report.html",
            {
                "data": data,
                "meta": data.meta,
                "grids": grids(template, value),
                "breaks": breaks,
                "ratios": reader.ratios,
            },
        )

    def report_without_year(request: Request) -> Response:
        report_id = request.path_params["report_id"]
        year = reader.report_year(report_id)
        if year is None:
            raise HTTPException(404, f"no report {report_id!r} in this warehouse")
        return RedirectResponse(f"/report/{year}/{report_id}", status_code=302)

    def _reference(text: str) -> tuple[int, str]:
        year, _, report_id = text.partition("/")
        if not year.isdigit() or not report_id:
            raise HTTPException(400, f"a report is YEAR/REPORT_ID, not {text!r}")
        return int(year), report_id

    def compare(request: Request) -> Response:
        a_ref, b_ref = request.query_params.get("a", ""), request.query_params.get("b", "")
        if not a_ref or not b_ref:
            raise HTTPException(400, "compare needs two reports: ?a=YEAR/REPORT_ID&b=YEAR/REPORT_ID")
        refs = [_reference(a_ref), _reference(b_ref)]
        with ThreadPoolExecutor(max_workers=2) as pool:  # DuckDB reads without the GIL: the two side by side
            a, b = pool.map(lambda ref: load_report(*ref, details=False), refs)
        form = load_form()
        template = table_template(form, a.meta.get("template")) or table_template(form, b.meta.get("template"))

        def value(key: CellKey, text: str) -> Pair:
            return Pair(_printed(a, key, text), _printed(b, key, text))

        laid_out = grids(template, value)
        if request.query_params.get("format") == "csv":
            rows = [
                {
                    "part": cell.a.key[0],
                    "row": cell.a.key[1],
                    "column": cell.a.key[2],
                    "label": cell.a.label,
                    "a": cell.a.value,
                    "b": cell.b.value,
                }
                for grid in laid_out
                for grid_row in grid.rows
                for cell in grid_row
                if isinstance(cell, Pair)
            ]
            return _csv(rows, f"compare {a.meta['report_id']} {b.meta['report_id']}")
        return render(request, "compare.html", {"a": a, "b": b, "grids": laid_out, "ratios": reader.ratios})

    def rankings(request: Request) -> Response:
        params = request.query_params
        years = reader.years()
        measure = params.get("measure") or next(iter(reader.ratios), "")
        if measure not in reader.ratios:
            raise HTTPException(400, f"rank by one of {', '.join(reader.ratios)}, not {measure!r}")
        year = int(params["year"]) if params.get("year", "").isdigit() else (years[0] if years else 0)
        province = params.get("province") or None
        minimum = int(params["min"]) if params.get("min", "").isdigit() else 10
        ascending = params.get("order") == "asc"
        ranked, count = reader.ranking(measure, year, province, minimum, ascending)
        if params.get("format") == "csv":
            return _csv(
                ranked,
                f"ranking {measure} {year}",
                ["rank", "organ", "region_name", "year", "report_id", "value", "base", "organ_id"],
            )
        return render(
            request,
            "rankings.html",
            {
                "ratio": reader.ratios[measure],
                "ratios": reader.ratios,
                "year": year,
                "years": years,
                "province": province or "",
                "minimum": minimum,
                "ascending": ascending,
                "ranked": ranked,
                "count": count,
                "provinces": reader.provinces(),
                "national": reader.national(year),
                "provincial": reader.provincial_ranking(measure, year, ascending),
            },
        )

    def original(request: Request) -> Response:
        sha256 = request.path_params["sha256"]
        found = reader.original(sha256)
        if found is None:
            raise HTTPException(404, f"document {sha256} is not in this data directory's archive")
        data, media_type = found
        # The original as received; a page's own scripts and forms never run in the explorer's origin.
        return Response(data, media_type=media_type, headers={"Content-Security-Policy": "sandbox"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            reader.close()

    async def not_found(request: Request, error: Exception) -> Response:
        status = getattr(error, "status_code", 500)
        detail = getattr(error, "detail", str(error))
        return render(request, "error.html", {"status": status, "detail": detail}, status=status)

    app = Starlette(
        routes=[
            Route("/", search, name="search"),
            Route("/organ/{organ_id:path}", organ, name="organ"),
            Route("/report/{year:int}/{report_id}", report, name="report"),
            Route("/report/{report_id}", report_without_year),
            Route("/compare", compare, name="compare"),
            Route("/rankings", rankings, name="rankings"),
            Route("/original/{sha256}", original, name="original"),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        exception_handlers={HTTPException: not_found},
        lifespan=lifespan,
    )
    app.state.reader = reader
    return app
