"""The server's tables (SQLAlchemy 2 typed models). The schema itself is made only by Alembic (server/migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

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
    status: Mapped[str] = mapped_column(String(16))  # pending | approved
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    approved_by: Mapped[str | None] = mapped_column(String(80))
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
