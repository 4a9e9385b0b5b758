"""Demo events for ``kiosk-server demo-data``: two published events whose check-in is open now, offered at
every terminal, with attendees; the ticket text of one attendee is returned so a demo can "scan" it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from server.core.clock import utcnow
from server.events import attendees, events, tickets_issue
from server.events.schemas import AttendeeFields, EventFields

DEMO_EVENTS = (
    ("“一网通办”政务服务宣讲会", "One-stop government services briefing", "市政务服务中心", "T1 三层多功能厅"),
    ("创业扶持政策解读会", "Start-up support policies explained", "区人力资源和社会保障局", "T3 二层会议室 B"),
)
DEMO_ATTENDEES = (
    ("张伟", "13800138001", "华东设计院"), ("王芳", "13900139002", "明德律师事务所"),
    ("李娜", "13700137003", "星河科技有限公司"), ("刘洋", "15000150004", ""), ("陈静", "18600186005", "市第一医院"),
    ("杨磊", "13600136006", "蓝鲸物流"), ("赵敏", "15800158007", "自由职业"), ("黄强", "18800188008", "中信银行"),
    ("周婷", "13500135009", "恒生电子"), ("吴昊", "17700177010", "新华书店"), ("Emily Clark", "13300133011", "British Council"),
)


def create(db: Session, actor: str) -> tuple[list[int], str]:
    """The demo events (ids) and the ticket text of their first attendee."""
    now = utcnow().replace(second=0, microsecond=0)
    event_ids: list[int] = []
    first_ticket = ""
    for number, (title_zh, title_en, organiser, place) in enumerate(DEMO_EVENTS):
        fields = EventFields(title_zh=title_zh, title_en=title_en, organiser=organiser, place=place,
                             starts_at=now + timedelta(hours=1 + number), ends_at=now + timedelta(hours=3 + number),
                             opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=12), capacity=200)
        event = events.create(db, fields, actor)
        events.publish(db, event, actor)
        event_ids.append(event.id)
        people = DEMO_ATTENDEES if number == 0 else DEMO_ATTENDEES[::3]
        for name, phone, organisation in people:
            registration = attendees.register(db, event, AttendeeFields(name=name, phone=phone,
                                                                        organisation=organisation), "import", actor)
            if not first_ticket:
                first_ticket = tickets_issue.ticket_text(db, registration)
    return event_ids, first_ticket
