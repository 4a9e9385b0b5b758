"""server/fleet/pairing.py against a migrated database: start, poll, the one pending lookup, approval, the credential
handed once to the holder of the secret, expiry."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.core.clock import utcnow
from server.core.security import hash_secret
from server.fleet import enrolment, pairing
from server.fleet.models import AuditEntry, Pairing, Terminal

APP_VERSION = "1.2.3"
TTL = 3_600


def _secret() -> str:
    return secrets.token_urlsafe(32)


def _start(db, code: str, secret: str, now=None):
    state = pairing.start(db, code, secret, APP_VERSION, TTL, now or utcnow())
    db.commit()
    return state


def test_approval_hands_the_credential_once_to_the_holder_of_the_secret(db):
    code, secret = "482913", _secret()
    assert _start(db, code, secret).status == "pending"
    assert _start(db, code, secret).status == "pending"  # the same kiosk again: harmless
    with pytest.raises(enrolment.CodeTaken):
        pairing.start(db, code, _secret(), APP_VERSION, TTL, utcnow())  # another kiosk's live code
    db.rollback()
    with pytest.raises(enrolment.NotFound):
        pairing.poll(db, code, _secret(), utcnow())
    assert pairing.poll(db, code, secret, utcnow()).status == "pending"
    assert [p.code for p in pairing.pending_list(db, utcnow())] == [code]

    now = utcnow()
    terminal = pairing.approve(db, pairing.pending(db, code, now), "T2 大堂", "T2 一层", "T2", "admin", TTL, now)
    db.commit()
    assert (terminal.name, terminal.group.name, terminal.token_hash) == ("T2 大堂", "T2", None)
    assert pairing.pending_list(db, utcnow()) == []
    with pytest.raises(enrolment.NotFound):  # approved: no longer pending
        pairing.pending(db, code, utcnow())

    first = pairing.poll(db, code, secret, utcnow())
    db.commit()
    assert first.status == "approved" and first.credential is not None
    assert first.credential.terminal_id == terminal.id
    assert db.get(Terminal, terminal.id).token_hash == hash_secret(first.credential.token)
    assert pairing.poll(db, code, secret, utcnow()).model_dump() == {"status": "approved", "credential": None, "reason": None}
    actions = {(e.action, e.actor) for e in db.scalars(select(AuditEntry))}
    assert {("pairing.approve", "admin"), ("terminal.enrolled", f"terminal:{terminal.id}")} <= actions


def test_an_unknown_code_is_not_found_everywhere(db):
    with pytest.raises(enrolment.NotFound, match="unknown pairing"):
        pairing.poll(db, "000000", _secret(), utcnow())
    with pytest.raises(enrolment.NotFound, match="no pending pairing"):
        pairing.pending(db, "000000", utcnow())


def test_a_lapsed_pairing_is_expired_and_its_code_free_again(db):
    code, secret, start = "777111", _secret(), utcnow()
    _start(db, code, secret, start)
    later = start + timedelta(seconds=TTL)
    assert pairing.poll(db, code, secret, later).status == "expired"
    assert pairing.pending_list(db, later) == []
    # The one lookup tells a lapsed pairing (the API's 410) from an unknown one (404).
    with pytest.raises(enrolment.Expired, match="expired"):
        pairing.pending(db, code, later)
    db.rollback()
    other = _secret()
    assert _start(db, code, other, later).status == "pending"  # another kiosk may use the code now
    assert db.scalar(select(Pairing).where(Pairing.code == code)).secret_hash == hash_secret(other)


def test_a_code_is_free_again_once_its_credential_was_collected(db):
    code, secret = "555000", _secret()
    _start(db, code, secret)
    now = utcnow()
    pairing.approve(db, pairing.pending(db, code, now), "Gate", "Gate", None, "admin", TTL, now)
    db.commit()
    assert pairing.poll(db, code, secret, utcnow()).credential is not None
    db.commit()
    assert _start(db, code, _secret()).status == "pending"
    assert db.scalar(select(Pairing.status).where(Pairing.code == code)) == "pending"


def test_an_approval_restarts_the_clock_for_collecting_the_credential(db):
    code, secret, start = "123456", _secret(), utcnow()
    _start(db, code, secret, start)
    approved_at = start + timedelta(seconds=TTL - 1)
    pairing.approve(db, pairing.pending(db, code, approved_at), "Gate", "Gate", None, "admin", TTL, approved_at)
    db.commit()
    assert pairing.poll(db, code, secret, start + timedelta(seconds=TTL + 60)).credential is not None
