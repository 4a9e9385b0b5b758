"""gzip for what browsers load: the console's and the phone pages' HTML, CSS and JS. The API (/api/) is left as
it is, byte for byte, for the terminals and their ETags."""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

_MINIMUM_BYTES = 500


class PageCompression:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._gzip = GZipMiddleware(app, minimum_size=_MINIMUM_BYTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/api/"):
            await self._gzip(scope, receive, send)
        else:
            await self._app(scope, receive, send)
