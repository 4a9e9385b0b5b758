"""Secrets the server keeps in its data directory rather than in its database, so that a copy of the
database alone (a backup, a dump) reveals neither ticket signing keys nor feedback check codes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable secret; remove it to make a new one")
    return secret.encode()
