"""What a visitor's search query may never be, to be counted: anything that could name or reach a person.

Both sides apply it: the kiosk drops such a query before it records the visit, and the server drops one that
arrives anyway (an older kiosk), so a phone number typed into the search box is never stored.
"""

from __future__ import annotations

import re
import unicodedata

# A run of 7 or more digits (a phone number, an account, most ID numbers), spaces, hyphens or dots allowed between.
_DIGIT_RUN = re.compile(r"\d(?:[\s\-.]?\d){6,}")
# A mainland resident ID card: 17 digits and a digit or X; also typed with spaces. The 7-digit rule covers it
# in full; this one catches a partial one ending in X typed after letters (e.g. "sfz 230102x").
_ID_CARD = re.compile(r"\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx]|\d{3,}[Xx]\b")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_SPACES = re.compile(r"\s+")


def is_personal(query: str) -> bool:
    """True for a query that is dropped, not counted: a run of 7+ digits, an ID-card pattern, an e-mail address."""
    text = unicodedata.normalize("NFKC", query)  # full-width digits and ＠ as their ASCII forms
    return bool(_DIGIT_RUN.search(text) or _ID_CARD.search(text) or _EMAIL.search(text))


def normalise_query(query: str) -> str:
    """How queries are grouped: full-width as half-width, lower case, spaces collapsed, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", query)).strip().lower()
