"""Where the Jinja2 loaders look: the shared templates of server/web, then each domain's own (server/<domain>/
templates/<surface>/), found on disk so the domains need not be imported to render a page."""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemLoader

_SERVER = Path(__file__).resolve().parent.parent


def loader(surface: str) -> FileSystemLoader:
    """The templates of one surface: "console" (signed-in pages) or "public" (phone pages)."""
    shared = _SERVER / "web" / "templates" / surface
    return FileSystemLoader([shared, *sorted(_SERVER.glob(f"*/templates/{surface}"))])
