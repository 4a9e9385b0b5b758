"""The page a phone gets when its request fails (a bad link, an unknown address, a server fault): Chinese with
English beneath like the other phone pages, the status kept, and the request id to quote when it is the server's
fault. Never a traceback, never JSON."""

from __future__ import annotations

from fastapi import Request, status
from fastapi.responses import HTMLResponse

from server.core.request_ids import request_id
from server.web.phone_templating import render_page

# Where the phone pages live: any failure under these paths answers with this page.
PREFIXES = ("/e/", "/m/", "/t/", "/s/")
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
}


def is_public(path: str) -> bool:
    return path.startswith(PREFIXES)


def error_page(request: Request, status_code: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    if status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        reason = "server"
    elif status_code == status.HTTP_404_NOT_FOUND:
        reason = "not_found"
    elif status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        reason = "rate_limited"
    else:
        reason = "bad_request"
    page = render_page("error.html", reason=reason, request_id=request_id(request))
    return HTMLResponse(page, status_code=status_code, headers={**_HEADERS, **(headers or {})})
