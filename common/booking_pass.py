"""Booking passes: the signed QR text of a space booking, a kind of its own beside event tickets.

Layout (docs/ticket-format.md, "Booking passes"): ``PASS_PREFIX`` + Base45(header || Ed25519 signature of
``PASS_CONTEXT`` + header), the header being the kind byte ``PASS_KIND`` and three minimal LEB128 varints (key
id, space id, booking id). The server signs passes with its ticket keys; the context string that only passes
sign and the kind byte (an event ticket's first byte is its version, 1) keep the two apart both ways: a pass
never reads as a ticket, a ticket never as a pass, and no signature of one verifies as the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common import base45
from common.tickets import (
    _MAX_VARINT_BYTES,
    SIGNATURE_BYTES,
    TICKET_PREFIX,
    ForgedTicket,
    SigningKey,
    UnreadableTicket,
    _check_id,
    _read_varint,
    _varint,
)

PASS_PREFIX = "LB:"
PASS_KIND = 0x42  # "B"; never a ticket's version byte
PASS_CONTEXT = b"lobby-kiosk booking pass v1\x00"
MAX_PASS_CHARS = len(PASS_PREFIX) + 3 * (1 + 3 * _MAX_VARINT_BYTES + SIGNATURE_BYTES) // 2


class UnreadablePass(UnreadableTicket):
    """Not a booking pass: wrong prefix, bad Base45, truncated, another kind."""


class ForgedPass(ForgedTicket):
    """Well-formed, but not signed by any key the server trusts."""


@dataclass(frozen=True)
class BookingPass:
    key_id: int
    space_id: int
    booking_id: int
    text: str


def looks_like_pass(text: str) -> bool:
    """Whether ``text`` claims to be a booking pass (for routing a scan); says nothing about validity."""
    return isinstance(text, str) and text.startswith(PASS_PREFIX)


def looks_like_event_ticket(text: str) -> bool:
    return isinstance(text, str) and text.startswith(TICKET_PREFIX)


def issue(signing_key: SigningKey, space_id: int, booking_id: int) -> str:
    _check_id("space id", space_id)
    _check_id("booking id", booking_id)
    header = bytes([PASS_KIND]) + _varint(signing_key.key_id) + _varint(space_id) + _varint(booking_id)
    return PASS_PREFIX + base45.encode(header + signing_key.sign(PASS_CONTEXT + header))


def verify(text: str, public_keys: Mapping[int, bytes]) -> BookingPass:
    """The pass once its signature checks out; raises UnreadablePass or ForgedPass."""
    booking_pass, header, signature = _parse(text)
    public_bytes = public_keys.get(booking_pass.key_id)
    if public_bytes is None:
        raise ForgedPass(f"key id {booking_pass.key_id} is not a known key")
    try:
        Ed25519PublicKey.from_public_bytes(public_bytes).verify(signature, PASS_CONTEXT + header)
    except (InvalidSignature, ValueError):
        raise ForgedPass(f"bad signature for key id {booking_pass.key_id}") from None
    return booking_pass


def _parse(text: str) -> tuple[BookingPass, bytes, bytes]:
    if not looks_like_pass(text):
        raise UnreadablePass(f"does not start with {PASS_PREFIX!r}")
    if len(text) > MAX_PASS_CHARS:
        raise UnreadablePass(f"{len(text)} characters, longer than any pass ({MAX_PASS_CHARS})")
    try:
        raw = base45.decode(text[len(PASS_PREFIX):])
    except base45.Base45Error as error:
        raise UnreadablePass(f"bad Base45: {error}") from None
    header, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    if len(header) < 4:
        raise UnreadablePass(f"{len(raw)} bytes, too short for a pass (truncated?)")
    if header[0] != PASS_KIND:
        raise UnreadablePass(f"kind byte {header[0]:#x} is not a booking pass")
    fields = []
    position = 1
    try:
        for _ in range(3):
            value, position = _read_varint(header, position)
            fields.append(value)
    except UnreadableTicket as error:
        raise UnreadablePass(str(error)) from None
    if position != len(header):
        raise UnreadablePass(f"{len(header) - position} stray bytes after the booking id")
    key_id, space_id, booking_id = fields
    return BookingPass(key_id, space_id, booking_id, text), header, signature
