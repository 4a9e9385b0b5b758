"""Check-ins as facts: every scan a terminal reports (online, offline) or a phone check-in, with the verdict
the terminal gave, the verdict the server gives knowing every scan it has, and a flag where they differ.

The rule for a ticket scanned more than once: the first scan by scan time counts, whatever order the scans
arrive in (at a volunteer activity, the first check-out by scan time too: common.checkin_rules). A scan arriving late with an earlier scan time takes over, and the scan it displaces is re-judged
"already" (flagged "duplicate" if its terminal had let the visitor in). The ticket's registration row is
locked while this is decided, so two uploads of the same ticket cannot both count (SQLite serialises anyway).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common import checkin_rules, tickets, wire
from server.core.clock import as_utc, utcnow
from server.events import events as events_domain
from server.events import tickets_issue
from server.events.schemas import CheckinInfo
from server.fleet import records
from server.fleet.models import Checkin, Event, Record, Registration, Terminal

log = logging.getLogger(__name__)
PHONE_TERMINAL_NAME = "手机签到"  # shown as the "terminal" of a phone check-in (the kiosk shows it under "already")


@dataclass(frozen=True)
class Scan:
    record_id: str
    terminal: Terminal | None  # None: a phone check-in on the public page
    code: str
    scanned_at: datetime
    received_at: datetime
    mode: str  # online | offline | phone
    terminal_verdict: str | None  # None: the server decides now and that is the terminal's verdict too


class _Knowledge:
    """What the server knows, looked up once per batch: trusted keys, each event once, and the registrations
    of the batch's tickets, locked together in ticket order (so two batches never wait on each other in a cycle)."""

    def __init__(self, db: Session, codes: list[str]):
        self.db = db
        self.public_keys = tickets_issue.public_keys(db)
        self._events: dict[int, Event | None] = {}
        self._offered: dict[tuple[int, int], bool] = {}
        ticket_ids = sorted({ticket_id for ticket_id in map(_ticket_id, codes) if ticket_id is not None})
        self._registrations = {r.ticket_id: r for r in db.scalars(
            select(Registration).where(Registration.ticket_id.in_(ticket_ids)).order_by(Registration.ticket_id)
            .with_for_update())} if ticket_ids else {}
        # The check-in that counts per ticket, kept up to date as this batch adds its own.
        self._counted: dict[int | None, Checkin] = {}  # keyed by Checkin.ticket_id (never None here)
        self._checkouts: dict[int | None, Checkin] = {}  # the check-out that counts, volunteer activities
        if ticket_ids:
            for row in db.scalars(select(Checkin).where(Checkin.ticket_id.in_(ticket_ids),
                                                        Checkin.server_verdict.in_(("welcome", "checked_out")))
                                  .order_by(Checkin.scanned_at.desc(), Checkin.id.desc())):
                # The earliest wins, should there ever be two.
                (self._counted if row.server_verdict == "welcome" else self._checkouts)[row.ticket_id] = row

    def counted(self, ticket_id: int | None) -> Checkin | None:
        return self._counted.get(ticket_id)

    def now_counts(self, checkin: Checkin) -> None:
        self._counted[checkin.ticket_id] = checkin

    def checkout(self, ticket_id: int | None) -> Checkin | None:
        return self._checkouts.get(ticket_id)

    def now_checks_out(self, checkin: Checkin) -> None:
        self._checkouts[checkin.ticket_id] = checkin

    def registration(self, code: str) -> Registration | None:
        """The registration of the ticket ``code`` names (locked), if it is one of ours."""
        ticket_id = _ticket_id(code)
        return self._registrations.get(ticket_id) if ticket_id is not None else None

    def event(self, event_id: int) -> Event | None:
        if event_id not in self._events:
            self._events[event_id] = self.db.get(Event, event_id)
        return self._events[event_id]

    def offered(self, event_id: int, terminal: Terminal) -> bool:
        key = (event_id, terminal.id)
        if key not in self._offered:
            self._offered[key] = events_domain.is_offered(self.db, event_id, terminal)
        return self._offered[key]


def register_projections() -> None:
    """At start-up: the record store hands this domain its check-in records."""
    records.register_projection("checkin", project)


