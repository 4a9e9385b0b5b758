"""Where things live: the project's bundled folders and the terminal's data directory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_SETTINGS_FILE = CONFIG_DIR / "settings.toml"
SAMPLE_CATALOGUE_FILE = CONFIG_DIR / "catalogue" / "sample.json"


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
