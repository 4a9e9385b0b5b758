"""Render every screen to PNG: ``python -m kiosk.screenshots --out docs/screenshots``.

Each language and orientation runs in its own process (a Kivy App runs once per
process), full screen as on a kiosk PC, on a private Xvfb of the panel's size with
no window manager; each picture is grabbed from the X root, so it shows what the
display shows. Files are named ``<screen>-<lang>-<portrait|landscape>.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
LANGUAGES = ("zh_CN", "en")
# (file stem, action on the app); each action is followed by a pause for transitions.
SCENES = (
    ("home", lambda app: (_offer_sample_event(app), app.go_home(), app._refresh_today())),
    ("guide-departments", lambda app: app.guide.open_guide("departments")),
    ("guide-life-events", lambda app: app.guide.open_guide("life_events")),
    ("service-list", lambda app: app.guide.open_service_list("department", "hrss")),
    ("search", lambda app: (app.guide.open_search(), setattr(app.screens["search"], "query", "sbk"))),
    ("search-sentence", lambda app: setattr(app.screens["search"], "query", "辞职了公积金怎么取出来")),
    ("search-no-results", lambda app: setattr(app.screens["search"], "query", "驾驶证到期了怎么换")),
    ("search-keyboard", lambda app: _type_on_search_keyboard(app, "tingshui")),
    ("search-keyboard-symbols", lambda app: (app.screens["search"].clear(), app.screens["search"].ids.keyboard.toggle_page())),
    ("detail", lambda app: app.guide.open_service("RS-001")),
    ("idle-warning", lambda app: app.open_idle_warning(app.kiosk_settings.idle.warning_seconds)),
    ("feedback-category", lambda app: _feedback_step(app, "category")),
    ("feedback-rating", lambda app: _feedback_step(app, "rating")),
    ("feedback-text", lambda app: _feedback_step(app, "text")),
    ("feedback-phone", lambda app: _feedback_step(app, "phone")),
    ("feedback-review", lambda app: _feedback_step(app, "review")),
    ("feedback-receipt", lambda app: _feedback_step(app, "receipt")),
    ("queue-pick", lambda app: _queue_step(app, "pick")),
    ("queue-services", lambda app: _queue_step(app, "services")),
    ("queue-phone", lambda app: _queue_step(app, "phone")),
    ("queue-number", lambda app: _queue_step(app, "number")),
    ("queue-offline", lambda app: _queue_step(app, "offline")),
    ("queue-rate", lambda app: _queue_step(app, "rate")),
    ("queue-reason", lambda app: _queue_step(app, "reason")),
    ("checkin-waiting", lambda app: (app.reset_session(), _checkin_waiting(app))),
    ("checkin-welcome", lambda app: _checkin_verdict(app, "welcome")),
    ("checkin-already", lambda app: _checkin_verdict(app, "already")),
    ("checkin-refused", lambda app: _checkin_verdict(app, "closed")),
    ("checkin-out-of-order", lambda app: (app.checkin.back_to_waiting(), app.checkin._handle_scanner("disconnected"))),
    ("elder-mode-home", lambda app: (app.go_home(), setattr(app, "elder_mode", True))),
    ("maintenance", lambda app: (setattr(app, "elder_mode", False), app.maintenance.open())),
    ("maintenance-report", lambda app: (app.show_sync_status(_status("offline")), app.maintenance.submit_pin("2468"))),
    ("offline-home", lambda app: (app.go_home(), app.show_sync_status(_status("offline")))),
    ("pairing", lambda app: app.show_sync_status(_status("pairing"))),
    ("out-of-service", lambda app: (app.show_sync_status(_status("online")), app.set_out_of_service(None))),
    ("closed", lambda app: (app.set_in_service(), app.apply_settings(_closed_today(app.kiosk_settings)))),
)


def _status(state: str):
    """A made-up connection state, only to show how the screen renders it."""
    from services.sync.engine import SyncStatus

    now = datetime.now(UTC)
    return SyncStatus(
        state=state,
        server_url="https://kiosk.example.org",
        pairing_code="482913" if state == "pairing" else None,
        offline_since=now - timedelta(minutes=7) if state == "offline" else None,
        last_sync_at=now - timedelta(minutes=8),
        last_error="",
        outbox_depth=3 if state == "offline" else 0,
        parked_count=0,
        config_version=4,
        config_error=None,
    )


def _sample_event():
    """A made-up event open for check-in now, only to show how the screen renders it."""
    from common import wire
    from common.catalogue import Text

    now = datetime.now(UTC)
    return wire.CheckinEvent(
        id=7, title=Text(zh="创业政策宣讲会（第三期）", en="Start-up policy briefing (session 3)"),
        organiser="区营商环境局", place="T1 三楼多功能厅", starts_at=now + timedelta(minutes=30),
        ends_at=now + timedelta(hours=2), opens_at=now - timedelta(minutes=30), closes_at=now + timedelta(hours=1),
        capacity=120, status="published", phone_secret="c2FtcGxlLXNlY3JldC1mb3Itc2NyZWVuc2hvdHM", checked_in=42,
    )


def _offer_sample_event(app):
    from common import wire
    from services.checkin.bundle_store import CheckinStore

    bundle = wire.CheckinBundle(etag="screenshots", events=[_sample_event()], public_keys=[], revoked=[], names=[], recent=[])
    CheckinStore(app.store).replace(bundle)


def _checkin_waiting(app):
    app.show_sync_status(_status("online"))
    app.open_module("checkin")


def _checkin_verdict(app, kind: str):
    from common.checkin_rules import PriorCheckin, Verdict
    from services.checkin.desk import DeskVerdict

    now = datetime.now(UTC)
    prior = PriorCheckin(scanned_at=now - timedelta(minutes=12), terminal_name="T1 大堂 1 号机") if kind == "already" else None
    result = DeskVerdict(verdict=Verdict(kind, None, prior, ""), mode="offline", record_id="", scanned_at=now,
                         event=_sample_event(), name="张小明" if kind in ("welcome", "already") else None)
    if kind == "closed":
        result = DeskVerdict(verdict=Verdict(kind, None, None, ""), mode="offline", record_id="", scanned_at=now,
                             event=_sample_event().model_copy(update={"closes_at": now - timedelta(minutes=5)}), name=None)
    app.checkin._show(kind, result)


def _feedback_step(app, step: str):
    """A visitor rating a service 不满意, one step per scene; the receipt's QR points at a made-up server."""
    flow = app.feedback
    if step == "category":
        app.reset_session()
        # Every language and orientation sends the same feedback: not a duplicate to be suppressed here.
        feedback = app.kiosk_settings.feedback.model_copy(update={"status_url_base": "https://kiosk.example.org", "identical_window_seconds": 0})
        app.apply_settings(app.kiosk_settings.model_copy(update={"feedback": feedback}))
        app.open_module("feedback")
    elif step == "rating":
        flow.choose_category("service_rating")
        app.screens["feedback_rating"].rating = 2
    elif step == "text":
        flow.rating_done(2)
        app.screens["feedback_text"].text = "窗口等候时间太长，叫号机一直没有叫到我的号" if app.lang.startswith("zh") else "Waited too long at the window"
    elif step == "phone":
        flow.text_done(app.screens["feedback_text"].text)
        app.screens["feedback_phone"].phone, app.screens["feedback_phone"].consent = "13812341234", True
    elif step == "review":
        flow.phone_done("13812341234", True)
    else:  # stored here, not on the worker thread, so the receipt is up before the shot
        from common.feedback_rules import Draft

        flow.draft.locale, flow.desk.settings = app.lang, flow.settings
        draft = Draft(**vars(flow.draft))
        flow._submitted(draft, flow.desk.submit(draft), None, flow._session)