def project(db: Session, terminal: Terminal, rows: list[dict]) -> None:
    """The projection of records of kind checkin: a check-in row for each newly stored one."""
    scans: list[Scan] = []
    for row in rows:
        try:
            payload = wire.CheckinRecord.model_validate(row["payload"])
        except ValidationError as exc:
            # The record itself is stored (nothing is lost); it just cannot count as a check-in.
            log.warning("check-in record %s from terminal %s has a bad payload: %s", row["id"], terminal.id, exc)
            continue
        scans.append(Scan(record_id=row["id"], terminal=terminal, code=payload.code,
                          scanned_at=as_utc(payload.scanned_at), received_at=row["received_at"], mode=payload.mode,
                          terminal_verdict=payload.verdict))
    knowledge = _Knowledge(db, [scan.code for scan in scans])
    for scan in scans:
        _record(knowledge, scan)
    db.flush()


def check_online(db: Session, terminal: Terminal, scan: wire.CheckinScan) -> wire.CheckinResult:
    """POST /terminal/checkins: decide now, and store the scan as the record the kiosk's outbox will send again
    (same id), so the later copy is a duplicate. Asked again with the same id, the first answer is given."""
    stored = _stored(db, terminal.id, scan.id)
    if stored is not None:
        return _result(db, stored)
    now = utcnow()
    fact = Scan(record_id=scan.id, terminal=terminal, code=scan.code, scanned_at=as_utc(scan.scanned_at),
                received_at=now, mode="online", terminal_verdict=None)
    payload = wire.CheckinRecord(code=scan.code, scanned_at=scan.scanned_at, nonce=scan.nonce, verdict="unreadable",
                                 mode="online")
    # The record first, the registration lock after, in the order a record batch takes them: an outbox copy
    # of this very scan uploading at the same moment waits here instead of deadlocking.
    inserted = records.insert_new(db, [{"terminal_id": terminal.id, "id": scan.id, "kind": "checkin",
                                        "created_at": fact.scanned_at, "received_at": now,
                                        "payload": payload.model_dump(mode="json")}])
    if not inserted:
        # The outbox copy or a retry of this call got here first: that one is the fact; answer from it.
        db.rollback()
        stored = _stored(db, terminal.id, scan.id)
        if stored is None:
            raise RuntimeError(f"record {scan.id} of terminal {terminal.id} neither inserted nor found")
        return _result(db, stored)
    checkin, verdict = _record(_Knowledge(db, [scan.code]), fact)
    db.flush()
    ticket = verdict.ticket
    payload = payload.model_copy(update={"verdict": verdict.kind, "event_id": ticket.event_id if ticket else None,
                                         "ticket_id": ticket.ticket_id if ticket else None})
    db.execute(update(Record).where(Record.terminal_id == terminal.id, Record.id == scan.id)
               .values(payload=payload.model_dump(mode="json")))
    return _result(db, checkin)


def check_in_by_phone(db: Session, event: Event, registration: Registration, now: datetime) -> tuple[Checkin, checkin_rules.Verdict]:
    """A visitor checks in on the phone page (the rotating code was checked by the caller)."""
    text = tickets_issue.ticket_text(db, registration)
    return _record(_Knowledge(db, [text]), Scan(record_id=str(uuid.uuid4()), terminal=None, code=text, scanned_at=now,
                                        received_at=now, mode="phone", terminal_verdict=None))


def prior_of(db: Session, checkin: Checkin) -> Checkin | None:
    """The check-in that counts for this one's ticket, when it is not this one."""
    if checkin.ticket_id is None:
        return None
    counted = _counted(db, checkin.ticket_id)
    return counted if counted is not None and counted.id != checkin.id else None


def list_for_event(db: Session, event_id: int, flag: str | None = None, limit: int = 5000) -> list[Checkin]:
    """The event's scans, the latest first (refused ones too); ``flag`` keeps only duplicates or would_refuse."""
    query = select(Checkin).where(Checkin.event_id == event_id)
    if flag is not None:
        query = query.where(Checkin.flag == flag)
    return list(db.scalars(query.order_by(Checkin.scanned_at.desc(), Checkin.id.desc()).limit(limit)))


