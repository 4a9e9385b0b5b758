"""The record store's projection registry: each kind's domain registers its projection; a kind nobody registered
is refused loudly instead of being stored without what follows from it."""

from __future__ import annotations

from typing import get_args

import pytest

from common import wire
from server.fleet import records
from server.projections import register_projections


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(records, "_PROJECTIONS", {})


def _rows(*kinds: str) -> list[dict]:
    return [{"id": f"r{n}", "kind": kind, "created_at": n} for n, kind in enumerate(kinds)]


def test_each_kind_goes_to_its_projection_newly_inserted_rows_only_in_creation_order(empty_registry):
    seen: list[tuple[str, list[str]]] = []
    records.register_projection("checkin", lambda db, terminal, rows: seen.append(("checkin", [r["id"] for r in rows])))
    records.register_projection("feedback", lambda db, terminal, rows: seen.append(("feedback", [r["id"] for r in rows])))
    rows = _rows("feedback", "checkin", "diagnostic", "checkin", "feedback")
    records.project_new(None, None, list(reversed(rows)), inserted={"r0", "r1", "r2", "r3"})
    assert sorted(seen) == [("checkin", ["r1", "r3"]), ("feedback", ["r0"])]


def test_registering_again_is_harmless_and_a_second_projection_is_refused(empty_registry):
    def project(db, terminal, rows):
        pass

    records.register_projection("checkin", project)
    records.register_projection("checkin", project)
    with pytest.raises(ValueError, match="checkin"):
        records.register_projection("checkin", lambda db, terminal, rows: None)


def test_a_kind_without_projection_is_refused_unless_only_stored(empty_registry):
    with pytest.raises(LookupError, match="checkin"):
        records.project_new(None, None, _rows("checkin"), inserted={"r0"})
    records.project_new(None, None, _rows("diagnostic", "checkin"), inserted={"r0"})  # the check-in is a duplicate


def test_the_start_up_registrations_cover_every_kind_a_terminal_sends(empty_registry):
    register_projections()
    register_projections()  # a second app in the same process
    assert records.projection_for("checkin").__module__ == "server.events.checkins"
    assert records.projection_for("feedback").__module__ == "server.projections"  # feedback items, then wishes
    assert records.projection_for("diagnostic") is None
    for kind in get_args(wire.RecordKind):
        records.projection_for(kind)  # no LookupError
