"""Kiosk releases as both sides see them: the signed manifest, the offer a terminal gets, what it reports back.

The server signs the manifest (version, archive size and SHA-256) with its Ed25519 release key; a terminal pins the
public key at install and checks, before it unpacks anything, that the signature holds under that key, that the
archive it downloaded has exactly the manifest's size and hash, and that the version is newer than its own.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict, Field, field_validator

VERSION_PATTERN = r"^[0-9][0-9A-Za-z.+\-]{0,39}$"
MAX_RELEASE_BYTES = 512 * 1024 * 1024
# Inside every release archive, at its top: {"version": ..., "command": [...]} (see services/updates).
RELEASE_FILE = "RELEASE.json"


class ReleaseError(ValueError):
    """A release that must not be installed; the message says why, in words for the console."""


def parse_version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise ReleaseError(f"{text!r} is not a version number (like 1.4.2)") from None


class ReleaseManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(pattern=VERSION_PATTERN)
    size: int = Field(ge=1, le=MAX_RELEASE_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str = Field(min_length=1, max_length=200)

    @field_validator("version")
    @classmethod
    def _a_version(cls, value: str) -> str:
        parse_version(value)
        return value

    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers: canonical JSON, keys sorted, no spaces."""
        return json.dumps(self.model_dump(), sort_keys=True, separators=(",", ":")).encode()


class ReleaseOffer(BaseModel):
    """GET /terminal/update: the release this terminal should run, signed; absent when it should stay."""

    model_config = ConfigDict(extra="forbid")

    manifest: ReleaseManifest
    signature: str = Field(max_length=200)  # base64 of the 64-byte Ed25519 signature over signed_bytes()
    key_id: str = Field(max_length=64)  # fingerprint of the key that signed, so a refusal can name it
    rollout_id: int = Field(ge=1)


UpdateOutcome = Literal["installed", "rolled_back", "refused", "failed"]


class UpdateReport(BaseModel):
    """POST /terminal/update-report: what became of an offered release on this terminal."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(max_length=40)
    outcome: UpdateOutcome
    reason: str = Field(default="", max_length=2000)
    at: datetime
    rollout_id: int | None = Field(default=None, ge=1)


def key_fingerprint(public: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its raw bytes' base16."""
    return public_key_text(public)[:16]


def public_key_text(public: Ed25519PublicKey) -> str:
    """The raw 32-byte key as 64 hex digits: what the installer pins on a terminal."""
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def public_key_from_text(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.strip()))
    except ValueError:
        raise ReleaseError("the pinned release key is not 64 hex digits of an Ed25519 public key") from None


def sign(manifest: ReleaseManifest, private: Ed25519PrivateKey) -> str:
    return base64.b64encode(private.sign(manifest.signed_bytes())).decode()


def verify_offer(offer: ReleaseOffer, pinned: Ed25519PublicKey, running_version: str) -> None:
    """Raise ReleaseError unless the pinned key signed the manifest and it names a newer version."""
    try:
        signature = base64.b64decode(offer.signature, validate=True)
        pinned.verify(signature, offer.manifest.signed_bytes())
    except (InvalidSignature, ValueError):
        raise ReleaseError(
            f"release {offer.manifest.version} is not signed by the pinned release key "
            f"{key_fingerprint(pinned)} (signed by {offer.key_id or 'an unknown key'})"
        ) from None
    if parse_version(offer.manifest.version) <= parse_version(running_version):
        raise ReleaseError(f"release {offer.manifest.version} is not newer than the running {running_version}: "
                           "downgrades are refused")
