"""Scans made from real renderings of the seeds (never invented): a PDF printed by LibreOffice or Chromium is
rasterised by poppler (another renderer than the reader's PDFium, as a scanner is another machine) and then
aged as paper is — turned by a skew, stamped with a red seal over part 三, sprinkled with speckle noise, saved
as JPEG at quality 60 — and wrapped back into an image-only PDF, saved as pictures, or pasted into a web page as
``<img>`` tables. Every step is deterministic (seeded), so a failure is reproducible.
"""

from __future__ import annotations

import io
import math
import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFont

SEAL_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
PART_THREE = "收到和处理政府信息公开申请情况"


@dataclass(frozen=True)
class Ageing:
    """How a scan differs from the clean print."""

    dpi: int = 200
    skew: float = 0.0  # degrees, counter-clockwise
    seal: bool = False  # a red seal stamped over part 三
    speckle: float = 0.0  # share of pixels turned to dark specks
    jpeg: int | None = None  # JPEG quality the scan is saved at

    @property
    def name(self) -> str:
        parts = [f"{self.dpi}dpi"]
        if self.skew:
            parts.append(f"skew{self.skew:+g}")
        if self.seal:
            parts.append("seal")
        if self.speckle:
            parts.append("speckle")
        if self.jpeg:
            parts.append(f"jpeg{self.jpeg}")
        return "-".join(parts)


def rasterise(pdf: Path, dpi: int) -> list[Image.Image]:
    """Every page of ``pdf`` as an RGB image at ``dpi`` (pdftoppm)."""
    with tempfile.TemporaryDirectory(prefix="govreports-scan-") as folder:
        prefix = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, capture_output=True, timeout=300
        )
        pages = []
        for path in sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            with Image.open(path) as image:
                pages.append(image.convert("RGB"))
        return pages


