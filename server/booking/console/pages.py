"""Space booking in the console: each space's week calendar with its bookings and check-in state, no-shows,
usage statistics and CSV; spaces, rules and closures edited."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
