"""Configuration layers for administrators: the same four calls for defaults, a group and a terminal,
plus a terminal's effective settings with the layer each key came from.

All of it needs the admin role, reading too: the layers hold the maintenance PIN's hash (four digits are
guessed offline in moments), and configuring terminals is the admin's job; operators see a terminal's applied
and current configuration version in its status. The console agrees (server/fleet/console/config.py)."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from common import wire
from common.settings import merge_layers
from server.api.deps import BuiltinSettings, CurrentAdmin, DbSession, PathTerminal, require_admin_role
from server.api.errors import BodyRejected
from server.fleet import layers, schemas, terminals
from server.fleet.models import ConfigLayer
from server.fleet.schemas import EffectiveSettings

router = APIRouter(prefix="/admin/config", tags=["admin"], dependencies=[Depends(require_admin_role)])
_REJECTED: dict[int | str, dict[str, Any]] = {
    422: {"model": schemas.ConfigRejected, "description": "some terminal's settings would be invalid"}}


def _defaults_key() -> layers.LayerKey:
    return layers.LayerKey("defaults", "")


def _group_key(name: str, db: DbSession) -> layers.LayerKey:
    if terminals.find_group(db, name) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such group")
    return layers.LayerKey("group", name)


def _terminal_key(terminal: PathTerminal) -> layers.LayerKey:
    return layers.LayerKey("terminal", str(terminal.id))


def _to_wire(layer: ConfigLayer) -> schemas.ConfigLayerVersion:
    return schemas.ConfigLayerVersion(version=layer.id, scope=layer.scope, target=layer.target or None,
                                      settings=layer.settings, author=layer.author, comment=layer.comment,
                                      created_at=layer.created_at)


def _write(db: Session, builtin: dict, key: layers.LayerKey, settings: dict, author: str, comment: str,
           action: str, **detail) -> schemas.ConfigLayerVersion:
    written = layers.write_layer(db, builtin, key, settings, author, comment, action, **detail)
    if isinstance(written, schemas.ConfigRejected):
        raise BodyRejected(written)
    db.commit()
    return _to_wire(written)


def _add_layer_routes(path: str, key_dependency: Callable[..., layers.LayerKey]) -> None:
    Key = Annotated[layers.LayerKey, Depends(key_dependency)]

    @router.get(path, responses={404: {"description": "no layer here yet"}})
    def current(key: Key, admin: CurrentAdmin, db: DbSession) -> schemas.ConfigLayerVersion:
        layer = layers.current_layer(db, key.scope, key.target)
        if layer is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no layer here yet")
        return _to_wire(layer)

    @router.put(path, responses=_REJECTED)
    def update(key: Key, body: schemas.ConfigLayerUpdate, admin: CurrentAdmin, db: DbSession,
               builtin: BuiltinSettings) -> schemas.ConfigLayerVersion:
        """``body.settings`` is merged onto the layer in force: tables key by key, ``null`` removes a key."""
        layers.lock_config(db)
        layer = layers.current_layer(db, key.scope, key.target)
        settings = merge_layers(layer.settings if layer else {}, body.settings)
        return _write(db, builtin, key, settings, admin.username, body.comment, "config.update", change=body.settings)

    @router.get(f"{path}/history")
    def history(key: Key, admin: CurrentAdmin, db: DbSession,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[schemas.ConfigLayerVersion]:
        """Newest first."""
        rows = db.scalars(select(ConfigLayer).where(ConfigLayer.scope == key.scope, ConfigLayer.target == key.target)
                          .order_by(ConfigLayer.id.desc()).limit(limit))
        return [_to_wire(row) for row in rows]

    @router.post(f"{path}/rollback/{{version}}", responses={**_REJECTED, 404: {"description": "no such version here"}})
    def rollback(key: Key, version: wire.Id, admin: CurrentAdmin, db: DbSession,
                 builtin: BuiltinSettings) -> schemas.ConfigLayerVersion:
        """A new version with the content ``version`` had."""
        layers.lock_config(db)
        old = db.get(ConfigLayer, version)
        if old is None or (old.scope, old.target) != (key.scope, key.target):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such version of this layer")
        return _write(db, builtin, key, old.settings, admin.username, f"rollback to version {version}",
                      "config.rollback", restored_version=version)


_add_layer_routes("/defaults", _defaults_key)
_add_layer_routes("/groups/{name}", _group_key)
_add_layer_routes("/terminals/{terminal_id}", _terminal_key)


@router.get("/terminals/{terminal_id}/effective")
def effective(admin: CurrentAdmin, terminal: PathTerminal, db: DbSession, builtin: BuiltinSettings) -> EffectiveSettings:
    config = layers.effective_config(builtin, layers.current_layers(db), terminal)
    return EffectiveSettings(settings=config.settings, sources=config.sources, version=config.version, etag=config.etag)
