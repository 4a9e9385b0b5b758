"""Values sealed to the server: a terminal encrypts with the server's public key and cannot read them back.

Terminals keep confirmed records for a while so that a server restored from a backup can ask for them again; the
kept copies must not hold personal data in clear. A visitor's phone number is kept only sealed to the server's
record key (X25519, ephemeral-static; key from HKDF-SHA256; AES-256-GCM): whoever reads a terminal's disk learns
nothing, the server opens it when the record comes back. Format: base64url(ephemeral public key | nonce | ciphertext).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KEY_BYTES = 32
NONCE_BYTES = 12
_INFO = b"lobby-kiosk sealed record value v1"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key_from_secret(secret: bytes) -> X25519PrivateKey:
    """The server's record key, derived from a secret it keeps outside its database."""
    return X25519PrivateKey.from_private_bytes(hashlib.sha256(b"record-seal:" + secret).digest())


def public_key_text(private_key: X25519PrivateKey) -> str:
    return _b64(private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, salt=ephemeral + recipient, info=_INFO).derive(shared)


def seal(public_key: str, value: str) -> str:
    """``value`` sealed to ``public_key`` (as ``public_key_text`` gives it); a ValueError for a malformed key."""
    try:
        recipient_raw = _unb64(public_key)
        recipient = X25519PublicKey.from_public_bytes(recipient_raw)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not a record sealing key: {exc}") from None
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    nonce = os.urandom(NONCE_BYTES)
    key = _key(ephemeral.exchange(recipient), ephemeral_raw, recipient_raw)
    return _b64(ephemeral_raw + nonce + AESGCM(key).encrypt(nonce, value.encode("utf-8"), None))


def open_sealed(private_key: X25519PrivateKey, sealed: str) -> str | None:
    """The sealed value, or None when it was sealed to another key or is damaged."""
    try:
        raw = _unb64(sealed)
        ephemeral_raw, nonce, ciphertext = raw[:KEY_BYTES], raw[KEY_BYTES:KEY_BYTES + NONCE_BYTES], raw[KEY_BYTES + NONCE_BYTES:]
        recipient_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
        return AESGCM(_key(shared, ephemeral_raw, recipient_raw)).decrypt(nonce, ciphertext, None).decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None
