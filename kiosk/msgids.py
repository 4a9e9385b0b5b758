"""Kiosk msgids Babel cannot see where they are used, marked here so `make i18n-extract` keeps them and
tests/test_translations.py checks them: texts inside f-strings (Babel does not look into them) and the key
labels passed to screens' ``translate_label(app, widget, msgid)``. Never imported."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


# kiosk/app.py: the maintenance screen's configuration line.
N_("version")
N_("refused:")
# screens/detail.py: the service's where-to-go, phone and material lines.
N_("Floor %(floor)s, room %(room)s")
N_("Enquiries")
N_("Complaints")
N_("if applicable")
# translate_label(): screens/keyboard.py, screens/maintenance.py, screens/feedback_entry.py.
N_("Delete")
N_("Clear")
N_("Enter")
N_("Space")
N_("Done")
