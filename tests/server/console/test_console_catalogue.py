"""The catalogue pages over real HTTP: search, editing one service in its form (errors next to the field), create and
delete, CSV/JSON import with the per-row report, export; every change is a new version terminals get."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient
from tests.server.console.form_fields import form_fields, with_values


def _signed_in(server) -> ConsoleClient:
    client = ConsoleClient(server)
    client.sign_in()
    return client


def _form(client: ConsoleClient, code: str) -> list[tuple[str, str]]:
    return form_fields(client.page(f"/catalogue/services/{code}").text)


def _save(client: ConsoleClient, code: str, fields: list[tuple[str, str]]):
    token = dict(fields)["csrf_token"]  # the form's own CSRF field, as the browser sends it
    assert token
    return client.post(client.url(f"/catalogue/services/{code}"), data=fields, timeout=60)


def _field_block(page: str, error_id: str) -> str:
    """The form field holding the error paragraph ``error_id``: from its opening div or row to the error."""
    end = page.index(f'id="{error_id}"')
    start = max(page.rfind('<div class="field', 0, end), page.rfind('<tr class="repeat-row', 0, end))
    return page[start:end]


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
    before = _served(terminal)["RS-001"]
    fields = with_values(_form(client, "RS-001"), {"hours.zh": "周一至周五 9:00-12:00", "hours.en": "Weekdays 9:00-12:00"})
    reply = _save(client, "RS-001", fields)
    assert reply.status_code == 200 and "published=" in reply.url
    after = _served(terminal)["RS-001"]
    assert after["hours"] == {"zh": "周一至周五 9:00-12:00", "en": "Weekdays 9:00-12:00"}
    assert {**after, "hours": before["hours"]} == before  # the form carries every other field through unchanged


def test_how_visitors_ask_is_edited_as_aliases_and_served_with_the_catalogue(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    fields = with_values(_form(client, "MZ-005"), {"aliases": "领低保\n  \n家里揭不开锅了\n"})
    reply = _save(client, "MZ-005", fields)
    assert reply.status_code == 200 and "published=" in reply.url
    assert _served(terminal)["MZ-005"]["aliases"] == ["领低保", "家里揭不开锅了"]  # one a line, blank lines dropped
    assert "MZ-005" in client.page("/catalogue", params={"q": "揭不开锅"}).text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"phone": "call us"}, "phone", "not in the expected form"),
    ({"legal_time_limit_days": "5", "promised_time_limit_days": "9"}, "promised_time_limit_days",
     "cannot be longer than the legal one"),
    ({"materials.0.originals": "0", "materials.0.copies": "0"}, "materials.0", "at least one original or one copy"),
    ({"popularity": "lots"}, "popularity", "Enter a whole number"),
    ({"visits_required": "9"}, "visits_required", "The largest allowed is 5."),
    ({"name.en": ""}, "name.en", "This is required."),
])
def test_a_bad_value_is_refused_next_to_its_field_and_nothing_changes(live_server, changes, field, message):
    client = _signed_in(live_server)
    before = live_server.admin("GET", "/admin/catalogue").json()["etag"]
    reply = _save(client, "RS-001", with_values(_form(client, "RS-001"), changes))
    assert reply.status_code == 422
    block = _field_block(reply.text, f"error-{field}")
    assert "has-error" in block
    assert message in reply.text[reply.text.index(f'id="error-{field}"'):][:300]
    typed = form_fields(reply.text)
    for name, value in changes.items():  # the form comes back with what was typed
        assert (name, value) in typed
    assert live_server.admin("GET", "/admin/catalogue").json()["etag"] == before


def test_an_added_material_row_is_published_and_an_emptied_one_deleted(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    materials = _served(terminal)["RS-001"]["materials"]
    fields = _form(client, "RS-001")
    # A row as the page's "add a material" button makes it, numbered past the blank row the page ends with.
    added = {"materials.9.name.zh": "户口簿", "materials.9.name.en": "Household register", "materials.9.originals": "1",
             "materials.9.copies": "2", "materials.9.note.zh": "首页及本人页", "materials.9.note.en": "Front and own page"}
    emptied = {f"materials.0.{f}": "" for f in ("name.zh", "name.en", "originals", "copies", "note.zh", "note.en")}
    assert _save(client, "RS-001", with_values(fields, {**added, **emptied})).status_code == 200
    served = _served(terminal)["RS-001"]["materials"]
    assert served[:-1] == materials[1:]
    assert served[-1] == {"name": {"zh": "户口簿", "en": "Household register"}, "originals": 1, "copies": 2,
                          "required": False, "note": {"zh": "首页及本人页", "en": "Front and own page"}}


def test_a_service_is_created_and_deleted(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    blank = dict(_form(client, "new"))
    assert blank["code"] == "" and blank["name.zh"] == ""
    fields = with_values(_form(client, "RS-001"), {"code": "ZZ-901", "csrf_token": blank["csrf_token"]})
    assert _save(client, "new", fields).status_code == 200
    assert "ZZ-901" in _served(terminal)
    duplicate = _save(client, "new", fields)
    assert duplicate.status_code == 422 and "already in use" in duplicate.text
    assert "has-error" in _field_block(duplicate.text, "error-code")
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
