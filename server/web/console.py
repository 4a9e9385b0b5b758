"""The administrators' web console under /console/: server-rendered pages over the server's domain modules."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse

from server.domains import DOMAINS
from server.web.compression import PageCompression
from server.web.sessions import ConsoleDenied, LoginRequired
from server.web.static_files import STATIC_DIR, STATIC_PREFIX, VersionedStaticFiles, content_version
from server.web.templating import render

PREFIX = "/console"


def install(app: FastAPI) -> None:
    """Mount the console's pages, its static files and the handlers that turn refusals into pages."""
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    app.state.console_menu_entries = tuple(entry for domain in DOMAINS for entry in domain.menu)
    for domain in DOMAINS:
        for page_router in domain.console:
            router.include_router(page_router)
    app.include_router(router)
    app.mount(STATIC_PREFIX, VersionedStaticFiles(directory=STATIC_DIR), name="console-static")
    app.add_middleware(PageCompression)

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> FileResponse:
        # Browsers ask for it at the root whatever the page says; it changes with a release at most.
        return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": "public, max-age=86400", "ETag": content_version("favicon.ico")})

    @app.exception_handler(LoginRequired)
    def _to_login(request: Request, _exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)

    @app.exception_handler(ConsoleDenied)
    def _denied(request: Request, exc: ConsoleDenied):
        return render(request, "denied.html", {"reason": exc.reason}, status_code=exc.status_code)