def info(checkin: Checkin, names: dict[int, str]) -> CheckinInfo:
    """``names``: ticket id -> attendee name (see attendee_names)."""
    return CheckinInfo(
        id=checkin.id, record_id=checkin.record_id, terminal_id=checkin.terminal_id, terminal_name=checkin.terminal_name,
        event_id=checkin.event_id, ticket_id=checkin.ticket_id,
        attendee=names.get(checkin.ticket_id) if checkin.ticket_id is not None else None,
        scanned_at=checkin.scanned_at, received_at=checkin.received_at, mode=checkin.mode,
        terminal_verdict=checkin.terminal_verdict, server_verdict=checkin.server_verdict, flag=checkin.flag,
        detail=checkin.detail)


def attendee_names(db: Session, ticket_ids: set[int]) -> dict[int, str]:
    if not ticket_ids:
        return {}
    rows = db.execute(select(Registration.ticket_id, Registration.name).where(Registration.ticket_id.in_(ticket_ids)))
    return {ticket_id: name for ticket_id, name in rows}


def _record(knowledge: _Knowledge, scan: Scan) -> tuple[Checkin, checkin_rules.Verdict]:
    verdict = _decide(knowledge, scan, knowledge.registration(scan.code))
    checkin = Checkin(
        record_id=scan.record_id, terminal_id=scan.terminal.id if scan.terminal else None,
        terminal_name=scan.terminal.name if scan.terminal else PHONE_TERMINAL_NAME,
        event_id=verdict.ticket.event_id if verdict.ticket else _event_id_unverified(scan.code),
        ticket_id=verdict.ticket.ticket_id if verdict.ticket else None,
        scanned_at=scan.scanned_at, received_at=scan.received_at, mode=scan.mode,
        terminal_verdict=scan.terminal_verdict or verdict.kind, server_verdict=verdict.kind,
        flag=None, detail=verdict.detail[:200])
    checkin.flag = _flag(checkin)
    knowledge.db.add(checkin)
    if verdict.kind == "welcome":
        displaced = knowledge.counted(checkin.ticket_id)
        if displaced is not None:
            # It was scanned later (else this scan would be "already"): the first by scan time counts.
            _rejudge(knowledge, displaced, checkin)
        knowledge.now_counts(checkin)
    elif verdict.kind == "checked_out":
        displaced = knowledge.checkout(checkin.ticket_id)
        if displaced is not None:
            # A later check-out arrived first: the first check-out by scan time counts.
            _demote(displaced, f"checked out at {checkin.scanned_at.isoformat()} on {checkin.terminal_name} "
                               f"(that scan arrived later)")
        knowledge.now_checks_out(checkin)
    return checkin, verdict


def _rejudge(knowledge: _Knowledge, displaced: Checkin, checkin: Checkin) -> None:
    """A check-in that counted until ``checkin``, scanned earlier, arrived: at a volunteer activity it may now be
    the check-out (common.checkin_rules), else it is a repeat."""
    event = knowledge.event(checkin.event_id) if checkin.event_id is not None else None
    checkout = knowledge.checkout(checkin.ticket_id)
    if (event is not None and event.volunteer_team_id is not None
            and displaced.scanned_at - checkin.scanned_at >= checkin_rules.CHECKOUT_AFTER
            and (checkout is None or checkout.scanned_at > displaced.scanned_at)):
        displaced.server_verdict = "checked_out"
        displaced.detail = f"checked out (in at {checkin.scanned_at.isoformat()}, that scan arrived later)"[:200]
        displaced.flag = _flag(displaced)
        if checkout is not None:
            _demote(checkout, f"checked out at {displaced.scanned_at.isoformat()} on {displaced.terminal_name}")
        knowledge.now_checks_out(displaced)
        return
    _demote(displaced, f"first checked in at {checkin.scanned_at.isoformat()} on {checkin.terminal_name} "
                       f"(that scan arrived later)")


def _demote(checkin: Checkin, detail: str) -> None:
    checkin.server_verdict = "already"
    checkin.detail = detail[:200]
    checkin.flag = _flag(checkin)