def part_three_position(pdf: Path) -> tuple[int, float, float] | None:
    """(page index, x, y as shares of the page) just below part 三's heading, from the PDF's text layer."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage()
            searcher = text.search(PART_THREE)
            found = searcher.get_next()
            if found:
                top = text.get_charbox(found[0])[3]
                height = page.get_size()[1]
                return index, 0.62, min(0.85, (height - top) / height + 0.12)
    finally:
        document.close()
    return None


def age(pages: list[Image.Image], ageing: Ageing, seal_at: tuple[int, float, float] | None, seed: int = 0):
    """The pages as a scanner and a clerk would have left them."""
    generator = random.Random(seed)
    aged = []
    for index, page in enumerate(pages):
        if ageing.seal and seal_at is not None and seal_at[0] == index:
            page = stamp(page, seal_at[1], seal_at[2], ageing.dpi)
        if ageing.skew:
            page = page.rotate(ageing.skew, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
        if ageing.speckle:
            page = speckle(page, ageing.speckle, generator.randrange(1 << 30))
        if ageing.jpeg:
            buffer = io.BytesIO()
            page.save(buffer, "JPEG", quality=ageing.jpeg)
            buffer.seek(0)
            page = Image.open(buffer).convert("RGB")
        aged.append(page)
    return aged


def stamp(page: Image.Image, x_share: float, y_share: float, dpi: int) -> Image.Image:
    """A red official seal (42 mm: ring, star, the organ's name round the top) pressed onto the page at the given
    point: multiplied in, as ink is, so black print under it stays black."""
    radius = round(42 / 25.4 * dpi / 2)
    size = 2 * radius + 8
    seal = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(seal)
    red = (214, 38, 42)
    centre = size / 2
    ring = max(3, radius // 18)
    draw.ellipse((4, 4, size - 4, size - 4), outline=red, width=ring)
    star = [
        (
            centre + (radius * (0.32 if k % 2 == 0 else 0.13)) * math.sin(k * math.pi / 5),
            centre - (radius * (0.32 if k % 2 == 0 else 0.13)) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(str(SEAL_FONT), max(10, radius // 4))
    name = "郑州市人民政府办公室"
    for k, character in enumerate(name):
        angle = math.radians(-120 + 240 * k / (len(name) - 1))
        glyph = Image.new("L", (radius // 3, radius // 3), 0)
        ImageDraw.Draw(glyph).text((0, 0), character, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC, expand=True)
        gx = centre + radius * 0.72 * math.sin(angle) - glyph.width / 2
        gy = centre - radius * 0.72 * math.cos(angle) - glyph.height / 2
        seal.paste(Image.new("RGB", glyph.size, red), (round(gx), round(gy)), glyph)
    inked = Image.new("RGB", page.size, (255, 255, 255))
    inked.paste(seal, (round(page.width * x_share - centre), round(page.height * y_share - centre)))
    return ImageChops.multiply(page, inked)


def speckle(page: Image.Image, share: float, seed: int) -> Image.Image:
    """Dark specks of one to two pixels scattered over the page (dust on the scanner glass)."""
    pixels = np.array(page)
    generator = np.random.default_rng(seed)
    count = int(pixels.shape[0] * pixels.shape[1] * share)
    ys = generator.integers(0, pixels.shape[0] - 1, count)
    xs = generator.integers(0, pixels.shape[1] - 1, count)
    shade = generator.integers(0, 90, count)[:, None]
    pixels[ys, xs] = shade
    big = generator.random(count) < 0.3
    pixels[ys[big] + 1, xs[big]] = shade[big]
    pixels[ys[big], xs[big] + 1] = shade[big]
    return Image.fromarray(pixels)


def image_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """The pages as an image-only PDF (a scan: no text layer), each page at its scan resolution."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def encoded(page: Image.Image, kind: str, dpi: int) -> bytes:
    """One page saved as a picture file (PNG, JPEG, TIFF, BMP or GIF) recording its resolution where the format
    can."""
    buffer = io.BytesIO()
    if kind == "GIF":
        page.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(buffer, "GIF")
    elif kind == "JPEG":
        page.save(buffer, "JPEG", quality=85, dpi=(dpi, dpi))
    elif kind == "BMP":
        page.save(buffer, "BMP")
    else:
        page.save(buffer, kind, dpi=(dpi, dpi))
    return buffer.getvalue()


def scanned(pdf: Path, ageing: Ageing, seed: int = 0) -> list[Image.Image]:
    """``pdf`` printed, aged and scanned."""
    return age(rasterise(pdf, ageing.dpi), ageing, part_three_position(pdf), seed)


def table_picture(rows: list[list[str]], *, cell: tuple[int, int] = (150, 64), text: int = 28) -> Image.Image:
    """A ruled table drawn as a picture (a table pasted into a page as an image): black rules, text in the
    CJK font at ``text`` pixels (about 10 pt at 200 dpi), a margin of white around it."""
    width, height = cell
    margin = 40
    columns = max(len(row) for row in rows)
    picture = Image.new("RGB", (2 * margin + columns * width, 2 * margin + len(rows) * height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype(str(SEAL_FONT), text)
    for r, row in enumerate(rows):
        for c, content in enumerate(row):
            x, y = margin + c * width, margin + r * height
            draw.rectangle((x, y, x + width, y + height), outline=(0, 0, 0), width=2)
            draw.text((x + 10, y + (height - text) / 2), content, font=font, fill=(0, 0, 0))
    return picture


CHROMIUM = Path("/usr/bin/chromium")


def pictured_tables(page: Path, ageing: Ageing | None = None) -> tuple[bytes, dict[str, bytes]]:
    """The web page with each of its tables replaced by a picture of it, as Chromium shows it (a screenshot at
    twice the CSS pixels, as a HiDPI screen or a scanner at ~190 dpi would give it), aged (a seal stamped on part
    三's picture, speckle, JPEG) where asked: (the page's HTML, {picture name: bytes})."""
    from lxml import html as lxml_html
    from playwright.sync_api import sync_playwright

    pictures: dict[str, bytes] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            view = browser.new_page(device_scale_factor=2, viewport={"width": 1000, "height": 800})
            view.goto(page.as_uri())
            for index, table in enumerate(view.locator("table").all()):
                pictures[f"table-{index + 1}.png"] = table.screenshot(type="png")
        finally:
            browser.close()
    if ageing is not None:
        for index, name in enumerate(sorted(pictures)):
            with Image.open(io.BytesIO(pictures[name])) as picture:
                image = picture.convert("RGB")
            if ageing.seal and index == 1:  # part 三's table: the second
                image = stamp(image, 0.6, 0.3, 190)
            if ageing.speckle:
                image = speckle(image, ageing.speckle, index)
            buffer = io.BytesIO()
            if ageing.jpeg:
                image.save(buffer, "JPEG", quality=ageing.jpeg)
            else:
                image.save(buffer, "PNG")
            pictures[name] = buffer.getvalue()
    tree = lxml_html.fromstring(page.read_bytes())
    for index, table in enumerate(tree.iter("table")):
        if index >= len(pictures):
            break
        image = lxml_html.Element("img", src=f"images/table-{index + 1}.png", alt="表格")
        image.tail = table.tail
        table.getparent().replace(table, image)
    return lxml_html.tostring(tree, encoding="utf-8"), {f"images/{name}": data for name, data in pictures.items()}
