"""Checks on what a wish shows in public: the operator's wording must carry no phone number, ID number or
e-mail address (names cannot be told apart from other words; the console says not to write them)."""

from __future__ import annotations

import re

# Digits with the separators people put between them ("138 0013 8000", "0451-8765 4321").
_DIGIT_RUN = re.compile(r"\d[\d\s\-－—·.()（）]{5,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# Seven digits or more is a phone (landline or mobile), an ID card or a bank account: never a wish's wording.
_MAX_DIGITS_IN_A_RUN = 6


def personal_data_found(text: str) -> str | None:
    """"phone" (or an ID or account number: a long run of digits), "email", or None when the text is clean."""
    for run in _DIGIT_RUN.findall(text):
        if sum(character.isdigit() for character in run) > _MAX_DIGITS_IN_A_RUN:
            return "phone"
    if _EMAIL.search(text):
        return "email"
    return None
