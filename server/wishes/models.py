"""The micro-wish wall's tables: a wish from posting through review, claim and fulfilment, and its photo."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.fleet.models import Base

# review -> open (published) -> claimed -> fulfilled; review -> rejected; claimed -> open again (released).
WISH_STATUSES = ("review", "open", "claimed", "fulfilled", "rejected")
PUBLIC_STATUSES = ("open", "claimed", "fulfilled")


class Wish(Base):
    """A micro-wish (微心愿). What the poster wrote and their phone stay in the console; the wall and the phone
    pages show only the operator's public wording and, once claimed, the claiming team."""

    __tablename__ = "wishes"
    __table_args__ = (Index("ix_wishes_status_posted", "status", "posted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # kiosk | phone | console
    # A wish typed at a kiosk is a feedback item of category micro_wish first: the item is the poster's receipt.
    feedback_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="SET NULL"), unique=True)
    # The poster's: W + YYMMDD + "-" + 8 Crockford characters (F... for a wish from a kiosk, the item's own).
    tracking_number: Mapped[str] = mapped_column(String(17), unique=True)
    check_code_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # as posted: private
    poster_phone: Mapped[str | None] = mapped_column(String(11))  # private
    title: Mapped[str] = mapped_column(String(80), default="")  # public wording, set at review
    for_whom: Mapped[str] = mapped_column(String(60), default="")  # public, in general terms ("T2 楼一位职工")
    status: Mapped[str] = mapped_column(String(16), default="review")
    reject_reason: Mapped[str | None] = mapped_column(Text)
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_teams.id", ondelete="SET NULL"))
    claim_team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_teams.id", ondelete="SET NULL"))
    claim_name: Mapped[str | None] = mapped_column(String(80))
    claim_phone: Mapped[str | None] = mapped_column(String(11))
    # SHA-256 of the claimant's page token (/wc/<token>): only its holder fulfils or releases the claim.
    claim_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    claimed_at: Mapped[datetime | None]
    fulfil_note: Mapped[str | None] = mapped_column(Text)
    fulfilled_at: Mapped[datetime | None]
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WishPhoto(Base):
    """The fulfilment photo, re-encoded as JPEG without metadata (EXIF, GPS)."""

    __tablename__ = "wish_photos"

    wish_id: Mapped[int] = mapped_column(ForeignKey("wishes.id", ondelete="CASCADE"), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
