"""A revoked credential: the kiosk says so, keeps every record, and carries on once enrolled again."""

from __future__ import annotations

import pytest

from services.storage.outbox import Outbox
from services.sync.api import ServerApi, UnauthorisedError
from services.sync.enrolment import redeem_code
from services.sync.identity import load_identity, save_identity
from tests.sync.conftest import APP_VERSION, admin_json, stored_records


def test_a_revoked_terminal_is_unauthorised_and_keeps_its_data(live_server, enrolled, make_engine, store, data_dir):
    engine, watcher = make_engine(None)
    watcher.wait_state("online")
    admin_json(live_server, "POST", f"/admin/terminals/{enrolled.terminal_id}/revoke")
    ids = [Outbox(store).add("checkin", {"n": n}) for n in range(3)]
    status = watcher.wait_state("unauthorised", nudge=True)
    assert "401" in status.last_error and "revoked" in status.last_error
    assert status.outbox_depth == 3
    assert load_identity(data_dir) == enrolled  # nothing thrown away: the credential file stays too
    engine.sync_now()
    assert watcher.wait_state("unauthorised").outbox_depth == 3

    # The administrator enrols it again (`kiosk enrol`): the running engine picks up the new credential.
    code = admin_json(live_server, "POST", f"/admin/terminals/{enrolled.terminal_id}/enrolment-code")["code"]
    save_identity(data_dir, redeem_code(live_server.url, code, APP_VERSION))
    watcher.wait_status(lambda s: s.state == "online" and s.outbox_depth == 0, "the queue to drain after re-enrolment")
    assert sorted(r["id"] for r in stored_records(live_server, enrolled.terminal_id)) == sorted(ids)


def test_a_terminal_token_is_no_admin_and_an_admin_token_no_terminal(live_server, enrolled):
    as_admin = ServerApi(live_server.url, live_server.admin_token)
    with pytest.raises(UnauthorisedError, match="401"):
        as_admin.commands()
    as_admin.close()
    assert live_server.admin("GET", "/admin/terminals", token=enrolled.token).status_code == 401
