"""What a kiosk and the server exchange about queue numbers (取号 / 叫号) and their ratings.

Kept apart from common/wire.py so the queue's messages read as one set; paths are under ``wire.API_PREFIX``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from common.catalogue import Text
from common.wire import WireModel

MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
# The slip's QR is the follow page's address, .../q/<token>: the token is the slip's secret.
SLIP_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{22}$"
SLIP_PATH = "/q/"
# Why a number was not issued.
Refusal = Literal["unknown_service", "not_queued_here", "closed", "limit_reached"]


class TakeNumber(WireModel):
    service_code: str = Field(min_length=1, max_length=32)
    phone: str | None = Field(default=None, pattern=MOBILE_PATTERN)
    locale: str = Field(default="zh_CN", max_length=16)


class QueueNumber(WireModel):
    """A number just issued: what the kiosk shows and prints."""

    number: str
    service_code: str
    service_name: Text
    window: Text
    # "3" for 党群服务中心 3号窗口: what the announcement says ("请 A012 号到 3 号窗口"); "" for a window without a
    # number in its name (the name is said instead).
    window_label: str
    window_phone: str
    people_ahead: int
    wait_minutes: int
    taken_at: datetime
    follow_url: str


class QueueRefused(WireModel):
    reason: Refusal
    window: Text | None = None
    window_phone: str | None = None


class QueueWindowState(WireModel):
    """A window as the kiosk offers it: open for numbers now or not, how many wait and roughly how long."""

    letter: str
    window: Text
    window_label: str
    window_phone: str
    open: bool
    waiting: int
    wait_minutes: int
    service_codes: list[str]


class QueueCall(WireModel):
    id: int
    number: str
    window: Text
    window_label: str
    called_at: datetime
    recall: bool


class QueueCalls(WireModel):
    calls: list[QueueCall]
    # Ask again with after=last_id.
    last_id: int


class SlipLookup(WireModel):
    token: str = Field(pattern=SLIP_TOKEN_PATTERN)


SlipState = Literal["waiting", "called", "served", "no_show", "rated", "unknown"]


class SlipAnswer(WireModel):
    """A scanned slip: whether it can be rated now. ``unknown`` for a forged or unknown slip."""

    state: SlipState
    number: str | None = None
    service_name: Text | None = None
    window: Text | None = None


class SlipRating(WireModel):
    token: str = Field(pattern=SLIP_TOKEN_PATTERN)
    rating: int = Field(ge=1, le=5)
    reason: str | None = Field(default=None, max_length=500)
    locale: str = Field(default="zh_CN", max_length=16)


def slip_token(text: str) -> str | None:
    """The token of a scanned slip QR (``<server>/q/<token>``), or None when the text is no queue slip."""
    import re

    found = re.search(r"/q/([A-Za-z0-9_-]{22})(?:[?#].*)?$", text.strip()) if isinstance(text, str) else None
    return found.group(1) if found else None
