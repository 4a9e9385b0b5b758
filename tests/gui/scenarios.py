"""GUI scenarios, each run in its own process by harness.py against the real app and window.

They record what they observe; the assertions live in test_gui.py, so a failure
report shows what the screen really showed.
"""

from __future__ import annotations

import gc
import subprocess
import time

from feedback_scenarios import _queued_feedback
from keyboard_steps import DICTIONARY_SECONDS, type_words

TRANSITION = 1.0


def find_service_then_walk_away(driver):
    """home -> guide -> search 'sbk' typed on the on-screen keyboard -> detail, with QR and print; the idle warning
    comes and one touch carries on; then a half-written repair report, and the visitor walks away: the warning,
    then home with the search, the guide and the draft wiped. One visit, so the suite waits for idleness twice,
    not four times."""
    app, results = driver.app, driver.results
    results["start_screen"] = app.current_screen
    driver.tap(driver.tile("政务服务指南"))
    yield from driver.settled()
    results["after_tile"] = app.current_screen
    driver.tap(driver.find(lambda w: type(w).__name__ == "SearchField", "search field"))
    yield from driver.settled()
    results["after_search_field"] = app.current_screen
    # The first start on a machine builds the index's word counts and readings in child processes (seconds on a
    # busy machine); until then the search waits (test_search_waits_for_the_index_of_a_new_catalogue).
    yield from driver.until(lambda: app.guide.search_index is not None, 60)
    for letter in "sbk":
        driver.tap(driver.button(letter))
        yield 0.05
    yield 0.3
    search = app.screens["search"]
    results["query"] = search.query
    results["result_titles"] = [row["title"] for row in search.rows]
    first = search.rows[0]["code"]
    row = driver.find(lambda w: type(w).__name__ == "ServiceRow" and w.code == first, f"result row {first}")
    driver.tap(row)
    yield from driver.settled()
    detail = app.screens["detail"]
    results["after_row"] = app.current_screen
    results["detail_code"] = detail.service.code if detail.service else None
    results["qr_url"] = detail.qr_url
    results["online_url"] = detail.service.online_url
    qr_widget = driver.find(lambda w: type(w).__name__ == "Image" and w.texture is not None and w.texture is detail.qr_texture, "QR image")
    results["qr_widget_size"] = list(qr_widget.size)
    results["qr_pixels"] = _qr_pixels_match(detail.qr_texture, detail.qr_url)
    results["guide_texts"] = driver.texts()

    driver.tap(driver.button("打印办事指南"))
    toast = app.root_layout.ids.toast
    yield from driver.until(lambda: toast.text and toast.opacity == 1, 15)  # told once the slip is out
    printed = app.data_dir / app.kiosk_settings.printer.simulator_file
    results["printed"] = printed.read_text(encoding="utf-8") if printed.exists() else ""
    results["toast"] = {"text": toast.text, "shown": toast.opacity > 0, "left": toast.x, "right": toast.right,
                        "centre": toast.center_x, "screen_width": app.root_layout.width}

    # No touch for timeout_seconds -> the warning with a countdown; one touch carries on where the visitor was.
    idle = app.kiosk_settings.idle
    yield from driver.until(lambda: app._idle_warning is not None, idle.timeout_seconds + 30)
    results["warning_shown"] = app._idle_warning is not None
    results["warning_texts"] = [t for t in driver.texts() if "还在使用" in t]
    results["screen_during_warning"] = app.current_screen
    driver.tap(driver.button("继续使用"))
    yield 0.5
    results["warning_after_touch"] = app._idle_warning is not None
    results["screen_after_touch"] = app.current_screen
    results["query_after_touch"] = search.query

    # A repair report half typed; then the visitor walks away: after warning_seconds, wiped and home.
    yield from driver.until(lambda: app.input_method is not None, DICTIONARY_SECONDS)
    app.open_module("feedback")
    yield from driver.settled()
    driver.tap(driver.tile("报修"))
    yield from driver.settled()
    yield from type_words(driver, ("tingshui", "停水"))
    results["typed"] = app.screens["feedback_text"].text
    results["screen_before_idle"] = app.current_screen
    yield from driver.until(lambda: app._idle_warning is not None, idle.timeout_seconds + 30)
    results["second_warning_shown"] = app._idle_warning is not None
    yield from driver.until(lambda: app.current_screen == "home", idle.warning_seconds + 30)
    yield from driver.settled()
    results["after_idle_screen"] = app.current_screen
    results["after_idle_query"] = search.query
    results["after_idle_rows"] = len(search.rows)
    results["after_idle_detail"] = detail.service.code if detail.service else None
    results["after_idle_warning_open"] = app._idle_warning is not None
    results["draft_after_idle"] = vars(app.feedback.draft)
    results["text_after_idle"] = app.screens["feedback_text"].text
    results["composition_after_idle"] = app.screens["feedback_text"].ids.keyboard.composition
    app.open_module("feedback")
    yield from driver.settled()
    driver.tap(driver.tile("报修"))
    yield from driver.settled()
    results["text_for_next_visitor"] = app.screens["feedback_text"].text
    results["queued"] = len(_queued_feedback(app))


