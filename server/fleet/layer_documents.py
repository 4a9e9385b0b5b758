"""A configuration layer's document as leaves by dotted key (a {zh, en} text counts as one leaf), and what a new
version of a layer changes, key by key: the diff the console shows in words before saving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    key: str  # dotted: "idle.timeout_seconds"
    old: Any  # None: the layer did not set it (it was inherited)
    new: Any  # None: the layer no longer sets it

    @property
    def kind(self) -> str:
        """added (now set here), removed (inherited again) or changed."""
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"


def flatten(document: dict, prefix: str = "") -> dict[str, Any]:
    """Leaves by dotted key; a Text ({zh, en}) counts as one leaf."""
    leaves = {}
    for key, value in document.items():
        dotted = prefix + key
        if isinstance(value, dict) and value and set(value) - {"zh", "en"}:
            leaves.update(flatten(value, dotted + "."))
        else:
            leaves[dotted] = value
    return leaves


def nest(leaves: dict[str, Any]) -> dict:
    document: dict = {}
    for dotted, value in leaves.items():
        *path, last = dotted.split(".")
        node = document
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return document


def layer_changes(old: dict, new: dict, group_under: tuple[str, ...] = ()) -> list[Change]:
    """What ``new`` changes against ``old`` (both layer documents), in key order. A key under one of
    ``group_under`` (e.g. "hours.weekly") is compared as a whole: a weekday's hours are one setting."""
    old_leaves, new_leaves = (_grouped(flatten(document), group_under) for document in (old, new))
    return [Change(key, old_leaves.get(key), new_leaves.get(key)) for key in sorted(set(old_leaves) | set(new_leaves))
            if old_leaves.get(key) != new_leaves.get(key)]


def _grouped(leaves: dict[str, Any], group_under: tuple[str, ...]) -> dict[str, Any]:
    grouped: dict[str, Any] = {}
    for key, value in leaves.items():
        whole = next((g for g in group_under if key.startswith(g + ".")), None)
        if whole is None:
            grouped[key] = value
        else:
            grouped.setdefault(whole, {})[key[len(whole) + 1:]] = value
    return grouped


def value_at(document: dict, key: str) -> Any:
    """The value at dotted ``key`` in a nested document, or None when it holds none."""
    node: Any = document
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
