"""POST /admin/login: an admin token for a username and password; too many failures lock the account."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import delete

from server.accounts.users import LockedOut, sign_in
from server.api.deps import DbSession, Settings, unauthorized
from server.core.clock import utcnow
from server.fleet.models import AdminToken
from server.core.security import hash_secret, new_admin_token
from server.accounts import schemas

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/login", responses={401: {"description": "bad credentials"}, 429: {"description": "locked out"}})
def login(body: schemas.AdminLogin, db: DbSession, settings: Settings) -> schemas.AdminToken:
    now = utcnow()
    admin = sign_in(db, body.username, body.password, settings, now)
    if isinstance(admin, LockedOut):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many failed logins; locked for now",
                            headers={"Retry-After": str(admin.retry_after_seconds)})
    if admin is None:
        raise unauthorized("bad username or password")
    token = new_admin_token()
    expires_at = now + timedelta(seconds=settings.admin_token_ttl_seconds)
    db.execute(delete(AdminToken).where(AdminToken.expires_at <= now))
    db.add(AdminToken(token_hash=hash_secret(token), admin_id=admin.id, created_at=now, expires_at=expires_at))
    db.commit()
    return schemas.AdminToken(token=token, expires_at=expires_at, role=admin.role)
