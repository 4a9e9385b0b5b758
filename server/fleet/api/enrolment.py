"""Enrolment without a credential yet: redeem a one-time code, or pair by a code shown on the kiosk's screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.api.deps import DbSession, Settings
from server.audit.log import audit
from server.core.clock import utcnow
from server.fleet.models import EnrolmentCode, Pairing, Terminal
from server.core.security import hash_secret, new_terminal_token, secret_matches
from common import wire

router = APIRouter(prefix="/enrolment", tags=["enrolment"])
PairingCode = Annotated[str, Path(pattern=wire.PAIRING_CODE_PATTERN)]


def limit_attempts(request: Request) -> None:
    """At most so many enrolment attempts per client address and minute (per process)."""
    _refuse_if_waiting(request.app.state.enrolment_limiter.try_acquire(_address(request)))


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refuse_if_waiting(wait: float | None) -> None:
    if wait is not None:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many enrolment attempts; try again later",
                            headers={"Retry-After": str(int(wait) + 1)})


@router.post("/redeem", dependencies=[Depends(limit_attempts)],
             responses={404: {"description": "unknown or used code"}, 410: {"description": "code expired"}})
def redeem(body: wire.EnrolmentRedeem, db: DbSession) -> wire.TerminalCredential:
    now = utcnow()
    code = db.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == hash_secret(body.code)).with_for_update())
    if code is None or code.used_at is not None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown or already used enrolment code")
    if code.expires_at <= now:
        raise HTTPException(status.HTTP_410_GONE, "enrolment code expired")
    code.used_at = now
    terminal = db.get(Terminal, code.terminal_id, with_for_update=True)
    credential = _new_credential(db, terminal, body.app_version, "code")
    db.commit()
    return credential


@router.post("/pairings", status_code=status.HTTP_201_CREATED, dependencies=[Depends(limit_attempts)],
             responses={409: {"description": "this code is already pending"}})
def start_pairing(body: wire.PairingStart, db: DbSession, settings: Settings) -> wire.PairingState:
    now = utcnow()
    pairing = db.scalar(select(Pairing).where(Pairing.code == body.code).with_for_update())
    if pairing is not None:
        live = pairing.expires_at > now and pairing.credential_delivered_at is None
        if live and secret_matches(body.secret, pairing.secret_hash):
            return _state(db, pairing)  # the same kiosk again, e.g. its first reply was lost
        if live:
            raise HTTPException(status.HTTP_409_CONFLICT, "this pairing code is already in use")
        db.delete(pairing)  # finished or lapsed: the code is free again
        db.flush()
    db.add(Pairing(code=body.code, secret_hash=hash_secret(body.secret), app_version=body.app_version,
                   status="pending", created_at=now, expires_at=now + timedelta(seconds=settings.pairing_ttl_seconds)))
    try:
        db.commit()
    except IntegrityError:  # another process took the same code a moment ago
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "this pairing code is already in use") from None
    return wire.PairingState(status="pending")


@router.post("/pairings/{code}/poll", responses={404: {"description": "unknown code or wrong secret"},
                                                 429: {"description": "too many wrong polls from this address"}})
def poll_pairing(code: PairingCode, body: wire.PairingPoll, request: Request, db: DbSession) -> wire.PairingState:
    """The kiosk that started the pairing polls freely; a wrong code or secret counts as an enrolment attempt
    (a guess), and an address out of attempts is refused before anything is looked up."""
    limiter = request.app.state.enrolment_limiter
    _refuse_if_waiting(limiter.retry_after(_address(request)))
    pairing = db.scalar(select(Pairing).where(Pairing.code == code).with_for_update())
    if pairing is None or not secret_matches(body.secret, pairing.secret_hash):
        _refuse_if_waiting(limiter.try_acquire(_address(request)))
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown pairing")
    return _state(db, pairing)


def _state(db: Session, pairing: Pairing) -> wire.PairingState:
    """The pairing as its kiosk sees it; the first look after approval carries the credential, once."""
    now = utcnow()
    if pairing.status == "approved" and pairing.credential_delivered_at is not None:
        return wire.PairingState(status="approved")
    if pairing.expires_at <= now:
        return wire.PairingState(status="expired")
    if pairing.status != "approved":
        return wire.PairingState(status="pending")
    pairing.credential_delivered_at = now
    terminal = db.get(Terminal, pairing.terminal_id, with_for_update=True)
    credential = _new_credential(db, terminal, pairing.app_version, "pairing")
    db.commit()
    return wire.PairingState(status="approved", credential=credential)


def _new_credential(db: Session, terminal: Terminal, app_version: str, method: str) -> wire.TerminalCredential:
    """A new token replaces the terminal's old one (re-enrolment) and lifts a revocation."""
    token = new_terminal_token()
    terminal.token_hash = hash_secret(token)
    terminal.enrolled_at = utcnow()
    terminal.revoked_at = None
    terminal.app_version = app_version
    audit(db, f"terminal:{terminal.id}", "terminal.enrolled", f"terminal:{terminal.id}", method=method)
    return wire.TerminalCredential(terminal_id=terminal.id, token=token, name=terminal.name, location=terminal.location)
