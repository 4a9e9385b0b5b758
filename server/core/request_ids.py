"""Every request gets an id: in the X-Request-ID header of its answer, in error bodies and pages, and in the log
line of an unexpected exception, so what a user reports can be found in the server's log.

An id sent by a proxy in front (X-Request-ID of a sane form) is kept, so one id follows the request through both.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
# Only ids that are safe to copy into a log line and a header.
_FORWARDED_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
log = logging.getLogger(__name__)

# Renders the answer to an unexpected exception (JSON or a page, by where the request went).
FailureAnswer = Callable[[Request], Response]


def request_id(request: Request) -> str:
    """This request's id (set by RequestIds before anything else runs)."""
    return request.scope.get("state", {}).get("request_id", "")


class RequestIds:
    """ASGI middleware: assigns the id, adds the header to every answer, and turns an exception no handler
    took into ``failure(request)`` after logging it with its traceback and the id (never a traceback to the
    client)."""

    def __init__(self, app: ASGIApp, failure: FailureAnswer):
        self.app = app
        self.failure = failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = Headers(scope=scope).get(HEADER, "")
        identifier = sent if _FORWARDED_ID.match(sent) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = identifier
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[HEADER] = identifier
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unexpected error in %s %s (request id %s)", scope["method"], scope["path"], identifier)
            if started:  # part of the answer is out already: all that is left is to close the connection
                raise
            await self.failure(Request(scope))(scope, receive, send_with_id)