def _decide(knowledge: _Knowledge, scan: Scan, registration: Registration | None) -> checkin_rules.Verdict:
    """The verdict the server gives this scan at its scan time: events as offered at the scanning terminal,
    cancellations and revocations only if made before the scan, and the check-in that counts so far."""
    event_id = _event_id_unverified(scan.code)
    windows: dict[int, checkin_rules.EventWindow] = {}
    event = knowledge.event(event_id) if event_id is not None else None
    if event is not None and (scan.terminal is None or knowledge.offered(event.id, scan.terminal)):
        cancelled = event.cancelled_at is not None and event.cancelled_at <= scan.scanned_at
        status = "cancelled" if cancelled else ("published" if event.status == "cancelled" else event.status)
        windows[event.id] = checkin_rules.EventWindow(event.id, event.opens_at, event.closes_at, status,
                                                      volunteer=event.volunteer_team_id is not None)
    revoked: Container[int] = ()
    if registration is None:
        # Signed by us but no registration (deleted with its event): as good as revoked.
        revoked = _AllTickets()
    elif registration.revoked_at is not None and registration.revoked_at <= scan.scanned_at:
        revoked = {registration.ticket_id}

    def prior(ticket_id: int) -> checkin_rules.PriorCheckin | None:
        counted = knowledge.counted(ticket_id)
        if counted is None or counted.scanned_at > scan.scanned_at:
            return None  # none yet, or a later scan that this one displaces (a tie goes to the one stored first)
        checkout = knowledge.checkout(ticket_id)
        return checkin_rules.PriorCheckin(counted.scanned_at, counted.terminal_name,
                                          checked_out_at=checkout.scanned_at if checkout is not None else None)

    return checkin_rules.decide(scan.code, now=scan.scanned_at, events=windows, public_keys=knowledge.public_keys,
                                revoked=revoked, prior=prior)


class _AllTickets:
    def __contains__(self, _ticket_id: object) -> bool:
        return True


def _flag(checkin: Checkin) -> str | None:
    if checkin.terminal_verdict != "welcome" or checkin.server_verdict == "welcome":
        return None
    return "duplicate" if checkin.server_verdict == "already" else "would_refuse"


def _counted(db: Session, ticket_id: int) -> Checkin | None:
    """The check-in that counts for a ticket (at most one has the server's welcome)."""
    return db.scalar(select(Checkin).where(Checkin.ticket_id == ticket_id, Checkin.server_verdict == "welcome")
                     .order_by(Checkin.scanned_at, Checkin.id).limit(1))


@lru_cache(maxsize=4096)
def _read(code: str) -> tickets.Ticket | None:
    """The ticket's fields, signature not checked; None when unreadable (cached: a batch reads each code often)."""
    try:
        return tickets.read(code)
    except tickets.UnreadableTicket:
        return None


def _ticket_id(code: str) -> int | None:
    ticket = _read(code)
    return ticket.ticket_id if ticket else None


def _event_id_unverified(code: str) -> int | None:
    """The event a ticket claims, signature not checked (for a forged one, the audit list); None when unreadable
    or beyond any event's id (a forged header may claim up to 2**63-1; the events table's ids stop sooner)."""
    ticket = _read(code)
    return ticket.event_id if ticket and 1 <= ticket.event_id <= wire.MAX_ID else None


def _stored(db: Session, terminal_id: int, record_id: str) -> Checkin | None:
    return db.scalar(select(Checkin).where(Checkin.terminal_id == terminal_id, Checkin.record_id == record_id))


def _result(db: Session, checkin: Checkin) -> wire.CheckinResult:
    prior = prior_of(db, checkin) if checkin.server_verdict in ("already", "checked_out") else None
    sealed = None
    if checkin.server_verdict in ("welcome", "checked_out") and checkin.ticket_id is not None:
        sealed = db.scalar(select(Registration.sealed_name).where(Registration.ticket_id == checkin.ticket_id))
    checkout = None
    if checkin.server_verdict == "already" and checkin.ticket_id is not None:
        checkout = db.scalar(select(Checkin.scanned_at).where(Checkin.ticket_id == checkin.ticket_id,
                                                              Checkin.server_verdict == "checked_out")
                             .order_by(Checkin.scanned_at, Checkin.id).limit(1))
    return wire.CheckinResult(
        kind=checkin.server_verdict, event_id=checkin.event_id if checkin.server_verdict != "unreadable" else None,
        ticket_id=checkin.ticket_id, prior_at=prior.scanned_at if prior else None,
        prior_terminal=prior.terminal_name if prior else None, prior_checked_out_at=checkout, sealed_name=sealed)
