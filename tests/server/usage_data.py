"""Usage visit records as a kiosk sends them (wire.UsageVisitRecord in a record of kind usage_visit), for the tests
and bench/bench_usage_page.py."""

from __future__ import annotations

import uuid
from datetime import datetime


def search(query: str, results: int = 0, top: tuple[str, ...] = (), opened: str | None = None) -> dict:
    return {"query": query, "results": results, "top": list(top), "opened": opened}


def view(code: str, via: str = "search", qr_shown: bool = False, printed: bool = False) -> dict:
    return {"code": code, "via": via, "qr_shown": qr_shown, "printed": printed}


def visit_record(started_at: datetime, seconds: int = 60, *, language: str = "zh_CN", large_text: bool = False,
                 modules: tuple[str, ...] = ("guide",), views: tuple[dict, ...] = (), searches: tuple[dict, ...] = (),
                 checkins: int = 0, feedback: int = 0, ended: str = "idle") -> dict:
    payload = {"started_at": started_at.isoformat(), "seconds": seconds, "language": language,
               "large_text": large_text, "modules": list(modules), "views": list(views), "searches": list(searches),
               "checkins": checkins, "feedback": feedback, "ended": ended}
    return {"id": str(uuid.uuid4()), "kind": "usage_visit", "created_at": started_at.isoformat(), "payload": payload}
