"""Configuration layers: the generated form per layer (defaults, a group, a terminal) with effective values
and their source, a diff to confirm before saving, version history with rollback. For the admin role only,
reading too, as in the API (server/fleet/api/admin_config.py says why)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from common.wire import Id
from server.api.deps import BuiltinSettings, DbSession
from server.core.ids import id_from_text
from server.fleet import layers, schemas, terminals
from server.fleet.console import settings_page, settings_words
from server.fleet.console.settings_form import SettingField, attach_errors, settings_fields
from server.fleet.console.settings_input import PIN_DIGITS, SPANS_PER_DAY, read_form
from server.fleet.console.settings_words import WEEKDAY_NAMES, problem_words
from server.fleet.layer_documents import flatten, layer_changes, nest, value_at
from server.fleet.models import ConfigLayer, Terminal, TerminalGroup
from server.web.i18n import N_, language, use_language
from server.web.sessions import ConsoleAdmin, ConsoleDenied, SubmittedForm
from server.web.templating import render

router = APIRouter()
_HISTORY_SHOWN = 50


def _layer_key(db, scope: str, target: str) -> layers.LayerKey:
    if scope == "defaults" and target == "":
        return layers.LayerKey("defaults", "")
    if scope == "group" and terminals.find_group(db, target) is not None:
        return layers.LayerKey("group", target)
    if scope == "terminal" and (terminal_id := id_from_text(target)) and db.get(Terminal, terminal_id) is not None:
        return layers.LayerKey("terminal", target)
    raise ConsoleDenied(N_("Not found"), 404)


def _url(key: layers.LayerKey) -> str:
    return f"/console/config/{key.scope}" + (f"/{key.target}" if key.target else "")


def _subject(db, key: layers.LayerKey) -> Terminal:
    """Whose effective settings the form shows: the terminal, or a terminal yet to come in the group/fleet."""
    if key.scope == "terminal":
        return db.get(Terminal, int(key.target))
    group = terminals.find_group(db, key.target) if key.scope == "group" else None
    # Name and location come from the terminal itself; placeholders here, not shown in the form.
    return Terminal(name="new", location="new", group=group)


@router.get("/config")
def config_index(request: Request, user: ConsoleAdmin, db: DbSession) -> Response:
    return index_page(request, db, {}, {})


def index_page(request: Request, db, errors: dict[str, str], typed: dict[str, str], status_code: int = 200) -> Response:
    """The layers to choose from, with the new-group form (``errors``/``typed``: that form refused)."""
    groups = db.scalars(select(TerminalGroup).order_by(TerminalGroup.name))
    fleet = db.scalars(select(Terminal).where(Terminal.revoked_at.is_(None)).order_by(Terminal.id))
    return render(request, "config_index.html", {"groups": list(groups), "terminals": list(fleet), "errors": errors,
                                                 "typed": typed}, status_code)


def _form_page(request: Request, db, builtin: dict, key: layers.LayerKey, proposed: dict | None = None,
               fields=None, general_errors: list | None = None, status_code: int = 200) -> Response:
    layer = layers.current_layer(db, key.scope, key.target)
    own = proposed if proposed is not None else (layer.settings if layer else {})
    subject = _subject(db, key)
    effective = layers.effective_config(builtin, layers.current_layers(db), subject)
    fields = fields or settings_fields()
    only_set = request.query_params.get("only") == "set" and status_code == 200
    with use_language(language(request)):  # the values in words
        shown = settings_page.sections(fields, own, effective, key, subject.group.name if subject.group else "",
                                       only_set, layers.last_changed(db, key, "maintenance.pin_hash"))
    history = db.scalars(select(ConfigLayer).where(ConfigLayer.scope == key.scope, ConfigLayer.target == key.target)
                         .order_by(ConfigLayer.id.desc()).limit(_HISTORY_SHOWN))
    return render(request, "config_form.html", {
        "key": key, "url": _url(key), "sections": shown, "terminal_name": subject.name, "layer": layer, "history": list(history),
        "general_errors": general_errors or [], "saved": request.query_params.get("saved"), "only_set": only_set,
        "invalid": [row for section in shown for row in section.rows if row.field.errors],
        "comment": request.query_params.get("comment", "") if status_code == 200 else "",
        "words": settings_words, "weekdays": WEEKDAY_NAMES, "spans_per_day": SPANS_PER_DAY, "pin_digits": PIN_DIGITS,
    }, status_code)


def _in_words(fields: list[SettingField], errors: list[schemas.FieldError]) -> list:
    """The layer check's errors placed on their fields in the console's words; those that fit none returned."""
    units = {setting.key: setting.unit for setting in fields}
    placed = [problem_words(e.field, e.kind, e.message, e.limits, units.get(e.field, "")) for e in errors]
    return attach_errors(fields, placed)


@router.get("/config/{scope}")
@router.get("/config/{scope}/{target}")
def layer_form(request: Request, scope: str, user: ConsoleAdmin, db: DbSession, builtin: BuiltinSettings,
               target: str = "") -> Response:
    return _form_page(request, db, builtin, _layer_key(db, scope, target))


@router.post("/config/{scope}/preview")
@router.post("/config/{scope}/{target}/preview")
def preview(request: Request, scope: str, user: ConsoleAdmin, db: DbSession, builtin: BuiltinSettings,
            form: SubmittedForm, target: str = "") -> Response:
    """Check the form's layer against every terminal it reaches; show field errors, or the diff to confirm."""
    key = _layer_key(db, scope, target)
    fields = settings_fields()
    layer = layers.current_layer(db, key.scope, key.target)
    old = layer.settings if layer else {}
    offered = {setting.key for setting in fields}
    # Keys the form does not offer (e.g. a terminal's name) stay as they are.
    kept = {k: v for k, v in flatten(old).items() if not any(k == o or k.startswith(o + ".") for o in offered)}
    current = {setting.key: value_at(old, setting.key) for setting in fields}
    proposed = nest({**kept, **read_form(fields, form, current)})
    comment = str(form.get("comment", ""))[:500]
    if any(setting.errors for setting in fields):
        return _form_page(request, db, builtin, key, proposed, fields, status_code=422)
    rejected = layers.check_layer(builtin, layers.current_layers(db), key.scope, key.target, proposed,
                                  key.reached(db))
    if rejected is not None:
        general = _in_words(fields, rejected.errors)
        return _form_page(request, db, builtin, key, proposed, fields, general, 422)
    changes = layer_changes(old, proposed, tuple(s.key for s in fields if s.kind == "hours"))
    with use_language(language(request)):
        in_words = settings_page.changes_in_words(changes, fields)
    return render(request, "config_confirm.html", {
        "key": key, "url": _url(key), "changes": in_words, "terminal_name": _subject(db, key).name,
        "document": json.dumps(proposed, ensure_ascii=False), "comment": comment,
    })


