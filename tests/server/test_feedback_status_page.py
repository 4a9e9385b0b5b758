"""The public status page /s/<tracking>?c=<code>: the item's status and public reply for whoever holds the
code, one and the same answer for every wrong guess, and a limit on guesses per client address."""

from __future__ import annotations

import pytest
import requests

from tests.server.calls import enrolled_terminal
from tests.server.feedback_data import feedback_record, item_of, send

HOSTILE = "<script>alert(1)</script>'; DROP TABLE feedback_items; --"


def _status(server, tracking: str, code: str, **params) -> requests.Response:
    return requests.get(f"{server.url}/s/{tracking}", params={"c": code, **params}, timeout=30)


def test_the_public_reply_shows_and_nothing_private_does(live_server):
    terminal = enrolled_terminal(live_server)
    sent = feedback_record("repair", text="12 楼茶水间停水了 私密内容", phone="13812345678", consent=True)
    send(terminal, sent)
    tracking, code = sent["payload"]["tracking_number"], sent["payload"]["check_code"]
    item_id = item_of(live_server, sent)["id"]
    page = _status(live_server, tracking, code)
    assert page.status_code == 200
    assert tracking in page.text and "报修" in page.text and "已受理登记" in page.text and 'id="no-reply"' in page.text
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    live_server.admin("POST", f"/admin/feedback/{item_id}/transition", json={"to": "accepted"}).raise_for_status()
    live_server.admin("POST", f"/admin/feedback/{item_id}/notes", json={"text": "内部：物业王师傅"}).raise_for_status()
    live_server.admin("PUT", f"/admin/feedback/{item_id}/reply", json={"text": "已安排维修，今天 15:00 前恢复供水。"}
                      ).raise_for_status()
    page = _status(live_server, tracking, code)
    assert "已安排维修，今天 15:00 前恢复供水。" in page.text and "已受理" in page.text
    for private in ("13812345678", "私密内容", "物业王师傅", "停水"):
        assert private not in page.text, private
    english = _status(live_server, tracking, code, lang="en")
    assert "Repair request" in english.text and "Accepted" in english.text
    assert "Repair request" in requests.get(f"{live_server.url}/s/{tracking}?c={code}", timeout=30,
                                            headers={"Accept-Language": "en-GB,en;q=0.8"}).text


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, mine := feedback_record(), theirs := feedback_record())
    tracking, code = mine["payload"]["tracking_number"], mine["payload"]["check_code"]
    wrong_code = f"{(int(code) + 1) % 10**6:06d}"
    unknown = feedback_record()["payload"]["tracking_number"]
    guesses = [(tracking, wrong_code), (tracking, ""), (tracking, theirs["payload"]["check_code"]), (unknown, code),
               (unknown, wrong_code), ("F000000-00000000", "000000"), ("not-a-number", "x" * 5000),
               (tracking.lower(), code), (tracking, code + "0"), ("' OR 1=1 --", "' OR 1=1 --")]
    answers = [_status(live_server, t, c) for t, c in guesses]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1, "every wrong guess must read the same"
    assert tracking not in answers[0].text
    assert _status(live_server, tracking, code).status_code == 200


@pytest.mark.server_settings(feedback_status_lookups_per_minute=5)
def test_status_lookups_are_rate_limited_per_client(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, sent := feedback_record())
    tracking, code = sent["payload"]["tracking_number"], sent["payload"]["check_code"]
    assert [_status(live_server, tracking, f"{n:06d}").status_code for n in range(4)] == [404] * 4
    assert _status(live_server, tracking, code).status_code == 200  # the fifth lookup in the minute
    limited = _status(live_server, tracking, code)  # right code, but over the limit: guessing must not go on
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert 'id="limited"' in limited.text and tracking not in limited.text
    # The administrators' API is not limited by the public page's counter.
    assert live_server.admin("GET", "/admin/feedback").status_code == 200


def test_hostile_reply_text_is_shown_as_text(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, sent := feedback_record(text=HOSTILE))
    item_id = item_of(live_server, sent)["id"]
    live_server.admin("PUT", f"/admin/feedback/{item_id}/reply", json={"text": HOSTILE}).raise_for_status()
    page = _status(live_server, sent["payload"]["tracking_number"], sent["payload"]["check_code"])
    assert page.status_code == 200
    assert "<script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;&#39;; DROP TABLE" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none': no script at all
    assert item_of(live_server, sent)["text"] == HOSTILE  # stored exactly, the table still there
