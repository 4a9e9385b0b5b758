"""Test setup shared by every suite: the project root on sys.path, a private data directory, and a terminal's
local store in it."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# database_url and live_server (SQLite; PostgreSQL too where marked), for every suite that talks to the server.
pytest_plugins = ["tests.server_fixtures"]


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: takes minutes; run first, so pytest-xdist's workers finish together")


def pytest_collection_modifyitems(items) -> None:
    """The slow tests first: started last, one of them would leave a worker running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh terminal data directory, also seen by code that reads $KIOSK_DATA_DIR."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("KIOSK_DATA_DIR", str(path))
    return path


@pytest.fixture
def seed(tmp_path):
    """The catalogue a terminal's store starts from (version seed-1), as a file like the bundled one."""
    from tests.factories import catalogue_data

    path = tmp_path / "seed.json"
    path.write_text(json.dumps(catalogue_data(version="seed-1"), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def store(data_dir, seed):
    """The terminal's local store (a real SQLite file in the data directory), closed after the test."""
    from services.storage.store import LocalStore

    store = LocalStore.open(data_dir / "store.sqlite", seed)
    yield store
    store.close()
