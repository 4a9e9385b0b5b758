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

from common import signed_text
from common.tickets import TICKET_PREFIX, ForgedTicket, SigningKey, UnreadableTicket

PASS_PREFIX = "LB:"
PASS_KIND = 0x42  # "B"; never a ticket's version byte
PASS_CONTEXT = b"lobby-kiosk booking pass v1\x00"
MAX_PASS_CHARS = signed_text.max_chars(PASS_PREFIX)


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
    signed_text.check_id("space id", space_id)
    signed_text.check_id("booking id", booking_id)
    return signed_text.encode(PASS_PREFIX, PASS_KIND, (signing_key.key_id, space_id, booking_id),
                              lambda header: signing_key.sign(PASS_CONTEXT + header))


def read(text: str) -> BookingPass:
    """The fields of a pass text, signature NOT checked. Raises UnreadablePass."""
    return _parse(text)[0]


def verify(text: str, public_keys: Mapping[int, bytes]) -> BookingPass:
    """The pass once its signature checks out; raises UnreadablePass or ForgedPass."""
    booking_pass, header, signature = _parse(text)
    signed_text.check_signature(public_keys, booking_pass.key_id, signature, PASS_CONTEXT + header, ForgedPass,
                                "booking pass")
    return booking_pass


def _parse(text: str) -> tuple[BookingPass, bytes, bytes]:
    (key_id, space_id, booking_id), header, signature = signed_text.decode(
        text, PASS_PREFIX, PASS_KIND, UnreadablePass, what="pass", last="booking id",
        wrong_kind=lambda byte: f"kind byte {byte:#x} is not a booking pass")
    return BookingPass(key_id, space_id, booking_id, text), header, signature
