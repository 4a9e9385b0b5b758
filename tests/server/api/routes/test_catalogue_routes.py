"""The catalogue over real HTTP: the seeded sample, ETag/304, JSON and CSV import with errors naming the place."""

from __future__ import annotations

import csv
import io
import json

from common.catalogue_csv import catalogue_to_csv
from common.paths import SAMPLE_CATALOGUE_FILE
from tests.factories import catalogue_data, service_data
from tests.server.calls import enrolled_terminal

SAMPLE = json.loads(SAMPLE_CATALOGUE_FILE.read_text(encoding="utf-8"))


def _catalogue(terminal, etag=None):
    return terminal.call("GET", "/terminal/catalogue", headers={"If-None-Match": f'"{etag}"'} if etag else {})


def _import(server, body: str, file_format: str, **params):
    return server.admin("POST", "/admin/catalogue/import", params={"format": file_format, **params},
                        data=body.encode(), headers={"Content-Type": "text/csv" if file_format == "csv" else "application/json"})


def test_the_seeded_sample_is_served_with_an_etag_and_304(live_server):
    terminal = enrolled_terminal(live_server)
    info = live_server.admin("GET", "/admin/catalogue").json()
    assert (info["version"], info["service_count"], info["imported_by"]) == (SAMPLE["version"], 165, "seed")

    reply = _catalogue(terminal)
    assert reply.status_code == 200
    assert reply.json() == SAMPLE
    assert reply.headers["ETag"] == f'"{info["etag"]}"'
    assert _catalogue(terminal, info["etag"]).status_code == 304
    assert terminal.heartbeat().json()["catalogue_etag"] == info["etag"]


def test_a_new_catalogue_replaces_the_current_one(live_server):
    terminal = enrolled_terminal(live_server)
    old_etag = live_server.admin("GET", "/admin/catalogue").json()["etag"]
    document = catalogue_data(service_data(), service_data(code="SC-001", department="market"), version="2026.12")
    reply = live_server.admin("PUT", "/admin/catalogue", json=document)
    assert reply.status_code == 200
    info = reply.json()
    assert (info["version"], info["service_count"], info["imported_by"]) == ("2026.12", 2, "admin")

    fresh = _catalogue(terminal, old_etag)
    assert fresh.status_code == 200 and fresh.json() == document
    assert terminal.heartbeat().json()["catalogue_etag"] == info["etag"] != old_etag
    # The same document again is no new version.
    assert live_server.admin("PUT", "/admin/catalogue", json=document).json() == info
    audit = [e for e in live_server.admin("GET", "/admin/audit").json() if e["action"] == "catalogue.import"]
    assert [e["detail"]["version"] for e in audit] == ["2026.12", SAMPLE["version"]]


def test_a_bad_catalogue_is_refused_naming_item_and_field(live_server):
    before = live_server.admin("GET", "/admin/catalogue").json()
    bad = service_data(code="RS-009")
    bad["phone"] = "call us"
    reply = live_server.admin("PUT", "/admin/catalogue", json=catalogue_data(service_data(), bad))
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert "service RS-009 (services[1])" in detail and "field services.1.phone" in detail
    dangling = catalogue_data(service_data(department="nowhere"))
    assert "field department: unknown department 'nowhere'" in live_server.admin(
        "PUT", "/admin/catalogue", json=dangling).json()["detail"]
    assert _import(live_server, "{not json", "json").status_code == 422
    assert live_server.admin("GET", "/admin/catalogue").json() == before


def test_csv_export_and_import_round_trip(live_server):
    exported = live_server.admin("GET", "/admin/catalogue/export", params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so a spreadsheet reads it as UTF-8
    json_export = live_server.admin("GET", "/admin/catalogue/export", params={"format": "json"})
    assert json_export.json() == SAMPLE
    assert text.removeprefix("\ufeff") == catalogue_to_csv(json_export.json())

    before = live_server.admin("GET", "/admin/catalogue").json()
    again = _import(live_server, text, "csv", version=SAMPLE["version"])
    assert again.status_code == 200
    assert again.json()["etag"] == before["etag"]  # the same catalogue, byte for byte


def test_a_csv_import_keeps_departments_and_reports_each_bad_row(live_server):
    rows = list(csv.DictReader(io.StringIO(catalogue_to_csv(SAMPLE))))
    edited = rows[:3]
    edited[0]["name_zh"] = "社会保障卡申领（新）"
    good = _csv(edited)
    reply = _import(live_server, good, "csv")
    assert reply.status_code == 200
    assert reply.json()["service_count"] == 3 and reply.json()["version"].startswith("csv-")
    served = live_server.admin("GET", "/admin/catalogue/export", params={"format": "json"}).json()
    assert served["departments"] == SAMPLE["departments"] and served["life_events"] == SAMPLE["life_events"]
    assert served["services"][0]["name"]["zh"] == "社会保障卡申领（新）"

    edited[1]["materials"] = "[{not json"
    edited[2]["department"] = "nowhere"
    edited[2]["popularity"] = "lots"
    refused = _import(live_server, _csv(edited), "csv")
    assert refused.status_code == 422
    errors = {(e["row"], e["column"]) for e in refused.json()["errors"]}
    assert errors == {(3, "materials"), (4, "department"), (4, "popularity")}
    assert live_server.admin("GET", "/admin/catalogue").json()["etag"] == reply.json()["etag"]


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
