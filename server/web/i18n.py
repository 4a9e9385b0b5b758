"""The server's two languages through gettext: domain ``server``, catalogues server/locale/<code>/LC_MESSAGES/
server.po (msgids are English), compiled by ``make i18n``.

The console's language comes from a cookie; the phone pages choose their own. A page is rendered inside
``use_language(code)``, which sets the language for the current request only (a context variable: each request
runs in its own context, so simultaneous requests never see each other's language). The module-level
``gettext``/``ngettext``/``pgettext`` below, installed in the Jinja environments through ``jinja2.ext.i18n``,
translate into that language; Python code that needs a language outside a render uses ``translations(code)``.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from fastapi import Request

DOMAIN = "server"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGE_COOKIE = "console_lang"
LANGUAGES = {"en": "English", "zh_CN": "中文"}
DEFAULT_LANGUAGE = "en"

_current: ContextVar[str] = ContextVar("server_language", default=DEFAULT_LANGUAGE)


class MissingCatalogueError(RuntimeError):
    pass


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is translated later (a template or ``gettext(variable)``)."""
    return message


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` ("zh_CN" or "en"); English may be absent (msgids are English)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    try:
        return _gettext.translation(DOMAIN, LOCALE_DIR, [lang], fallback=lang == "en")
    except FileNotFoundError:
        raise MissingCatalogueError(f"no compiled translations for {lang} in {LOCALE_DIR}; run `make i18n`") from None


def language(request: Request) -> str:
    """The console's language: the cookie's when it names one, else the default."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Translate into ``lang`` within the block, for this request (context) only."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return translations(_current.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return translations(_current.get()).npgettext(context, singular, plural, count)


def english(message: str, context: str | None = None) -> str:
    """The English of a msgid (in ``context`` if given), whatever the request's language: the phone pages show
    Chinese with English under it."""
    if context is None:
        return translations("en").gettext(message)
    return translations("en").pgettext(context, message)


def install(environment) -> None:
    """``jinja2.ext.i18n`` in ``environment``, translating into the language of the request being rendered."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False,
                                          pgettext=pgettext, npgettext=npgettext)
    environment.globals.update(N_=N_, english=english)
