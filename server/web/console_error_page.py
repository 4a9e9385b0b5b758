"""The console's page for a failed request (an unknown address, a malformed link or form, a server fault), in the
console's language, with the request id to quote when it is the server's fault. Never a traceback, never JSON."""

from __future__ import annotations

from fastapi import Request, status
from fastapi.responses import HTMLResponse

from server.core.request_ids import request_id
from server.web.i18n import N_
from server.web.templating import render

PREFIX = "/console"
# Status -> (title, explanation), msgids of the server's catalogue, translated when the page is rendered.
_TEXTS = {
    status.HTTP_404_NOT_FOUND: (N_("Not found"), N_("There is nothing at this address.")),
    status.HTTP_405_METHOD_NOT_ALLOWED: (N_("Not valid"), N_("This page cannot be used that way.")),
    status.HTTP_429_TOO_MANY_REQUESTS: (N_("Too many requests"), N_("Please wait a minute and try again.")),
}
_BAD_REQUEST = (N_("Not valid"), N_("The address or the form is not valid; go back and try again."))
_SERVER = (N_("Something went wrong"), N_("The server could not complete this request. Try again; if it keeps failing, "
                                         "give the administrator this reference:"))


def is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def error_page(request: Request, status_code: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    server_fault = status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR
    title, explanation = _SERVER if server_fault else _TEXTS.get(status_code, _BAD_REQUEST)
    page = render(request, "error.html", {"status_code": status_code, "title": title, "explanation": explanation,
                                          "request_id": request_id(request) if server_fault else ""}, status_code)
    page.headers.update(headers or {})
    return page
