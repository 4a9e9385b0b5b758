"""A wish's life: posted (kiosk, phone page, console) -> reviewed by an operator (published with public wording,
or rejected with a reason) -> claimed by one volunteer for a team -> fulfilled (or released back to open).

Every change is checked here, for the console and the phone pages alike, and written to the audit log in the same
transaction (the wish's history is its audit entries). A wish from a kiosk keeps its feedback item, the poster's
receipt: the item's status and public reply follow the wish, so the kiosk's status QR tells the poster too."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import NoReturn, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from common.feedback_rules import CROCKFORD, new_check_code
from server.audit.log import audit
from server.core.clock import as_utc, utcnow
from server.core.config import ServerSettings
from server.feedback.items import check_code_hash
from server.fleet.models import AuditEntry, FeedbackItem, Terminal
from server.volunteers.models import VolunteerTeam
from server.wishes.models import Wish
from server.wishes.wording import personal_data_found

MICRO_WISH_CATEGORY = "micro_wish"
MAX_TEXT = 500
MAX_TITLE = 80
MAX_FOR_WHOM = 60
MAX_REASON = 500
MAX_NOTE = 300
MAX_NAME = 40
PHONE_PATTERN = "1[3-9][0-9]{9}"


class WishRefused(Exception):
    """A change that cannot be made; ``field`` names the form field the message belongs beside."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def refuse(field: str, code: str) -> NoReturn:
    raise WishRefused(field, code)


class WishTaken(Exception):
    """Someone else claimed the wish first (or it is no longer open)."""


def target(wish: Wish) -> str:
    return f"wish {wish.id}"


def new_tracking_number(now: datetime) -> str:
    """W + YYMMDD + "-" + 40 random bits in Crockford base32, as a kiosk's F-numbers are made."""
    bits = secrets.randbits(40)
    return f"W{now:%y%m%d}-" + "".join(CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))


def clean(value: str, field: str, limit: int, required: bool = True) -> str:
    value = " ".join(value.split()) if field != "text" else value.strip()
    if required and not value:
        raise WishRefused(field, "empty")
    if len(value) > limit:
        raise WishRefused(field, "too_long")
    return value


def clean_phone(value: str, field: str = "phone", required: bool = True) -> str | None:
    value = value.strip().replace(" ", "").replace("-", "")
    if not value and not required:
        return None
    if len(value) != 11 or not value.isdigit() or value[0] != "1" or value[1] not in "3456789":
        raise WishRefused(field, "invalid_phone")
    return value


def public_wording(value: str, field: str, limit: int, required: bool) -> str:
    value = clean(value, field, limit, required)
    found = personal_data_found(value)
    if found:
        raise WishRefused(field, f"personal_{found}")
    return value


def post(db: Session, settings: ServerSettings, text: str, phone: str, source: str, actor: str) -> tuple[Wish, str]:
    """A new wish to review; returns it and the poster's check code (shown once, kept only hashed)."""
    now = utcnow()
    code = new_check_code()
    number = new_tracking_number(now)
    wish = Wish(source=source, tracking_number=number, check_code_hash=check_code_hash(settings, number, code),
                text=clean(text, "text", MAX_TEXT), poster_phone=clean_phone(phone, required=False), title="",
                for_whom="", status="review", posted_at=now, updated_at=now)
    db.add(wish)
    db.flush()
    audit(db, actor, "wish.post", target(wish), source=source)
    return wish, code


def from_feedback_records(db: Session, terminal: Terminal, rows: list[dict]) -> None:
    """A wish to review for each micro-wish feedback item just made of ``rows`` (not suppressed, not empty): same
    tracking number and check code, so the receipt the kiosk printed follows the wish."""
    # Most batches hold no micro-wish: then no query (loading FeedbackItem rows costs even when none match).
    record_ids = [row["id"] for row in rows if row["payload"].get("category") == MICRO_WISH_CATEGORY]
    if not record_ids:
        return
    items = db.scalars(select(FeedbackItem).where(
        FeedbackItem.terminal_id == terminal.id, FeedbackItem.record_id.in_(record_ids),
        FeedbackItem.category == MICRO_WISH_CATEGORY, FeedbackItem.suppressed.is_(None),
        ~select(Wish.id).where(Wish.feedback_item_id == FeedbackItem.id).exists()))
    for item in items:
        if not item.text.strip():
            continue
        wish = Wish(source="kiosk", feedback_item_id=item.id, tracking_number=item.tracking_number,
                    check_code_hash=item.check_code_hash, text=item.text,
                    poster_phone=item.phone if item.consent else None, title="", for_whom="", status="review",
                    posted_at=item.submitted_at, updated_at=item.received_at)
        db.add(wish)
        db.flush()
        audit(db, "kiosk", "wish.post", target(wish), source="kiosk", feedback=item.tracking_number)


def _mirror(db: Session, wish: Wish, status: str, reply: str | None) -> None:
    """The kiosk poster's feedback item follows the wish (status and public reply)."""
    if wish.feedback_item_id is None:
        return
    item = db.get(FeedbackItem, wish.feedback_item_id)
    if item is None:
        return
    now = utcnow()
    item.status, item.updated_at = status, now
    if status == "rejected":
        item.reject_reason = wish.reject_reason
    if reply:
        item.public_reply, item.replied_at = reply, now


