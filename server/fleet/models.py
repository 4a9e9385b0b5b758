"""The server's tables (SQLAlchemy 2 typed models). The schema itself is made only by Alembic (server/migrations)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from common.checkin_rules import EventStatus
from server.core.clock import utcnow


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in and out; SQLite keeps no zone, so values are stored as UTC and read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the server stores timezone-aware UTC only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    # Named constraints, so Alembic can alter them later (SQLite batch mode needs names).
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Admin(Base):
    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2
    role: Mapped[str] = mapped_column(String(16))  # admin | operator
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdminToken(Base):
    __tablename__ = "admin_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    admin: Mapped[Admin] = relationship(lazy="joined")


class ConsoleSession(Base):
    """A signed-in web console visitor; the cookie holds the token, this row its SHA-256 and the CSRF token."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    admin: Mapped[Admin] = relationship(lazy="joined")


class TerminalGroup(Base):
    __tablename__ = "terminal_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Terminal(Base):
    __tablename__ = "terminals"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    location: Mapped[str] = mapped_column(String(120))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("terminal_groups.id"), index=True)
    # SHA-256 of the current credential; kept after revocation so the refusal can say why.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The latest heartbeat, for the status list; the history is in heartbeat_log.
    last_seen_at: Mapped[datetime | None]
    # The interval the terminal was told at its last heartbeat: it is online while younger than 1.5 of it.
    heartbeat_seconds: Mapped[int | None]
    app_version: Mapped[str | None] = mapped_column(String(40))
    last_sync_at: Mapped[datetime | None]
    outbox_depth: Mapped[int | None]
    parked_count: Mapped[int | None]
    free_disk_bytes: Mapped[int | None] = mapped_column(BigInteger)
    free_memory_bytes: Mapped[int | None] = mapped_column(BigInteger)
    peripherals: Mapped[dict[str, Any] | None]
    current_screen: Mapped[str | None] = mapped_column(String(40))
    config_version_applied: Mapped[int | None]
    config_error: Mapped[str | None] = mapped_column(Text)
    in_service: Mapped[bool | None]

    # selectin, not joined: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    group: Mapped[TerminalGroup | None] = relationship(lazy="selectin")


class EnrolmentCode(Base):
    __tablename__ = "enrolment_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Pairing(Base):
    """A kiosk's request to be enrolled, shown on its screen as a 6-digit code; one row per code in use."""

    __tablename__ = "pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    app_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    approved_by: Mapped[str | None] = mapped_column(String(80))
    # Why an administrator refused the pairing; its kiosk shows it beside its next code.
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    # The credential is made when the secret's holder first polls after approval, and only then.
    credential_delivered_at: Mapped[datetime | None]


class ConfigLayer(Base):
    """One version of one settings layer; the newest row per (scope, target) is the layer in force.

    ``id`` is the version: one sequence over all layers, so a terminal's config version (the highest
    among the layers that reach it) grows whenever any of them changes.
    """

    __tablename__ = "config_layers"
    __table_args__ = (Index("ix_config_layers_scope_target", "scope", "target", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # defaults | group | terminal
    target: Mapped[str] = mapped_column(String(60))  # "" | group name | terminal id
    settings: Mapped[dict[str, Any]]
    author: Mapped[str] = mapped_column(String(80))
    comment: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]]


