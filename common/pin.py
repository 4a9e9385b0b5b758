"""Staff PIN hashing: settings hold an scrypt hash, so a copied config file reveals no PIN."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>
PIN_HASH_PATTERN = r"^scrypt\$\d{1,2}\$\d{1,2}\$\d{1,2}\$[A-Za-z0-9+/=]{16,}\$[A-Za-z0-9+/=]{32,}$"
_LOG2_N, _R, _P = 14, 8, 1


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**_LOG2_N, r=_R, p=_P, dklen=32)
    return "$".join(
        ("scrypt", str(_LOG2_N), str(_R), str(_P), base64.b64encode(salt).decode(), base64.b64encode(digest).decode())
    )


def verify_pin(pin: str, pin_hash: str) -> bool:
    try:
        scheme, log2_n, r, p, salt, expected = pin_hash.split("$")
        if scheme != "scrypt":
            return False
        expected_digest = base64.b64decode(expected, validate=True)
        digest = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt, validate=True), n=2 ** int(log2_n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError, MemoryError):  # binascii.Error is a ValueError
        return False
    return hmac.compare_digest(digest, expected_digest)
