"""Fixtures of the console tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def backup_folder(request, tmp_path) -> Path:
    """BACKUP_DIR for ``live_server`` (ask for this fixture first): a folder in the test's temporary directory, named
    by an indirect parameter if the test gives one."""
    folder = tmp_path / getattr(request, "param", "backups")
    request.applymarker(pytest.mark.server_settings(backup_dir=folder))
    return folder
