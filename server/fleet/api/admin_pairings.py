"""Pairings waiting for an administrator: list them, approve one by the code its kiosk shows."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from server.fleet import layers, terminals
from server.api.deps import CurrentAdmin, CurrentStaff, DbSession, Settings
from server.fleet.api.enrolment import PairingCode
from server.fleet.schemas import PendingPairing
from server.core.clock import utcnow
from server.fleet.models import Pairing
from common import wire

router = APIRouter(prefix="/admin/pairings", tags=["admin"])


@router.get("")
def pending_pairings(staff: CurrentStaff, db: DbSession) -> list[PendingPairing]:
    rows = db.scalars(select(Pairing).where(Pairing.status == "pending", Pairing.expires_at > utcnow())
                      .order_by(Pairing.created_at))
    return [PendingPairing(code=p.code, created_at=p.created_at, expires_at=p.expires_at, app_version=p.app_version)
            for p in rows]


@router.post("/{code}/approve", responses={404: {"description": "no pending pairing with this code"},
                                            410: {"description": "the pairing expired"}})
def approve(code: PairingCode, body: wire.PairingApprove, admin: CurrentAdmin, db: DbSession,
            settings: Settings) -> wire.TerminalStatus:
    """Creates the terminal; its kiosk collects the credential on its next poll (the clock restarts for that)."""
    now = utcnow()
    pairing = db.scalar(select(Pairing).where(Pairing.code == code, Pairing.status == "pending").with_for_update())
    if pairing is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no pending pairing with this code")
    if pairing.expires_at <= now:
        raise HTTPException(status.HTTP_410_GONE, "this pairing expired; the kiosk shows a new code")
    terminal = terminals.approve_pairing(db, pairing, body.name, body.location, body.group, admin.username,
                                         settings.pairing_ttl_seconds, now)
    db.commit()
    return terminals.status(terminal, layers.current_layers(db), now)
