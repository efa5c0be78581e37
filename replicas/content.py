"""What the replica portals publish: the bundled real report samples (``samples/``), never invented figures, plus
short non-report items (notices, work plans, explanations) that a crawler must archive but not take as reports."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass(frozen=True)
class Sample:
    """A real published report kept in ``samples/``."""

    file: str
    organ: str
    year: int

    @property
    def title(self) -> str:
        return f"{self.organ}{self.year}年政府信息公开工作年度报告"

    def data(self) -> bytes:
        path = SAMPLES / self.file
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"replica content needs the bundled sample {path}") from None

    def text(self) -> str:
        return self.data().decode("utf-8")


ZHENGZHOU = Sample("zhengzhou-police-2023.txt", "郑州市公安局", 2023)
ZHUMADIAN = Sample("zhumadian-police-2021.txt", "驻马店市公安局", 2021)
ZAOZHUANG = Sample("zaozhuang-shizhong-police-2023.txt", "枣庄市公安局市中分局", 2023)
SHUYANG = Sample("shuyang-fgj-2023.html", "沭阳县发展和改革局", 2023)


@cache
def paragraphs(sample: Sample) -> str:
    """The sample's text as HTML paragraphs (Markdown heading marks dropped, the words untouched)."""
    lines = [line.strip().lstrip("#").strip() for line in sample.text().splitlines()]
    return "\n".join(f'<p style="text-indent: 2em;">{html.escape(line)}</p>' for line in lines if line)


NOTICE_BODY = "各单位：现将有关事项通知如下，请结合实际认真贯彻落实。"
"""The body of every non-report item: a sentence, no figures."""


def notice(title: str) -> str:
    return f"<p>{html.escape(title)}</p>\n<p>{NOTICE_BODY}</p>"
