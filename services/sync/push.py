"""The terminal's side of push: a long poll held open on GET /terminal/wait, on a thread and a connection of its
own, that wakes the sync engine's worker as soon as the server says a command or a new configuration waits.

The heartbeat's poll goes on beside it, unchanged: when the long poll cannot be held (no network, a server or
proxy without it), the terminal still learns everything at its next heartbeat, as before.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from common import wire
from services.sync.api import PermanentError, ServerApi, SyncError, UnauthorisedError
from services.sync.backoff import Backoff
from services.sync.identity import TerminalIdentity

log = logging.getLogger(__name__)

# Beyond the server's wait, how long an answer may take on the way before the connection counts as dropped.
ANSWER_MARGIN_SECONDS = 15
# A server that refuses the long poll (older, or a proxy cutting it) is asked again this much later.
REFUSED_RETRY_SECONDS = 600
# After waking the worker: how long to wait for its cycle before holding the next long poll.
CYCLE_WAIT_SECONDS = 30


class PushListener:
    """``identity()`` is the terminal's credential (None: not enrolled yet), ``config_etag()`` the configuration it
    holds; ``wake()`` asks the worker for a cycle now and returns an event set when a cycle has finished."""

    def __init__(self, identity: Callable[[], TerminalIdentity | None], config_etag: Callable[[], str | None],
                 wake: Callable[[], threading.Event | None], connect_timeout: float, rng: random.Random) -> None:
        self._identity = identity
        self._config_etag = config_etag
        self._wake = wake
        self._connect_timeout = connect_timeout
        self._backoff = Backoff(rng)
        self._stopping = threading.Event()
        self._api: ServerApi | None = None
        self._thread = threading.Thread(target=self._run, name="sync-push", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the request in flight (a daemon thread: nobody waits for it)."""
        self._stopping.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            delay = self._listen_once()
            if delay:
                self._stopping.wait(delay)
        if self._api is not None:
            self._api.close()

    def _listen_once(self) -> float:
        """One long poll; how long to wait before the next."""
        identity = self._identity()
        if identity is None:
            return CYCLE_WAIT_SECONDS
        api = self._api_for(identity)
        etag = self._config_etag() or ""
        try:
            notice = api.wait_for_notice(etag, wire.PUSH_WAIT_SECONDS)
        except UnauthorisedError:
            return REFUSED_RETRY_SECONDS  # the worker says so on the screen; nothing to wait for here
        except PermanentError as exc:
            log.info("the server holds no long poll (%s): commands wait for the heartbeat", exc)
            return REFUSED_RETRY_SECONDS
        except SyncError as exc:
            log.debug("long poll dropped: %s", exc)
            return self._backoff.next_delay()
        self._backoff.reset()
        if notice.commands_pending > 0 or notice.config_etag != etag:
            cycled = self._wake()
            if cycled is None:
                return self._backoff.next_delay()  # the worker is offline: its own backoff rules
            cycled.wait(CYCLE_WAIT_SECONDS)
        return 0.0

    def _api_for(self, identity: TerminalIdentity) -> ServerApi:
        if self._api is None or self._api.base_url != identity.server_url.rstrip("/") \
                or self._api.token != identity.token:
            if self._api is not None:
                self._api.close()
            self._api = ServerApi(identity.server_url, identity.token, self._connect_timeout,
                                  wire.PUSH_WAIT_SECONDS + ANSWER_MARGIN_SECONDS)
        return self._api
