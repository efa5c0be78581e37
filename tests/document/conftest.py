"""Fixtures of the reader tests: the seed files in every format, converted once per session (see samples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.document import samples


@pytest.fixture(scope="session")
def converted(shared, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """format → seed name → file, made by LibreOffice and Chromium from the seeds' renderings (slow: ~45 s)."""
    if samples.soffice() is None:
        pytest.skip("LibreOffice is not installed (bash run.sh setup installs it)")
    return samples.session_samples(tmp_path_factory)