def _qr_pixels_match(texture, url) -> bool:
    """The texture on screen holds exactly the QR code of the URL (compared pixel by pixel)."""
    from PIL import Image

    from common.qr import qr_image

    expected = qr_image(url, box_size=4, border=1).convert("RGBA").transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return list(texture.size) == list(expected.size) and texture.pixels == expected.tobytes()


def language_toggle(driver):
    app, results = driver.app, driver.results
    results["zh_texts"] = driver.texts()
    driver.tap(driver.button("English"))
    yield 0.5
    results["en_texts"] = driver.texts()
    driver.tap(driver.tile("Service guide"))
    yield from driver.settled()
    results["guide_en_texts"] = driver.texts()
    driver.tap(driver.button("中文"))
    yield 0.5
    results["guide_zh_texts"] = driver.texts()
    driver.tap(driver.button("大字模式"))
    yield 0.3
    results["elder_mode"] = app.elder_mode
    results["body_size_elder"] = app.theme.body
    driver.tap(driver.button("标准字号"))
    yield 0.3
    results["body_size_normal"] = app.theme.body


def maintenance_long_press_and_quit(driver):
    app, results = driver.app, driver.results
    touch = driver.press_at(20, 20)  # bottom-left corner
    yield app.kiosk_settings.maintenance.long_press_seconds + 0.5
    touch.touch_up()
    yield from driver.settled()
    results["after_long_press"] = app.current_screen
    screen = app.screens["maintenance"]
    for digit in "1111":
        driver.tap(driver.button(digit))
    driver.tap(driver.button("确定"))
    yield 0.5
    results["wrong_pin_message"] = screen.message
    results["unlocked_after_wrong"] = screen.unlocked
    for digit in "2468":
        driver.tap(driver.button(digit))
    driver.tap(driver.button("确定"))
    yield 0.5
    results["unlocked"] = screen.unlocked
    results["report"] = dict(screen.report)
    # Quitting stops the app inside this tap; the harness then records a clean exit.
    driver.tap(driver.button("退出程序"))


def lockdown_refuses_to_leave(driver):
    from kivy.core.window import Window

    app, results = driver.app, driver.results
    results["close_refused"] = bool(Window.dispatch("on_request_close"))
    Window.dispatch("on_keyboard", 27, 0, "", [])
    Window.dispatch("on_key_down", 282, 0, "", [])  # F1: Kivy's settings panel
    yield 0.5
    results["running_after_escape"] = app.root is not None and app.current_screen == "home"
    results["settings_panel"] = app._app_settings is not None
    from kivy.config import Config

    results["show_cursor"] = Config.get("graphics", "show_cursor")
    results["mouse"] = Config.get("input", "mouse")


def real_x_click_opens_guide(driver):
    """A click from xdotool travels X -> SDL2 -> Kivy, like a touch on the panel."""
    from kivy.core.window import Window

    app, results = driver.app, driver.results
    tile = driver.tile("政务服务指南")
    x, y = tile.to_window(*tile.center)
    # X counts y from the top; the window sits at the screen's top-left corner.
    subprocess.run(["xdotool", "mousemove", str(int(x)), str(int(Window.height - y))], check=True)
    yield 0.3
    subprocess.run(["xdotool", "click", "1"], check=True)
    yield from driver.settled(TRANSITION + 0.4)
    results["after_click"] = app.current_screen


HANG_SECONDS = 4.0


