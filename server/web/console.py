"""The administrators' web console under /console/: server-rendered pages over the server's domain modules."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from server.domains import DOMAINS
from server.web.sessions import ConsoleDenied, LoginRequired
from server.web.templating import render

PREFIX = "/console"
_STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the console's pages, its static files and the handlers that turn refusals into pages."""
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    for domain in DOMAINS:
        for page_router in domain.console:
            router.include_router(page_router)
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=_STATIC), name="console-static")

    @app.exception_handler(LoginRequired)
    def _to_login(request: Request, _exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)

    @app.exception_handler(ConsoleDenied)
    def _denied(request: Request, exc: ConsoleDenied):
        return render(request, "denied.html", {"reason": exc.reason}, status_code=exc.status_code)
