"""``kiosk-server demo-data``: a handful of feedback items, stored the way a terminal's records are."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.feedback_rules import new_check_code, tracking_number
from server.core.clock import utcnow
from server.feedback import workflow as feedback_workflow
from server.fleet import records
from server.fleet.models import FeedbackItem, Terminal

# (category, rating, text, reason, hours ago, suppressed)
_DEMO_ITEMS = (
    ("repair", None, "12 楼茶水间停水了，已经一上午。", None, 72, None),
    ("order", None, "T3 一楼大堂地面湿滑，请放置提示牌。", None, 2, None),
    ("service_rating", 5, "窗口办理很快，工作人员很耐心。", None, 5, None),
    ("service_rating", 1, "排队两个小时，叫号系统坏了也没人说明。", "等候时间太长", 150, None),
    ("event_suggestion", None, "希望多办几场创业政策沙龙。", None, 30, None),
    ("event_suggestion", None, "希望多办几场创业政策沙龙。", None, 30, "repeat"),
    ("micro_wish", None, "希望大堂增加一台直饮水机。", None, 1, None),
)


def create(db: Session, terminal: Terminal, actor: str) -> list[tuple[str, str]]:
    """Store the demo records from ``terminal`` (through the same projection as synced ones), accept one item
    and reply to it; the (tracking number, check code) of each, for the status page."""
    now = utcnow()
    rows, opened = [], []
    for category, rating, text, reason, hours_ago, suppressed in _DEMO_ITEMS:
        record_id, at = str(uuid.uuid4()), now - timedelta(hours=hours_ago)
        tracking, code = tracking_number(record_id, at.date()), new_check_code()
        opened.append((tracking, code))
        payload = {"tracking_number": tracking, "check_code": code, "category": category, "rating": rating,
                   "text": text, "reason": reason, "consent": False, "locale": "zh_CN",
                   "submitted_at": at.isoformat(), "suppressed": suppressed}
        rows.append({"terminal_id": terminal.id, "id": record_id, "kind": "feedback", "created_at": at,
                     "received_at": at + timedelta(minutes=1), "payload": payload})
    records.project_new(db, terminal, rows, records.insert_new(db, rows))
    db.flush()
    answered = db.scalars(select(FeedbackItem).where(FeedbackItem.tracking_number == opened[1][0])).one()
    feedback_workflow.transition(db, answered, "accepted", "", actor)
    feedback_workflow.set_reply(db, answered, "已安排保洁人员处理并放置提示牌，感谢您的反馈。", actor)
    return opened
