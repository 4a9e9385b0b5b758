"""Booking passes are a kind of their own: signed like event tickets, yet a pass never reads or verifies as a
ticket, a ticket never as a pass, and any changed character is refused."""

from __future__ import annotations

import pytest

from common import booking_pass, tickets

KEY = tickets.SigningKey.from_private_bytes(3, bytes(range(32)))
KEYS = {3: KEY.public_bytes()}


def test_a_pass_verifies_with_its_fields_and_fits_a_small_qr():
    text = booking_pass.issue(KEY, 2, 1234)
    assert booking_pass.verify(text, KEYS) == booking_pass.BookingPass(3, 2, 1234, text)
    assert booking_pass.read(text) == booking_pass.BookingPass(3, 2, 1234, text)  # without the keys: not verified
    assert text.startswith("LB:") and booking_pass.looks_like_pass(text) and not tickets.looks_like_ticket(text)
    assert tickets.qr_code(text).version <= 5


def test_a_pass_is_never_a_ticket_and_a_ticket_never_a_pass():
    text = booking_pass.issue(KEY, 2, 1234)
    ticket = tickets.issue(KEY, 2, 1234)
    with pytest.raises(tickets.UnreadableTicket):
        tickets.verify(text, KEYS)
    with pytest.raises(tickets.UnreadableTicket):  # the pass's payload behind a ticket's prefix: kind byte refused
        tickets.verify("LK:" + text[3:], KEYS)
    with pytest.raises(booking_pass.UnreadablePass):
        booking_pass.verify(ticket, KEYS)
    with pytest.raises(booking_pass.UnreadablePass):  # a ticket's payload behind a pass's prefix
        booking_pass.verify("LB:" + ticket[3:], KEYS)


def test_a_forged_or_damaged_pass_is_refused():
    text = booking_pass.issue(KEY, 2, 1234)
    other = tickets.SigningKey.from_private_bytes(3, bytes(range(1, 33)))
    with pytest.raises(booking_pass.ForgedPass):
        booking_pass.verify(booking_pass.issue(other, 2, 1234), KEYS)
    with pytest.raises(booking_pass.ForgedPass):
        booking_pass.verify(text, {})
    for position in range(3, len(text)):
        changed = text[:position] + ("0" if text[position] != "0" else "1") + text[position + 1:]
        with pytest.raises((booking_pass.UnreadablePass, booking_pass.ForgedPass)):
            booking_pass.verify(changed, KEYS)
    for hostile in ("", "LB:", "LB:" + "A" * 500, "lb:" + text[3:], text + " ", "LB:\x00\x00"):
        with pytest.raises(booking_pass.UnreadablePass):
            booking_pass.verify(hostile, KEYS)
