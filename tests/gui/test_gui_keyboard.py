"""The pinyin keyboard in the real kiosk window: touched key by key, as a visitor types."""

import pytest

pytestmark = pytest.mark.gui


def test_pinyin_pick_punctuation_english_digits_and_backspace(run_scenario):
    seen = run_scenario("keyboard_types_into_a_text_field")
    assert seen["dictionary_loaded"] is True
    # Letters compose pinyin, read as syllables above the bar; nothing reaches the field until a pick.
    assert seen["composition"] == "tingshui"
    assert seen["reading"] == "ting'shui"
    assert seen["bar"][0] == "停水"
    assert seen["text_while_composing"] == ""
    assert seen["after_pick"] == "停水"
    assert seen["composition_after_pick"] == ""
    # Big touch targets (shared/ux.md: at least 60 dp in elder mode; the kiosk uses 64 dp at dp = 1).
    assert seen["candidate_height"] >= 60 and seen["key_height"] >= 60
    # A piece at a time: 停 leaves "shui" composed; space takes its first candidate.
    assert seen["rest_after_piece"] == "shui"
    assert seen["after_space"].startswith("停水停") and len(seen["after_space"]) == 4
    assert seen["mode_label"] == "英"
    assert seen["after_english"] == seen["after_space"] + "。ok"
    assert seen["after_digits"] == seen["after_english"] + "1"
    # Backspace: the composition's last letter first, then the field's text.
    assert seen["composition_after_backspace"] == "z"
    assert seen["text_after_backspace"] == seen["after_digits"]
    assert seen["text_after_more_backspace"] == seen["after_digits"][:-1]
    assert seen["done"] == [seen["after_digits"][:-1]]


def test_search_letters_then_a_candidate_from_the_bar(run_scenario):
    seen = run_scenario("keyboard_search_pages_and_picks")
    # Letters are searched as typed: initials find the service before any pick.
    assert seen["query"] == "gjj"
    assert any("公积金" in title for title in seen["rows_for_letters"])
    assert "公积金" in seen["first_page"]
    assert seen["second_page"] and not set(seen["second_page"]) & set(seen["first_page"])
    assert seen["back_to_first"] == seen["first_page"]
    # The pick replaces the letters with the characters, and the search follows.
    assert seen["query_after_pick"] == "公积金"
    assert seen["rows_after_pick"] and all("公积金" in title for title in seen["rows_after_pick"][:2])
    assert seen["query_after_clear"] == ""
    assert seen["bar_after_clear"] == []


def test_a_pick_is_offered_first_to_that_visitor_only(run_scenario):
    seen = run_scenario("keyboard_forgets_the_visitor")
    assert seen["bar_before"][0] != seen["picked"]
    assert seen["bar_same_visitor"][0] == seen["picked"]  # the visitor's pick comes first again
    assert seen["learnt_after_reset"] == 0
    assert seen["bar_next_visitor"] == seen["bar_before"]  # the next visitor is offered none of it
