"""``kiosk-server demo-data``: the building's year of 楼事楼议 — the eight matters the joint meeting settled (the
centre's own story: employment-policy help for 百胜, too little exchange between companies, the water outage,
delivery boxes in the corridors, and four more of the same kind), three still open, the monthly meetings that took
them up, and the building convention 富力共识."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.core.clock import utcnow
from server.core.config import current_settings
from server.matters import convention, meetings
from server.matters import matters as matters_domain
from server.matters.models import Matter

ATTENDEES = "富力中心运营方、富力物业、入驻企业代表、道里区人社局、道里区市场监管局、正阳河街道党工委"
# (title, description, raised by ("" = a kiosk proposal), unit kind, unit name, decision, resolution, meeting index)
RESOLVED = (
    ("百胜员工就业政策咨询", "百胜餐饮希望了解稳岗补贴、新招员工社保补贴和职业技能培训补贴怎么申请。", "百胜中国",
     "department", "道里区人社局", "区人社局派专人对接，到楼宇开展政策宣讲。",
     "区人社局在 T3-1107 为百胜和楼内 20 余家企业宣讲就业政策，现场帮助百胜申领稳岗补贴。", 0),
    ("楼内企业之间交流太少", "同一栋楼里的企业互不认识，合作机会和资源都浪费了。", "明亚保险经纪",
     "street", "正阳河街道党工委", "街道党工委牵头，每季度举办一次友邻商业交流会。",
     "举办首场友邻商业交流会，42 家企业参加；建立楼宇企业交流群，每季度一次交流会。", 0),
    ("写字楼停水", "T3 楼 8 至 15 层周二上午突然停水，没有提前通知，企业无法正常办公。", "哈尔滨金泰科技开发",
     "property", "富力物业", "物业方查明原因、检修设备，停水须提前通知。",
     "物业更换了老化的二次加压泵；今后计划停水提前一天在电梯厅张贴并在企业群通知。", 1),
    ("外卖送餐乱摆乱放", "午餐时间大堂门口和走廊堆满外卖，影响通行，也容易拿错。", "",
     "property", "富力物业", "物业方设置取餐点，运营方与外卖平台沟通。",
     "大堂东侧设置外卖取餐架，骑手统一放置，保安高峰时段引导；走廊不再堆放外卖。", 1),
    ("冬季楼前积雪结冰", "下雪后楼前广场和台阶结冰，员工上班容易滑倒。", "庆翔企业管理集团",
     "street", "正阳河街道党工委", "街道组织志愿服务队清冰雪，物业配合铺设防滑垫。",
     "“迎战风雪 保障出行”志愿服务队雪后两小时内清理广场和台阶，物业在台阶铺设防滑垫。", 2),
    ("中午没有休息的地方", "很多员工中午只能趴在工位上休息，希望有个午休的地方。", "",
     "operator", "富力中心运营方", "运营方在党群服务中心开辟午间休憩区。",
     "T3-1107 党群服务中心工作日 12:00-13:30 开放午间休憩区，免费使用。", 2),
    ("上班高峰电梯拥挤", "早上 8:30 前后电梯间排长队，等十几分钟上不去。", "富力（哈尔滨）房地产开发",
     "property", "富力物业", "物业调整电梯运行模式，倡议企业错峰上班。",
     "高峰时段低区、高区电梯分层停靠，12 家企业实行错峰上班，排队时间缩短到 3 分钟以内。", 3),
    ("企业办事要跑多个部门", "新设企业办执照、刻章、社保登记要跑好几个地方。", "黑龙江分公司筹备组",
     "department", "道里区市场监管局", "“企业吹哨、部门报到”，市场监管局牵头每月进楼服务。",
     "市场监管、人社、税务每月第二个周三进楼集中办公，企业开办一次办结。", 3),
)
# (title, description, raised by, status, unit kind, unit name, decision, public note, meeting index or None)
OPEN = (
    ("地下车库照明不足", "B2 车库东区多盏灯不亮，晚上下班不安全。", "张明", "in_progress", "property", "富力物业",
     "物业方一个月内完成照明检修。", "已更换 20 盏灯，剩余线路检修中。", 4),
    ("楼前非机动车乱停", "楼前人行道电动车、自行车乱停，堵住了消防通道。", "", "assigned", "operator",
     "富力中心运营方", "运营方划定非机动车停放区并安排专人管理。", "", 4),
    ("希望增设电动车充电桩", "员工电动自行车无处充电，有人从楼里拉线，存在安全隐患。", "", "raised", "", "", "", "", None),
)
CONVENTION_ITEMS = "\n".join((
    "公共安全：遵守消防安全规定，不占用、堵塞消防通道和安全出口，不在楼内存放易燃易爆物品。",
    "平安创建：配合楼宇安保登记和巡查，发现可疑人员和安全隐患及时报告。",
    "守法经营：依法诚信经营，按时申报纳税，不从事违法违规经营活动。",
    "文明礼仪：礼让电梯，公共区域不喧哗、不吸烟，文明用语、文明办公。",
    "环境卫生：垃圾分类投放，外卖统一到取餐点领取，不在走廊堆放杂物。",
    "节约资源：随手关灯、关水，合理设置空调温度，倡导无纸化办公。",
    "互帮互助：积极参加志愿服务和微心愿认领，关心帮助有困难的职工。",
    "共创共建：积极参加楼事楼议联席会议，有事共商、难事共办。",
    "融合并进：企业之间互通资源、互学互鉴，携手发展。",
    "党建引领：楼内党员亮身份、作表率，支持楼宇党组织开展活动。",
    "服务发展：用好进楼的政务服务和政策，反映企业诉求。",
    "遵守公约：入驻企业签署并共同遵守本公约，楼宇综合党委每年评议一次。",
))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(current_settings().timezone))


def create(db: Session, actor: str) -> int:
    """The matters, meetings and convention; the number of matters made."""
    today = utcnow().astimezone(ZoneInfo(current_settings().timezone)).date()
    # Monthly meetings on the 10th, the newest last month; resolved matters went through the older ones.
    held = [date(today.year, today.month, 10) - timedelta(days=30 * (5 - index)) for index in range(5)]
    held = [day if day < today else day - timedelta(days=30) for day in held]
    meeting_rows = [meetings.create(db, title=f"{day.year}年{day.month}月楼事楼议联席会议", held_on=day,
                                    place="T3 楼 1107 室 党群服务中心", attendees=ATTENDEES, minutes="", actor=actor)
                    for day in held]
    count = 0
    for title, description, raised_by, kind, unit, decision, resolution, index in RESOLVED:
        meeting = meeting_rows[index]
        matter = _raised(db, title, description, raised_by, meeting.held_on - timedelta(days=12), actor)
        meetings.decide(db, meeting, matter, unit_kind=kind, unit_name=unit, deadline=meeting.held_on + timedelta(days=30),
                        decision=decision, actor=actor)
        matters_domain.resolve(db, matter, resolution, actor)
        matter.resolved_at = _at(meeting.held_on + timedelta(days=18))
        count += 1
    for title, description, raised_by, status, kind, unit, decision, note, taken_up_at in OPEN:
        taken_up = meeting_rows[taken_up_at] if taken_up_at is not None else None
        raised_on = taken_up.held_on - timedelta(days=8) if taken_up is not None else today - timedelta(days=3)
        matter = _raised(db, title, description, raised_by, raised_on, actor)
        if taken_up is not None:
            meeting = taken_up
            meetings.decide(db, meeting, matter, unit_kind=kind, unit_name=unit, decision=decision, actor=actor,
                            deadline=meeting.held_on + timedelta(days=30 if status == "in_progress" else 14))
        if status == "in_progress":
            matters_domain.transition(db, matter, "in_progress", "", actor)
            matters_domain.add_note(db, matter, note, True, actor)
        count += 1
    for meeting in meeting_rows:
        decided = "；".join(d.matter.title for d in meetings.decisions_of(db, meeting))
        meeting.minutes = f"会议由楼宇综合党委主持，研究了{decided}等事项，分流交办给成员单位，明确了办理期限。"
    convention.save(db, title="富力共识", preamble="为共建安全、文明、和谐、发展的富力中心，入驻企业和职工共同遵守以下公约。",
                    items=CONVENTION_ITEMS, comment="楼事楼议联席会议通过", actor=actor)
    return count


def _raised(db: Session, title: str, description: str, raised_by: str, day: date, actor: str) -> Matter:
    return matters_domain.raise_matter(db, title=title, description=description, raised_by=raised_by,
                                       via="console" if raised_by else "kiosk", actor=actor, raised_at=_at(day))
