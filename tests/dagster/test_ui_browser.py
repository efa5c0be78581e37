"""The Dagster UI on two nights of data, driven in the system Chromium: the asset graph; the dead portal's partition
red on the partitions page; the dead and the degraded source failed on ``crawl_healthy`` with their reasons; the
night's overview check listing both. Screenshots go to tests/.artifacts/."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from dagster_project.defs.archive import CRAWL_HEALTHY, EVERY_SOURCE_HEALTHY
from tests.dagster.conftest import BROKEN, DEGRADED, HEALTHY, Nights

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts"
GROUPS = ("archive", "reports", "warehouse")
ASSETS = ("source_registry", "archived_documents", "parsed_reports", "warehouse_tables", "catalog")
STARTUP_SECONDS = 240
"""The webserver loads the code location in a child process: ~15 s here when idle, far more under load."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(nights: Nights) -> Iterator[str]:
    """``python -m dagster_project ui --webserver-only`` (what ``govreports ui`` runs) on the nights' data."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "dagster_project",
        "--data",
        nights.settings.data,
        "--sources",
        str(nights.sources),
    ]
    command += ["ui", "--webserver-only", "--host", "127.0.0.1", "--port", str(port)]
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "webserver.log").open("w", encoding="utf-8")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"the webserver exited; see {ARTIFACTS / 'webserver.log'}"
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the webserver did not come up"
            time.sleep(2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()


@pytest.fixture(scope="module")
def page(webserver: str):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash run.sh setup` (as root it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(60_000)
        # Dagster shows a one-time community dialog over any page, at a moment of its choosing: close it when seen.
        page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda skip: skip.click())
        yield page
        browser.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_asset_graph(page, webserver: str) -> None:
    expanded = ",".join(f"global@global:{group}" for group in GROUPS)
    _open(page, f"{webserver}/asset-groups/?expanded={quote(expanded)}")
    for asset in ASSETS:
        page.get_by_text(asset, exact=True).first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2000)  # asset statuses arrive after the layout
    page.screenshot(path=ARTIFACTS / "asset-graph.png")


def test_failed_source_is_red_on_the_partitions_page(page, webserver: str) -> None:
    _open(page, f"{webserver}/assets/archived_documents?view=partitions")
    page.get_by_text("Failed (1)", exact=True).wait_for(state="visible")
    page.get_by_text(f"Materialized ({len(HEALTHY) + 1})", exact=True).wait_for(state="visible")
    page.get_by_text(BROKEN, exact=True).first.click()
    page.wait_for_timeout(1000)
    page.screenshot(path=ARTIFACTS / "partitions-failed.png")
    page.get_by_text(f"Materialized ({len(HEALTHY) + 1})", exact=True).click()  # hide the materialized ones
    for source_id in [*HEALTHY, DEGRADED]:
        page.get_by_text(source_id, exact=True).wait_for(state="detached")
    assert page.get_by_text(BROKEN, exact=True).count() >= 1


def test_crawl_healthy_shows_the_dead_and_the_degraded_source_failed_with_reasons(page, webserver: str) -> None:
    _open(page, f"{webserver}/assets/archived_documents?view=checks")
    page.get_by_text(CRAWL_HEALTHY, exact=True).first.click()
    page.get_by_text("Partitions", exact=True).last.click()
    page.get_by_text("Failed (2)", exact=True).wait_for(state="visible")
    page.get_by_text("Passed (0)", exact=True).wait_for(state="visible")
    page.get_by_text(DEGRADED, exact=True).first.click()
    page.get_by_text("the column answers but lists no report", exact=False).first.wait_for(state="visible")
    page.get_by_text(BROKEN, exact=True).first.click()
    page.get_by_text("connection_refused", exact=False).first.wait_for(state="visible")
    page.screenshot(path=ARTIFACTS / "source-health.png")
    page.get_by_text("Missing (", exact=False).first.click()  # hide the sources with nothing to report
    for source_id in HEALTHY:
        page.get_by_text(source_id, exact=True).wait_for(state="detached")


def test_overview_check_lists_every_failed_and_degraded_source(page, webserver: str) -> None:
    _open(page, f"{webserver}/assets/archived_documents?view=checks")
    page.get_by_text(EVERY_SOURCE_HEALTHY, exact=True).first.click()
    page.get_by_text("Latest execution", exact=True).wait_for(state="visible")
    page.get_by_text("failed_sources", exact=True).wait_for(state="visible")
    page.get_by_text(BROKEN, exact=True).first.wait_for(state="visible")
    page.get_by_text(DEGRADED, exact=True).first.wait_for(state="visible")
    page.screenshot(path=ARTIFACTS / "night-overview.png")


def test_per_source_crawl_figures(page, webserver: str) -> None:
    _open(page, f"{webserver}/assets/archived_documents?view=partitions")
    page.get_by_text("Materialized (", exact=False).first.wait_for()
    page.get_by_text("replica-trs", exact=True).first.click()
    for figure in ("pages", "reports_found", "new_reports", "errors"):
        page.get_by_text(figure, exact=True).first.wait_for(state="visible")
    page.screenshot(path=ARTIFACTS / "source-crawl.png")
