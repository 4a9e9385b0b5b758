"""gettext catalogues for code without Kivy (the printed slips): the kiosk's domain, one language code per
catalogue ("zh_CN", "en"). The screens switch language live through kiosk/i18n.py, on the same catalogues."""

from __future__ import annotations

import gettext
from functools import cache

from common.paths import KIOSK_LOCALE_DIR

KIOSK_DOMAIN = "kiosk"


class MissingCatalogueError(RuntimeError):
    pass


def language_code(lang: str) -> str:
    """The catalogue for a language as the kiosk names it: "zh_CN" for any Chinese, else "en"."""
    return "zh_CN" if lang.startswith("zh") else "en"


@cache
def kiosk_translations(lang: str) -> gettext.NullTranslations:
    """The kiosk's compiled catalogue for ``lang``; English may be absent (msgids are English)."""
    code = language_code(lang)
    try:
        return gettext.translation(KIOSK_DOMAIN, KIOSK_LOCALE_DIR, [code], fallback=code == "en")
    except FileNotFoundError:
        raise MissingCatalogueError(
            f"no compiled translations for {code} in {KIOSK_LOCALE_DIR}; run `make i18n`"
        ) from None
