"""Configuration layers: a terminal's effective settings (built-in ⊕ defaults ⊕ group ⊕ terminal ⊕ its own
name and location), where each key came from, and the check that refuses a layer breaking any terminal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from common.settings import SettingsError, SyncSettings, merge_layers, parse_settings
from server.audit.log import audit
from server.core import push, read_cache
from server.core.canonical import canonical_json, etag_of
from server.fleet.layer_documents import value_at
from server.fleet.models import ConfigLayer, Terminal
from server.fleet.schemas import ConfigRejected, FieldError


class LayerVersion(NamedTuple):
    """A layer's version in force: its row's id and its settings document."""

    id: int
    settings: dict


# Which layer is in force per (scope, target); target is "" for defaults, the group name or the terminal id.
Layers = Mapping[tuple[str, str], LayerVersion]
# Serialises config writes across server processes on PostgreSQL (SQLite writers queue anyway).
_CONFIG_LOCK_KEY = 0x6B696F736B


@dataclass(frozen=True)
class EffectiveConfig:
    settings: dict
    sources: dict[str, str]  # dotted key -> builtin | defaults | group | terminal
    version: int
    etag: str


@dataclass(frozen=True)
class LayerKey:
    scope: str
    target: str  # "" for defaults

    def reached(self, db: Session) -> list[Terminal]:
        """The terminals this layer reaches (revoked ones no longer count)."""
        if self.scope == "terminal":
            terminal = db.get(Terminal, int(self.target))
            return [terminal] if terminal is not None else []
        query = select(Terminal).where(Terminal.revoked_at.is_(None))
        if self.scope == "group":
            query = query.where(Terminal.group.has(name=self.target))
        return list(db.scalars(query))

    def __str__(self) -> str:
        return f"config:{self.scope}" + (f":{self.target}" if self.target else "")


def current_layers(db: Session) -> Layers:
    newest = select(func.max(ConfigLayer.id)).group_by(ConfigLayer.scope, ConfigLayer.target)
    rows = db.execute(select(ConfigLayer.scope, ConfigLayer.target, ConfigLayer.id, ConfigLayer.settings)
                      .where(ConfigLayer.id.in_(newest)))
    return MappingProxyType({(row.scope, row.target): LayerVersion(row.id, row.settings) for row in rows})


def kept_layers(db: Session) -> Layers:
    """``current_layers`` as kept between requests (server/core/read_cache.py), for the terminals' calls: every
    heartbeat needs them; a change made in another server process reaches a terminal up to a second later."""
    return read_cache.cached_read(db, "config_layers", (ConfigLayer.__tablename__,), lambda: current_layers(db))


def current_layer(db: Session, scope: str, target: str) -> ConfigLayer | None:
    return db.scalar(
        select(ConfigLayer).where(ConfigLayer.scope == scope, ConfigLayer.target == target)
        .order_by(ConfigLayer.id.desc()).limit(1)
    )


def lock_config(db: Session) -> None:
    """Held until commit: a change is checked against the layers as they are when it is written."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CONFIG_LOCK_KEY})


def write_layer(db: Session, builtin: dict, key: LayerKey, settings: dict, author: str, comment: str, action: str,
                **detail) -> ConfigLayer | ConfigRejected:
    """A new version of the layer, audited, if every terminal it reaches stays valid; else the refusal.

    Call ``lock_config`` first, so the check sees the layers as they will be when this one is written.
    """
    reached = key.reached(db)
    rejected = check_layer(builtin, current_layers(db), key.scope, key.target, settings, reached)
    if rejected is not None:
        return rejected
    layer = ConfigLayer(scope=key.scope, target=key.target, settings=settings, author=author, comment=comment)
    db.add(layer)
    db.flush()
    audit(db, author, action, str(key), version=layer.id, comment=comment, **detail)
    # The terminals waiting on a long poll fetch it at once (the defaults reach all: one notice for everyone).
    for terminal_id in [None] if key.scope == "defaults" else [terminal.id for terminal in reached]:
        push.announce(db, terminal_id)
    return layer


