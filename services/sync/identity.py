"""This terminal's credential for the central server, kept in ``terminal.json`` in the data directory."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

IDENTITY_FILE = "terminal.json"
_FIELD_TYPES = {"server_url": str, "terminal_id": int, "token": str, "name": str, "location": str}


@dataclass(frozen=True)
class TerminalIdentity:
    server_url: str
    terminal_id: int
    token: str
    name: str
    location: str

    def __repr__(self) -> str:
        # Keeps the token out of logs and tracebacks.
        return f"TerminalIdentity(server_url={self.server_url!r}, terminal_id={self.terminal_id}, name={self.name!r})"


def load_identity(data_dir: Path) -> TerminalIdentity | None:
    """The saved identity; None when there is none, or (with a warning) when the file is unusable."""
    path = data_dir / IDENTITY_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("terminal identity %s is unreadable (%s); the terminal is not enrolled", path, exc)
        return None
    if not isinstance(document, dict) or not all(type(document.get(k)) is t for k, t in _FIELD_TYPES.items()):
        log.warning("terminal identity %s is malformed; the terminal is not enrolled", path)
        return None
    return TerminalIdentity(**{key: document[key] for key in _FIELD_TYPES})


def save_identity(data_dir: Path, identity: TerminalIdentity) -> None:
    """Write ``terminal.json`` (mode 0600) so that a crash leaves the old file or the new one, never half."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / IDENTITY_FILE
    temporary = path.with_name(f".{IDENTITY_FILE}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(identity), handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)  # O_CREAT's mode only applies to a new file
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
