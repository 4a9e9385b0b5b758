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
from dataclasses import replace
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
    ("wishes", lambda app: (app.reset_session(), _sample_wall(app), app.show_sync_status(_status("online")),
                            app.open_module("wishes"))),
    ("wishes-offline", lambda app: app.show_sync_status(_status("offline"))),
    ("wishes-large-text", lambda app: setattr(app, "elder_mode", True)),
    ("queue-pick", lambda app: _queue_step(app, "pick")),
    ("queue-services", lambda app: _queue_step(app, "services")),
    ("queue-phone", lambda app: _queue_step(app, "phone")),
    ("queue-number", lambda app: _queue_step(app, "number")),
    ("queue-offline", lambda app: _queue_step(app, "offline")),
    ("queue-rate", lambda app: _queue_step(app, "rate")),
    ("queue-reason", lambda app: _queue_step(app, "reason")),
    ("checkin-waiting", lambda app: (setattr(app, "elder_mode", False), app.reset_session(), _checkin_waiting(app))),
    ("checkin-welcome", lambda app: _checkin_verdict(app, "welcome")),
    ("checkin-already", lambda app: _checkin_verdict(app, "already")),
    ("checkin-refused", lambda app: _checkin_verdict(app, "closed")),
    ("checkin-checked-out", lambda app: _checkin_verdict(app, "checked_out")),
    ("volunteers", lambda app: _volunteers(app, fresh=True)),
    ("volunteers-hours", lambda app: _volunteer_hours(app)),
    ("volunteers-offline", lambda app: (app.screens["volunteers"].reset(), _volunteers(app, fresh=False))),
    ("checkin-out-of-order", lambda app: (app.checkin.back_to_waiting(), app.checkin._handle_scanner("disconnected"))),
    ("matters-board", lambda app: (app.show_sync_status(_status("online")), _offer_sample_board(app),
                                   app.open_module("matters"))),
    ("matters-open-offline", lambda app: (app.show_sync_status(_status("offline")), app.matters.show_list("open"))),
    ("convention", lambda app: app.matters.open_convention()),
    ("booking-grid", lambda app: (app.checkin.back_to_waiting(), _booking_grid(app))),
    ("booking-form", lambda app: _booking_form(app)),
    ("booking-refused", lambda app: _booking_refused(app)),
    ("booking-pass", lambda app: _booking_pass(app)),
    ("checkin-pass-welcome", lambda app: _pass_verdict(app, "welcome")),
    ("checkin-pass-too-early", lambda app: _pass_verdict(app, "too_early")),
    ("elder-mode-home", lambda app: (app.go_home(), setattr(app, "elder_mode", True))),
    ("elder-mode-matters", lambda app: (app.show_sync_status(_status("online")), app.open_module("matters"))),
    ("maintenance", lambda app: (setattr(app, "elder_mode", False), app.maintenance.open())),
    ("maintenance-report", lambda app: (app.show_sync_status(_status("offline")), app.maintenance.submit_pin("2468"))),
    ("offline-home", lambda app: (app.go_home(), app.show_sync_status(_status("offline")))),
    ("pairing", lambda app: app.show_sync_status(_status("pairing"))),
    ("pairing-refused", lambda app: app.show_sync_status(
        replace(_status("pairing"), pairing_refusal="这台终端不属于本楼，请联系物业信息部（内线 8021）"))),
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


