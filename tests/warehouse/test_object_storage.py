"""The same write and read code on s3:// — against a real S3-compatible server (moto) on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.build import build
from warehouse.ingest import ingest
from warehouse.write import Warehouse

from .conftest import expected, seed_files

BUCKET = "govreports-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_data(tmp_path, monkeypatch) -> Iterator[Settings]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "GOVREPORTS_LOCAL_DATA": str(tmp_path / "local"),
    }.items():
        monkeypatch.setenv(name, value)
    import fsspec

    fsspec.filesystem("s3", skip_instance_cache=True).mkdir(BUCKET)
    try:
        yield Settings.resolve(f"s3://{BUCKET}/data")
    finally:
        server.stop()


def test_build_and_query_on_object_storage(s3_data: Settings) -> None:
    assert s3_data.warehouse == f"s3://{BUCKET}/data/warehouse"
    ingest(s3_data, seed_files()[:3], name="s3")
    result = build(s3_data, sources_dir=s3_data.local_root)
    assert result.parsed == 3
    warehouse = Warehouse(s3_data.warehouse)
    assert not warehouse.local
    assert warehouse.fs.exists(f"{BUCKET}/data/warehouse/statistics/year=2023/data.parquet")
    want = {expected(seed)["agency"]: expected(seed)["applications"]["new_received"][-1] for seed in seed_files()[:3]}
    with catalog.connect(s3_data) as db:
        got = dict(
            db.execute(
                "SELECT r.agency, s.new_received FROM reports r JOIN application_summary s USING (report_id, year)"
            ).fetchall()
        )
    assert got == want
    again = build(s3_data, rebuild=True, sources_dir=s3_data.local_root)
    assert again.parsed == 3 and again.new == 0
    with catalog.connect(s3_data) as db:
        assert db.execute("SELECT count(*) FROM reports").fetchall() == [(3,)]
        assert db.execute("SELECT count(*) FROM statistics").fetchall() == [(3,)]
