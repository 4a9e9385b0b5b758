"""Who may read /metrics: a bearer token made by ``kiosk-server metrics-token`` (only its SHA-256 is kept), or a
client address in METRICS_ALLOW_FROM (addresses or networks, comma-separated)."""

from __future__ import annotations

import ipaddress
import secrets
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.security import hash_secret
from server.fleet.models import MetricsToken

METRICS_TOKEN_PREFIX = "km_"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def create_token(db: Session, actor: str) -> str:
    token = METRICS_TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(MetricsToken(token_hash=hash_secret(token), created_by=actor))
    return token


def token_valid(db: Session, token: str) -> bool:
    if not token.startswith(METRICS_TOKEN_PREFIX):
        return False
    return db.scalar(select(MetricsToken.id).where(MetricsToken.token_hash == hash_secret(token))) is not None


@cache
def allowed_networks(setting: str) -> tuple[Network, ...]:
    """The networks of METRICS_ALLOW_FROM; a ValueError names a malformed entry."""
    networks = []
    for entry in filter(None, (part.strip() for part in setting.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"METRICS_ALLOW_FROM: {entry!r} is not an address or network") from None
    return tuple(networks)


def address_allowed(setting: str, address: str | None) -> bool:
    if not address or not setting:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in allowed_networks(setting))
