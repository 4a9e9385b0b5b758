"""Where phones open the server's pages from the QR codes the kiosk shows (feedback status, micro-wishes,
volunteer sign-up): one rule for every feature."""

from __future__ import annotations

from services.sync.identity import load_identity


def phone_base(host, configured: str = "") -> str:
    """``configured`` (the terminal's ``feedback.status_url_base``) when set; else the server's public address
    (its PUBLIC_URL, told in the heartbeat reply: behind a reverse proxy the kiosk may reach the server at an
    address phones cannot); else the address the kiosk reaches the server at; "" when not enrolled."""
    if configured:
        return configured
    status = host.sync_status
    if status is not None and status.public_url and status.state not in ("standalone", "pairing"):
        return status.public_url
    identity = load_identity(host.data_dir)
    return identity.server_url if identity else ""
