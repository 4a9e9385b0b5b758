"""The console's static files under versioned URLs (/console/static/console.css?v=<content hash>): a versioned
request may be cached for a year, since a changed file gets a new URL; any other is revalidated every time."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/console/static"
_FOR_A_YEAR = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"


@cache
def content_version(name: str) -> str:
    """The first 12 hex digits of the file's SHA-256: what its URL carries."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"{STATIC_PREFIX}/{name}?v={content_version(name)}"


class VersionedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        query = scope.get("query_string", b"").decode("latin-1")
        current = response.status_code == 200 and query == f"v={_version_or_none(path)}"
        response.headers["Cache-Control"] = _FOR_A_YEAR if current else _REVALIDATE
        return response


def _version_or_none(path: str) -> str | None:
    try:
        return content_version(path)
    except OSError:
        return None
