"""A built warehouse to explore, and the explorer serving it on a free port of 127.0.0.1 (uvicorn, in a thread).

The warehouse is the seeds and the corpus as ingested files, plus one report invented from a seed: 郑州市公安局's
2023 report re-dated 2022 with one printed total off by one, so that the organ has two years to compare and one
report breaks the form's sums (its row total and its column balance). A registry file gives 郑州市公安局 its
region code, so region names show.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from explorer.app import create_app
from pipelines.settings import Settings
from warehouse.build import build
from warehouse.ingest import ingest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"  # ../shared beside the repository
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
ZHENGZHOU = "000_0980f2edc394599a.txt"
BROKEN_LINE = ("114\t1\t0\t0\t0\t0\t115", "114\t1\t0\t0\t0\t0\t116")
"""本年新收 as printed in the seed, and as the invented 2022 report prints it (总计 one too many)."""
ORGAN = "410100:郑州市公安局"


@dataclass
class Explored:
    settings: Settings
    url: str
    broken: Path
    """The invented report with a broken sum (its file, archived like any other)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def broken_report(folder: Path) -> Path:
    text = (SEEDS / ZHENGZHOU).read_text(encoding="utf-8")
    assert BROKEN_LINE[0] in text
    path = folder / "zhengzhou-police-2022-broken.txt"
    path.write_text(text.replace("2023", "2022").replace(*BROKEN_LINE), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def explored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Explored]:
    if not SEEDS.is_dir():
        pytest.skip("the shared seeds are not on this machine")
    root = tmp_path_factory.mktemp("explorer")
    sources = root / "sources"
    sources.mkdir()
    (sources / "zhengzhou-police.yaml").write_text(
        "id: zhengzhou-police\norgan: 郑州市公安局\nregion_code: '410100'\nstart_urls: [http://example.gov.cn/]\n",
        encoding="utf-8",
    )
    settings = Settings.resolve(root / "data")
    files = [*sorted(SEEDS.glob("*.txt")), *sorted(p for p in CORPUS.iterdir() if p.name != "INDEX.md")]
    broken = broken_report(root)
    ingest(settings, [*files, broken], name="explorer")
    build(settings, sources_dir=sources)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the explorer did not start"
        time.sleep(0.05)
    try:
        yield Explored(settings, f"http://127.0.0.1:{port}", broken)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
