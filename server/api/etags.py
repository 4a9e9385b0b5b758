"""Entity tags for routes that answer If-None-Match with 304."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from fastapi import Request, Response, status


class TaggedBody(Protocol):
    """A wire model that carries its own ETag."""

    etag: str

    def model_dump_json(self) -> str: ...


def quoted(etag: str) -> str:
    """The ETag header value: the tag in quotes, as HTTP wants it (bodies carry the bare hex)."""
    return f'"{etag}"'


def not_modified(request: Request, etag: str) -> bool:
    """Does If-None-Match name ``etag``? Quoted, bare, weak (W/) and lists of tags all count."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return etag in tags or "*" in tags


def tagged_json(request: Request, etag: str, body: Callable[[], TaggedBody]) -> Response:
    """304 when If-None-Match names ``etag``; else ``body()`` (which carries its own ``etag``, computed first so the
    content is never older than its tag) as JSON with its ETag header."""
    if not_modified(request, etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": quoted(etag)})
    made = body()
    return Response(made.model_dump_json().encode(), media_type="application/json",
                    headers={"ETag": quoted(made.etag)})
