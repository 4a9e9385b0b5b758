"""What the console's event pages show beyond the domain modules: the scans of the live and audit lists, a
scan as a row (page, JSON and CSV alike), QR codes for posters and enrolment, and the server's public address."""

from __future__ import annotations

import base64
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import qrcode
from fastapi import Request
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathFillImage
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from common.qr import qr_png
from server.fleet.models import Checkin
from server.web.public_url import public_url

LIVE_ROWS = 200
CSV_COLUMNS = ("scanned_at", "received_at", "attendee", "ticket_id", "terminal", "mode", "terminal_verdict",
               "server_verdict", "flag", "detail")


def scans(db: Session, event_id: int, audit: bool, limit: int | None = LIVE_ROWS) -> list[Checkin]:
    """The event's scans, the latest first: those somebody let in (counted or flagged), or with ``audit`` every
    scan, refused ones included."""
    query = select(Checkin).where(Checkin.event_id == event_id)
    if not audit:
        query = query.where(or_(Checkin.terminal_verdict == "welcome", Checkin.server_verdict == "welcome"))
    query = query.order_by(Checkin.scanned_at.desc(), Checkin.id.desc())
    return list(db.scalars(query if limit is None else query.limit(limit)))


def scan_row(checkin: Checkin, names: dict[int, str], zone: ZoneInfo) -> dict:
    """One scan as plain values (the JSON the live page polls; the page escapes them as text)."""
    return {"id": checkin.id, "scanned_at": checkin.scanned_at.isoformat(),
            "time": local_time(checkin.scanned_at, zone),
            "attendee": names.get(checkin.ticket_id, "") if checkin.ticket_id is not None else "",
            "terminal": checkin.terminal_name, "mode": checkin.mode, "terminal_verdict": checkin.terminal_verdict,
            "server_verdict": checkin.server_verdict, "flag": checkin.flag or "", "detail": checkin.detail,
            "counted": checkin.server_verdict == "welcome"}


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def scans_csv(rows: list[Checkin], names: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for c in rows:
        name = names.get(c.ticket_id, "") if c.ticket_id is not None else ""
        writer.writerow([c.scanned_at.isoformat(), c.received_at.isoformat(), _cell(name),
                         c.ticket_id if c.ticket_id is not None else "", _cell(c.terminal_name), c.mode,
                         c.terminal_verdict, c.server_verdict, c.flag or "", _cell(c.detail)])
    # With a byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
    return "\ufeff" + out.getvalue()


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: names come from the public.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def qr_data_uri(text: str) -> str:
    """A PNG QR code to put in an <img> on the page."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text, box_size=8)).decode()


def qr_svg(text: str) -> str:
    """A QR code as a standalone SVG document, for printing a poster at any size."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(image_factory=SvgPathFillImage).to_string(encoding="unicode")


def enrolment_qr_text(code: str, request: Request) -> str:
    """What a kiosk scans to enrol itself (parsed by services.checkin.enrolment_qr)."""
    return f"LKENROL|{code}|{public_url(request)}"
