"""Every message the code shows is in its domain's catalogues, translated in zh_CN and en, and the catalogues hold
nothing the code no longer uses: Babel extracts the msgids again, as `make i18n-extract` does (same options and
folders, read from the Makefile), and the .po files must match them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh_CN", "en")


def _make_variable(name: str) -> str:
    match = re.search(rf"^{name} := (.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"the Makefile has no {name}"
    return match.group(1).strip()


DOMAINS = _make_variable("I18N_DOMAINS").split()


def _key(message) -> tuple[str | None, str]:
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


def _shown(message) -> str:
    context, msgid = _key(message)
    return f"{context}|{msgid}" if context else msgid


@pytest.fixture(scope="module")
def templates(tmp_path_factory, request) -> dict:
    """domain -> the catalogue template Babel extracts from the sources now."""
    out = tmp_path_factory.mktemp("i18n")
    options = shlex.split(_make_variable("BABEL_EXTRACT"))
    result = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # babel.cfg's patterns and the source folders are relative to the project
        for domain in DOMAINS:
            pot = out / f"{domain}.pot"
            sources = _make_variable(f"{domain.upper()}_SOURCES").split()
            CommandLineInterface().run(["pybabel", "-q", *options, "-o", str(pot), *sources])
            with pot.open("rb") as handle:
                result[domain] = read_po(handle)
    return result


def _catalogue(domain: str, language: str):
    path = ROOT / domain / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_has_every_message_of_the_code(templates, domain, language):
    catalogue = _catalogue(domain, language)
    extracted = {_key(m) for m in templates[domain] if m.id}
    present = {_key(m) for m in catalogue if m.id}
    missing = sorted(extracted - present, key=str)
    stale = sorted(present - extracted, key=str)
    assert not missing, (f"{domain}/{language}: msgids in the code but not in the .po (run `make i18n-extract`, "
                         f"then translate): {missing}")
    assert not stale, (f"{domain}/{language}: msgids in the .po the code no longer has (run `make i18n-extract`): "
                       f"{stale}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated(domain, language):
    catalogue = _catalogue(domain, language)
    untranslated = [_shown(m) for m in catalogue if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [_shown(m) for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"{domain}/{language}: no translation for {untranslated}"
    assert not fuzzy, f"{domain}/{language}: fuzzy (unchecked) translations for {fuzzy}"
    # Babel's own checks: the placeholders of each translation match its msgid's.
    problems = [(_shown(m), [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert not problems, f"{domain}/{language}: {problems}"
