"""``kiosk-server demo-data``: the centre's volunteer year — the six teams with a leader and members, a dozen
volunteer activities of this year (traffic help, litter clean-up, snow clearing, health check days ...) with
check-ins and check-outs stored the way a terminal's records are, one forgotten check-out set by hand, and two
activities still to come that members sign up for on their phones."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.core.clock import utcnow
from server.events import attendees, events, tickets_issue
from server.events.schemas import AttendeeFields, EventFields
from server.fleet import records
from server.fleet.models import Event, Terminal
from server.volunteers import hours, members
from server.volunteers.schemas import HoursEdit, MemberFields
from server.volunteers.seed import create_centre_teams

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = ("志强", "秀英", "海燕", "建华", "丽娟", "晓东", "春梅", "国庆", "玉兰", "宏伟", "雪松", "冰洁", "立新",
          "佳怡", "子涵", "浩然", "雨桐", "明轩", "思远", "欣怡")
_ORGANISATIONS = ("富力物业", "龙江银行道里支行", "华信律师事务所", "北方云数据科技", "江湾设计院", "道里区税务局",
                  "黑龙江日报社", "鸿运物流", "冰城会计师事务所", "新阳光教育")
# Members per team, in CENTRE_TEAMS order (the first of each is its leader).
_TEAM_SIZES = (5, 6, 9, 6, 5, 7)
# (Chinese, English, team index, place, local start: days before today, hour, hours long)
_ACTIVITIES = (
    ("“迎战风雪 保障出行”清冰雪", "Snow clearing: safe ways to work", 2, "富力中心南广场", 320, 7, 2.5),
    ("早高峰疏导交通", "Morning rush-hour traffic help", 2, "友谊路入口", 300, 7, 1.5),
    ("清理垃圾 美化楼宇", "Litter clean-up around the towers", 5, "富力中心周边", 270, 14, 2),
    ("健康义诊进楼宇", "Free health checks in the building", 3, "T1 一层大堂", 240, 9, 3),
    ("政策直通车：帮企业办注册", "Policy desk: company registration help", 1, "T3-1107", 200, 14, 2),
    ("早高峰疏导交通", "Morning rush-hour traffic help", 2, "友谊路入口", 160, 7, 1.5),
    ("清理垃圾 美化楼宇", "Litter clean-up around the towers", 5, "江湾绿地", 120, 15, 2),
    ("科技咨询进企业", "Tech advice for the building's companies", 4, "T3 二层会议室 B", 90, 14, 2),
    ("健康义诊进楼宇", "Free health checks in the building", 3, "T1 一层大堂", 60, 9, 3),
    ("党务工作培训", "Party work training for companies", 0, "T3-1107", 40, 14, 2),
    ("早高峰疏导交通", "Morning rush-hour traffic help", 2, "友谊路入口", 20, 7, 1.5),
    ("“迎战风雪 保障出行”清冰雪", "Snow clearing: safe ways to work", 2, "富力中心南广场", 6, 7, 2.5),
)
_UPCOMING = (
    ("“迎战风雪 保障出行”清冰雪", "Snow clearing: safe ways to work", 2, "富力中心南广场", 2, 7, 2.5),
    ("健康义诊进楼宇", "Free health checks in the building", 3, "T1 一层大堂", 9, 9, 3),
)


def create(db: Session, terminal: Terminal, actor: str, zone: ZoneInfo) -> int:
    """The teams, members, activities and their check-ins; the number of activities made."""
    teams = create_centre_teams(db)
    people: list[list[tuple[str, str, str]]] = []
    number = 0
    for team, size in zip(teams, _TEAM_SIZES, strict=True):
        crew = []
        for index in range(size):
            name = _SURNAMES[number % len(_SURNAMES)] + _GIVEN[(number * 7) % len(_GIVEN)]
            phone, organisation = f"1390451{number:04d}", _ORGANISATIONS[number % len(_ORGANISATIONS)]
            members.add(db, MemberFields(team_id=team.id, name=name, phone=phone, organisation=organisation,
                                         leader=index == 0), actor, "demo")
            crew.append((name, phone, organisation))
            number += 1
        people.append(crew)
    today = utcnow().astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    days_this_year = (today - today.replace(month=1, day=1)).days
    rows: list[dict] = []
    forgot = None
    for count, (title_zh, title_en, team_index, place, days_ago, hour, length) in enumerate(_ACTIVITIES):
        start = (today - timedelta(days=round(days_ago * days_this_year / 330))).replace(hour=hour)
        event = _activity(db, teams[team_index].id, title_zh, title_en, place, start, length, actor)
        crew = people[team_index] + people[(team_index + 1) % len(people)][:2]
        for index, (name, phone, organisation) in enumerate(crew):
            registration = attendees.register(db, event, AttendeeFields(name=name, phone=phone,
                                                                        organisation=organisation), "import", actor)
            code = tickets_issue.ticket_text(db, registration)
            arrived = event.starts_at - timedelta(minutes=10 - index)
            rows.append(_scan(terminal, code, arrived, "welcome"))
            if count == len(_ACTIVITIES) - 1 and index == 0:
                forgot = registration  # left without scanning out: the leader sets the time
                continue
            left = event.ends_at + timedelta(minutes=(index * 7) % 25 - 12)
            rows.append(_scan(terminal, code, left, "checked_out"))
    for title_zh, title_en, team_index, place, days_ahead, hour, length in _UPCOMING:
        start = (today + timedelta(days=days_ahead)).replace(hour=hour)
        event = _activity(db, teams[team_index].id, title_zh, title_en, place, start, length, actor)
        for name, phone, organisation in people[team_index][:3]:
            attendees.register(db, event, AttendeeFields(name=name, phone=phone, organisation=organisation), "self",
                               "public")
    records.project_new(db, terminal, rows, records.insert_new(db, rows))
    if forgot is not None:
        hours.edit(db, forgot.id, HoursEdit(minutes=150, reason="忘记签退，队长确认全程参加"), actor)
    return len(_ACTIVITIES) + len(_UPCOMING)


def _activity(db: Session, team_id: int, title_zh: str, title_en: str, place: str, start: datetime,
              length: float, actor: str) -> Event:
    end = start + timedelta(hours=length)
    fields = EventFields(title_zh=title_zh, title_en=title_en, organiser="富力中心党群服务中心", place=place,
                         starts_at=start, ends_at=end, opens_at=start - timedelta(minutes=30),
                         closes_at=end + timedelta(minutes=30), capacity=30, volunteer_team_id=team_id)
    event = events.create(db, fields, actor)
    events.publish(db, event, actor)
    return event


def _scan(terminal: Terminal, code: str, at: datetime, verdict: str) -> dict:
    payload = {"code": code, "scanned_at": at.isoformat(), "nonce": uuid.uuid4().hex, "verdict": verdict,
               "mode": "offline"}
    return {"terminal_id": terminal.id, "id": str(uuid.uuid4()), "kind": "checkin", "created_at": at,
            "received_at": at + timedelta(minutes=1), "payload": payload}
