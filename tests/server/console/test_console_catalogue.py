"""The catalogue pages over real HTTP: search, editing one service (errors naming the field), create and
delete, CSV/JSON import with the per-row report, export; every change is a new version terminals get."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient


def _signed_in(server) -> ConsoleClient:
    client = ConsoleClient(server)
    client.sign_in()
    return client


def _service_json(client: ConsoleClient, code: str) -> dict:
    page = client.page(f"/catalogue/services/{code}").text
    return json.loads(html.unescape(re.search(r'<textarea id="service"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1)))


def _served(terminal) -> dict:
    return {s["code"]: s for s in terminal.call("GET", "/terminal/catalogue").json()["services"]}


def test_search_finds_services_by_name_and_code(live_server):
    client = _signed_in(live_server)
    found = client.page("/catalogue", params={"q": "社会保障卡"}).text
    assert "RS-001" in found
    assert "RS-001" in client.page("/catalogue", params={"q": "rs-001"}).text
    assert "RS-001" not in client.page("/catalogue", params={"q": "no such service anywhere"}).text


def test_an_edited_service_is_published_to_terminals(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    service = _service_json(client, "RS-001")
    service["hours"] = {"zh": "周一至周五 9:00-12:00", "en": "Weekdays 9:00-12:00"}
    reply = client.submit("/catalogue/services/RS-001", "/catalogue/services/RS-001",
                          {"service": json.dumps(service, ensure_ascii=False)})
    assert reply.status_code == 200 and "published=" in reply.url
    assert _served(terminal)["RS-001"]["hours"]["en"] == "Weekdays 9:00-12:00"


def test_a_bad_service_is_refused_naming_the_field_and_nothing_changes(live_server):
    client = _signed_in(live_server)
    before = live_server.admin("GET", "/admin/catalogue").json()["etag"]
    service = _service_json(client, "RS-001")
    service["phone"] = "call us"
    reply = client.submit("/catalogue/services/RS-001", "/catalogue/services/RS-001", {"service": json.dumps(service)})
    assert reply.status_code == 422
    assert "RS-001" in reply.text and "phone" in reply.text
    assert "call us" in reply.text  # the editor keeps what was typed
    assert live_server.admin("GET", "/admin/catalogue").json()["etag"] == before


def test_a_service_is_created_and_deleted(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    service = _service_json(client, "new")
    service["code"] = "ZZ-901"
    client.submit("/catalogue/services/new", "/catalogue/services/new", {"service": json.dumps(service)})
    assert "ZZ-901" in _served(terminal)
    duplicate = client.submit("/catalogue/services/new", "/catalogue/services/new", {"service": json.dumps(service)})
    assert duplicate.status_code == 422 and "already in use" in duplicate.text
    assert 'class="danger"' in client.page("/catalogue/services/ZZ-901/delete").text
    client.submit("/catalogue/services/ZZ-901/delete", "/catalogue/services/ZZ-901/delete")
    assert "ZZ-901" not in _served(terminal)


def test_a_csv_import_reports_bad_rows_and_a_good_one_publishes(live_server):
    client = _signed_in(live_server)
    exported = client.page("/catalogue/export", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    rows[0]["phone"] = "nope"
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    bad = client.submit("/catalogue", "/catalogue/import", {"format": "csv"},
                        files={"file": ("c.csv", edited.getvalue().encode())})
    assert bad.status_code == 422
    report = re.search(r'<table class="data" id="row-errors">.*?</table>', bad.text, re.DOTALL).group(0)
    assert ">2<" in report and "phone" in report
    good = client.submit("/catalogue", "/catalogue/import", {"format": "csv"},
                         files={"file": ("c.csv", exported.content)})
    assert good.status_code == 200


def test_a_json_import_and_export_round_trip(live_server):
    client = _signed_in(live_server)
    document = json.loads(client.page("/catalogue/export", params={"format": "json"}).content)
    document["version"] = "imported-in-test"
    reply = client.submit("/catalogue", "/catalogue/import", {"format": "json"},
                          files={"file": ("c.json", json.dumps(document).encode())})
    assert reply.status_code == 200
    assert live_server.admin("GET", "/admin/catalogue").json()["version"] == "imported-in-test"
    broken = client.submit("/catalogue", "/catalogue/import", {"format": "json"}, files={"file": ("c.json", b"{oops")})
    assert broken.status_code == 422 and "not valid JSON" in broken.text
