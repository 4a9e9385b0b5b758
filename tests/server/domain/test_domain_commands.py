"""server/fleet/commands.py against a migrated database: what a terminal's heartbeat reply counts as waiting."""

from __future__ import annotations

from datetime import timedelta

from server.core.clock import utcnow
from server.fleet import commands, terminals


def test_only_unexpired_pending_commands_of_the_terminal_are_counted(db):
    gate, lobby = (terminals.create_terminal(db, name, "T1", None, "tester") for name in ("Gate", "Lobby"))
    now = utcnow()
    assert commands.pending_count(db, gate.id, now) == 0
    commands.queue(db, gate, "sync_now", {}, 60, "tester", now)
    commands.queue(db, gate, "restart", {}, 600, "tester", now)
    commands.queue(db, lobby, "sync_now", {}, 600, "tester", now)
    done = commands.queue(db, gate, "reload_config", {}, 600, "tester", now)
    done.status = "done"
    db.commit()
    assert commands.pending_count(db, gate.id, now) == 2
    assert commands.pending_count(db, gate.id, now + timedelta(seconds=60)) == 1  # the first one lapsed
    assert commands.pending_count(db, lobby.id, now) == 1
