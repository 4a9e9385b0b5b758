"""Ticket signing keys are stored sealed: AES-256-GCM under a key derived from the server's ticket-key secret
(``TICKET_KEY_SECRET``, or the file ``ticket-key-secret`` in the data directory), with the key id as associated
data so a sealed key cannot be moved to another id. Reading the database alone is not enough to issue tickets."""

from __future__ import annotations

import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from server.core.config import ServerSettings, current_settings
from server.core.server_secrets import stored_secret

SECRET_FILE = "ticket-key-secret"
_INFO = b"lobby-kiosk ticket signing keys v1"
_NONCE_BYTES = 12


class SealedKeyError(RuntimeError):
    """A stored signing key does not open: the ticket-key secret is not the one it was sealed with."""


class TicketKeyVault:
    def __init__(self, secret: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
        self._aead = AESGCM(key)

    def seal(self, key_id: int, private_bytes: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, private_bytes, _associated(key_id))

    def open(self, key_id: int, sealed: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _associated(key_id))
        except (InvalidTag, ValueError):
            raise SealedKeyError(f"ticket key {key_id} does not open with this server's ticket-key secret "
                                 "(TICKET_KEY_SECRET or the data directory's ticket-key-secret)") from None


def vault(settings: ServerSettings | None = None) -> TicketKeyVault:
    settings = settings or current_settings()
    return _vault(settings.ticket_key_secret, str(settings.kiosk_server_data_dir))


@cache
def _vault(configured: str, data_dir: str) -> TicketKeyVault:
    from pathlib import Path

    return TicketKeyVault(configured.encode() if configured else stored_secret(Path(data_dir), SECRET_FILE))


def _associated(key_id: int) -> bytes:
    return f"ticket-key:{key_id}".encode()