def _offer_sample_board(app):
    """A made-up building-matters board (the demo data's kind), only to show how the screens render it."""
    from common import wire
    from services.matters.board_store import MattersBoardStore

    now = datetime.now(UTC)
    day = timedelta(days=1)

    def matter(id_, title, description, status, unit_kind, unit_name, resolution="", progress="", raised_by="",
               overdue=False, age=40):
        return wire.BoardMatter(
            id=id_, title=title, description=description, raised_by=raised_by,
            raised_via="console" if raised_by else "kiosk", raised_at=now - age * day, status=status,
            unit_kind=unit_kind, unit_name=unit_name, meeting_title="2026年3月楼事楼议联席会议" if unit_kind else "",
            deadline=(now + (-3 if overdue else 20) * day).date() if status != "resolved" and unit_kind else None,
            resolution=resolution, progress=progress, resolved_at=now - (age - 12) * day if status == "resolved" else None,
            overdue=overdue)

    resolved = [
        matter(1, "写字楼停水", "T3 楼 8 至 15 层周二上午突然停水，没有提前通知。", "resolved", "property", "富力物业",
               "物业更换了老化的加压泵，停水前一天在电梯厅和企业群提前通知。", raised_by="哈尔滨金泰科技开发有限公司", age=60),
        matter(2, "外卖送餐乱摆乱放", "午餐时间大堂门口和走廊堆满外卖，影响通行。", "resolved", "property", "富力物业",
               "大堂东侧设置外卖取餐架，骑手统一放置，保安引导。", age=45),
        matter(3, "百胜员工就业政策咨询", "百胜希望了解稳岗补贴和新招员工的社保补贴政策。", "resolved", "department",
               "道里区人社局", "区人社局到楼宇开展政策宣讲，帮助企业申领稳岗补贴。", raised_by="百胜中国", age=90),
    ]
    open_ = [
        matter(10, "地下车库照明不足", "B2 车库东区多盏灯不亮，晚上下班不安全。", "in_progress", "property", "富力物业",
               progress="已更换 20 盏灯，剩余线路检修中。", raised_by="张*"),
        matter(11, "楼内企业之间交流太少", "希望定期组织企业交流活动。", "assigned", "street", "正阳河街道党工委",
               overdue=True, age=70),
        matter(12, "希望增设电动车充电桩", "员工电动自行车无处充电。", "raised", "", "", age=3),
    ]
    convention = wire.Convention(version=3, title="富力共识", preamble="入驻富力中心的企业和员工共同遵守，共建文明和谐楼宇。",
                                 items=[wire.ConventionItem(title=title, text=text) for title, text in (
                                     ("公共安全", "遵守消防规定，不占用消防通道，不在楼内存放易燃易爆物品。"),
                                     ("平安创建", "配合安保登记，发现可疑情况及时报告。"),
                                     ("守法经营", "依法诚信经营，按时申报纳税。"),
                                     ("文明礼仪", "礼让电梯，公共区域不喧哗、不吸烟。"),
                                     ("共创共建", "积极参加楼事楼议，共同解决楼宇问题。"),
                                     ("融合并进", "企业之间互通资源，携手发展。"))],
                                 updated_at=now - 20 * day)
    board = wire.MattersBoard(etag="screenshots", generated_at=now, resolved=resolved, open=open_, convention=convention,
                              counts=wire.MatterCounts(year=now.year, raised=14, resolved=8, open=3))
    app.matters.show_board(MattersBoardStore(app.store).replace(board, now - timedelta(minutes=8)))
def _sample_wall(app):
    """A made-up wall (the cards' QRs point at a made-up server), only to show how the screen renders it."""
    from common import wire
    from common.catalogue import Text
    from services.wishes.wall import save_wall

    today = date.today()
    teams = {"care": Text(zh="党员爱心服务队", en="Party Members' Care Team"),
             "youth": Text(zh="青年志愿者服务队", en="Youth Volunteer Team")}
    cards = [
        ("open", "周五帮忙修自行车", "T2 楼一位职工", 2, None),
        ("open", "为午间休憩室添几条毯子", "在午休室休息的职工", 5, None),
        ("claimed", "给楼下的流浪猫做个过冬的窝", "", 12, "youth"),
        ("fulfilled", "为 T3 楼阅读角添置一批新书", "T3 楼全体职工", 40, "care"),
    ]
    wall = wire.WishWall(etag="screenshots", generated_at=datetime.now(UTC) - timedelta(minutes=9),
                         counts=wire.WishCounts(year=today.year, posted=23, claimed=15, fulfilled=12),
                         cards=[wire.WishCard(id=n + 1, status=status, title=title, for_whom=for_whom,
                                              posted_on=today - timedelta(days=days), team=teams.get(team or ""),
                                              fulfilled_on=today if status == "fulfilled" else None, path=f"/w/{n + 1}")
                                for n, (status, title, for_whom, days, team) in enumerate(cards)])
    save_wall(app.store, wall)
    feedback = app.kiosk_settings.feedback.model_copy(update={"status_url_base": "https://kiosk.example.org"})
    app.apply_settings(app.kiosk_settings.model_copy(update={"feedback": feedback}))


def _checkin_waiting(app):
    app.show_sync_status(_status("online"))
    app.open_module("checkin")


