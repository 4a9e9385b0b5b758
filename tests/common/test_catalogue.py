"""The catalogue: the bundled sample meets the product bar, bad files are refused with a useful message."""

from __future__ import annotations

import json

import pytest

from common.catalogue import CatalogueError, load_catalogue
from common.paths import SAMPLE_CATALOGUE_FILE
from tests.factories import catalogue_data, make_catalogue, service_data


@pytest.fixture(scope="module")
def sample():
    return load_catalogue(SAMPLE_CATALOGUE_FILE)


# -- the bundled sample ----------------------------------------------------------------------------


def test_sample_has_enough_services_and_departments(sample):
    assert len(sample.services) >= 120
    assert len(sample.departments) >= 8


def test_sample_service_codes_are_unique(sample):
    codes = [s.code for s in sample.services]
    assert len(codes) == len(set(codes))


def test_sample_every_life_event_has_services(sample):
    assert sample.life_events
    empty = [e.id for e in sample.life_events if not sample.in_life_event(e.id)]
    assert empty == []


def test_sample_every_department_is_referenced(sample):
    unused = [d.id for d in sample.departments if not sample.in_department(d.id)]
    assert unused == []


# -- bad files: the message names the file, the item and the field -------------------------------


def _write(tmp_path, data) -> object:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _error(path) -> str:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    return str(caught.value)


def _without_name_en():
    bad = service_data(code="RS-777")
    del bad["name"]["en"]
    return bad


def _material_without_sheets():
    bad = service_data(code="RS-777")
    bad["materials"][0].update(originals=0, copies=0)
    return bad


# (bad second service, its code as the error should name it, the field the error should name)
BAD_SERVICES = {
    "wrong code pattern": (service_data(code="rs-7"), "rs-7", "code"),
    "missing name.en": (_without_name_en(), "RS-777", "name.en"),
    "promise beyond the law": (service_data(code="RS-777", promised_days=30), "RS-777", "promised_time_limit_days"),
    "unknown department": (service_data(code="RS-777", department="nowhere"), "RS-777", "department"),
    "unknown life event": (service_data(code="RS-777", life_events=("time_travel",)), "RS-777", "life_events"),
    "duplicate code": (service_data(code="RS-001"), "RS-001", "code"),
    "material with no sheet": (_material_without_sheets(), "RS-777", "materials"),
}


@pytest.mark.parametrize("case", BAD_SERVICES, ids=list(BAD_SERVICES))
def test_bad_service_is_named_with_file_item_and_field(tmp_path, case):
    bad, code, field = BAD_SERVICES[case]
    path = _write(tmp_path, catalogue_data(service_data(code="RS-001"), bad))
    message = _error(path)
    assert str(path) in message
    # One line of the message names both the item and the field, so the editor finds the spot.
    assert any(code in line and field in line for line in message.splitlines()), message


def test_non_json_file_is_named(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text('{"version": "1", "services": [', encoding="utf-8")
    assert str(path) in _error(path)


def test_non_utf8_file_is_named(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_bytes(json.dumps(catalogue_data(), ensure_ascii=False).encode("gb18030"))
    assert str(path) in _error(path)


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.json"
    assert str(path) in _error(path)


# -- lookups ---------------------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    return make_catalogue(
        service_data(code="RS-001", popularity=10, life_events=("start_company",)),
        service_data(code="RS-002", popularity=90),
        service_data(code="SC-001", department="market", popularity=50, life_events=("start_company",)),
        service_data(code="SC-002", department="market", popularity=50),
    )


def _popularity_order(services):
    return sorted(services, key=lambda s: (-s.popularity, s.code))


def test_in_department_returns_only_its_services_most_popular_first(catalogue):
    found = catalogue.in_department("market")
    assert {s.department for s in found} == {"market"}
    assert len(found) == sum(s.department == "market" for s in catalogue.services)
    assert found == _popularity_order(found)


def test_in_life_event_returns_only_its_services_most_popular_first(catalogue):
    found = catalogue.in_life_event("start_company")
    assert found and all("start_company" in s.life_events for s in found)
    assert len(found) == sum("start_company" in s.life_events for s in catalogue.services)
    assert found == _popularity_order(found)


def test_popular_is_the_most_popular_first(catalogue):
    top = catalogue.popular(2)
    assert len(top) == 2
    assert top == _popularity_order(catalogue.services)[:2]
    assert top[0].popularity == max(s.popularity for s in catalogue.services)


def test_unknown_keys_find_nothing(catalogue):
    assert catalogue.in_department("nowhere") == []
    assert catalogue.in_life_event("time_travel") == []
    assert catalogue.service("XX-999") is None
    assert catalogue.service("RS-002").code == "RS-002"
