"""Shared test fixtures: the project's shared material (seeds, corpus) read in place, never copied."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


def seed_names() -> list[str]:
    return sorted(path.name.removesuffix(".expected.json") for path in SEEDS.glob("*.expected.json"))


def seed_expected(name: str) -> dict:
    return json.loads((SEEDS / f"{name}.expected.json").read_text(encoding="utf-8"))


def seed_text(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def value_mismatches(expected: dict, got: dict) -> list[str]:
    """Every cell of the expected JSON that the parsed JSON does not reproduce exactly (type-insensitive 1 == 1.0)."""
    misses = [
        f"{key}: expected {expected[key]!r}, got {got.get(key)!r}"
        for key in ("agency", "year", "template")
        if expected[key] != got.get(key)
    ]
    for item, measures in expected["active_disclosure"].items():
        for measure, value in measures.items():
            actual = got["active_disclosure"].get(item, {}).get(measure, "<missing>")
            if actual != value:
                misses.append(f"active_disclosure.{item}.{measure}: expected {value!r}, got {actual!r}")
    for row, values in expected["applications"].items():
        actual = got["applications"].get(row)
        if actual != values:
            misses.append(f"applications.{row}: expected {values}, got {actual}")
    if got["review_litigation"] != expected["review_litigation"]:
        misses.append(f"review_litigation: expected {expected['review_litigation']}, got {got['review_litigation']}")
    return misses


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"shared material not found at {SHARED}")
    return SHARED


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real S3-compatible server (moto) on a free port of 127.0.0.1, the AWS variables pointing at it; its URL.

    fsspec caches filesystems with the endpoint they were made with: none made before or during the test outlives
    it. Moto's backends are global to the process, so the server starts empty (reset) for every test."""
    import fsspec
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=30).close()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    s3 = fsspec.get_filesystem_class("s3")
    s3.clear_instance_cache()
    try:
        yield endpoint
    finally:
        s3.clear_instance_cache()
        server.stop()
