"""The parked records page over real HTTP: a record the server refused is listed with its error (escaped),
retried (refused again: it stays, with the error), discarded with a reason beside its field; audited. Only an
admin decides parked records, pairings and new groups; a terminal credential reaches none of these pages."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import requests

from tests.server.calls import enrolled_terminal, record
from tests.server.console.console_client import ConsoleClient, create_operator


def _refused_record(terminal) -> dict:
    refused = {"id": str(uuid.uuid4()), "kind": "visit_v9", "created_at": datetime.now(UTC).isoformat(),
               "payload": {"note": "<script>alert(1)</script>"}}
    reply = terminal.call("POST", "/terminal/records", json={"records": [record(), refused]})
    assert reply.status_code == 200 and [r["id"] for r in reply.json()["rejected"]] == [refused["id"]]
    return refused


def _row(page: str, parked_id: str) -> str:
    return re.search(rf'<tr data-parked="{parked_id}">.*?</tr>', page, re.DOTALL).group(0)


def test_a_refused_record_is_listed_retried_and_discarded_with_a_reason(live_server):
    terminal = enrolled_terminal(live_server, name="Parking <T9>")
    refused = _refused_record(terminal)
    client = ConsoleClient(live_server)
    client.sign_in()
    page = client.page("/parked").text
    parked_id = re.search(r'<tr data-parked="(\d+)">', page).group(1)
    row = _row(page, parked_id)
    assert "visit_v9" in row and refused["id"] in row and "Parking &lt;T9&gt;" in row and "kind:" in row
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in row

    again = client.submit("/parked", f"/parked/{parked_id}/retry")
    assert again.status_code == 422 and "Retried: still refused." in again.text and _row(again.text, parked_id)

    blank = client.submit("/parked", f"/parked/{parked_id}/discard", {"reason": "  "})
    assert blank.status_code == 422
    assert f'aria-describedby="error-discard-{parked_id}-reason"' in blank.text
    assert f'id="error-discard-{parked_id}-reason"' in blank.text

    client.submit("/parked", f"/parked/{parked_id}/discard", {"reason": "Test kiosk on a pre-release <build>"})
    page = client.page("/parked").text
    assert "No parked records." in page
    assert "Test kiosk on a pre-release &lt;build&gt;" in re.search(r'id="parked-resolved".*?</table>', page,
                                                                   re.DOTALL).group(0)
    actions = [(e["action"], e["target"]) for e in live_server.admin("GET", "/admin/audit").json()]
    assert ("record.discard", f"record:{terminal.id}:{refused['id']}") in actions
    assert ("record.retry_refused", f"record:{terminal.id}:{refused['id']}") in actions
    assert client.submit("/parked", f"/parked/{parked_id}/retry").status_code == 404  # decided already


def test_only_an_admin_decides_parked_records_pairings_and_groups_and_a_terminal_reaches_none(live_server):
    terminal = enrolled_terminal(live_server)
    _refused_record(terminal)
    secret = uuid.uuid4().hex * 2
    requests.post(live_server.api_url("/enrolment/pairings"), timeout=30,
                  json={"code": "615203", "secret": secret, "app_version": "0.1.0"}).raise_for_status()
    operator = ConsoleClient(live_server)
    operator.sign_in("operator", create_operator(live_server))
    page = operator.page("/parked").text
    parked_id = re.search(r'<tr data-parked="(\d+)">', page).group(1)
    assert "/retry" not in page and "/discard" not in page
    assert operator.submit("/parked", f"/parked/{parked_id}/discard", {"reason": "no"}).status_code == 403
    terminals = operator.page("/terminals").text
    assert "615203" in terminals and "/pairings/615203/reject" not in terminals
    assert operator.submit("/terminals", "/pairings/615203/reject", {"reason": "no"}).status_code == 403
    assert operator.submit("/terminals", "/groups", {"group": "ops"}).status_code == 403
    poll = requests.post(live_server.api_url("/enrolment/pairings/615203/poll"), json={"secret": secret}, timeout=30)
    assert poll.json()["status"] == "pending" and [e for e in live_server.admin("GET", "/admin/audit").json()
                                                   if e["action"] in ("record.discard", "group.create")] == []
    as_terminal = requests.get(f"{live_server.url}/console/parked", allow_redirects=False, timeout=30,
                               headers={"Authorization": f"Bearer {terminal.token}"})
    assert as_terminal.status_code in (302, 303, 401) and "visit_v9" not in as_terminal.text