def locked(db: Session, wish_id: int) -> Wish | None:
    return db.scalar(select(Wish).where(Wish.id == wish_id).with_for_update(of=Wish))


def publish(db: Session, wish: Wish, title: str, for_whom: str, actor: str) -> None:
    """Publish (from review) or edit the public wording of a published wish."""
    if wish.status not in ("review", "open", "claimed", "fulfilled"):
        raise WishRefused("status", "not_publishable")
    wish.title = public_wording(title, "title", MAX_TITLE, True)
    wish.for_whom = public_wording(for_whom, "for_whom", MAX_FOR_WHOM, False)
    first = wish.status == "review"
    now = utcnow()
    if first:
        wish.status, wish.published_at = "open", now
        _mirror(db, wish, "accepted", "已发布到微心愿墙，等待志愿者认领。")
    wish.updated_at = now
    audit(db, actor, "wish.publish" if first else "wish.wording", target(wish), title=wish.title,
          for_whom=wish.for_whom)


def reject(db: Session, wish: Wish, reason: str, actor: str) -> None:
    if wish.status != "review":
        raise WishRefused("status", "not_in_review")
    wish.reject_reason = clean(reason, "reason", MAX_REASON)
    wish.status, wish.updated_at = "rejected", utcnow()
    _mirror(db, wish, "rejected", None)
    audit(db, actor, "wish.reject", target(wish), reason=wish.reject_reason)


def team(db: Session, team_id: int | None, field: str) -> VolunteerTeam | None:
    if team_id is None:
        return None
    found = db.get(VolunteerTeam, team_id)
    if found is None or not found.active:
        raise WishRefused(field, "no_team")
    return found


def assign(db: Session, wish: Wish, team_id: int | None, actor: str) -> None:
    """The team the operator asks to take the wish (a claim may still come from another team)."""
    chosen = team(db, team_id, "team")
    if wish.status in ("rejected", "fulfilled"):
        raise WishRefused("team", "finished")
    wish.assigned_team_id = chosen.id if chosen else None
    wish.updated_at = utcnow()
    audit(db, actor, "wish.assign", target(wish), team=chosen.key if chosen else None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def claim(db: Session, wish_id: int, name: str, phone: str, team_id: int | None) -> str:
    """Claim an open wish; returns the claimant's page token. Exactly one claim wins: the row changes only while
    it is still open (one conditional UPDATE, atomic on SQLite and PostgreSQL alike); the loser gets WishTaken."""
    chosen = team(db, team_id, "team") or refuse("team", "no_team")
    values = {"claim_name": clean(name, "name", MAX_NAME), "claim_phone": clean_phone(phone),
              "claim_team_id": chosen.id}
    token = secrets.token_urlsafe(24)
    now = utcnow()
    result = db.execute(update(Wish).where(Wish.id == wish_id, Wish.status == "open").values(
        status="claimed", claim_token_hash=token_hash(token), claimed_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False))
    if cast(CursorResult, result).rowcount != 1:
        raise WishTaken()
    wish = db.get_one(Wish, wish_id)
    db.refresh(wish)
    audit(db, "public", "wish.claim", f"wish {wish_id}", team=chosen.key)
    _mirror(db, wish, "in_progress", "已有志愿者认领，正在办理。")
    return token


def by_claim_token(db: Session, token: str) -> Wish | None:
    if not token:
        return None
    return db.scalar(select(Wish).where(Wish.claim_token_hash == token_hash(token)))


def fulfil(db: Session, wish: Wish, note: str, actor: str) -> None:
    if wish.status != "claimed":
        raise WishRefused("status", "not_claimed")
    wish.fulfil_note = clean(note, "note", MAX_NOTE)
    now = utcnow()
    wish.status, wish.fulfilled_at, wish.updated_at = "fulfilled", now, now
    _mirror(db, wish, "resolved", "心愿已实现，感谢志愿者！")
    audit(db, actor, "wish.fulfil", target(wish), note=wish.fulfil_note)


def release(db: Session, wish: Wish, actor: str) -> None:
    """The claimant gives the wish back: open again, the claim's personal data dropped."""
    if wish.status != "claimed":
        raise WishRefused("status", "not_claimed")
    wish.status, wish.updated_at = "open", utcnow()
    wish.claim_name = wish.claim_phone = wish.claim_token_hash = None
    wish.claim_team_id = wish.claimed_at = None
    _mirror(db, wish, "accepted", "认领已取消，心愿重新等待认领。")
    audit(db, actor, "wish.release", target(wish))


def is_overdue(wish: Wish, now: datetime, days: int) -> bool:
    return wish.status == "claimed" and wish.claimed_at is not None and as_utc(wish.claimed_at) < now - timedelta(days=days)


_DUMMY_HASH = "0" * 64


def find_for_status(db: Session, settings: ServerSettings, tracking_number: str, check_code: str) -> Wish | None:
    """The wish with this tracking number if the check code is its own; None otherwise, with the same work."""
    wish = db.scalar(select(Wish).where(Wish.tracking_number == tracking_number))
    expected = wish.check_code_hash if wish is not None else _DUMMY_HASH
    matches = hmac.compare_digest(check_code_hash(settings, tracking_number, check_code), expected)
    return wish if wish is not None and matches else None


def history(db: Session, wish: Wish) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.target == target(wish)).order_by(AuditEntry.id)))
