"""Feedback records as a terminal sends them, for the server's feedback tests."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from tests.server.calls import Terminal

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def tracking_number(record_id: str, at: datetime) -> str:
    """F + YYMMDD + "-" + 8 Crockford base32 characters of the record uuid (as the kiosk makes them)."""
    bits = uuid.UUID(record_id).int >> 88  # the first 40 bits
    chars = "".join(_CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"F{at:%y%m%d}-{chars}"


def feedback_record(category: str = "repair", text: str = "12 楼茶水间停水了", rating: int | None = None,
                    submitted_at: datetime | None = None, **fields) -> dict:
    """A record of kind feedback; its payload also carries ``check_code`` to open the status page."""
    record_id = str(uuid.uuid4())
    at = submitted_at or datetime.now(UTC)
    payload = {"tracking_number": tracking_number(record_id, at), "check_code": f"{secrets.randbelow(10**6):06d}",
               "category": category, "rating": rating, "text": text, "reason": None, "phone": None,
               "consent": False, "locale": "zh_CN", "submitted_at": at.isoformat(), "suppressed": None,
               "followup_due": None, **fields}
    return {"id": record_id, "kind": "feedback", "created_at": at.isoformat(), "payload": payload}


def send(terminal: Terminal, *records: dict) -> dict:
    reply = terminal.call("POST", "/terminal/records", json={"records": list(records)})
    reply.raise_for_status()
    return reply.json()


def inbox(server, **filters) -> list[dict]:
    reply = server.admin("GET", "/admin/feedback", params=filters)
    reply.raise_for_status()
    return reply.json()


def item_of(server, record: dict) -> dict:
    """The inbox item (with notes) made from ``record``."""
    tracking = record["payload"]["tracking_number"]
    found = [i for i in inbox(server, suppressed=bool(record["payload"].get("suppressed"))) if i["tracking_number"] == tracking]
    assert len(found) == 1, found
    reply = server.admin("GET", f"/admin/feedback/{found[0]['id']}")
    reply.raise_for_status()
    return reply.json()
