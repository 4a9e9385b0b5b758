"""Administrator accounts, shared by the API, the console and the CLI: sign-in (argon2 check, failure count,
lockout) and the account changes with their rules (password length, always one admin left)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.accounts import schemas
from server.audit.log import audit
from server.core.config import ServerSettings
from server.core.security import hash_password, hash_secret, new_admin_token, verify_password
from server.fleet.models import Admin, AdminToken, ConsoleSession

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
MAX_USERNAME_LENGTH = 80
ROLES = ("admin", "operator")


@dataclass(frozen=True)
class LockedOut:
    retry_after_seconds: int


def sign_in(db: Session, username: str, password: str, settings: ServerSettings,
            now: datetime) -> Admin | LockedOut | None:
    """The admin for good credentials (failures reset); None for bad ones, counted and committed; or LockedOut."""
    admin = db.scalar(select(Admin).where(Admin.username == username).with_for_update())
    if admin is not None and admin.locked_until is not None and admin.locked_until > now:
        return LockedOut(int((admin.locked_until - now).total_seconds()) + 1)
    verified = verify_password(password, admin.password_hash if admin else None)  # as slow for no admin
    if admin is None or not verified:
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


class AccountRefused(ValueError):
    """A change to an account that is not allowed; ``field`` names the form field it belongs beside."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountRefused("password", f"The password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.")


def find_account(db: Session, username: str) -> Admin | None:
    return db.scalar(select(Admin).where(Admin.username == username))


def create_account(db: Session, username: str, role: str, password: str, actor: str) -> Admin:
    """A new administrator or operator (audited); the caller commits."""
    if not 1 <= len(username) <= MAX_USERNAME_LENGTH or username != username.strip() \
            or any(not c.isprintable() for c in username):
        raise AccountRefused("username", f"A username needs 1 to {MAX_USERNAME_LENGTH} printable characters, "
                                         "without spaces at either end.")
    if role not in ROLES:
        raise AccountRefused("role", "The role is admin or operator.")
    check_password(password)
    if find_account(db, username) is not None:
        raise AccountRefused("username", "That username is taken.")
    admin = Admin(username=username, role=role, password_hash=hash_password(password), failed_logins=0)
    db.add(admin)
    db.flush()
    audit(db, actor, "admin.create", f"admin:{username}", role=role)
    return admin


def reset_password(db: Session, admin: Admin, password: str, actor: str) -> None:
    """A new password; the lockout is cleared and every session and API token of the account ends."""
    check_password(password)
    admin.password_hash = hash_password(password)
    admin.failed_logins = 0
    admin.locked_until = None
    sign_out_everywhere(db, admin)
    audit(db, actor, "admin.password_reset", f"admin:{admin.username}", role=admin.role)


def change_role(db: Session, admin: Admin, role: str, actor: Admin) -> None:
    if role not in ROLES:
        raise AccountRefused("role", "The role is admin or operator.")
    if role == admin.role:
        return
    _keep_an_admin(db, admin, "The last admin cannot be demoted.", "role")
    if admin.id == actor.id:
        raise AccountRefused("role", "You cannot demote your own account.")
    audit(db, actor.username, "admin.role_change", f"admin:{admin.username}", old=admin.role, new=role)
    admin.role = role


def unlock(db: Session, admin: Admin, actor: str) -> None:
    admin.failed_logins = 0
    admin.locked_until = None
    audit(db, actor, "admin.unlock", f"admin:{admin.username}")


def delete_account(db: Session, admin: Admin, actor: Admin) -> None:
    _keep_an_admin(db, admin, "The last admin cannot be deleted.", "delete")
    if admin.id == actor.id:
        raise AccountRefused("delete", "You cannot delete your own account.")
    sign_out_everywhere(db, admin)
    audit(db, actor.username, "admin.delete", f"admin:{admin.username}", role=admin.role)
    db.delete(admin)


def issue_api_token(db: Session, admin: Admin, ttl_seconds: int, now: datetime) -> schemas.AdminToken:
    """A new API token for a signed-in admin (the database keeps its hash); expired tokens are cleared on the way."""
    token = new_admin_token()
    expires_at = now + timedelta(seconds=ttl_seconds)
    db.execute(delete(AdminToken).where(AdminToken.expires_at <= now))
    db.add(AdminToken(token_hash=hash_secret(token), admin_id=admin.id, created_at=now, expires_at=expires_at))
    return schemas.AdminToken(token=token, expires_at=expires_at, role=admin.role)


def sign_out_everywhere(db: Session, admin: Admin) -> None:
    """End the account's console sessions and API tokens (explicitly: SQLite may not enforce the cascade)."""
    db.execute(delete(ConsoleSession).where(ConsoleSession.admin_id == admin.id))
    db.execute(delete(AdminToken).where(AdminToken.admin_id == admin.id))


def _keep_an_admin(db: Session, admin: Admin, message: str, field: str) -> None:
    # The admin rows are locked so that two admins demoting each other at once cannot leave none.
    admin_ids = db.scalars(select(Admin.id).where(Admin.role == "admin").with_for_update()).all()
    if admin.role == "admin" and len(admin_ids) <= 1:
        raise AccountRefused(field, message)