def _checkin_verdict(app, kind: str):
    from common.checkin_rules import PriorCheckin, Verdict
    from services.checkin.desk import DeskVerdict

    now = datetime.now(UTC)
    prior = PriorCheckin(scanned_at=now - timedelta(minutes=12), terminal_name="T1 大堂 1 号机") if kind == "already" else None
    if kind == "checked_out":
        prior = PriorCheckin(scanned_at=now - timedelta(minutes=135), terminal_name="T1 大堂 1 号机")
    result = DeskVerdict(verdict=Verdict(kind, None, prior, ""), mode="offline", record_id="", scanned_at=now,
                         event=_sample_event(), name="张小明" if kind in ("welcome", "already", "checked_out") else None)
    if kind == "closed":
        result = DeskVerdict(verdict=Verdict(kind, None, None, ""), mode="offline", record_id="", scanned_at=now,
                             event=_sample_event().model_copy(update={"closes_at": now - timedelta(minutes=5)}), name=None)
    app.checkin._show(kind, result)


def _sample_board():
    """A made-up volunteer board (four of the centre's teams, three activities), only to show how it renders."""
    from common import wire
    from common.catalogue import Text

    now = datetime.now(UTC)
    teams = [wire.VolunteerTeamCard(id=i, name=Text(zh=zh, en=en), about=None, leader=leader, members=members,
                                    hours=hours)
             for i, (zh, en, leader, members, hours) in enumerate((
                 ("青年志愿者服务队", "Youth Volunteer Team", "刘*阳", 18, 146.5),
                 ("党员爱心服务队", "Party Members' Care Team", "王*梅", 12, 88.0),
                 ("政务助企服务队", "Government Help for Companies Team", "陈*", 9, 41.5),
                 ("江湾日行一善志愿服务队", "Jiangwan One Good Deed a Day Team", "", 23, 120.0)), start=1)]
    activities = [wire.VolunteerActivity(id=20 + i, title=Text(zh=zh, en=en), team_id=1, place=place,
                                         starts_at=now + timedelta(days=days, hours=1),
                                         ends_at=now + timedelta(days=days, hours=3), registered=registered,
                                         capacity=capacity, signup_open=True)
                  for i, (zh, en, place, days, registered, capacity) in enumerate((
                      ("“迎战风雪 保障出行”清冰雪", "Snow clearing: safe ways to work", "富力中心南广场", 1, 14, 30),
                      ("健康义诊进楼宇", "Free health checks in the building", "T1 一层大堂", 5, 6, None),
                      ("早高峰疏导交通", "Morning rush-hour traffic help", "友谊路入口", 8, 9, 12)))]
    return wire.VolunteerBoard(generated_at=now - timedelta(minutes=42), teams=teams, activities=activities,
                               totals=wire.VolunteerTotals(year=now.year, activities=7, volunteers=64, hours=396.0))


def _volunteers(app, fresh: bool):
    from services.volunteers.board import BOARD_KEY, BoardView

    board = _sample_board()
    app.store.set_state(BOARD_KEY, board.model_dump_json())
    app.show_sync_status(_status("online" if fresh else "offline"))
    # Not enrolled here: the board comes as if the server had answered (or not).
    app.volunteers.source.refresh = lambda: BoardView(board, fresh)
    app.open_module("volunteers")


def _volunteer_hours(app):
    from common import wire
    from common.catalogue import Text
    from services.volunteers.board import HoursLookup

    now = datetime.now(UTC)
    answer = wire.VolunteerHoursAnswer(
        kind="found", name="张*明", team=Text(zh="青年志愿者服务队", en="Youth Volunteer Team"), year=now.year,
        activities=5, hours=12.5, recent=[
            wire.VolunteerServiceLine(title=Text(zh="“迎战风雪 保障出行”清冰雪", en="Snow clearing"),
                                      starts_at=now - timedelta(days=3), minutes=150),
            wire.VolunteerServiceLine(title=Text(zh="清理垃圾", en="Litter clean-up"),
                                      starts_at=now - timedelta(days=20), minutes=120)])
    app.volunteers.start_lookup()
    app.volunteers._set_lookup("checking")
    app.volunteers._looked_up(HoursLookup(answer))
