"""The micro-wish phone pages and console pages over real HTTP: a wish posted on the phone, reviewed and published in
the console, claimed, fulfilled with a photo and followed by its poster; hostile input on every form (HTML,
oversized text and photos, forged tracking numbers and claim tokens, another site's form) gets a clear error, is
stored escaped or not at all, and leaks nothing."""

from __future__ import annotations

import io
import re

import pytest
import requests
from PIL import Image

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient
from tests.server.wish_calls import centre_teams, errors, phone_form, reason

pytestmark = pytest.mark.server_settings(wish_form_posts_per_minute=1000)
HOSTILE = '<script>alert("x")</script>'


def _photo(size: tuple[int, int] = (800, 600)) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "王志愿 13912345678"  # Artist: must not survive
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_wish_from_the_phone_through_review_claim_and_fulfilment_with_hostile_input_refused(live_server):
    server = live_server
    teams = centre_teams(server)
    poster = requests.Session()
    new = f"{server.url}/w/new"
    too_long = phone_form(poster, new, new, {"text": "书" * 501, "phone": "12345"})
    assert too_long.status_code == 400 and errors(too_long) == {"text", "phone", "consent"}
    no_consent = phone_form(poster, new, new, {"text": "想要", "phone": "13800138000"})
    assert no_consent.status_code == 400 and errors(no_consent) == {"consent"}
    bad_phone = phone_form(poster, new, new, {"text": "想要", "phone": "12345", "consent": "yes"})
    assert errors(bad_phone) == {"phone"} and "想要" in bad_phone.text  # what was typed stays in the form
    forged = requests.post(new, data={"csrf_token": "x", "text": "另一个网站的表单"}, timeout=30)
    assert forged.status_code == 403 and reason(forged) == "form_expired"

    posted = phone_form(poster, new, new, {"text": f"阅读角想要新书 {HOSTILE}", "phone": "13800138000",
                                           "consent": "yes"})
    assert posted.status_code == 201
    tracking = re.search(r'id="tracking"><code>(W\d{6}-[0-9A-Z]{8})<', posted.text).group(1)
    check = re.search(r'id="check-code"><code>(\d{6})<', posted.text).group(1)
    status = poster.get(f"{server.url}/ws/{tracking}?c={check}", timeout=30)
    assert 'data-status="review"' in status.text and "13800138000" not in status.text
    for number, code in ((tracking, "000000"), ("W000000-00000000", check), ("<img src=x onerror=alert(1)>", check), ("F" * 5000, "1")):
        wrong = poster.get(f"{server.url}/ws/{number}", params={"c": code}, timeout=30)
        assert wrong.status_code == 404 and reason(wrong) == "no_status" and "<img" not in wrong.text

    console = ConsoleClient(server)
    console.sign_in()
    oversized = console.submit("/wishes/new", "/wishes/new", {"text": "愿" * 501, "phone": "<b>1</b>"})
    assert oversized.status_code == 422 and 'id="error-text"' in oversized.text and "<b>1</b>" not in oversized.text
    queue = console.page("/wishes")
    wish_id = int(re.search(r'href="/console/wishes/(\d+)"><code>' + tracking, queue.text).group(1))
    page = console.page(f"/wishes/{wish_id}")
    assert "&lt;script&gt;alert" in page.text and HOSTILE not in page.text and "13800138000" in page.text
    assert requests.get(f"{server.url}/w/{wish_id}", timeout=30).status_code == 404  # not public before review
    leaking = console.submit(f"/wishes/{wish_id}", f"/wishes/{wish_id}/publish",
                             {"title": "阅读角新书，联系 138-0013-8000", "for_whom": ""})
    assert leaking.status_code == 422 and 'id="error-title"' in leaking.text
    too_long = console.submit(f"/wishes/{wish_id}", f"/wishes/{wish_id}/publish", {"title": "书" * 81})
    assert too_long.status_code == 422 and 'id="error-title"' in too_long.text
    published = console.submit(f"/wishes/{wish_id}", f"/wishes/{wish_id}/publish",
                               {"title": f"阅读角需要新书 {HOSTILE}", "for_whom": "T3 楼的职工"})
    assert published.status_code == 200 and 'data-status="open"' in published.text
    assert console.submit(f"/wishes/{wish_id}", f"/wishes/{wish_id}/assign",
                          {"team": str(teams["member-care"])}).status_code == 200

    wall = enrolled_terminal(server).call("GET", "/terminal/wishes").json()
    assert [(c["title"], c["status"], c["path"]) for c in wall["cards"]] == [
        (f"阅读角需要新书 {HOSTILE}", "open", f"/w/{wish_id}")]

    volunteer, late = requests.Session(), requests.Session()
    wish_url, claim_url = f"{server.url}/w/{wish_id}", f"{server.url}/w/{wish_id}/claim"
    page = volunteer.get(wish_url, timeout=30)
    assert "阅读角需要新书 &lt;script&gt;" in page.text and "13800138000" not in page.text and "阅读角想要" not in page.text
    assert errors(phone_form(volunteer, wish_url, claim_url, {"name": "x" * 41, "phone": "1", "team": "99999"})) == {
        "name", "phone", "team", "consent"}
    late_page = late.get(wish_url, timeout=30)  # the second volunteer opened the page too
    claimed = phone_form(volunteer, wish_url, claim_url, {"name": HOSTILE, "phone": "13912345678",
                                                          "team": str(teams["member-care"]), "consent": "yes"},
                         allow_redirects=False)
    assert claimed.status_code == 303 and re.fullmatch(r"/wc/[A-Za-z0-9_-]{32}", claimed.headers["location"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', late_page.text).group(1)
    taken = late.post(claim_url, timeout=30, data={"csrf_token": token, "name": "李四", "phone": "13712345678",
                                                   "team": str(teams["youth"]), "consent": "yes"})
    assert taken.status_code == 409 and reason(taken) == "taken"
    public = requests.get(wish_url, timeout=30).text
    assert "党员爱心服务队" in public and "13912345678" not in public and "&lt;script&gt;alert" in public

    mine = server.url + claimed.headers["location"]
    assert requests.get(f"{server.url}/wc/{'A' * 32}", timeout=30).status_code == 404
    fulfil = mine.replace("/wc/", "/wc/") + "/fulfil"
    for upload, problem in ((b"<svg onload=alert(1)>", "photo"), (b"\xff" * (8 * 1024 * 1024 + 10), "photo")):
        refused = phone_form(volunteer, mine, fulfil, {"note": "已送到"}, files={"photo": ("p.jpg", upload, "image/jpeg")})
        assert refused.status_code == 400 and errors(refused) == {problem}
    done = phone_form(volunteer, mine, fulfil, {"note": f"送来 20 本书 {HOSTILE}"},
                      files={"photo": ("p.jpg", _photo(), "image/jpeg")})
    assert done.status_code == 200 and 'id="thanks"' in done.text
    photo = requests.get(f"{wish_url}/photo.jpg", timeout=30)
    assert photo.headers["content-type"] == "image/jpeg" and b"13912345678" not in photo.content
    with Image.open(io.BytesIO(photo.content)) as image:
        assert not image.getexif()
    followed = poster.get(f"{server.url}/ws/{tracking}?c={check}", timeout=30).text
    assert 'data-status="fulfilled"' in followed and "送来 20 本书 &lt;script&gt;" in followed
    assert HOSTILE not in followed

    exported = console.page("/wishes/export.csv").content.decode("utf-8-sig")
    assert tracking in exported and "13800138000" not in exported and "13912345678" not in exported
    history = console.page(f"/wishes/{wish_id}").text
    for action in ("wish.post", "wish.publish", "wish.assign", "wish.claim", "wish.fulfil"):
        assert action in history
