"""The kept building-matters board: what arrived is read back as it was with when it arrived; a board the kiosk
cannot read (refused by the wire model, or kept by another version in another shape) is never half-shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common import wire
from services.matters.board_store import BOARD_KEY, MattersBoardError, MattersBoardStore, parse_board


def _board(**changes) -> dict:
    now = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
    document = {
        "etag": "e1", "generated_at": now.isoformat(),
        "counts": {"year": 2026, "raised": 3, "resolved": 1, "open": 2},
        "resolved": [{"id": 1, "title": "写字楼停水", "description": "", "raised_by": "金***", "raised_via": "console",
                      "raised_at": now.isoformat(), "status": "resolved", "unit_kind": "property",
                      "unit_name": "富力物业", "resolution": "更换加压泵", "resolved_at": now.isoformat()}],
        "open": [], "convention": None,
    }
    document.update(changes)
    return document


def test_a_kept_board_reads_back_with_when_it_arrived(store):
    kept = MattersBoardStore(store).replace(parse_board(_board(), "test"), datetime(2026, 3, 20, 9, 30, tzinfo=UTC))
    again = MattersBoardStore(store).load()
    assert again == kept and again.board.resolved[0].resolution == "更换加压泵"
    assert again.fetched_at == datetime(2026, 3, 20, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("changes", [
    {"resolved": [{"id": 1, "title": "x" * 81}]},  # longer than the wire allows
    {"counts": {"year": 2026, "raised": -1, "resolved": 0, "open": 0}},
    {"open": "<script>"},
])
def test_a_board_the_wire_refuses_is_an_error_naming_its_source(changes):
    with pytest.raises(MattersBoardError, match="matters board e9"):
        parse_board(_board(**changes), "matters board e9")


def test_a_kept_board_that_no_longer_reads_is_none_not_a_crash(store):
    assert MattersBoardStore(store).load() is None
    MattersBoardStore(store).replace(wire.MattersBoard.model_validate(_board()))
    store.set_state(BOARD_KEY, '{"etag": 1}')
    assert MattersBoardStore(store).load() is None
