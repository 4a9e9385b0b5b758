"""Masked names for the welcome screen: enough for the visitor to recognise, too little for passers-by."""

from __future__ import annotations

import unicodedata


def mask_name(name: str) -> str:
    """张三 -> 张*, 张小明 -> 张*明, 欧阳小明 -> 欧**明, Wang Li -> W*** Li, Madonna -> M*****a."""
    name = " ".join(name.split())
    if not name:
        return ""
    words = name.split(" ")
    if _is_wide(name) or len(words) == 1:
        return _keep_ends(name.replace(" ", ""))
    return " ".join([word[0] + "*" * (len(word) - 1) for word in words[:-1]] + [words[-1]])


def _keep_ends(word: str) -> str:
    if len(word) <= 2:
        return word[0] + "*" * (len(word) - 1)
    return word[0] + "*" * (len(word) - 2) + word[-1]


def _is_wide(name: str) -> bool:
    return any(unicodedata.east_asian_width(char) in ("W", "F") for char in name)
