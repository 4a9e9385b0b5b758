"""The public feedback status page ``/s/<tracking number>?c=<check code>``: no login, phone-sized, zh/en.

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
from server.web.phone_templating import environment

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
STATUS_TITLES = {
    "new": ("已受理登记", "Received"),
    "accepted": ("已受理", "Accepted"),
    "in_progress": ("处理中", "In progress"),
    "resolved": ("已办结", "Resolved"),
    "closed": ("已关闭", "Closed"),
    "rejected": ("不予受理", "Not accepted"),
}


def _language(request: Request) -> str:
    chosen = request.query_params.get("lang", "")
    if chosen in ("zh", "en"):
        return chosen
    accepted = request.headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else "zh"


def _page(request: Request, lang: str, context: dict, status_code: int) -> HTMLResponse:
    page = environment.get_template("feedback_status.html").render(lang=lang, zh=lang == "zh", **context)
    return HTMLResponse(page, status_code=status_code, headers=_HEADERS)


@router.get("/s/{tracking_number}")
def status_page(request: Request, tracking_number: str, db: DbSession, settings: Settings, c: str = "") -> HTMLResponse:
    lang = _language(request)
    client = request.client.host if request.client else "unknown"
    wait = request.app.state.feedback_status_limiter.try_acquire(client)
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
    zh_status, en_status = STATUS_TITLES[item.status]
    return _page(request, lang, {
        "state": "found", "tracking_number": item.tracking_number,
        "category": title.get(lang) if title else item.category,
        "status": item.status, "status_title": zh_status if lang == "zh" else en_status,
        "submitted": local(item.submitted_at), "updated": local(item.updated_at), "replied": local(item.replied_at),
        "reply": item.public_reply,
        "other_lang_url": f"/s/{item.tracking_number}?c={c}&lang={'en' if lang == 'zh' else 'zh'}",
    }, 200)
