"""Pairings waiting for an administrator: list them, approve or reject one by the code its kiosk shows."""

from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import CurrentAdmin, CurrentStaff, DbSession, Settings
from server.core.clock import utcnow
from server.fleet import layers, pairing, schemas, terminals
from server.fleet.api.enrolment import PairingCode, refusal
from server.fleet.enrolment import EnrolmentRefused

router = APIRouter(prefix="/admin/pairings", tags=["admin"])


@router.get("")
def pending_pairings(staff: CurrentStaff, db: DbSession) -> list[schemas.PendingPairing]:
    return [schemas.PendingPairing(code=p.code, created_at=p.created_at, expires_at=p.expires_at,
                                   app_version=p.app_version) for p in pairing.pending_list(db, utcnow())]


@router.post("/{code}/approve", responses={404: {"description": "no pending pairing with this code"},
                                            410: {"description": "the pairing expired"}})
def approve(code: PairingCode, body: schemas.PairingApprove, admin: CurrentAdmin, db: DbSession,
            settings: Settings) -> schemas.TerminalStatus:
    """Creates the terminal; its kiosk collects the credential on its next poll (the clock restarts for that)."""
    now = utcnow()
    try:
        found = pairing.pending(db, code, now)
    except EnrolmentRefused as exc:
        raise refusal(exc) from None
    terminal = pairing.approve(db, found, body.name, body.location, body.group, admin.username,
                               settings.pairing_ttl_seconds, now)
    db.commit()
    return terminals.status(terminal, layers.current_layers(db), now)


@router.post("/{code}/reject", status_code=204, responses={404: {"description": "no pending pairing with this code"},
                                                            410: {"description": "the pairing expired"}})
def reject(code: PairingCode, body: schemas.PairingReject, admin: CurrentAdmin, db: DbSession) -> None:
    """The kiosk is told on its next poll, with the reason, and shows a new code."""
    try:
        found = pairing.pending(db, code, utcnow())
    except EnrolmentRefused as exc:
        raise refusal(exc) from None
    pairing.reject(db, found, body.reason.strip(), admin.username)
    db.commit()