def _queue_step(app, step: str):
    """The queue's screens with made-up windows, number, call and slip, only to show how they render."""
    from common.catalogue import Text
    from common.queue_wire import QueueCall, QueueNumber, QueueWindowState, SlipAnswer
    from services.queue.desk import Offline

    queue = app.queue
    queue._work.put = lambda _job: None  # no server here: the made-up answers below stand
    catalogue = app.catalogue
    by_window: dict[str, list[str]] = {}
    for service in catalogue.services:
        if service.office.room == "T3-1107":
            by_window.setdefault(service.office.window.zh, []).append(service.code)
    states = []
    for index, codes in enumerate(codes for _name, codes in sorted(by_window.items())):
        window = next(s for s in catalogue.services if s.code == codes[0]).office.window
        states.append(QueueWindowState(letter="ABCDEFGH"[index], window=window, window_label=str(index + 1),
                                       window_phone="0451-87352130", open=True, waiting=(index * 3) % 7,
                                       wait_minutes=(index * 3) % 7 * 6, service_codes=codes))
    now = datetime.now(UTC)
    if step == "pick":
        app.reset_session()
        queue.open()
        queue._show_windows(states)
        queue._announce([QueueCall(id=1, number="C007", window=Text(zh="党群服务中心 3号窗口 (人社)", en="Window 3"),
                                   window_label="3", called_at=now, recall=False)])
    elif step == "services":
        queue.choose_window(next(w.letter for w in states if "RS-001" in w.service_codes))
    elif step == "phone":
        queue.choose_service("RS-001")
        for digit in "1380013":
            app.screens["queue_phone"].press(digit)
    elif step in ("number", "offline"):
        app.screens["queue_ticket"].reset()
        app.navigator.go("queue_ticket")
        service = next(s for s in catalogue.services if s.code == "RS-001")
        queue._show_taken(Offline("screenshot") if step == "offline" else QueueNumber(
            number="C012", service_code="RS-001", service_name=service.name, window=service.office.window,
            window_label="3", window_phone=service.phone, people_ahead=4, wait_minutes=20, taken_at=now,
            follow_url="https://kiosk.example.org/q/Xy3kP0qLm2Vb8nRt5wZa1c"))
    else:
        service = next(s for s in catalogue.services if s.code == "RS-001")
        queue.rate_slip("Xy3kP0qLm2Vb8nRt5wZa1c")
        queue._show_slip(SlipAnswer(state="served", number="C012", service_name=service.name,
                                    window=service.office.window))
        if step == "reason":
            queue.choose_rating(2)


