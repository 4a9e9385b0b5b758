"""POST /admin/login: an admin token for a username and password; too many failures lock the account."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from server.accounts import schemas
from server.accounts.users import LockedOut, issue_api_token, sign_in
from server.api.deps import DbSession, Settings, unauthorized
from server.core.clock import utcnow

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
    token = issue_api_token(db, admin, settings.admin_token_ttl_seconds, now)
    db.commit()
    return token
