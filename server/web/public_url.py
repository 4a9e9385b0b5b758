"""The one way the server spells an address of its own for people and kiosks (links, QR codes): PUBLIC_URL when
set (behind a reverse proxy, the address visitors use), else the address this request was made to."""

from __future__ import annotations

from fastapi import Request


def public_url(request: Request, path: str = "") -> str:
    """``path`` ("/e/12") under the server's public address, e.g. "https://kiosk.example.org/e/12"."""
    base = request.app.state.settings.public_url or str(request.base_url)
    return base.rstrip("/") + path
