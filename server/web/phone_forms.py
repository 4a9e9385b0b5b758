"""What every public phone form checks before it reads a post: the rate limit per client address, then the form's
CSRF token against its cookie. Each page words the refusal itself."""

from __future__ import annotations

from typing import NamedTuple

from fastapi import Request
from sqlalchemy.orm import Session

from server.core.ratelimit import RateLimiter
from server.web.sessions import csrf_matches


class PostRefusal(NamedTuple):
    reason: str  # "rate_limited" | "form_expired": the page's message key
    status_code: int
    retry_after: int | None  # seconds, for the Retry-After header


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def post_refusal(request: Request, db: Session, limiter: RateLimiter, csrf_token: str,
                 csrf_cookie: str) -> PostRefusal | None:
    """Counts the attempt (and commits ``db``: call it before anything is written); None when the post may go on."""
    wait = limiter.try_acquire(db, client_address(request))
    if wait is not None:
        return PostRefusal("rate_limited", 429, int(wait) + 1)
    if not csrf_matches(csrf_token, request.cookies.get(csrf_cookie, "")):
        return PostRefusal("form_expired", 403, None)
    return None
