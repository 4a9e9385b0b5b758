"""Pairing: an unenrolled kiosk shows a 6-digit code, an administrator approves it on the server.

The code and its secret are kept in the store, so a restarted kiosk shows the same code until the
server says it expired or was rejected. Only the holder of the secret collects the credential.
"""

from __future__ import annotations

import logging
import secrets

from common.wire import PairingState
from services.storage.store import LocalStore
from services.sync.api import PermanentError, ServerApi
from services.sync.identity import TerminalIdentity

log = logging.getLogger(__name__)

CODE_KEY = "pairing_code"
SECRET_KEY = "pairing_secret"
# Why an administrator refused this kiosk's last code (shown beside the new one until the kiosk is enrolled).
REFUSAL_KEY = "pairing_refusal"
# Tries with a fresh code when the server says a code is already pending for another kiosk.
_CODE_ATTEMPTS = 5


class Pairing:
    def __init__(self, store: LocalStore, server_url: str, app_version: str):
        self._store = store
        self._server_url = server_url.rstrip("/")
        self._app_version = app_version[:40]

    def code(self) -> str:
        """The code to show; made (and kept) on first use."""
        code = self._store.get_state(CODE_KEY)
        if code is None or self._store.get_state(SECRET_KEY) is None:
            code = self._renew()
        return code

    def step(self, api: ServerApi) -> TerminalIdentity | None:
        """One poll: the identity once an administrator approved the code, else None (ask again later)."""
        code, secret = self.code(), self._store.get_state(SECRET_KEY)
        try:
            state = api.poll_pairing(code, secret)
        except PermanentError as exc:
            if exc.status != 404:
                raise
            state = self._start(api)  # the server does not know this code (yet, or any more)
        if state.status == "approved" and state.credential is not None:
            credential = state.credential
            return TerminalIdentity(
                self._server_url, credential.terminal_id, credential.token, credential.name, credential.location
            )
        if state.status != "pending":
            # Rejected, expired, or approved but already collected (a crash lost it): start over.
            log.info("pairing code %s is %s; showing a new code", code, state.status)
            if state.status == "rejected":
                self._store.set_state(REFUSAL_KEY, state.reason or "")
            self._renew()
            self._start(api)
        return None

    def refusal(self) -> str | None:
        """The reason an administrator gave for refusing this kiosk's last code ("" for none given); None if
        no code of this kiosk was refused."""
        return self._store.get_state(REFUSAL_KEY)

    def finish(self) -> None:
        for key in (CODE_KEY, SECRET_KEY, REFUSAL_KEY):
            self._store.set_state(key, None)

    def _start(self, api: ServerApi) -> PairingState:
        for _ in range(_CODE_ATTEMPTS):
            try:
                return api.start_pairing(self.code(), self._store.get_state(SECRET_KEY), self._app_version)
            except PermanentError as exc:
                if exc.status != 409:
                    raise
                self._renew()
        raise PermanentError(f"no free pairing code after {_CODE_ATTEMPTS} tries", 409)

    def _renew(self) -> str:
        code = f"{secrets.randbelow(1_000_000):06d}"
        self._store.set_state(SECRET_KEY, secrets.token_urlsafe(32))  # 256 bits
        self._store.set_state(CODE_KEY, code)
        return code