class CatalogueVersion(Base):
    """One imported catalogue; the newest row is the one terminals get."""

    __tablename__ = "catalogue_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    # SHA-256 of ``document``, the exact bytes served to terminals (canonical JSON).
    etag: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    service_count: Mapped[int]
    imported_by: Mapped[str] = mapped_column(String(80))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class HeartbeatLog(Base):
    __tablename__ = "heartbeat_log"
    __table_args__ = (Index("ix_heartbeat_log_terminal", "terminal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat: Mapped[dict[str, Any]]


class Outage(Base):
    __tablename__ = "outages"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"), index=True)
    went_down_at: Mapped[datetime]
    came_back_at: Mapped[datetime]


class Command(Base):
    __tablename__ = "commands"
    __table_args__ = (Index("ix_commands_terminal_status", "terminal_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    args: Mapped[dict[str, Any]]
    # pending | delivered | done | failed; "expired" is derived from expires_at, never stored.
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(Text)


class CommandLog(Base):
    """The recent kiosk log a terminal uploaded for an upload_logs command (at most MAX_LOG_UPLOAD_BYTES)."""

    __tablename__ = "command_logs"

    command_id: Mapped[int] = mapped_column(ForeignKey("commands.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Screenshot(Base):
    """In the database, not on disk, so every server process sharing the database can serve it."""

    __tablename__ = "screenshots"

    command_id: Mapped[int] = mapped_column(ForeignKey("commands.id", ondelete="CASCADE"), primary_key=True)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Record(Base):
    """A visitor's check-in, feedback or a diagnostic, stored once per (terminal, id) however often sent."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_received_at", "received_at"),)

    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict[str, Any]]


class ParkedRecord(Base):
    """A record the server refused to store (it did not match the wire model), kept with the reason so that an
    administrator can retry it (after an upgrade that accepts it) or discard it with a reason."""

    __tablename__ = "parked_records"
    __table_args__ = (UniqueConstraint("terminal_id", "record_id", name="uq_parked_records_terminal_record"),
                      Index("ix_parked_records_status", "status", "parked_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    # The record as the terminal sent it; None when it was too large to keep (it cannot be retried then).
    record: Mapped[dict[str, Any] | None]
    error: Mapped[str] = mapped_column(String(2000))
    parked_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # parked | stored | discarded
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None]
    discard_reason: Mapped[str | None] = mapped_column(String(500))


# -- event check-in --


class TicketKey(Base):
    """An Ed25519 key that signs tickets; ``id`` is the key id inside every ticket it signed.

    The private key is sealed with the server's ticket-key secret (``server/ticket_key_vault.py``), which is not
    in the database.
    """

    __tablename__ = "ticket_keys"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Retired: signs no new tickets, still trusted by terminals. Withdrawn: trusted no more (its tickets are forged).
    retired_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    opens_at: Mapped[datetime]  # the check-in window
    closes_at: Mapped[datetime]
    capacity: Mapped[int | None]  # None: no limit
    status: Mapped[EventStatus] = mapped_column(String(16))
    # Offered at every terminal, or only at those in event_terminals / event_groups.
    all_terminals: Mapped[bool]
    # Visitors may register themselves on the public page /e/<id> while the event is published.
    self_registration: Mapped[bool]
    # Set: a volunteer activity run by this team (server/volunteers); a second scan checks out, hours count.
    volunteer_team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_teams.id", ondelete="SET NULL"),
                                                          index=True)
    # base64url of 32 random bytes: the seed of the rotating phone check-in code.
    phone_secret: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Touched by every change of the event or of where it is offered: part of the check-in bundle's ETag.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]


class EventTerminal(Base):
    __tablename__ = "event_terminals"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"), primary_key=True)


class EventGroup(Base):
    __tablename__ = "event_groups"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("terminal_groups.id", ondelete="CASCADE"), primary_key=True)


class Registration(Base):
    """An attendee of one event and their ticket (one ticket per registration, ``ticket_id`` unique overall)."""

    __tablename__ = "registrations"
    __table_args__ = (Index("uq_registrations_event_phone", "event_id", "phone", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("ticket_keys.id"))
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(11))
    organisation: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(8))  # import | self
    # The unguessable address of the attendee's ticket page, /t/<page_token>.
    page_token: Mapped[str] = mapped_column(String(64), unique=True)
    # The name sealed with the ticket text (common.tickets.seal_name), sent to terminals for the welcome.
    sealed_name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(index=True)
    revoked_by: Mapped[str | None] = mapped_column(String(80))


class Checkin(Base):
    """One scan as a fact, accepted or refused: what the terminal said, what the server says, and any flag."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index("uq_checkins_terminal_record", "terminal_id", "record_id", unique=True),
        Index("ix_checkins_ticket_scanned", "ticket_id", "scanned_at"),
        Index("ix_checkins_event_scanned", "event_id", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36))
    # None for a phone check-in; kept (SET NULL) when a terminal is deleted, its name in terminal_name.
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id", ondelete="SET NULL"))
    terminal_name: Mapped[str] = mapped_column(String(60))
    # From the ticket, whatever the verdict (None when unreadable); not foreign keys: facts outlive their events.
    event_id: Mapped[int | None]
    ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    scanned_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    mode: Mapped[str] = mapped_column(String(8))  # online | offline | phone
    terminal_verdict: Mapped[str] = mapped_column(String(20))
    # What the server would have said online at scan time, knowing every scan it has now.
    server_verdict: Mapped[str] = mapped_column(String(20))
    flag: Mapped[str | None] = mapped_column(String(16))  # None | duplicate | would_refuse
    detail: Mapped[str] = mapped_column(String(200))


# -- feedback --


class FeedbackItem(Base):
    """A visitor's feedback from a record of kind ``feedback``, and how staff handle it."""

    __tablename__ = "feedback_items"
    __table_args__ = (
        Index("uq_feedback_items_terminal_record", "terminal_id", "record_id", unique=True),
        # The inbox filters: status and age, category, rating, terminal (and its alert window), overdue.
        Index("ix_feedback_items_status_received", "status", "received_at"),
        Index("ix_feedback_items_category_received", "category", "received_at"),
        Index("ix_feedback_items_rating", "rating"),
        Index("ix_feedback_items_terminal_submitted", "terminal_id", "submitted_at"),
        Index("ix_feedback_items_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(String(36))
    tracking_number: Mapped[str] = mapped_column(String(17), unique=True)
    # HMAC-SHA256 of tracking number and check code under the server's pepper: a stolen database alone does
    # not give away the codes, however few there are (10^6).
    check_code_hash: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(40))
    rating: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(11))
    consent: Mapped[bool]
    locale: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[datetime]
    received_at: Mapped[datetime]
    # repeat | identical | rate_limit: counted and listed apart, never in the inbox.
    suppressed: Mapped[str | None] = mapped_column(String(16))
    followup_due: Mapped[date | None]
    # When handling is due (repair requests, negative ratings); None: no deadline.
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))  # new | accepted | in_progress | resolved | closed | rejected
    reject_reason: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id", ondelete="SET NULL"))
    public_reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    terminal: Mapped[Terminal] = relationship(lazy="joined")
    assignee: Mapped[Admin | None] = relationship(lazy="joined")


class FeedbackNote(Base):
    """An internal note on a feedback item: staff only, never on the public status page."""

    __tablename__ = "feedback_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- operations: backups and restores, metrics, alerts, terminal events --


class Backup(Base):
    """A copy of the database this server made (``kiosk-server backup`` or the schedule)."""

    __tablename__ = "backups"

    id: Mapped[int] = mapped_column(primary_key=True)
    # When the copy began: everything committed before is in it.
    taken_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    location: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    schema_version: Mapped[str] = mapped_column(String(32))
    # The scheduled copy of one day ("2026-12-04"): unique, so two server processes never both make it.
    slot: Mapped[str | None] = mapped_column(String(20), unique=True)
    error: Mapped[str | None] = mapped_column(Text)


class Restore(Base):
    """This database was restored from a backup taken at ``backup_taken_at``: terminals send again what the
    server confirmed since."""

    __tablename__ = "restores"

    id: Mapped[int] = mapped_column(primary_key=True)
    backup_taken_at: Mapped[datetime]
    restored_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(500))
    schema_version: Mapped[str] = mapped_column(String(32))


class TerminalResend(Base):
    """A terminal has put back in its outbox what it kept since the restore's backup."""

    __tablename__ = "terminal_resends"

    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"), primary_key=True)
    restore_id: Mapped[int] = mapped_column(ForeignKey("restores.id", ondelete="CASCADE"), primary_key=True)
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)


class MetricsToken(Base):
    """A bearer token Prometheus scrapes /metrics with; only its SHA-256 is kept."""

    __tablename__ = "metrics_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))


class AlertConfig(Base):
    """The alert rules, channels and quiet hours: one validated document (server/alerts/schemas.py), versioned."""

    __tablename__ = "alert_config"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))


class Alert(Base):
    """One occurrence of a rule's condition for one subject (a terminal, the centre), from start to resolution."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_rule_subject", "rule", "subject", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80))
    # The subject's name and what was seen, for the messages and the history page.
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]]
    started_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    # Set when the start message went out (or was held back by quiet hours and sent later).
    start_notified_at: Mapped[datetime | None]
    resolve_notified_at: Mapped[datetime | None]


class AlertDelivery(Base):
    """Who was told about an alert, when, and whether the channel took it."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(16))  # started | resolved
    channel: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime]
    ok: Mapped[bool]
    error: Mapped[str | None] = mapped_column(Text)


class TerminalEvent(Base):
    """Something that happened to a terminal: app started or restarted, network lost or back, update applied."""

    __tablename__ = "terminal_events"
    __table_args__ = (Index("ix_terminal_events_terminal", "terminal_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime]
    detail: Mapped[str] = mapped_column(String(200))
