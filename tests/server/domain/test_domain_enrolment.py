"""server/fleet/enrolment.py against a migrated database: a one-time code gives a terminal its credential once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.core.clock import utcnow
from server.core.security import hash_secret
from server.fleet import enrolment, terminals
from server.fleet.models import AuditEntry, EnrolmentCode, Terminal

APP_VERSION = "1.2.3"


def _enrolled_code(db, ttl_seconds: int = 600) -> tuple[Terminal, str]:
    terminal = terminals.create_terminal(db, "T3 东门", "T3 东门入口", "tower-3", "tester")
    code = terminals.issue_enrolment_code(db, terminal, ttl_seconds, "tester")
    db.commit()
    return terminal, code.code


def test_a_code_gives_the_terminal_a_credential_once(db):
    terminal, code = _enrolled_code(db)
    now = utcnow()
    credential = enrolment.redeem_code(db, code, APP_VERSION, now)
    db.commit()
    assert (credential.terminal_id, credential.name, credential.location) == (terminal.id, "T3 东门", "T3 东门入口")
    assert credential.token.startswith("kt_")
    db.refresh(terminal)
    assert terminal.token_hash == hash_secret(credential.token) and terminal.app_version == APP_VERSION
    assert terminal.enrolled_at == now
    assert db.scalar(select(EnrolmentCode.used_at)) == now
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "terminal.enrolled")).one()
    assert (entry.actor, entry.detail) == (f"terminal:{terminal.id}", {"method": "code"})

    with pytest.raises(enrolment.NotFound, match="already used"):
        enrolment.redeem_code(db, code, APP_VERSION, utcnow())


def test_an_unknown_code_is_not_found_and_an_expired_one_is_gone(db):
    with pytest.raises(enrolment.NotFound, match="unknown"):
        enrolment.redeem_code(db, "ABCD-EFGH", APP_VERSION, utcnow())
    terminal, code = _enrolled_code(db, ttl_seconds=60)
    with pytest.raises(enrolment.Expired):
        enrolment.redeem_code(db, code, APP_VERSION, utcnow() + timedelta(seconds=61))
    db.rollback()
    assert db.get(Terminal, terminal.id).token_hash is None


def test_re_enrolment_replaces_the_token_and_lifts_a_revocation(db):
    terminal, code = _enrolled_code(db)
    first = enrolment.redeem_code(db, code, APP_VERSION, utcnow())
    db.commit()
    terminals.revoke(db, terminal, "tester")
    db.commit()
    assert terminal.revoked_at is not None
    second = enrolment.redeem_code(db, terminals.issue_enrolment_code(db, terminal, 600, "tester").code, "1.2.4",
                                   utcnow())
    db.commit()
    db.refresh(terminal)
    assert second.token != first.token and terminal.token_hash == hash_secret(second.token)
    assert terminal.revoked_at is None and terminal.app_version == "1.2.4"