def memory_stays_flat_while_cycling_screens(driver):
    import psutil

    app, results = driver.app, driver.results
    # Few, varied steps a round (every kind of screen, both languages) and few rounds: a leak of a screen's
    # widgets or textures shows within rounds; the long walk of every screen is bench/bench_memory.py.
    codes = [s.code for s in app.catalogue.services[::20]]
    departments = [d.id for d in app.catalogue.departments][::2]
    process = psutil.Process()

    def one_round():
        for code in codes:
            app.guide.open_service(code)
            yield 0.02
        for department in departments:
            app.guide.open_service_list("department", department)
            yield 0.02
        app.guide.open_search()
        for query in ("sbk", "社保", "zzzzq"):
            app.screens["search"].query = query
            yield 0.02
        app.toggle_language()
        yield 0.05
        app.guide.open_guide("life_events")
        yield 0.02
        app.reset_session()
        yield 0.05
        # Measured at rest, as after each visitor: what the wipe releases a second later (the font faces its
        # screens opened, the allocator's free pages) released now, so no round is read halfway through.
        app._release_memory(0)

    # What loads in the background after the first frame (the search index, the other screens, the input
    # method's dictionary) is not growth: on a busy machine it can finish rounds later, so wait for it first.
    yield from driver.until(lambda: app.guide.search_index is not None and app.input_method is not None, 240)
    rss, seconds = [], []
    for _round in range(6):
        started = time.monotonic()
        yield from one_round()
        gc.collect()
        rss.append(process.memory_info().rss)
        seconds.append(round(time.monotonic() - started, 1))
    results["rss"], results["round_seconds"] = rss, seconds
    # Then the UI thread hangs: the systemd watchdog it feeds (kiosk/service_manager.py) must go unfed.
    results["hang_started"] = time.monotonic()
    time.sleep(HANG_SECONDS)
    results["hang_ended"] = time.monotonic()
    yield 2.0


def closed_outside_opening_hours(driver):
    """Outside opening hours a notice with the hours covers the screens; staff still reach maintenance."""
    app, results = driver.app, driver.results
    results["notice_title"] = app.notice_title
    results["notice_detail"] = app.notice_detail
    results["notice_visible"] = [t for t in driver.texts() if t == app.notice_title]
    driver.tap(driver.tile("政务服务指南"))
    yield from driver.settled()
    results["screen_after_tap"] = app.current_screen
    touch = driver.press_at(20, 20)
    yield app.kiosk_settings.maintenance.long_press_seconds + 0.5
    touch.touch_up()
    yield from driver.settled()
    results["screen_after_long_press"] = app.current_screen
    results["notice_opacity_in_maintenance"] = app.root_layout.ids.notice.opacity


def search_waits_for_the_index_of_a_new_catalogue(driver):
    """The search index is built on a worker thread (at start and for a new catalogue): meanwhile a query
    gets no "nothing found", and its results come as soon as the index is there."""
    from common.catalogue import Catalogue
    from kiosk.screen_set import SCREEN_CLASSES

    app, results = driver.app, driver.results
    yield from driver.until(lambda: len(app.screens) == len(SCREEN_CLASSES), 60)  # the screens built after the first frame
    results["screens_built"] = sorted(app.screens)
    results["screen_names"] = sorted(SCREEN_CLASSES)
    app.guide.open_search()
    yield from driver.settled()
    search = app.screens["search"]
    for letter in "sbk":
        driver.tap(driver.button(letter))
        yield 0.05
    yield from driver.until(lambda: search.rows, 60)
    results["before"] = [row["code"] for row in search.rows]
    data = app.catalogue.model_dump()
    data["services"] = [service for service in data["services"] if service["code"] != "RS-001"]
    app.set_catalogue(Catalogue.model_validate(data))
    # Same tick as the swap: the worker's index can only arrive through the clock, after this.
    results["preparing_ready"] = search.ready
    results["preparing_rows"] = len(search.rows)
    results["preparing_no_results_shown"] = search._no_results.parent is not None
    yield from driver.until(lambda: search.ready, 60)
    yield 0.3
    results["after"] = [row["code"] for row in search.rows]
    results["no_results_shown_after"] = search._no_results.parent is not None


def search_answers_a_question_or_says_not_here(driver):
    """A whole question finds its service; a question about something the centre does not offer shows no
    service, says so, and offers the life-event browser and a person to ask (window and phone)."""
    from kiosk.screen_set import SCREEN_CLASSES

    app, results = driver.app, driver.results
    yield from driver.until(lambda: len(app.screens) == len(SCREEN_CLASSES), 60)
    app.guide.open_search()
    yield from driver.settled()
    search = app.screens["search"]
    yield from driver.until(lambda: app.guide.search_index is not None, 60)
    # The query as the pinyin keyboard leaves it once the visitor picked the characters.
    search.query = "辞职了公积金怎么取出来"
    yield 0.5
    results["question_rows"] = [row["code"] for row in search.rows]
    results["question_not_here_shown"] = search._no_results.parent is not None
    search.query = "驾驶证到期了怎么换"
    yield 0.5
    results["absent_rows"] = [row["code"] for row in search.rows]
    results["absent_texts"] = driver.texts()
    results["help_phone"] = app.kiosk_settings.terminal.help_phone
    results["help_desk"] = app.kiosk_settings.terminal.help_desk.zh
    driver.tap(driver.button("按人生事项"))
    yield from driver.settled()
    results["after_browse"] = app.current_screen
    results["guide_tab"] = app.screens["guide"].tab