@router.post("/config/{scope}/save")
@router.post("/config/{scope}/{target}/save")
def save(request: Request, scope: str, user: ConsoleAdmin, db: DbSession, builtin: BuiltinSettings,
         document: Annotated[str, Form()], comment: Annotated[str, Form(max_length=500)] = "",
         target: str = "") -> Response:
    key = _layer_key(db, scope, target)
    settings = json.loads(document)
    layers.lock_config(db)
    written = layers.write_layer(db, builtin, key, settings, user.username, comment, "config.update",
                                 change=settings, via="console")
    return _written(request, db, builtin, key, written)


@router.post("/config/{scope}/rollback/{version}")
@router.post("/config/{scope}/{target}/rollback/{version}")
def rollback(request: Request, scope: str, version: Id, user: ConsoleAdmin, db: DbSession,
             builtin: BuiltinSettings, target: str = "") -> Response:
    key = _layer_key(db, scope, target)
    layers.lock_config(db)
    old = db.get(ConfigLayer, version)
    if old is None or (old.scope, old.target) != (key.scope, key.target):
        raise ConsoleDenied(N_("Not found"), 404)
    written = layers.write_layer(db, builtin, key, old.settings, user.username, f"rollback to version {version}",
                                 "config.rollback", restored_version=version)
    return _written(request, db, builtin, key, written)


def _written(request: Request, db, builtin: dict, key: layers.LayerKey, written) -> Response:
    if isinstance(written, schemas.ConfigRejected):
        db.rollback()
        fields = settings_fields()
        general = _in_words(fields, written.errors)
        return _form_page(request, db, builtin, key, None, fields, general, 422)
    db.commit()
    return RedirectResponse(f"{_url(key)}?saved={written.id}", status_code=303)
