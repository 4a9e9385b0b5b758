"""Secrets: terminal and admin tokens (only their SHA-256 is stored), argon2 admin passwords, one-time codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from common.wire import ADMIN_TOKEN_PREFIX, TERMINAL_TOKEN_PREFIX

# A-Z and 2-9 without I and O, which read as 1 and 0 when copied from a screen or a phone call.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_password_hasher = PasswordHasher()


def new_terminal_token() -> str:
    return TERMINAL_TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 random bits


def new_admin_token() -> str:
    return ADMIN_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a token, code or pairing secret: what the database keeps instead of it."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def new_enrolment_code() -> str:
    """Like ``ABCD-EF23``: 40 random bits, short enough to type on a kiosk's keyboard."""
    chars = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def hash_password(password: str) -> str:
    return _password_hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Always spends one argon2 verification, even for an unknown user, so timing does not tell who exists."""
    try:
        return _password_hasher.verify(password_hash or _unknown_user_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _unknown_user_hash() -> str:
    return _password_hasher.hash(secrets.token_urlsafe(16))
