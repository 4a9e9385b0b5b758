"""The project's bundled folders and files, as both sides find them."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_SETTINGS_FILE = CONFIG_DIR / "settings.toml"
SAMPLE_CATALOGUE_FILE = CONFIG_DIR / "catalogue" / "sample.json"
# Everyday words -> the catalogue's words, for the guide's search (common/thesaurus.py).
THESAURUS_FILE = CONFIG_DIR / "catalogue" / "thesaurus.tsv"
# The kiosk's gettext catalogues (domain "kiosk": screens and printed slips), compiled by `make i18n`.
KIOSK_LOCALE_DIR = PROJECT_ROOT / "kiosk" / "locale"
