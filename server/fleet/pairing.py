"""Pairing: an unenrolled kiosk shows a 6-digit code, an administrator approves it, and the kiosk that holds the
pairing's secret collects its credential on its next poll, once.

The functions change the session and never commit (the caller does); refusals are the ``EnrolmentRefused``
kinds of server/fleet/enrolment.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import wire
from server.audit.log import audit
from server.core.security import hash_secret, secret_matches
from server.fleet import terminals
from server.fleet.enrolment import CodeTaken, Expired, NotFound, issue_credential, locked_terminal
from server.fleet.models import Pairing, Terminal


def start(db: Session, code: str, secret: str, app_version: str, ttl_seconds: int, now: datetime) -> wire.PairingState:
    """A kiosk starts pairing with the code it shows. The same kiosk starting again (its first answer was lost)
    gets the pairing's state; a code live for another kiosk is ``CodeTaken``; a finished or lapsed one is free."""
    pairing = db.scalar(select(Pairing).where(Pairing.code == code).with_for_update())
    if pairing is not None:
        live = pairing.expires_at > now and pairing.credential_delivered_at is None
        if live and secret_matches(secret, pairing.secret_hash):
            return state(db, pairing, now)
        if live:
            raise CodeTaken("this pairing code is already in use")
        db.delete(pairing)
        db.flush()
    try:
        with db.begin_nested():
            db.add(Pairing(code=code, secret_hash=hash_secret(secret), app_version=app_version, status="pending",
                           created_at=now, expires_at=now + timedelta(seconds=ttl_seconds)))
    except IntegrityError:  # another process took the same code a moment ago
        raise CodeTaken("this pairing code is already in use") from None
    return wire.PairingState(status="pending")


def poll(db: Session, code: str, secret: str, now: datetime) -> wire.PairingState:
    """The pairing as the holder of its secret sees it; ``NotFound`` for an unknown code or a wrong secret alike
    (the kiosk starts over on it, and a guesser learns nothing)."""
    pairing = db.scalar(select(Pairing).where(Pairing.code == code).with_for_update())
    if pairing is None or not secret_matches(secret, pairing.secret_hash):
        raise NotFound("unknown pairing")
    return state(db, pairing, now)


def state(db: Session, pairing: Pairing, now: datetime) -> wire.PairingState:
    """The first look after approval carries the credential, once (made only then); later looks say approved."""
    if pairing.status == "approved" and pairing.credential_delivered_at is not None:
        return wire.PairingState(status="approved")
    if pairing.expires_at <= now:
        return wire.PairingState(status="expired")
    if pairing.status == "rejected":
        return wire.PairingState(status="rejected", reason=pairing.rejection_reason)
    if pairing.status != "approved" or pairing.terminal_id is None:
        return wire.PairingState(status="pending")
    pairing.credential_delivered_at = now
    credential = issue_credential(db, locked_terminal(db, pairing.terminal_id), pairing.app_version, "pairing", now)
    return wire.PairingState(status="approved", credential=credential)


def pending_list(db: Session, now: datetime) -> list[Pairing]:
    """The pairings waiting for an administrator, oldest first (lapsed ones are not shown)."""
    return list(db.scalars(select(Pairing).where(Pairing.status == "pending", Pairing.expires_at > now)
                           .order_by(Pairing.created_at)))


def pending(db: Session, code: str, now: datetime) -> Pairing:
    """The pending pairing with this code, locked until commit: ``NotFound`` if there is none (unknown, or
    approved already), ``Expired`` if it lapsed (its kiosk shows a new code by now)."""
    pairing = db.scalar(select(Pairing).where(Pairing.code == code, Pairing.status == "pending").with_for_update())
    if pairing is None:
        raise NotFound("no pending pairing with this code")
    if pairing.expires_at <= now:
        raise Expired("this pairing expired; the kiosk shows a new code")
    return pairing


def approve(db: Session, pairing: Pairing, name: str, location: str, group: str | None, actor: str,
            ttl_seconds: int, now: datetime) -> Terminal:
    """Creates the terminal; its kiosk collects the credential on its next poll (the clock restarts for that)."""
    terminal = terminals.create_terminal(db, name, location, group, actor)
    pairing.status = "approved"
    pairing.terminal_id = terminal.id
    pairing.approved_by = actor
    pairing.expires_at = now + timedelta(seconds=ttl_seconds)
    audit(db, actor, "pairing.approve", f"terminal:{terminal.id}", code=pairing.code)
    return terminal


def reissue(db: Session, pairing: Pairing, terminal: Terminal, actor: str, ttl_seconds: int, now: datetime) -> None:
    """The pairing's kiosk becomes ``terminal``, whose reply (its credential) was lost: the credential it was
    given stops working at once, and its unused enrolment codes with it; the kiosk collects a new one on its
    next poll."""
    terminals.invalidate_credential(db, terminal)
    pairing.status = "approved"
    pairing.terminal_id = terminal.id
    pairing.approved_by = actor
    pairing.expires_at = now + timedelta(seconds=ttl_seconds)
    audit(db, actor, "pairing.reissue", f"terminal:{terminal.id}", code=pairing.code)


def reject(db: Session, pairing: Pairing, reason: str, actor: str) -> None:
    """Refuses the pairing: its kiosk is told (with the reason) on its next poll, and shows a new code."""
    pairing.status = "rejected"
    pairing.rejection_reason = reason
    audit(db, actor, "pairing.reject", f"pairing:{pairing.code}", reason=reason, app_version=pairing.app_version)
