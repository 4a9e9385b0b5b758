"""Enrolment: a terminal gets its credential, by redeeming a one-time code or by pairing (server/fleet/pairing.py).

The functions change the session and never commit: the route (or the CLI) commits, and answers a refusal
(an ``EnrolmentRefused``) with the status its kind names.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import wire
from server.audit.log import audit
from server.core.security import hash_secret, new_terminal_token
from server.fleet.models import EnrolmentCode, Terminal


class EnrolmentRefused(Exception):
    """An enrolment step that cannot be taken; the message says why (English, for the caller)."""


class NotFound(EnrolmentRefused):
    """No such code (or pairing), or not one this caller may use: the API answers 404."""


class Expired(EnrolmentRefused):
    """The code or pairing existed but lapsed: the API answers 410."""


class CodeTaken(EnrolmentRefused):
    """The pairing code is already pending for another kiosk: the API answers 409."""


def redeem_code(db: Session, code: str, app_version: str, now: datetime) -> wire.TerminalCredential:
    """Trade a one-time enrolment code for the terminal's credential; the code is used up."""
    found = db.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == hash_secret(code)).with_for_update())
    if found is None or found.used_at is not None:
        raise NotFound("unknown or already used enrolment code")
    if found.expires_at <= now:
        raise Expired("enrolment code expired")
    found.used_at = now
    return issue_credential(db, locked_terminal(db, found.terminal_id), app_version, "code", now)


def locked_terminal(db: Session, terminal_id: int) -> Terminal:
    """The terminal, its row locked until commit; enrolment codes and pairings are deleted with their terminal."""
    terminal = db.get(Terminal, terminal_id, with_for_update=True)
    if terminal is None:
        raise RuntimeError(f"terminal {terminal_id} vanished under a lock on its enrolment")
    return terminal


def issue_credential(db: Session, terminal: Terminal, app_version: str, method: str,
                     now: datetime) -> wire.TerminalCredential:
    """A new token replaces the terminal's old one (re-enrolment) and lifts a revocation."""
    token = new_terminal_token()
    terminal.token_hash = hash_secret(token)
    terminal.enrolled_at = now
    terminal.revoked_at = None
    terminal.app_version = app_version
    audit(db, f"terminal:{terminal.id}", "terminal.enrolled", f"terminal:{terminal.id}", method=method)
    return wire.TerminalCredential(terminal_id=terminal.id, token=token, name=terminal.name, location=terminal.location)
