"""The catalogue as CSV: a lossless round trip, and every bad cell reported by row and column."""

from __future__ import annotations

import csv
import io
import json

import pytest

from common.catalogue import load_catalogue, parse_catalogue
from common.catalogue_csv import COLUMNS, CatalogueCsvError, RowError, catalogue_from_csv, catalogue_to_csv
from common.paths import SAMPLE_CATALOGUE_FILE
from tests.factories import catalogue_data, service_data

SAMPLE = json.loads(SAMPLE_CATALOGUE_FILE.read_text(encoding="utf-8"))


def _rows(document: dict) -> list[dict]:
    return list(csv.DictReader(io.StringIO(catalogue_to_csv(document))))


def _csv(rows: list[dict], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _errors(text: str, base: dict = SAMPLE) -> list[RowError]:
    with pytest.raises(CatalogueCsvError) as caught:
        catalogue_from_csv(text, base, "v")
    return caught.value.errors


def test_the_sample_catalogue_survives_a_round_trip():
    document = catalogue_from_csv(catalogue_to_csv(SAMPLE), SAMPLE, SAMPLE["version"])
    assert document == SAMPLE
    assert parse_catalogue(document, "round trip") == load_catalogue(SAMPLE_CATALOGUE_FILE)


def test_texts_are_two_columns_and_nested_fields_are_json():
    [row] = _rows(catalogue_data(service_data(code="RS-007", zh="社保卡", en="SSC")))
    assert (row["code"], row["name_zh"], row["name_en"]) == ("RS-007", "社保卡", "SSC")
    assert json.loads(row["materials"])[0]["name"]["zh"] == "居民身份证"
    assert json.loads(row["audience"]) == ["individual"]
    assert row["popularity"] == "100" and row["notes_zh"] == row["notes_en"] == ""


def test_a_spreadsheets_byte_order_mark_blank_lines_and_line_breaks_in_cells_are_fine():
    rows = _rows(SAMPLE)[:2]
    rows[0]["conditions_zh"] = "第一行\n第二行"
    text = "\ufeff" + _csv(rows) + ",,,,\r\n"
    document = catalogue_from_csv(text, SAMPLE, "v2")
    assert [s["code"] for s in document["services"]] == [rows[0]["code"], rows[1]["code"]]
    assert document["services"][0]["conditions"]["zh"] == "第一行\n第二行"
    assert document["version"] == "v2" and document["departments"] == SAMPLE["departments"]


def test_each_bad_cell_is_named_by_row_and_column():
    rows = _rows(SAMPLE)[:5]
    rows[0]["materials"] = '[{"name": '
    rows[1]["department"] = "nowhere"
    rows[2]["legal_time_limit_days"] = "twenty"
    rows[2]["name_en"] = ""
    rows[3]["life_events"] = '["moon_landing"]'
    rows[4]["code"] = rows[0]["code"]
    errors = _errors(_csv(rows))
    assert {(e.row, e.column) for e in errors} == {
        (2, "materials"), (3, "department"), (4, "legal_time_limit_days"), (4, "name_en"), (5, "life_events"),
        (6, "code"),
    }
    messages = {(e.row, e.column): e.message for e in errors}
    assert messages[(2, "materials")].startswith("not valid JSON")
    assert messages[(6, "code")] == f"duplicate code {rows[0]['code']!r} (first in row 2)"


def test_a_nested_error_says_where_inside_the_cell():
    rows = _rows(SAMPLE)[:1]
    materials = json.loads(rows[0]["materials"])
    materials[1]["originals"] = -1
    rows[0]["materials"] = json.dumps(materials, ensure_ascii=False)
    [error] = _errors(_csv(rows))
    assert (error.row, error.column) == (2, "materials")
    assert error.message.startswith("1.originals: ")


def test_unknown_and_missing_columns_are_refused_before_any_row():
    rows = _rows(SAMPLE)[:1]
    columns = [c for c in COLUMNS if c != "phone"] + ["colour"]
    errors = _errors(_csv([{**rows[0], "colour": "red"}], columns))
    assert {(e.row, e.column, e.message) for e in errors} == {(1, "colour", "unknown column"), (1, "phone", "missing column")}


def test_an_empty_file_is_no_catalogue():
    assert [(e.row, e.message) for e in _errors(_csv([]))] == [(1, "no services")]


def test_a_file_exported_before_aliases_existed_still_imports():
    rows = _rows(SAMPLE)
    columns = [c for c in COLUMNS if c != "aliases"]
    document = catalogue_from_csv(_csv(rows, columns), SAMPLE, "v")
    assert all(not service.get("aliases") for service in document["services"])
    assert len(document["services"]) == len(SAMPLE["services"])