def effective_config(builtin: dict, layers: Layers, terminal: Terminal) -> EffectiveConfig:
    stack = _stack(builtin, layers, _group_name(terminal), terminal)
    settings = merge_layers(*(document for _, document, _ in stack))
    version = max((layer_version for _, _, layer_version in stack), default=0)
    return EffectiveConfig(settings, _sources(stack, settings), version, etag_of(canonical_json(settings)))


def config_version(layers: Layers, terminal: Terminal) -> int:
    keys = (("defaults", ""), ("group", _group_name(terminal) or ""), ("terminal", str(terminal.id)))
    return max((layers[key].id for key in keys if key in layers), default=0)


def heartbeat_seconds(settings: dict) -> int:
    """The effective sync.heartbeat_seconds (the model's default when unset or unusable)."""
    try:
        return SyncSettings.model_validate(settings.get("sync", {})).heartbeat_seconds
    except ValueError:
        return SyncSettings().heartbeat_seconds


def check_layer(builtin: dict, layers: Layers, scope: str, target: str, settings: dict,
                terminals: list[Terminal]) -> ConfigRejected | None:
    """Would ``settings`` as the (scope, target) layer leave every terminal it reaches valid?

    ``terminals`` are those it reaches; a defaults or group layer is also checked for a terminal yet to
    come (no terminal layer), so a layer nothing reaches today cannot be broken either.
    """
    proposed = dict(layers)
    proposed[(scope, target)] = LayerVersion(0, settings)
    subjects: list[tuple[str, str | None, Terminal | None]] = [
        (f"terminal {t.id} ({t.name})", _group_name(t), t) for t in terminals
    ]
    if scope == "defaults":
        subjects.insert(0, ("a new terminal", None, None))
    elif scope == "group":
        subjects.insert(0, (f"a new terminal in group {target}", target, None))
    failed: list[str] = []
    errors: dict[tuple[str, str], FieldError] = {}
    for label, group, terminal in subjects:
        stack = _stack(builtin, proposed, group, terminal)
        try:
            parse_settings(merge_layers(*(document for _, document, _ in stack)), label)
        except SettingsError as exc:
            failed.append(label)
            for problem in exc.problems:
                errors.setdefault((problem.key, problem.message),
                                  FieldError(field=problem.key, message=problem.message, kind=problem.kind,
                                             limits=problem.limits))
    if not failed:
        return None
    named = ", ".join(failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
    return ConfigRejected(detail=f"the settings would be invalid for {named}", errors=list(errors.values()))


def _group_name(terminal: Terminal) -> str | None:
    return terminal.group.name if terminal.group else None


def _stack(builtin: dict, layers: Layers, group: str | None, terminal: Terminal | None) -> list[tuple[str, dict, int]]:
    """(source, document, version) from the bottom up."""
    stack = [("builtin", builtin, 0)]
    keys = (("defaults", ""), ("group", group), ("terminal", str(terminal.id) if terminal else None))
    for scope, target in keys:
        layer = layers.get((scope, target)) if target is not None else None
        if layer is not None:
            stack.append((scope, layer.settings, layer.id))
    if terminal is not None:
        stack.append(("terminal", {"terminal": {"name": terminal.name, "location": terminal.location}}, 0))
    return stack


def _sources(stack: list[tuple[str, dict, int]], settings: dict) -> dict[str, str]:
    """For each leaf of the merged settings, the topmost layer that holds that very key."""
    sources: dict[str, str] = {}
    for source, document, _ in stack:
        for key in _leaves(document):
            sources[key] = source
    return {key: sources[key] for key in _leaves(settings)}


def _leaves(document: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, value in document.items():
        dotted = f"{prefix}{key}"
        keys += _leaves(value, dotted + ".") if isinstance(value, dict) and value else [dotted]
    return keys


def last_changed(db: Session, key: LayerKey, dotted: str) -> ConfigLayer | None:
    """The version of the layer that last gave ``dotted`` the value it holds now (None: it holds none)."""
    versions = list(db.scalars(select(ConfigLayer).where(ConfigLayer.scope == key.scope,
                                                         ConfigLayer.target == key.target).order_by(ConfigLayer.id)))
    changed_in = None
    previous = None
    for version in versions:
        value = value_at(version.settings, dotted)
        if value != previous:
            changed_in = version if value is not None else None
        previous = value
    return changed_in
