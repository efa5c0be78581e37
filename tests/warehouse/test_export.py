"""Exports ready for Excel and re-publication: CSV with a byte-order mark, an XLSX with Chinese labels above frozen,
filtered keys and region names, and with every export a dictionary, a provenance file and a licence note."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from govreports.cli import main
from pipelines.settings import Settings
from warehouse.export import export

from .conftest import corpus_files, seed_files

BOM = b"\xef\xbb\xbf"


def read_as_excel(path: Path) -> list[list[str]]:
    """A CSV read the way Excel opens one: UTF-8 only when a byte-order mark says so, else the ANSI code page of a
    Chinese Windows (GBK)."""
    data = path.read_bytes()
    text = data[len(BOM) :].decode("utf-8") if data.startswith(BOM) else data.decode("gbk", errors="replace")
    return list(csv.reader(io.StringIO(text)))


def test_csv_opens_in_excel_with_the_right_characters(built: Settings, tmp_path) -> None:
    files = export(built, "csv", tmp_path / "bom", ("organ_years", "form_cells"))
    organ_years = tmp_path / "bom" / "organ_years.csv"
    assert organ_years in files and organ_years.read_bytes().startswith(BOM)
    rows = read_as_excel(organ_years)
    organs = {row[rows[0].index("organ")] for row in rows[1:]}
    assert {"郑州市公安局", "沭阳县发展和改革局"} <= organs
    labels = read_as_excel(tmp_path / "bom" / "form_cells.csv")
    assert any("收到和处理政府信息公开申请情况" in cell for row in labels for cell in row)
    plain = CliRunner().invoke(
        main,
        [
            "--data",
            built.data,
            "export",
            "--format",
            "csv",
            "--no-bom",
            "--table",
            "organ_years",
            "--out",
            str(tmp_path / "plain"),
        ],
    )
    assert plain.exit_code == 0, plain.output
    data = (tmp_path / "plain" / "organ_years.csv").read_bytes()
    assert not data.startswith(BOM) and "郑州市公安局".encode() in data
    assert "郑州市公安局" not in {
        row[rows[0].index("organ")] for row in read_as_excel(tmp_path / "plain" / "organ_years.csv")
    }


def test_xlsx_has_labels_above_frozen_filtered_keys_and_region_names(built: Settings, tmp_path) -> None:
    (book_path, *others) = export(built, "xlsx", tmp_path, ("reports", "national_totals", "organ_years"))
    book = load_workbook(book_path, read_only=False)
    sheet = book["reports"]
    labels, keys = ([cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=2))
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{sheet.cell(2, len(keys)).column_letter}{sheet.max_row}"
    assert keys[:2] == ["report_id", "organ_id"] and labels[:2] == ["报告编号", "机关编号"]
    assert keys[keys.index("region_code") + 1] == "region_name"  # the name beside the code
    assert labels[keys.index("region_name")] == "行政区划"
    dictionary = book["dictionary"]
    listed = {(row[0], row[1]) for row in dictionary.iter_rows(min_row=3, values_only=True)}
    for name in ("reports", "national_totals", "organ_years"):
        columns = [cell.value for cell in book[name][2]]
        assert {(name, column) for column in columns} <= listed, name
    assert all(row[2] for row in dictionary.iter_rows(min_row=3, values_only=True)), "every column has a label"
    assert book["provenance"].max_row > 2 and "licence" in book.sheetnames
    assert {path.name for path in others} == {"dictionary.csv", "provenance.csv", "LICENCE.md"}


def test_every_export_carries_dictionary_provenance_and_licence(built: Settings, tmp_path) -> None:
    files = {path.name: path for path in export(built, "parquet", tmp_path)}
    assert {"organ_years.parquet", "statistics.parquet", "dictionary.csv", "provenance.csv", "LICENCE.md"} <= set(files)
    dictionary = read_as_excel(files["dictionary.csv"])
    header = dictionary[0]
    assert header == ["table", "column", "label", "meaning", "unit", "type"]
    import pyarrow.parquet as pq

    for name, path in files.items():
        if name.endswith(".parquet"):
            table = name.removesuffix(".parquet")
            described = {row[1] for row in dictionary[1:] if row[0] == table and row[2]}
            assert set(pq.read_schema(path).names) == described, table
    provenance = read_as_excel(files["provenance.csv"])
    head = provenance[0]
    digests = {row[head.index("sha256")] for row in provenance[1:]}
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in [*seed_files(), *corpus_files()]} == digests
    assert all(row[head.index("first_fetched")] and row[head.index("parser_version")] for row in provenance[1:])
    licence = files["LICENCE.md"].read_text(encoding="utf-8")
    assert "CC BY 4.0" in licence and "8 reports (organ-years)" in licence and "provenance.csv" in licence
