"""Translations: every message the sources use is translated to Chinese, and the language switches live."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import MissingCatalogueError, Translator, load_catalogues

ROOT = Path(__file__).resolve().parents[2]
ZH_PO = ROOT / "kiosk" / "locale" / "zh_CN" / "LC_MESSAGES" / "kiosk.po"
SOURCES = sorted([*ROOT.glob("kiosk/**/*.py"), *ROOT.glob("kiosk/**/*.kv"), *ROOT.glob("screens/*.py"), *ROOT.glob("screens/*.kv")])

_STRING = r"""('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
# Calls whose first string argument is a msgid: tr._('...'), _("..."), N_("..."), translate_label(app, x, "...").
SINGULAR_CALLS = (
    re.compile(r"(?<![\w])_\(\s*" + _STRING),  # also matches tr._(...)
    re.compile(r"\bN_\(\s*" + _STRING),
    re.compile(r"\b_?translate_label\(\s*app\s*,\s*\w+\s*,\s*" + _STRING),
)
PLURAL_CALL = re.compile(r"\bngettext\(\s*" + _STRING + r"\s*,\s*" + _STRING)
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?([diouxXeEfFgGcrsa%])")


def _scan() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """msgid -> where it is first used; and singular -> (singular, plural, where) for ngettext."""
    singulars, plurals = {}, {}
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{number}"
            for pattern in SINGULAR_CALLS:
                for match in pattern.finditer(line):
                    singulars.setdefault(ast.literal_eval(match.group(1)), where)
            for match in PLURAL_CALL.finditer(line):
                singular, plural = (ast.literal_eval(g) for g in match.groups())
                plurals.setdefault(singular, (plural, where))
    return singulars, plurals


SINGULARS, PLURALS = _scan()
with ZH_PO.open("rb") as _po:
    ZH = read_po(_po)


def _placeholders(text: str):
    found = [(name, kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%"]
    # Named placeholders may move around in a translation; positional ones keep their order.
    return Counter(found) if found and all(name for name, _ in found) else found


def test_the_scan_finds_messages():
    assert len(SINGULARS) > 20
    assert PLURALS


@pytest.mark.parametrize("msgid", sorted(SINGULARS))
def test_message_has_a_chinese_translation(msgid):
    message = ZH.get(msgid)
    assert message is not None, f"{msgid!r} ({SINGULARS[msgid]}) is missing from {ZH_PO}"
    assert isinstance(message.string, str) and message.string.strip(), f"{msgid!r} is untranslated"
    assert _placeholders(message.string) == _placeholders(msgid), f"placeholders differ: {msgid!r} / {message.string!r}"


@pytest.mark.parametrize("singular", sorted(PLURALS))
def test_plural_message_has_a_chinese_translation(singular):
    plural, where = PLURALS[singular]
    message = ZH.get(singular)
    assert message is not None, f"{singular!r} ({where}) is missing from {ZH_PO}"
    assert message.id == (singular, plural)
    assert len(message.string) == ZH.num_plurals
    for form in message.string:
        assert form.strip(), f"{singular!r} has an empty plural form"
        assert _placeholders(form) == _placeholders(singular) == _placeholders(plural)


# -- live switching --------------------------------------------------------------------------------


@pytest.fixture
def tr(compiled_locale):
    return Translator(("zh_CN", "en"))


def test_translates_in_the_current_language(tr):
    tr.lang = "zh_CN"
    chinese = ZH.get("Home").string
    assert chinese and chinese != "Home"
    assert tr._("Home") == chinese
    tr.lang = "en"
    assert tr._("Home") == "Home"


def test_plural_follows_the_language(tr):
    tr.lang = "zh_CN"
    assert tr.ngettext("%d service", "%d services", 3) == ZH.get("%d service").string[0]
    tr.lang = "en"
    assert tr.ngettext("%d service", "%d services", 1) == "%d service"
    assert tr.ngettext("%d service", "%d services", 3) == "%d services"


def test_bound_rules_are_called_back_on_a_switch(tr):
    tr.lang = "zh_CN"
    seen = []
    tr.fbind("_", lambda *args: seen.append((args[:1], tr._("Home"))), "rule")

    tr.lang = "en"
    tr.lang = "zh_CN"

    # Each switch calls the rule back once, with its own argument, after the language changed.
    assert seen == [(("rule",), "Home"), (("rule",), ZH.get("Home").string)]


def test_unbound_rules_are_not_called_back(tr):
    seen = []
    uid = tr.fbind("_", lambda *args: seen.append(args))
    tr.unbind_uid("_", uid)
    tr.lang = "en"
    assert seen == []


def test_a_missing_catalogue_is_reported(compiled_locale):
    with pytest.raises(MissingCatalogueError):
        load_catalogues(("xx_XX",))
    assert load_catalogues(("en",))["en"].gettext("Home") == "Home"
