"""POST /admin/login: an admin token for a username and password; too many failures lock the account."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.api.deps import DbSession, Settings, unauthorized
from server.audit import audit
from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.models import Admin, AdminToken
from server.security import hash_secret, new_admin_token, verify_password
from services import wire

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/login", responses={401: {"description": "bad credentials"}, 429: {"description": "locked out"}})
def login(body: wire.AdminLogin, db: DbSession, settings: Settings) -> wire.AdminToken:
    now = utcnow()
    admin = db.scalar(select(Admin).where(Admin.username == body.username).with_for_update())
    if admin is not None and admin.locked_until is not None and admin.locked_until > now:
        wait = int((admin.locked_until - now).total_seconds()) + 1
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many failed logins; locked for now",
                            headers={"Retry-After": str(wait)})
    if not verify_password(body.password, admin.password_hash if admin else None):
        if admin is not None:
            _count_failure(db, admin, settings, now)
            db.commit()
        raise unauthorized("bad username or password")
    admin.failed_logins = 0
    admin.locked_until = None
    token = new_admin_token()
    expires_at = now + timedelta(seconds=settings.admin_token_ttl_seconds)
    db.execute(delete(AdminToken).where(AdminToken.expires_at <= now))
    db.add(AdminToken(token_hash=hash_secret(token), admin_id=admin.id, created_at=now, expires_at=expires_at))
    db.commit()
    return wire.AdminToken(token=token, expires_at=expires_at, role=admin.role)


def _count_failure(db: Session, admin: Admin, settings: ServerSettings, now: datetime) -> None:
    admin.failed_logins += 1
    if admin.failed_logins >= settings.login_max_failures:
        admin.failed_logins = 0
        admin.locked_until = now + timedelta(seconds=settings.login_lockout_seconds)
        audit(db, admin.username, "admin.locked_out", f"admin:{admin.username}",
              until=admin.locked_until.isoformat())