def _type_on_search_keyboard(app, letters: str):
    """The search screen while pinyin is being composed, the candidate bar full."""
    from services.devices.ime import InputMethod
    from services.devices.ime.lexicon import default_cache_dir

    if app.input_method is None:  # not loaded yet (or being built): load it now, for the picture
        app.input_method = InputMethod.load(default_cache_dir(), vocabulary=app.ime_vocabulary())
    search = app.screens["search"]
    search.clear()
    search.type_text(letters)


def _closed_today(settings):
    hours = settings.hours.model_copy(update={"enabled": True, "closed_dates": (date.today(),)})
    return settings.model_copy(update={"hours": hours})


def _render(out: Path, lang: str, orientation: str, window_plan, only: str = "") -> None:
    from kivy.clock import Clock
    from kivy.core.window import Window
    from PIL import ImageGrab

    from common.settings import load_settings
    from kiosk.app import KioskApp
    from kiosk.cli import open_store
    from services.storage import paths

    settings = load_settings(paths.settings_file())
    store = open_store()
    app = KioskApp(settings, store, paths.data_dir(), window_plan=window_plan)
    scenes = iter([scene for scene in SCENES if scene[0].startswith(only)])

    def step(_dt):
        if not hasattr(app, "queue"):  # the controllers started after the first frame are not there yet
            Clock.schedule_once(step, 0.5)
            return
        try:
            stem, action = next(scenes)
        except StopIteration:
            app.stop()
            return
        if lang != app.lang and stem == "home":
            app.lang = lang
        action(app)
        if app.lang != lang:
            app.lang = lang
        Clock.schedule_once(lambda _dt: shoot(stem), 0.8)

    def shoot(stem):
        # A loaded machine draws slowly: never mid-slide.
        if app.root_layout.ids.manager.transition.is_active:
            Clock.schedule_once(lambda _dt: shoot(stem), 0.3)
            return

        # After a fresh frame has been drawn and flipped, and has had a moment to reach the X server.
        def capture(*_args):
            Window.unbind(on_flip=capture)
            Clock.schedule_once(grab, 0.3)

        def grab(_dt):
            ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(out / f"{stem}-{lang}-{orientation}.png")
            Clock.schedule_once(step, 0)

        Window.bind(on_flip=capture)
        Window.canvas.ask_update()

    app.bind(on_start=lambda _app: Clock.schedule_once(step, 1.5))
    app.run()
    store.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--lang", choices=LANGUAGES)
    parser.add_argument("--orientation", choices=tuple(SIZES))
    parser.add_argument("--only", default="", help="only the scenes whose name starts with this")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.lang and args.orientation:
        from kiosk.bootstrap import configure_kivy
        from services.storage import paths

        window_plan = configure_kivy(paths.data_dir())
        _render(args.out.resolve(), args.lang, args.orientation, window_plan, args.only)
        return 0
    return _render_all(args.out)


def _build_input_method() -> None:
    """The keyboard scenes need the pinyin dictionary: built here if missing, not in every render."""
    from services.devices.ime import InputMethod
    from services.devices.ime.lexicon import default_cache_dir

    InputMethod.load(default_cache_dir()).close()


def _xvfb(size: tuple[int, int]) -> tuple[subprocess.Popen, str]:
    """A private Xvfb of exactly the panel's size, no window manager; and its display name."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{size[0]}x{size[1]}x24",
                               "-nolisten", "tcp"], pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return server, ":" + pipe.readline().strip()


def _render_all(out: Path) -> int:
    data = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    env = dict(os.environ, KIOSK_DATA_DIR=str(data))
    try:
        _build_input_method()
        for orientation, size in SIZES.items():
            xvfb, env["DISPLAY"] = _xvfb(size)
            try:
                for lang in LANGUAGES:
                    print(f"rendering {lang} {orientation}", flush=True)
                    subprocess.run(
                        [sys.executable, "-m", "kiosk.screenshots", "--out", str(out), "--lang", lang,
                         "--orientation", orientation],
                        env=env, check=True, timeout=180,
                    )
            finally:
                xvfb.terminate()
                xvfb.wait(timeout=10)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"screenshots in {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
