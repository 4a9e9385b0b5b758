"""Where the terminal keeps its own files: its data directory and its settings file."""

from __future__ import annotations

import os
from pathlib import Path

from common.paths import DEFAULT_SETTINGS_FILE


def data_dir() -> Path:
    """The terminal's writable directory: $KIOSK_DATA_DIR, else ~/.local/share/lobby-kiosk."""
    configured = os.environ.get("KIOSK_DATA_DIR")
    path = Path(configured) if configured else Path.home() / ".local" / "share" / "lobby-kiosk"
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    """$KIOSK_SETTINGS names another settings file (a terminal's own); default config/settings.toml."""
    configured = os.environ.get("KIOSK_SETTINGS")
    return Path(configured) if configured else DEFAULT_SETTINGS_FILE
