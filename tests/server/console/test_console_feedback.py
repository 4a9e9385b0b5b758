"""Feedback in the console: the inbox (once per record, flags, filters, suppressed apart), the item page's
workflow with errors beside the field, hostile text shown as text, statistics, CSV and the alert banner."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import requests

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient, create_operator
from tests.server.console.form_fields import form_fields
from tests.server.feedback_data import feedback_record, item_of, send

SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE feedback_items; --"


def _signed_in(server, operator: bool = False) -> ConsoleClient:
    client = ConsoleClient(server)
    if operator:
        client.sign_in("operator", create_operator(server))
    else:
        client.sign_in()
    return client


def test_a_record_sent_twice_is_one_row_in_the_inbox_with_its_flags(live_server):
    terminal = enrolled_terminal(live_server)
    now = datetime.now(UTC)
    late = feedback_record("repair", submitted_at=now - timedelta(hours=72))
    unhappy = feedback_record("service_rating", rating=1, reason="态度差")
    repeat = feedback_record("other", suppressed="repeat")
    send(terminal, late, unhappy, repeat)
    send(terminal, late, unhappy, repeat)
    client = _signed_in(live_server, operator=True)
    page = client.page("/feedback")
    assert page.status_code == 200 and 'id="nav-feedback"' in page.text
    rows = re.findall(r"<tr class=\"([^\"]*)\">\s*<td class=\"nowrap\"><a href=\"/console/feedback/\d+\"><code>([^<]+)<", page.text)
    assert sorted(rows, key=lambda r: r[1]) == sorted([("is-overdue", late["payload"]["tracking_number"]),
                                                       (" is-negative", unhappy["payload"]["tracking_number"])],
                                                      key=lambda r: r[1])
    assert page.text.count("flag-overdue") == 1 and page.text.count("flag-negative") == 1
    assert repeat["payload"]["tracking_number"] not in page.text
    assert re.search(r'id="suppressed-count">1<', page.text)
    apart = client.page("/feedback?view=suppressed").text
    assert repeat["payload"]["tracking_number"] in apart and late["payload"]["tracking_number"] not in apart
    filtered = client.page("/feedback", params={"rating": "negative"}).text
    assert unhappy["payload"]["tracking_number"] in filtered and late["payload"]["tracking_number"] not in filtered
    overdue = client.page("/feedback", params={"overdue": "1", "category": "repair", "age": "day"}).text
    assert late["payload"]["tracking_number"] in overdue and unhappy["payload"]["tracking_number"] not in overdue


def test_hostile_text_is_shown_as_text_in_the_inbox_and_on_the_item_page(live_server):
    terminal = enrolled_terminal(live_server, name="<b>kiosk</b>")
    send(terminal, sent := feedback_record("service_rating", rating=2, text=SCRIPT + SQL, reason=SCRIPT))
    client = _signed_in(live_server)
    item_id = item_of(live_server, sent)["id"]
    for path in ("/feedback", f"/feedback/{item_id}", "/feedback/stats"):
        page = client.page(path).text
        assert SCRIPT not in page and "<b>kiosk</b>" not in page, path
    detail = client.page(f"/feedback/{item_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#39;; DROP TABLE feedback_items; --" in detail
    client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/notes", {"note": SCRIPT})
    client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/reply", {"reply": SCRIPT})
    detail = client.page(f"/feedback/{item_id}").text
    assert SCRIPT not in detail and detail.count("&lt;script&gt;") >= 4
    assert len(client.page("/feedback").text.split(sent["payload"]["tracking_number"])) == 2  # the table is intact


def test_the_item_page_runs_the_workflow_with_errors_beside_the_field(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, sent := feedback_record())
    item_id = item_of(live_server, sent)["id"]
    client = _signed_in(live_server, operator=True)
    page = client.page(f"/feedback/{item_id}").text
    assert 'id="to-accepted"' in page and 'id="to-rejected"' in page and 'id="to-closed"' not in page
    refused = client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/status", {"to": "rejected", "reason": "  "})
    assert refused.status_code == 422
    field = re.search(r'<div class="field wide has-error">.*?</div>', refused.text, re.S).group(0)
    assert 'name="reason"' in field and 'id="error-reason"' in field
    skipped = client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/status", {"to": "closed"})
    assert skipped.status_code == 422 and 'id="error-status"' in skipped.text
    for to in ("accepted", "in_progress"):
        assert client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/status", {"to": to}).status_code == 200
    empty_note = client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/notes", {"note": ""})
    assert empty_note.status_code == 422 and 'id="error-note"' in empty_note.text
    client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/notes", {"note": "已联系物业"})
    assign = dict(form_fields(re.search(r'<form[^>]*id="assign-form".*?</form>', page, re.S).group(0)))
    operator_id = re.search(r'<option value="(\d+)" >operator \(Operator\)', page).group(1)
    client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/assign", {**assign, "assignee": operator_id})
    client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/reply", {"reply": "已恢复供水"})
    rejected = client.submit(f"/feedback/{item_id}", f"/feedback/{item_id}/status", {"to": "rejected", "reason": "重复"})
    assert rejected.status_code == 200 and 'id="reject-reason">重复<' in rejected.text
    item = item_of(live_server, sent)
    assert (item["status"], item["assignee"], item["public_reply"], [n["text"] for n in item["notes"]]) == (
        "rejected", "operator", "已恢复供水", ["已联系物业"])
    status_page = requests.get(f"{live_server.url}/s/{sent['payload']['tracking_number']}",
                               params={"c": sent["payload"]["check_code"]}, timeout=30).text
    assert "已恢复供水" in status_page and "已联系物业" not in status_page
    forged = client.post(client.url(f"/feedback/{item_id}/reply"), data={"reply": "forged"}, timeout=30)
    assert forged.status_code == 403  # no CSRF token
    assert item_of(live_server, sent)["public_reply"] == "已恢复供水"


def test_statistics_page_draws_a_chart_and_the_csv_matches_the_filter(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, *[feedback_record("service_rating", rating=r) for r in (5, 5, 5, 4, 1)],
         feedback_record("repair", text="电梯坏了"))
    client = _signed_in(live_server)
    page = client.page("/feedback/stats").text
    assert 'id="total">6<' in page
    ratings_chart = re.search(r'<svg class="chart" id="chart-ratings".*?</svg>', page, re.S).group(0)
    values = [int(v) for v in re.findall(r'class="value">(\d+)<', ratings_chart)]
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', ratings_chart)]
    assert values == [3, 1, 0, 0, 1] and widths[0] > widths[1] == widths[4] > widths[2] == 0
    # Drawn by the server: no script in the page's content (the console's shared form script comes after it).
    assert "<script" not in page.split("</main>")[0]
    assert "http" not in ratings_chart.replace("http://www.w3.org/2000/svg", "")
    exported = client.page("/feedback/export.csv", params={"category": "repair"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["text"] for r in rows] == ["电梯坏了"]


def test_the_console_shows_an_alert_when_a_terminal_gets_too_many_unhappy_ratings(live_server):
    terminal = enrolled_terminal(live_server, name="T1 <大堂>")
    client = _signed_in(live_server, operator=True)
    send(terminal, *[feedback_record("service_rating", rating=r) for r in (1, 2, 5)])
    assert 'id="feedback-alert"' not in client.page("/terminals").text
    send(terminal, feedback_record("service_rating", rating=1))  # 3 of 4 unhappy within the window
    banner = re.search(r'<div class="alert alert-bad" role="alert" id="feedback-alert">.*?</div>',
                       client.page("/terminals").text, re.S).group(0)
    assert "T1 &lt;大堂&gt;" in banner and "3 / 4" in banner and f"terminal_id={terminal.id}" in banner
    assert 'id="feedback-alert"' in client.page("/feedback").text
