"""OCR tests read real pictures with the real engine; their readings are cached in a folder of the session's
own (never the working directory's ./data), so a test that reads the same picture twice shows the cache."""

from __future__ import annotations

import os

import pytest

from pipelines.document.ocr.cache import CACHE_ENV


@pytest.fixture(scope="session", autouse=True)
def ocr_cache(tmp_path_factory):
    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("ocr-cache"))
    yield os.environ[CACHE_ENV]
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(scope="session")
def converted(shared, tmp_path_factory):
    """format → seed name → file, made by LibreOffice and Chromium from the seeds' renderings (tests/document)."""
    from tests.document import samples

    if samples.soffice() is None or samples.chromium() is None:
        pytest.skip("LibreOffice and Chromium are needed (bash run.sh setup installs them)")
    return samples.session_samples(tmp_path_factory)
