"""Configuration layers: the generated form per layer (defaults, a group, a terminal) with effective values
and their source, a diff to confirm before saving, version history with rollback. For the admin role only,
reading too, as in the API (server/fleet/api/admin_config.py says why)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from common.settings import SettingsError, parse_settings
from common.wire import Id
from server.api.deps import BuiltinSettings, DbSession
from server.core.ids import id_from_text
from server.fleet import layers, schemas, terminals
from server.fleet.console.settings_form import attach_errors, display, flatten, nest, read_form, settings_fields
from server.fleet.models import ConfigLayer, Terminal, TerminalGroup
from server.web.i18n import N_
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
    groups = db.scalars(select(TerminalGroup).order_by(TerminalGroup.name))
    fleet = db.scalars(select(Terminal).where(Terminal.revoked_at.is_(None)).order_by(Terminal.id))
    return render(request, "config_index.html", {"groups": list(groups), "terminals": list(fleet)})


def _form_page(request: Request, db, builtin: dict, key: layers.LayerKey, proposed: dict | None = None,
               fields=None, general_errors: list[str] | None = None, status_code: int = 200) -> Response:
    layer = layers.current_layer(db, key.scope, key.target)
    own = flatten(proposed if proposed is not None else (layer.settings if layer else {}))
    current = layers.current_layers(db)
    effective = layers.effective_config(builtin, current, _subject(db, key))
    values = _with_model_defaults(effective.settings)
    rows = []
    for setting in fields or settings_fields():
        value = display(setting, own[setting.key] if setting.key in own else values.get(setting.key))
        rows.append({"field": setting, "set_here": setting.key in own or setting.typed is not None,
                     "value": value if setting.typed is None else setting.typed,
                     "effective": values.get(setting.key), "source": effective.sources.get(setting.key)
                     or _text_source(effective.sources, setting.key) or "default"})
    history = db.scalars(select(ConfigLayer).where(ConfigLayer.scope == key.scope, ConfigLayer.target == key.target)
                         .order_by(ConfigLayer.id.desc()).limit(_HISTORY_SHOWN))
    return render(request, "config_form.html", {
        "key": key, "url": _url(key), "rows": rows, "layer": layer, "history": list(history),
        "general_errors": general_errors or [], "saved": request.query_params.get("saved"),
    }, status_code)


def _with_model_defaults(settings: dict) -> dict:
    """Every setting's value, the model's defaults filled in (as the kiosk sees them) when the layers are valid."""
    try:
        return flatten(parse_settings(settings, "effective settings").model_dump(mode="json"))
    except SettingsError:
        return flatten(settings)


def _text_source(sources: dict[str, str], key: str) -> str | None:
    """A Text setting's source is its "zh" leaf's."""
    return sources.get(f"{key}.zh")


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
    old = flatten(layer.settings if layer else {})
    offered = {setting.key for setting in fields}
    # Keys the form does not offer (e.g. a terminal's name) stay as they are.
    kept = {k: v for k, v in old.items() if not any(k == o or k.startswith(o + ".") for o in offered)}
    proposed = nest({**kept, **read_form(fields, form)})
    if any(setting.errors for setting in fields):
        return _form_page(request, db, builtin, key, proposed, fields, status_code=422)
    rejected = layers.check_layer(builtin, layers.current_layers(db), key.scope, key.target, proposed,
                                  key.reached(db))
    if rejected is not None:
        general = attach_errors(fields, [(e.field, e.message) for e in rejected.errors])
        return _form_page(request, db, builtin, key, proposed, fields, [rejected.detail, *general], 422)
    new = flatten(proposed)
    changes = [(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return render(request, "config_confirm.html", {
        "key": key, "url": _url(key), "changes": changes, "document": json.dumps(proposed, ensure_ascii=False),
        "comment": str(form.get("comment", "")),
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
        general = attach_errors(fields, [(e.field, e.message) for e in written.errors])
        return _form_page(request, db, builtin, key, None, fields, [written.detail, *general], 422)
    db.commit()
    return RedirectResponse(f"{_url(key)}?saved={written.id}", status_code=303)
