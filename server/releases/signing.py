"""The release signing key: Ed25519, its seed derived from a secret kept outside the database."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.releases import ReleaseManifest, key_fingerprint, public_key_text, sign
from server.core.config import ServerSettings
from server.core.server_secrets import stored_secret

_KEY_FILE = "release-signing-key"


def signing_key(settings: ServerSettings) -> Ed25519PrivateKey:
    secret = settings.release_signing_secret.encode() or stored_secret(settings.kiosk_server_data_dir, _KEY_FILE)
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"lobby-kiosk release key\0" + secret).digest())


def public_key(settings: ServerSettings) -> str:
    """The public key as the installer pins it (64 hex digits)."""
    return public_key_text(signing_key(settings).public_key())


def fingerprint(settings: ServerSettings) -> str:
    return key_fingerprint(signing_key(settings).public_key())


def signature(settings: ServerSettings, manifest: ReleaseManifest) -> str:
    return sign(manifest, signing_key(settings))
