"""The accounts API's bodies (staff sign-in); no kiosk sends or reads them, so they are not in common/wire.py."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from common.wire import WireModel


class AdminLogin(WireModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class AdminToken(WireModel):
    token: str
    expires_at: datetime
    role: Literal["admin", "operator"]
