"""Event tickets: the signed QR text, its offline verification, sealed names and ticket images.

Layout and test vectors: docs/ticket-format.md. A ticket is ``TICKET_PREFIX`` + Base45(header ||
Ed25519 signature of the header), the header being a version byte and three unsigned LEB128
varints (key id, event id, ticket id). Every character is in the QR alphanumeric alphabet.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass

import qrcode
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathFillImage
from qrcode.util import MODE_ALPHA_NUM, QRData

from common import signed_text

TICKET_PREFIX = "LK:"
FORMAT_VERSION = 1
# The longest valid text (three 9-byte varints) is 141 characters; anything longer is refused unread.
MAX_TEXT_CHARS = signed_text.max_chars(TICKET_PREFIX)

NAME_SALT = b"lobby-kiosk ticket name"
NAME_INFO = b"aes-256-gcm key v1"
NAME_NONCE_BYTES = 12


class TicketError(ValueError):
    """A scanned text that is not a valid ticket."""


class UnreadableTicket(TicketError):
    """Not a ticket of ours: wrong prefix, bad Base45, truncated, unknown version."""


class ForgedTicket(TicketError):
    """Well-formed, but the signature does not check out against any key this terminal holds."""


@dataclass(frozen=True)
class Ticket:
    version: int
    key_id: int
    event_id: int
    ticket_id: int
    text: str


class SigningKey:
    """An Ed25519 private key with the key id that tickets signed by it carry."""

    __slots__ = ("key_id", "_private")

    def __init__(self, key_id: int, private: Ed25519PrivateKey) -> None:
        signed_text.check_id("key id", key_id)
        self.key_id = key_id
        self._private = private

    @classmethod
    def generate(cls, key_id: int) -> SigningKey:
        return cls(key_id, Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, key_id: int, private_bytes: bytes) -> SigningKey:
        """From the raw 32-byte Ed25519 seed that ``private_bytes()`` returns."""
        return cls(key_id, Ed25519PrivateKey.from_private_bytes(private_bytes))

    def private_bytes(self) -> bytes:
        return self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def public_bytes(self) -> bytes:
        return self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.key_id})"


def looks_like_ticket(text: str) -> bool:
    """Whether ``text`` claims to be a ticket (for routing a scan); says nothing about validity."""
    return isinstance(text, str) and text.startswith(TICKET_PREFIX)


def issue(signing_key: SigningKey, event_id: int, ticket_id: int) -> str:
    """The QR text of a ticket; the same inputs always give the same text (Ed25519 is deterministic)."""
    signed_text.check_id("event id", event_id)
    signed_text.check_id("ticket id", ticket_id)
    return signed_text.encode(TICKET_PREFIX, FORMAT_VERSION, (signing_key.key_id, event_id, ticket_id),
                              signing_key.sign)


def read(text: str) -> Ticket:
    """The fields of a ticket text, signature NOT checked. Raises UnreadableTicket."""
    ticket, _, _ = _parse(text)
    return ticket


def verify(text: str, public_keys: Mapping[int, bytes]) -> Ticket:
    """The ticket, once its signature checks out against ``public_keys[key id]`` (raw 32-byte Ed25519 keys).

    Raises UnreadableTicket, or ForgedTicket for a bad signature, a key id not in ``public_keys`` or a malformed key.
    """
    ticket, header, signature = _parse(text)
    signed_text.check_signature(public_keys, ticket.key_id, signature, header, ForgedTicket, "ticket")
    return ticket


def seal_name(ticket_text: str, name: str, *, nonce: bytes | None = None) -> str:
    """``name`` encrypted so that only the holder of ``ticket_text`` can read it: base64url(nonce | ciphertext).

    ``nonce`` (12 bytes) is for test vectors only; leave it out to get a fresh random one.
    """
    nonce = os.urandom(NAME_NONCE_BYTES) if nonce is None else nonce
    if len(nonce) != NAME_NONCE_BYTES:
        raise ValueError(f"nonce must be {NAME_NONCE_BYTES} bytes, not {len(nonce)}")
    sealed = nonce + AESGCM(_name_key(ticket_text)).encrypt(nonce, name.encode("utf-8"), None)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def open_name(ticket_text: str, sealed: str) -> str | None:
    """The name that ``seal_name`` sealed with this ticket text, or None for any other text or a damaged seal."""
    try:
        raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
        nonce, ciphertext = raw[:NAME_NONCE_BYTES], raw[NAME_NONCE_BYTES:]
        if len(nonce) != NAME_NONCE_BYTES:
            return None
        return AESGCM(_name_key(ticket_text)).decrypt(nonce, ciphertext, None).decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError, TypeError, AttributeError):
        return None


def qr_code(text: str) -> qrcode.QRCode:
    """The smallest QR code (error correction M) holding ``text`` in one alphanumeric segment."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    # Built explicitly so a stray lowercase or non-Base45 character fails here instead of silently
    # falling back to byte mode (version 7 instead of 5 for a ticket).
    code.add_data(QRData(text, mode=MODE_ALPHA_NUM), optimize=0)
    code.make(fit=True)
    return code


def render_png(text: str, box_size: int = 10) -> bytes:
    """The ticket's QR code as a PNG, ``box_size`` pixels per module, with the standard 4-module quiet zone."""
    code = qr_code(text)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def png_pixels(text: str, box_size: int = 10) -> int:
    """The side of ``render_png``'s square image, in pixels (a page sets it on the <img> so nothing jumps)."""
    return (qr_code(text).modules_count + 8) * box_size


def render_svg(text: str) -> str:
    """The ticket's QR code as a standalone SVG document on white (scales without loss for printing)."""
    return qr_code(text).make_image(image_factory=SvgPathFillImage).to_string(encoding="unicode")


def _parse(text: str) -> tuple[Ticket, bytes, bytes]:
    (key_id, event_id, ticket_id), header, signature = signed_text.decode(
        text, TICKET_PREFIX, FORMAT_VERSION, UnreadableTicket, what="ticket", last="ticket id",
        wrong_kind=lambda byte: f"format version {byte}, this terminal reads version {FORMAT_VERSION}")
    return Ticket(header[0], key_id, event_id, ticket_id, text), header, signature


def _name_key(ticket_text: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=NAME_SALT, info=NAME_INFO)
    return hkdf.derive(ticket_text.encode("utf-8"))
