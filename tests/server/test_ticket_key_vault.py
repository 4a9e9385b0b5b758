"""Ticket signing keys are sealed at rest with a secret kept outside the database."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from server.core.config import ServerSettings
from server.core.server_secrets import stored_secret
from server.events.ticket_key_vault import SealedKeyError, TicketKeyVault, vault

SEED = bytes(range(32))


def test_a_sealed_key_opens_only_under_its_secret_and_its_key_id():
    sealed = TicketKeyVault(b"s" * 64).seal(3, SEED)
    assert SEED not in sealed
    assert TicketKeyVault(b"s" * 64).open(3, sealed) == SEED
    with pytest.raises(SealedKeyError):
        TicketKeyVault(b"t" * 64).open(3, sealed)
    with pytest.raises(SealedKeyError):  # moved to another key id
        TicketKeyVault(b"s" * 64).open(4, sealed)
    with pytest.raises(SealedKeyError):
        TicketKeyVault(b"s" * 64).open(3, sealed[:-1] + bytes([sealed[-1] ^ 1]))


def test_without_a_configured_secret_one_is_made_in_the_data_directory_readable_by_the_owner_only(tmp_path):
    settings = ServerSettings(kiosk_server_data_dir=tmp_path / "data", database_url="sqlite:///unused")
    sealed = vault(settings).seal(1, SEED)
    secret_file = tmp_path / "data" / "ticket-key-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert TicketKeyVault(secret_file.read_text().strip().encode()).open(1, sealed) == SEED
    configured = ServerSettings(kiosk_server_data_dir=tmp_path / "data", database_url="sqlite:///unused",
                                ticket_key_secret="x" * 40)
    with pytest.raises(SealedKeyError):
        vault(configured).open(1, sealed)


def test_processes_starting_at_once_agree_on_one_secret(tmp_path):
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(stored_secret(tmp_path, "shared"))) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 16
    assert os.listdir(tmp_path) == ["shared"]  # no candidate files left behind
