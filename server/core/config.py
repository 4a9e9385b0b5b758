"""The server's settings, from the environment (pydantic-settings, no prefix): DATABASE_URL and the limits."""

from __future__ import annotations

import ipaddress
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "lobby-kiosk-server"


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    # Where the default SQLite database lives.
    kiosk_server_data_dir: Path = Field(default_factory=_default_data_dir)
    # sqlite:///path or postgresql+psycopg://user:pass@host/db; default: server.sqlite in the data directory.
    database_url: str = ""
    enrolment_code_ttl_seconds: int = Field(default=86_400, ge=1)
    admin_token_ttl_seconds: int = Field(default=43_200, ge=1)
    pairing_ttl_seconds: int = Field(default=3_600, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=300, ge=1)
    # Enrolment attempts (code redemptions and pairing starts) per client address per minute, all processes together.
    enrolment_attempts_per_minute: int = Field(default=10, ge=1)
    # A terminal's heartbeat interval is not set here: it is its effective settings' sync.heartbeat_seconds.
    # Feedback. The check codes' pepper: empty = a random one kept in the data directory (feedback-pepper);
    # set it when several servers share one database.
    feedback_code_pepper: str = ""
    feedback_repair_deadline_hours: int = Field(default=48, ge=1)
    # A negative rating without the terminal's follow-up date is due this many working days (Mon-Fri) later.
    feedback_negative_working_days: int = Field(default=3, ge=1)
    # An alert when at least this share of at least this many ratings on one terminal in the window are unhappy.
    feedback_alert_share: float = Field(default=0.5, gt=0, le=1)
    feedback_alert_min_ratings: int = Field(default=4, ge=1)
    feedback_alert_window_minutes: int = Field(default=15, ge=1)
    # Public status page lookups per client address per minute (against guessing check codes), all processes together.
    feedback_status_lookups_per_minute: int = Field(default=20, ge=1)
    # Event pages: self-registration and phone check-in submissions per client address per minute, all processes.
    event_form_posts_per_minute: int = Field(default=10, ge=1)
    # Micro-wishes: a claimed wish not fulfilled within this many days is flagged overdue in the console; posts and
    # claims on the wish phone pages per client address per minute, per process.
    wish_overdue_days: int = Field(default=7, ge=1, le=365)
    wish_form_posts_per_minute: int = Field(default=10, ge=1)
    # The fleet's local time: times in the console and on the phone pages, working days and months of feedback.
    timezone: str = "Asia/Shanghai"
    # Seals the ticket signing keys stored in the database. Empty = a random one kept in the data directory
    # (ticket-key-secret); set it when several servers share one database, and keep it out of its backups.
    ticket_key_secret: str = ""
    # Opens what terminals keep only sealed (phones, ticket codes) when they send records again after a restore.
    # Empty = a random one kept in the data directory (record-seal-secret); keep it out of the backups too.
    record_seal_secret: str = ""
    # Kiosk releases are signed with an Ed25519 key derived from this secret; terminals pin its public key (shown on
    # the console's Releases page). Empty = a random one kept in the data directory (release-signing-key); keep it
    # out of the backups, and the same on every server process.
    release_signing_secret: str = ""
    # A rollout's canary runs the new release healthy this long before the other terminals get it (the default
    # of the console's form).
    release_canary_minutes: int = Field(default=30, ge=0, le=7 * 24 * 60)
    # Scheduled backups (server/backups): into this directory, once a day after BACKUP_HOUR (local time), by
    # whichever server process gets there first; empty = none. Kept: the newest BACKUP_KEEP_DAILY days, and the
    # newest copy of each of the last BACKUP_KEEP_WEEKLY weeks.
    backup_dir: Path | None = None
    backup_hour: int = Field(default=3, ge=0, le=23)
    backup_keep_daily: int = Field(default=7, ge=1, le=366)
    backup_keep_weekly: int = Field(default=4, ge=0, le=520)
    # /metrics answers these client addresses or networks (comma-separated, e.g. "127.0.0.1,10.0.0.0/8") without
    # a token; anyone else needs a metrics token (kiosk-server metrics-token).
    metrics_allow_from: str = ""
    # Reverse proxies (comma-separated addresses or networks; "*" any) whose X-Forwarded-For and X-Forwarded-Proto
    # `kiosk-server serve` believes: behind them, rate limits and /metrics see the visitor's address. Anyone else's
    # forwarded headers are ignored. Default: a proxy on this machine (deploy/nginx).
    trusted_proxies: str = "127.0.0.1"
    # The address visitors and kiosks reach the server at ("https://kiosk.example.org"), for every link and QR code
    # it makes (sign-up posters, enrolment QR); empty: the address each request was made to.
    public_url: str = ""
    # Alert e-mail (server/alerts): the SMTP server, with STARTTLS (default), implicit TLS ("ssl") or none (only for
    # a relay on this machine); SMTP_CA_FILE trusts a private CA besides the system's. The password stays here,
    # in the environment, never in the database.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_sender: str = "lobby-kiosk@localhost"
    smtp_ca_file: Path | None = None
    # How often each server process looks for due work (scheduled backup, alert rules), in seconds; 0 = never
    # (another process does it).
    operations_interval_seconds: float = Field(default=60, ge=0, le=3600)
    # Retention (server/retention.py): rows older than this many days are deleted by the periodic job, their
    # numbers kept per day; 0 keeps them for ever. Feedback only once finished (resolved, closed, rejected).
    retention_heartbeat_days: int = Field(default=30, ge=0)
    retention_outage_days: int = Field(default=365, ge=0)
    retention_audit_days: int = Field(default=730, ge=0)
    retention_checkin_days: int = Field(default=730, ge=0)
    retention_feedback_days: int = Field(default=1095, ge=0)
    retention_screenshot_days: int = Field(default=30, ge=0)
    # Rows deleted per transaction (short transactions: the terminals' writes go on between batches).
    retention_batch: int = Field(default=1000, ge=1, le=100_000)
    # Usage analytics (server/usage): raw visits and searches are kept this many days, the aggregates for good.
    usage_raw_days: int = Field(default=90, ge=31, le=3660)

    @field_validator("metrics_allow_from")
    @classmethod
    def _check_networks(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            ipaddress.ip_network(entry, strict=False)  # a ValueError names the entry
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_URL must start with http:// or https://")
        if len(value) > 200:  # it goes to the terminals in every heartbeat reply (common.wire.HeartbeatReply)
            raise ValueError("PUBLIC_URL must be at most 200 characters")
        return value.rstrip("/")

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        return value if value.strip() == "*" else cls._check_networks(value)

    @model_validator(mode="after")
    def _resolve_database_url(self) -> ServerSettings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.kiosk_server_data_dir / 'server.sqlite'}"
        elif self.database_url.startswith(("postgresql://", "postgres://")):
            # psycopg 3 is the installed driver; a plain postgresql:// URL would ask SQLAlchemy for psycopg2.
            self.database_url = "postgresql+psycopg://" + self.database_url.split("://", 1)[1]
        return self


@cache
def current_settings() -> ServerSettings:
    """The settings from the environment, as ``create_app()`` reads them, for code that runs without the app at
    hand (record projections, the CLI); the server is configured by its environment only."""
    return ServerSettings()
