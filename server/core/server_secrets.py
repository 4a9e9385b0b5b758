"""Secrets the server keeps in its data directory rather than in its database, so that a copy of the
database alone (a backup, a dump) reveals neither ticket signing keys nor feedback check codes."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class KeptSecret:
    """A secret kept outside the database: its setting (ServerSettings attribute), its file in the data directory
    when the setting is empty, and what will not work on a database restored without it."""

    setting: str
    file: str
    without_it: str


KEPT_SECRETS = (
    KeptSecret("ticket_key_secret", "ticket-key-secret",
               "the ticket signing keys in the database cannot be opened: no ticket can be issued, shown or "
               "downloaded again until new keys are made (tickets already printed still check in offline)"),
    KeptSecret("feedback_code_pepper", "feedback-pepper",
               "the check codes of the feedback items already received no longer match: their public status "
               "pages refuse every code (new items work)"),
    KeptSecret("record_seal_secret", "record-seal-secret",
               "what terminals kept only sealed cannot be opened when they send it again: re-sent feedback "
               "arrives without the visitor's phone, re-sent check-in scans are stored but not counted"),
)


def configured_secret(settings: Any, secret: KeptSecret) -> bytes:
    """The secret: its setting when set, else its file in the data directory (made at first use)."""
    configured = getattr(settings, secret.setting)
    return configured.encode() if configured else stored_secret(settings.kiosk_server_data_dir, secret.file)


def existing_secret(settings: Any, secret: KeptSecret) -> bytes | None:
    """The secret if it is set or its file exists; None instead of making one (restore checks)."""
    configured = getattr(settings, secret.setting)
    if configured:
        return configured.encode()
    path = Path(settings.kiosk_server_data_dir) / secret.file
    return path.read_text().strip().encode() if path.exists() else None


def stored_secret(data_dir: Path, name: str) -> bytes:
    """The secret in ``data_dir/name`` (mode 0600), made at first use.

    Several server processes may start at once: each writes a candidate to a private file and hard-links it
    into place, which succeeds for exactly one of them; all then read the one that won, never a half-written file.
    """
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        candidate = data_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
                file.flush()
                os.fsync(file.fileno())
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    status = path.stat()
    return _secret_in(path, status.st_ino, status.st_mtime_ns)


@lru_cache(maxsize=32)
def _secret_in(path: Path, _inode: int, _modified_ns: int) -> bytes:
    # Read again only when the file changes (a restore puts the backup's back): every heartbeat and record batch
    # needs the record seal key.
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable secret; remove it to make a new one")
    return secret.encode()
