"""Administrator sign-in shared by the API and the console: argon2 check, failure count and lockout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit import audit
from server.core.config import ServerSettings
from server.models import Admin
from server.security import verify_password


@dataclass(frozen=True)
class LockedOut:
    retry_after_seconds: int


def sign_in(db: Session, username: str, password: str, settings: ServerSettings,
            now: datetime) -> Admin | LockedOut | None:
    """The admin for good credentials (failures reset); None for bad ones, counted and committed; or LockedOut."""
    admin = db.scalar(select(Admin).where(Admin.username == username).with_for_update())
    if admin is not None and admin.locked_until is not None and admin.locked_until > now:
        return LockedOut(int((admin.locked_until - now).total_seconds()) + 1)
    if not verify_password(password, admin.password_hash if admin else None):
        if admin is not None:
            _count_failure(db, admin, settings, now)
            db.commit()
        return None
    admin.failed_logins = 0
    admin.locked_until = None
    return admin


def has_admin_role(admin: Admin) -> bool:
    """Enrolment, revocation, configuration and the catalogue are for the admin role, not operators."""
    return admin.role == "admin"


def _count_failure(db: Session, admin: Admin, settings: ServerSettings, now: datetime) -> None:
    admin.failed_logins += 1
    if admin.failed_logins >= settings.login_max_failures:
        admin.failed_logins = 0
        admin.locked_until = now + timedelta(seconds=settings.login_lockout_seconds)
        audit(db, admin.username, "admin.locked_out", f"admin:{admin.username}",
              until=admin.locked_until.isoformat())
