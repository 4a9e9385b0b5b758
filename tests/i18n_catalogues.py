"""The compiled gettext catalogues (.mo) that `make i18n` builds, compiled here when missing or older than their
.po, for tests that run code translating outside the kiosk's Translator (the printed slips)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parents[1]


def compile_catalogues(domain: str) -> None:
    locale = ROOT / domain / "locale"
    for po in locale.glob(f"*/LC_MESSAGES/{domain}.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            CommandLineInterface().run(["pybabel", "-q", "compile", "--use-fuzzy", "-d", str(locale), "-D", domain])
            return
