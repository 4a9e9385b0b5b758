"""gettext translations that switch live.

``tr._("Service guide")`` (or ``tr.ngettext``) in a .kv rule re-evaluates when
``tr.lang`` changes: Kivy's rule compiler binds to ``tr._`` through ``fbind``, which we answer by
keeping the binding and calling it back on every switch (the pattern of the
Kivy i18n example). Screens are built once and live as long as the app, so the
list of bindings does not grow while the kiosk runs.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from kivy.event import EventDispatcher
from kivy.properties import StringProperty

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
# Methods a .kv rule may call; rules using them are re-evaluated when the language changes.
TRANSLATING_METHODS = ("_", "ngettext")


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is translated later, at display time."""
    return message


class MissingCatalogueError(RuntimeError):
    pass


def load_catalogues(languages) -> dict[str, gettext.NullTranslations]:
    catalogues = {}
    for language in languages:
        if language == "en":
            # msgids are English: the en catalogue may be absent without harm.
            catalogues[language] = gettext.translation(DOMAIN, LOCALE_DIR, [language], fallback=True)
            continue
        try:
            catalogues[language] = gettext.translation(DOMAIN, LOCALE_DIR, [language])
        except FileNotFoundError:
            raise MissingCatalogueError(
                f"no compiled translations for {language} in {LOCALE_DIR}; run `make i18n`"
            ) from None
    return catalogues


class Translator(EventDispatcher):
    lang = StringProperty("zh_CN")

    def __init__(self, languages=("zh_CN", "en"), **kwargs):
        self._catalogues = load_catalogues(languages)
        self._observers: dict[int, tuple] = {}
        self._next_uid = 0
        super().__init__(**kwargs)

    def _(self, message: str) -> str:
        return self._catalogues[self.lang].gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalogues[self.lang].ngettext(singular, plural, count)

    def fbind(self, name, func, *args, **kwargs):
        if name in TRANSLATING_METHODS:
            self._next_uid += 1
            self._observers[self._next_uid] = (func, args)
            return self._next_uid
        return super().fbind(name, func, *args, **kwargs)

    def unbind_uid(self, name, uid):
        if name in TRANSLATING_METHODS:
            self._observers.pop(uid, None)
            return
        super().unbind_uid(name, uid)

    def on_lang(self, *_args) -> None:
        for func, args in tuple(self._observers.values()):
            func(*args, None, None)
