"""Test files in every format, made from the seeds (never invented): the seed's portal rendering
(replicas.render) converted by LibreOffice to DOCX, DOC, XLSX and PDF, printed by Chromium to PDF (a PDF made by a
browser), laid out to OFD by ofd_writer, and a page of a PDF rasterised into an image-only PDF.

Conversions run once per test session, one LibreOffice call per target format for all seeds, cached in a
temporary folder.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from replicas.render import render_html
from tests.conftest import seed_expected, seed_names, seed_text

_MADE: dict[str, dict[str, Path]] = {}
PAGE_TEXT_WIDTH = 10205  # twips: A4 width less LibreOffice's default margins (what a Word author's table fits)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render_seeds(folder: Path) -> list[Path]:
    """The seeds' report pages (without portal chrome: the report as its author wrote it)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in seed_names():
        path = folder / f"{name}.html"
        path.write_bytes(render_html(seed_expected(name), seed_text(name), chrome=False))
        paths.append(path)
    return paths


def libreoffice(inputs: list[Path], target: str, out: Path, profile: Path, infilter: str | None = None) -> None:
    """One headless LibreOffice run converting every input (one start-up for all)."""
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(out), *map(str, inputs)]
    subprocess.run(command, capture_output=True, timeout=600, check=True)


def fit_tables(docx: bytes) -> bytes:
    """Scale tables wider than the page down to the text width (LibreOffice keeps the HTML's pixel widths, and its
    PDF export would cut the 总计 column off the page, which no published Word report does)."""

    def scale(match: re.Match[str], factor: float) -> str:
        return f'{match.group(1)}"{round(int(match.group(2)) * factor)}"'

    def table(match: re.Match[str]) -> str:
        body = match.group(0)
        width = re.search(r'<w:tblW w:w="(\d+)" w:type="dxa"/>', body)
        if not width or int(width.group(1)) <= PAGE_TEXT_WIDTH:
            return body
        factor = PAGE_TEXT_WIDTH / int(width.group(1))
        body = re.sub(r'(<w:(?:tblW|tcW|gridCol) w:w=)"(\d+)"', lambda m: scale(m, factor), body)
        return body.replace('<w:tblInd w:w="-7" w:type="dxa"/>', '<w:tblInd w:w="0" w:type="dxa"/>')

    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = re.sub(r"<w:tbl>.*?</w:tbl>", table, data.decode("utf-8"), flags=re.S)
                data = text.encode("utf-8")
            target.writestr(info, data)
    return buffer.getvalue()


def image_only_pdf(pdf: Path, page: int, out: Path) -> Path:
    """A page of ``pdf`` rendered to PNG (pdftoppm) and wrapped into a PDF of its own: a scan, no text layer."""
    from PIL import Image

    prefix = out.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with Image.open(prefix.with_suffix(".png")) as image:
        image.convert("RGB").save(out, "PDF", resolution=100.0)
    return out


def unruled_pdf(name: str) -> bytes:
    """The seed's report as a PDF whose tables have no rules: each printed row one line of text runs set apart by
    wide gaps (landscape A4, CJK CID font), as reports typeset without borders print them."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from replicas.render import printed_tables, read_seed_text

    font, size, gap = "STSong-Light", 7.0, 18.0
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    expected = seed_expected(name)
    seed = read_seed_text(seed_text(name), expected)
    width, height = landscape(A4)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height))
    y = height - 50

    def line(cells: list[str], points: float = size) -> None:
        nonlocal y
        if y < 50:
            page.showPage()
            y = height - 50
        x = 40.0
        for text in cells:
            page.setFont(font, points)
            page.drawString(x, y, text)
            x += pdfmetrics.stringWidth(text, font, points) + gap
        y -= points * 2.2

    line([seed.title], 14)
    for text in seed.before:
        for start in range(0, len(text), 90):
            line([text[start : start + 90]])
    for table in printed_tables(expected, seed):
        line([seed.headings.get(table.part, "")])
        for row in table.rows:
            line([cell.text for cell in row if cell.text])
    for text in seed.after:
        for start in range(0, len(text), 90):
            line([text[start : start + 90]])
    page.save()
    return buffer.getvalue()


def make_all(folder: Path) -> dict[str, dict[str, Path]]:
    """format → seed name → file: html, docx, doc, rtf, xlsx, xls, pdf (LibreOffice), chrome.pdf (Chromium)."""
    html = render_seeds(folder / "html")
    profile = folder / "lo-profile"
    made: dict[str, dict[str, Path]] = {"html": {path.stem: path for path in html}}
    libreoffice(html, "docx:MS Word 2007 XML", folder / "docx-raw", profile)
    fitted = folder / "docx"
    fitted.mkdir(exist_ok=True)
    for path in sorted((folder / "docx-raw").glob("*.docx")):
        (fitted / path.name).write_bytes(fit_tables(path.read_bytes()))
    docx = sorted(fitted.glob("*.docx"))
    libreoffice(docx, "doc:MS Word 97", folder / "doc", profile)
    libreoffice(docx, "rtf:Rich Text Format", folder / "rtf", profile)
    libreoffice(docx, "pdf:writer_pdf_Export", folder / "pdf", profile)
    libreoffice(html, "xlsx:Calc MS Excel 2007 XML", folder / "xlsx", profile, infilter="HTML (StarCalc)")
    libreoffice(html, "xls:MS Excel 97", folder / "xls", profile, infilter="HTML (StarCalc)")
    for kind in ("docx", "doc", "rtf", "pdf", "xlsx", "xls"):
        made[kind] = {path.stem: path for path in sorted((folder / kind).glob(f"*.{kind}"))}
    browser = chromium()
    if browser:
        printed = folder / "chrome"
        printed.mkdir(exist_ok=True)
        made["chrome.pdf"] = {}
        for path in html:
            out = printed / f"{path.stem}.pdf"
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                 f"--print-to-pdf={out}", path.as_uri()],
                capture_output=True, timeout=120, check=True,
            )  # fmt: skip
            made["chrome.pdf"][path.stem] = out
    return made


def session_samples(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """make_all once per test process, whichever test module asks first (document and report tests share it)."""
    if not _MADE:
        _MADE.update(make_all(tmp_path_factory.mktemp("seed-formats")))
    return _MADE
