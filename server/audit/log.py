"""The audit log: who changed what, when. Written in the same transaction as the change itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from server.fleet.models import AuditEntry


def audit(db: Session, actor: str, action: str, target: str, **detail: Any) -> None:
    db.add(AuditEntry(actor=actor, action=action, target=target, detail=detail))