def _sample_booking_grid():
    """The centre's three spaces over the next week, some slots taken: made up, only to show the grid."""
    from common.catalogue import Text
    from common.wire import BookingDay, BookingGrid, BookingSlot, BookingSpace

    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)

    def days(first_hour: int, count: int, minutes: int, places: int) -> list:
        out = []
        for offset in range(8):
            day = today + timedelta(days=offset)
            closed = day.weekday() >= 5
            slots = []
            for n in range(count):
                start = day + timedelta(hours=first_hour, minutes=minutes * n)
                taken = (offset * 3 + n) % 4 == 1
                state = "closed" if closed else "past" if offset == 0 and n < 2 else "full" if taken else "free"
                slots.append(BookingSlot(starts_at=start, ends_at=start + timedelta(minutes=minutes), state=state,
                                         free=0 if state != "free" else places - (n % places if places > 1 else 0)))
            out.append(BookingDay(day=day.date(), slots=slots))
        return out

    return BookingGrid(spaces=[
        BookingSpace(id=1, name=Text(zh="商务洽谈室", en="Business meeting room"), place="T3 楼 1107 室", capacity=8,
                     slot_minutes=60, max_minutes_per_day=120, days_ahead=7, days=days(9, 8, 60, 1)),
        BookingSpace(id=2, name=Text(zh="午间休憩区", en="Lunchtime rest area"), place="T3 楼 1107 室", capacity=6,
                     slot_minutes=30, max_minutes_per_day=60, days_ahead=2, days=days(11, 5, 30, 6)),
        BookingSpace(id=3, name=Text(zh="VR 互动体验区", en="VR experience corner"), place="T3 楼 1107 室", capacity=2,
                     slot_minutes=30, max_minutes_per_day=60, days_ahead=7, days=days(9, 16, 30, 1)),
    ])


def _booking_grid(app):
    app.reset_session()
    app.navigator.go("booking")  # not open(): no server here to ask
    app.booking._grid_arrived(_sample_booking_grid())


def _booking_form(app):
    flow = app.booking
    slot = next(s for day in flow.grid.spaces[0].days[1:] for s in day.slots if s.state == "free")
    flow.choose_slot(slot.starts_at.isoformat())
    form = app.screens["booking_form"]
    form.name_value, form.company, form.phone, form.field = "张小明", "富力（哈尔滨）房地产开发有限公司", "13800138000", "phone"


def _booking_refused(app):
    from common.wire import BookingOutcome, BookingSlot

    flow = app.booking
    start = flow.draft.starts_at + timedelta(hours=1)
    flow._booked(BookingOutcome(refused="taken", nearest=BookingSlot(starts_at=start, ends_at=start + timedelta(hours=1),
                                                                     state="free", free=1)))


def _booking_pass(app):
    from common import booking_pass, tickets
    from common.wire import BookingOutcome, BookingPassInfo

    flow = app.booking
    key = tickets.SigningKey.from_private_bytes(1, bytes(32))
    start = flow.draft.starts_at
    flow._booked(BookingOutcome(booking=BookingPassInfo(
        booking_id=42, space_id=1, space=flow.grid.spaces[0].name, place="T3 楼 1107 室", starts_at=start,
        ends_at=start + timedelta(hours=1), masked_name="张**", masked_phone="138****8000",
        pass_text=booking_pass.issue(key, 1, 42), page_path="/b/p/sample")))


def _pass_verdict(app, kind: str):
    from common.catalogue import Text
    from common.wire import PassVerdict

    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1 if kind == "too_early" else 0)
    app.checkin._handle_pass(PassVerdict(kind=kind, space=Text(zh="商务洽谈室", en="Business meeting room"),
                                         starts_at=start, ends_at=start + timedelta(hours=1), masked_name="张**",
                                         opens_at=start - timedelta(minutes=15)))


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


def _render(out: Path, lang: str, orientation: str, window_plan, only: tuple[str, ...] = ()) -> None:
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
    scenes = iter([scene for scene in SCENES if not only or scene[0] in only])

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
    parser.add_argument("--only", default="", help="comma-separated scene names (with --lang and --orientation)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.lang and args.orientation:
        from kiosk.bootstrap import configure_kivy
        from services.storage import paths

        window_plan = configure_kivy(paths.data_dir())
        _render(args.out.resolve(), args.lang, args.orientation, window_plan,
                tuple(name for name in args.only.split(",") if name))
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
