"""The server's settings, from the environment (pydantic-settings, no prefix): DATABASE_URL and the limits."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
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
    # Enrolment attempts (code redemptions and pairing starts) per client address per minute, per process.
    enrolment_attempts_per_minute: int = Field(default=10, ge=1)
    # A terminal's heartbeat interval is not set here: it is its effective settings' sync.heartbeat_seconds.

    @model_validator(mode="after")
    def _resolve_database_url(self) -> "ServerSettings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.kiosk_server_data_dir / 'server.sqlite'}"
        elif self.database_url.startswith(("postgresql://", "postgres://")):
            # psycopg 3 is the installed driver; a plain postgresql:// URL would ask SQLAlchemy for psycopg2.
            self.database_url = "postgresql+psycopg://" + self.database_url.split("://", 1)[1]
        return self
