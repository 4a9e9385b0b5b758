"""The check-in desk: one scanned text in, one verdict out, with the scan safely recorded.

Online when the link is healthy: the server decides (``POST /terminal/checkins``, short timeout) and
its verdict wins; on any failure, or while the link is offline, ``checkin_rules.decide`` decides here
from the bundle and the local log. Every scan, accepted or refused, goes into the outbox (record kind
``checkin``, the same id as the online request, so the server stores it once), and accepted or refused
tickets into the local log, in one transaction committed before ``check`` returns.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from common import tickets, wire
from common.catalogue import Text
from common.checkin_rules import PriorCheckin, Verdict, decide
from services.checkin.bundle_store import CheckinStore, RevokedTickets
from services.checkin.link_health import LinkHealth
from services.checkin.names import mask_name
from services.storage.outbox import Outbox
from services.storage.store import LocalStore
from services.sync.api import ServerApi, SyncError

log = logging.getLogger(__name__)

Mode = Literal["online", "offline"]
# Verdicts about a genuine ticket of ours, for which its name may be shown.
_NAMED_KINDS = ("welcome", "checked_out", "already")
# Scans the local log keeps as accepted: a check-in, and at a volunteer activity a check-out.
_LOGGED_KINDS = ("welcome", "checked_out")


@dataclass(frozen=True)
class DeskVerdict:
    """What the screen shows for one scan. ``verdict.detail`` is for logs, never for visitors."""

    verdict: Verdict
    mode: Mode
    record_id: str  # the outbox record (and online request) of this scan
    scanned_at: datetime
    event: wire.CheckinEvent | None  # the ticket's event when this terminal offers it
    name: str | None  # the attendee's name, unsealed with the ticket itself; None when unknown

    @property
    def kind(self) -> str:
        return self.verdict.kind

    @property
    def accepted(self) -> bool:
        return self.verdict.accepted

    @property
    def prior(self) -> PriorCheckin | None:
        """For "already": when and at which terminal the ticket was first checked in."""
        return self.verdict.prior

    @property
    def event_title(self) -> Text | None:
        return self.event.title if self.event is not None else None

    @property
    def masked_name(self) -> str | None:
        """The name as the welcome screen shows it (张*明, W*** Li)."""
        return mask_name(self.name) if self.name else None


ApiProvider = Callable[[], ServerApi | None]


class CheckinDesk:
    """``check`` may be called from any one worker thread at a time (calls are serialised anyway).

    ``api`` gives a client for the server with the short online timeout, or None when the terminal is not
    enrolled (see ``services.checkin.online.TerminalApi``); ``terminal_name`` names this terminal in
    "already checked in at ..." for check-ins made here. Wiring, one ``LinkHealth`` shared with the sync worker::

        link = LinkHealth(settings.checkin.link)
        api = TerminalApi(data_dir, settings.checkin.online_timeout_seconds)
        desk = CheckinDesk(store, Outbox(store), api=api, link=link, terminal_name=settings.terminal.name)
        engine = SyncEngine(..., link=link)  # heartbeats feed the link; CheckinBundleChanged on engine.events
    """

    def __init__(self, store: LocalStore, outbox: Outbox, *, api: ApiProvider, link: LinkHealth,
                 terminal_name: str, clock: Callable[[], float] = time.monotonic):
        self._store = store
        self._outbox = outbox
        self._bundle = CheckinStore(store)
        self._revoked = RevokedTickets(self._bundle)
        self._api = api
        self.link = link
        self.terminal_name = terminal_name
        self._clock = clock
        self._lock = threading.Lock()

    def events(self) -> list[wire.CheckinEvent]:
        """The events this terminal offers (from the last bundle), by start time."""
        return sorted(self._bundle.events().values(), key=lambda event: (event.starts_at, event.id))

    def check(self, text: str, scanned_at: datetime) -> DeskVerdict:
        """Decide on a scanned text; the scan is on disk when this returns. ``scanned_at`` must be aware."""
        if scanned_at.tzinfo is None:
            raise ValueError("scanned_at needs a time zone")
        code = _clean(text)
        with self._lock:
            record_id, nonce = str(uuid.uuid4()), secrets.token_urlsafe(12)
            online = self._check_online(record_id, code, scanned_at, nonce)
            if online is not None:
                verdict, sealed = online
                mode: Mode = "online"
            else:
                verdict, sealed, mode = self._decide_offline(code, scanned_at), None, "offline"
            self._record(record_id, code, scanned_at, nonce, verdict, mode)
        return self._present(verdict, mode, record_id, scanned_at, code, sealed)

    # -- deciding --------------------------------------------------------------------------------

    def _check_online(self, record_id: str, code: str, scanned_at: datetime,
                      nonce: str) -> tuple[Verdict, str | None] | None:
        """The server's verdict and sealed name; None when it cannot be asked or did not answer in time."""
        if not self.link.should_try():
            return None
        api = self._api()
        if api is None:
            return None
        scan = wire.CheckinScan(id=record_id, code=code, scanned_at=scanned_at, nonce=nonce)
        started = self._clock()
        try:
            result = api.check_in_online(scan)
        except SyncError as exc:
            self.link.failed()
            log.info("online check-in failed, deciding offline: %s", exc)
            return None
        self.link.succeeded(self._clock() - started)
        prior = (PriorCheckin(scanned_at=result.prior_at, terminal_name=result.prior_terminal or "",
                              checked_out_at=result.prior_checked_out_at)
                 if result.prior_at is not None else None)
        # As decide() does: no ticket for a text that is none of ours.
        ticket = None if result.kind in ("unreadable", "forged") else _readable(code)
        verdict = Verdict(kind=result.kind, ticket=ticket, prior=prior, detail=f"online: {result.kind}")
        return verdict, result.sealed_name

    def _decide_offline(self, code: str, scanned_at: datetime) -> Verdict:
        return decide(
            code,
            now=scanned_at,
            events=self._bundle.windows(),
            public_keys=self._bundle.public_keys(),
            revoked=self._revoked,
            prior=lambda ticket_id: self._bundle.prior(ticket_id, self.terminal_name),
        )

    # -- recording -------------------------------------------------------------------------------

    def _record(self, record_id: str, code: str, scanned_at: datetime, nonce: str, verdict: Verdict,
                mode: Mode) -> None:
        ticket = verdict.ticket
        payload = wire.CheckinRecord(
            code=code, scanned_at=scanned_at, nonce=nonce, verdict=verdict.kind, mode=mode,
            event_id=ticket.event_id if ticket else None, ticket_id=ticket.ticket_id if ticket else None,
        ).model_dump(mode="json")
        with self._store.transaction() as db:
            self._outbox.add_in(db, "checkin", payload, record_id=record_id)
            if ticket is not None:
                CheckinStore.log_scan(db, record_id, ticket.ticket_id, ticket.event_id, scanned_at,
                                      verdict.kind in _LOGGED_KINDS)
                if mode == "online":
                    CheckinStore.learn(db, ticket.ticket_id, revoked=verdict.kind == "cancelled",
                                       prior=verdict.prior if verdict.kind in ("already", "checked_out") else None)

    def _present(self, verdict: Verdict, mode: Mode, record_id: str, scanned_at: datetime, code: str,
                 sealed: str | None) -> DeskVerdict:
        ticket = verdict.ticket
        event = self._bundle.events().get(ticket.event_id) if ticket is not None else None
        name = None
        if ticket is not None and verdict.kind in _NAMED_KINDS:
            sealed = sealed or self._bundle.sealed_name(ticket.ticket_id)
            name = tickets.open_name(code, sealed) if sealed else None
        return DeskVerdict(verdict=verdict, mode=mode, record_id=record_id, scanned_at=scanned_at, event=event,
                           name=name)


def _clean(text: str) -> str:
    """Cut to the wire's length; characters JSON or PostgreSQL cannot carry (NUL, lone surrogates) become U+FFFD."""
    return "".join("\ufffd" if char == "\x00" or "\ud800" <= char <= "\udfff" else char
                   for char in text[:wire.MAX_CHECKIN_CODE_CHARS])


def _readable(code: str) -> tickets.Ticket | None:
    try:
        return tickets.read(code)
    except tickets.UnreadableTicket:
        return None
