"""GUI scenarios for the pinyin keyboard: keys touched on the real widget in the real kiosk window."""

from __future__ import annotations

from keyboard_steps import DICTIONARY_SECONDS, _candidate, _keys


def keyboard_types_into_a_text_field(driver):
    """A TextInput bound to the keyboard, as a feedback form has: pinyin, a pick, punctuation, English,
    digits, backspace through the composition into the text, and Done."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.modalview import ModalView
    from kivy.uix.textinput import TextInput

    from screens.keyboard import PinyinKeyboard

    app, results = driver.app, driver.results
    yield from driver.until(lambda: app.input_method is not None, DICTIONARY_SECONDS)
    results["dictionary_loaded"] = app.input_method is not None
    field = TextInput(font_size=40, size_hint_y=None, height=120)
    keyboard = PinyinKeyboard(input_method=app.input_method, target=field)
    done = []
    keyboard.bind(on_done=lambda _kb: done.append(field.text))
    box = BoxLayout(orientation="vertical")
    box.add_widget(field)
    box.add_widget(keyboard)
    view = ModalView(size_hint=(1, 0.7), pos_hint={"y": 0}, auto_dismiss=False)
    view.add_widget(box)
    view.open()
    yield 1.0

    yield from _keys(driver, "tingshui")
    results["composition"] = keyboard.composition
    results["reading"] = keyboard.reading
    results["bar"] = list(keyboard.shown)
    results["text_while_composing"] = field.text
    results["candidate_height"] = _candidate(driver, "停水").height
    results["key_height"] = driver.button("q").height
    driver.tap(_candidate(driver, "停水"))
    yield 0.2
    results["after_pick"] = field.text
    results["composition_after_pick"] = keyboard.composition

    # Piece by piece: 停 first, the rest (shui) stays composed; space takes its first candidate.
    yield from _keys(driver, "tingshui")
    driver.tap(_candidate(driver, "停"))
    yield 0.2
    results["rest_after_piece"] = keyboard.composition
    driver.tap(keyboard.space_key)
    yield 0.2
    results["after_space"] = field.text
    driver.tap(driver.button("。"))
    yield 0.1

    driver.tap(driver.button("中"))  # to English: letters type themselves
    yield 0.2
    results["mode_label"] = keyboard.mode_key.label
    yield from _keys(driver, "ok")
    results["after_english"] = field.text
    driver.tap(driver.button("123"))
    yield 0.2
    yield from _keys(driver, "12")
    driver.tap(keyboard.backspace_key)
    yield 0.1
    results["after_digits"] = field.text
    driver.tap(driver.button("ABC"))
    driver.tap(driver.button("英"))  # back to Chinese
    yield 0.2

    # Backspace takes letters from the composition first, then characters from the text.
    yield from _keys(driver, "zm")
    driver.tap(keyboard.backspace_key)
    yield 0.1
    results["composition_after_backspace"] = keyboard.composition
    results["text_after_backspace"] = field.text
    driver.tap(keyboard.backspace_key)
    driver.tap(keyboard.backspace_key)
    yield 0.1
    results["text_after_more_backspace"] = field.text
    driver.tap(keyboard.done_key)
    yield 0.1
    results["done"] = done
    view.dismiss()


def keyboard_search_pages_and_picks(driver):
    """The guide search: letters search as typed (gjj), the bar pages, and a pick searches by the characters."""
    app, results = driver.app, driver.results
    yield from driver.until(lambda: app.input_method is not None, DICTIONARY_SECONDS)
    app.guide.open_search()
    yield from driver.settled()
    search = app.screens["search"]
    keyboard = search.ids.keyboard
    yield from _keys(driver, "gjj")
    yield from driver.until(lambda: search.rows, 60)
    results["query"] = search.query
    results["rows_for_letters"] = [row["title"] for row in search.rows]
    results["first_page"] = list(keyboard.shown)
    page_on, page_back = keyboard.ids.page_on.__self__, keyboard.ids.page_back.__self__  # ids are weak proxies
    driver.tap(driver.find(lambda w: w is page_on, "next page"))
    yield 0.2
    results["second_page"] = list(keyboard.shown)
    driver.tap(driver.find(lambda w: w is page_back, "previous page"))
    yield 0.2
    results["back_to_first"] = list(keyboard.shown)
    driver.tap(_candidate(driver, "公积金"))
    yield 0.5
    results["query_after_pick"] = search.query
    results["rows_after_pick"] = [row["title"] for row in search.rows]
    driver.tap(driver.button("清空"))
    yield 0.2
    results["query_after_clear"] = search.query
    results["bar_after_clear"] = list(keyboard.shown)


def keyboard_forgets_the_visitor(driver):
    """A pick comes first again for the same visitor; after the idle timeout's wipe the next visitor sees
    the candidates as if nobody had typed."""
    app, results = driver.app, driver.results
    yield from driver.until(lambda: app.input_method is not None, DICTIONARY_SECONDS)
    app.guide.open_search()
    yield from driver.settled()
    keyboard = app.screens["search"].ids.keyboard
    yield from _keys(driver, "shi")
    results["bar_before"] = before = list(keyboard.shown)
    results["picked"] = before[3]
    driver.tap(_candidate(driver, before[3]))
    yield 0.3
    driver.tap(driver.button("清空"))
    yield 0.2
    yield from _keys(driver, "shi")
    results["bar_same_visitor"] = list(keyboard.shown)
    app.reset_session()  # what the idle timeout does
    yield from driver.settled()
    results["learnt_after_reset"] = app.input_method.learnt
    app.guide.open_search()
    yield from driver.settled()
    yield from _keys(driver, "shi")
    results["bar_next_visitor"] = list(keyboard.shown)
