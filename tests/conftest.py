"""Test setup shared by every suite: the project root on sys.path, and a private data directory."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# database_url (SQLite and PostgreSQL) and live_server, for every suite that talks to the central server.
pytest_plugins = ["tests.server_fixtures"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh terminal data directory, also seen by code that reads $KIOSK_DATA_DIR."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("KIOSK_DATA_DIR", str(path))
    return path
