"""The public feedback status page ``/s/<tracking number>?c=<check code>``: no login, phone-sized, zh_CN/en.

A wrong code and an unknown number get the same answer (no way to learn which numbers exist), lookups are
rate limited per client address, and the page shows only the item's category, status, dates and public
reply: never the phone number, the text or the internal notes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.api.deps import DbSession, Settings
from server.feedback.items import category_titles, find_for_status
from server.web.phone_forms import client_address
from server.web.phone_templating import render_page

router = APIRouter(include_in_schema=False)
# Longer input is no tracking number or code: cut before it is hashed or looked up.
_MAX_INPUT = 64
_HEADERS = {
    "Cache-Control": "no-store",
    # The check code is in the URL: never pass it on to another site.
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
}


def _language(request: Request) -> str:
    """"zh_CN" or "en": the link's choice (``lang=zh`` too, as links made before said), else the browser's."""
    chosen = request.query_params.get("lang", "")
    if chosen in ("zh_CN", "zh", "en"):
        return "en" if chosen == "en" else "zh_CN"
    accepted = request.headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else "zh_CN"


def _page(request: Request, lang: str, context: dict, status_code: int) -> HTMLResponse:
    page = render_page("feedback_status.html", lang, **context)
    return HTMLResponse(page, status_code=status_code, headers=_HEADERS)


@router.get("/s/{tracking_number}")
def status_page(request: Request, tracking_number: str, db: DbSession, settings: Settings, c: str = "") -> HTMLResponse:
    lang = _language(request)
    wait = request.app.state.feedback_status_limiter.try_acquire(db, client_address(request))
    if wait is not None:
        response = _page(request, lang, {"state": "limited"}, 429)
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    item = find_for_status(db, settings, tracking_number[:_MAX_INPUT], c[:_MAX_INPUT])
    if item is None:
        return _page(request, lang, {"state": "not_found"}, 404)
    zone = ZoneInfo(settings.timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    title = category_titles(request.app.state.builtin_settings).get(item.category)
    return _page(request, lang, {
        "state": "found", "tracking_number": item.tracking_number,
        "category": title.get(lang) if title else item.category,
        "status": item.status,
        "submitted": local(item.submitted_at), "updated": local(item.updated_at), "replied": local(item.replied_at),
        "reply": item.public_reply,
        "other_lang_url": f"/s/{item.tracking_number}?c={c}&lang={'zh_CN' if lang == 'en' else 'en'}",
    }, 200)
