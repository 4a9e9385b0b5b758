"""Kivy-side unit tests: Kivy configured before its first import, and the compiled translations.

Kivy reads its environment at first import, so this runs before any test module here imports it:
no command-line parsing, a private throw-away KIVY_HOME, and Kivy's logging kept out of Python's root logger.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "kiosk" / "locale"

if "kivy" in sys.modules:
    raise RuntimeError("kivy was imported before tests/kiosk/conftest.py could configure it")

_kivy_home = tempfile.mkdtemp(prefix="kiosk-tests-kivy-")
atexit.register(shutil.rmtree, _kivy_home, ignore_errors=True)
os.environ["KIVY_HOME"] = _kivy_home
os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ["KIVY_LOG_MODE"] = "PYTHON"


def _stale_catalogues() -> list[Path]:
    stale = []
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/kiosk.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(mo)
    return stale


@pytest.fixture(scope="session")
def compiled_locale() -> Path:
    """The .mo files `make i18n` builds; compiled here, with the same command, when missing or older than the .po."""
    if _stale_catalogues():
        pybabel = Path(sys.executable).with_name("pybabel")
        subprocess.run(
            [str(pybabel), "compile", "--use-fuzzy", "-d", str(LOCALE_DIR), "-D", "kiosk"],
            check=True, capture_output=True, text=True,
        )
    assert _stale_catalogues() == []
    return LOCALE_DIR
