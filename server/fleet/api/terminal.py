"""A terminal's own calls: heartbeat, its effective configuration and the current catalogue."""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select

from common import wire
from common.catalogue import Catalogue
from server.api.deps import BuiltinSettings, CurrentTerminal, DbSession, LockedTerminal, Settings
from server.api.etags import not_modified, quoted
from server.backups import resend
from server.core.clock import utcnow
from server.events import checkin_bundle
from server.fleet import catalogues, commands, heartbeats, layers
from server.fleet.models import CatalogueVersion
from server.matters import board as matters_board
from server.wishes import wall as wish_wall

router = APIRouter(prefix="/terminal", tags=["terminal"])


@router.post("/heartbeat")
def heartbeat(body: wire.Heartbeat, terminal: LockedTerminal, db: DbSession,
              builtin: BuiltinSettings, settings: Settings) -> wire.HeartbeatReply:
    now = utcnow()
    config = layers.effective_config(builtin, layers.kept_layers(db), terminal)
    interval = layers.heartbeat_seconds(config.settings)
    if body.last_command is not None:
        commands.finish(db, terminal.id, body.last_command, now)
    heartbeats.record(db, terminal, body, interval, now)
    reply = wire.HeartbeatReply(
        server_time=now,
        # Jitter spreads a fleet that restarted together over the interval.
        next_poll_seconds=round(interval * random.uniform(0.9, 1.1), 3),
        config_version=config.version,
        config_etag=config.etag,
        catalogue_etag=catalogues.current_etag(db),
        checkin_etag=checkin_bundle.etag(db, terminal, now),
        matters_etag=matters_board.etag(db, now),
        wishes_etag=wish_wall.etag(db, now, ZoneInfo(settings.timezone)),
        commands_pending=commands.pending_count(db, terminal.id, now),
        resend_since=resend.resend_since(db, terminal, body),
        record_seal_key=resend.public_record_key(settings),
        public_url=settings.public_url,
    )
    db.commit()
    return reply


@router.get("/config", response_model=wire.TerminalConfig,
            responses={304: {"description": "If-None-Match names the current ETag"}})
def config(terminal: CurrentTerminal, db: DbSession, builtin: BuiltinSettings, request: Request,
           response: Response) -> wire.TerminalConfig | Response:
    effective = layers.effective_config(builtin, layers.current_layers(db), terminal)
    if not_modified(request, effective.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": quoted(effective.etag)})
    response.headers["ETag"] = quoted(effective.etag)
    return wire.TerminalConfig(version=effective.version, etag=effective.etag, settings=effective.settings)


@router.get("/catalogue", response_model=None,
            responses={200: {"model": Catalogue}, 304: {"description": "If-None-Match names the current ETag"},
                       404: {"description": "no catalogue imported yet"}})
def catalogue(terminal: CurrentTerminal, db: DbSession, request: Request) -> Response:
    latest = db.execute(select(CatalogueVersion.id, CatalogueVersion.etag)
                        .order_by(CatalogueVersion.id.desc()).limit(1)).first()
    if latest is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no catalogue yet")
    headers = {"ETag": quoted(latest.etag)}
    if not_modified(request, latest.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    document = db.scalars(select(CatalogueVersion.document).where(CatalogueVersion.id == latest.id)).one()
    return Response(document.encode(), media_type="application/json", headers=headers)
