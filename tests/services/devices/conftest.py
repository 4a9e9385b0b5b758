"""The input method's dictionary file, built once for the whole run (~20 s) and shared by every IME test
module and pytest-xdist worker: the same directory as tests/gui/conftest.py's shared IME cache, so a run
of both builds it once. Building is atomic, so two workers racing to build it both succeed."""

import os

import pytest


@pytest.fixture(scope="session")
def ime_cache_dir(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    path = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "ime"
    path.mkdir(exist_ok=True)
    return path
