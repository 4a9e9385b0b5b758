"""Entity tags for routes that answer If-None-Match with 304."""

from __future__ import annotations

from fastapi import Request


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
