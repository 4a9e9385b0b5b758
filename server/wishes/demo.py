"""``kiosk-server demo-data``: the building's year of micro-wishes (../shared/centre.md: 10+ claimed and
fulfilled), made through the same workflow as real ones (so each has its history), then dated over the year."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.volunteers.models import VolunteerTeam
from server.wishes import wishes
from server.wishes.models import Wish

# (as posted, public wording, for whom, days ago posted, team key or None, claimed after days, fulfilled after days,
#  fulfilment note). No team: still open. A team without a fulfilment: claimed and under way.
_DEMO_WISHES = (
    ("阅读角的书太旧了，希望添一些新书", "为 T3 楼阅读角添置一批新书", "T3 楼全体职工", 300, "member-care", 2, 9,
     "“党员引领，传递书香”活动募集图书 120 册，已上架"),
    ("自行车链条掉了，想找人周五帮忙修一下", "周五帮忙修自行车", "T2 楼一位职工", 280, "good-deed", 1, 3,
     "周五午休时在地下车库修好"),
    ("孩子寒假想参观一次科技馆，家里没人带", "寒假带孩子参观科技馆", "一位职工的孩子", 260, "youth", 3, 20,
     "青年志愿者带 6 名职工子女参观了黑龙江省科技馆"),
    ("想学怎么在手机上办社保业务", "教我用手机办社保业务", "一位临近退休的职工", 240, "business-help", 1, 4,
     "政务助企服务队一对一讲解了“黑龙江人社”App"),
    ("母亲腿脚不便，想请人帮忙取药", "帮行动不便的老人取药", "一位职工的母亲", 220, "member-care", 1, 2,
     "党员志愿者代取药品并送到家"),
    ("想要一盆绿植放在工位", "工位上的一盆绿植", "T3 楼 12 层一位新职工", 200, "good-deed", 2, 5,
     "送去一盆绿萝"),
    ("公司刚入驻，不知道怎么申请人才补贴", "新入驻企业申请人才补贴的指导", "一家新入驻的企业", 190, "business-help", 1, 10,
     "政务助企服务队协助准备材料并提交申请"),
    ("电脑总是很卡，想请懂行的人看看", "帮忙看看很卡的电脑", "T2 楼一位职工", 170, "tech-talent", 1, 2,
     "科技人才服务队清理并升级了内存"),
    ("想为楼里的保洁阿姨送一次暖心午餐", "为保洁人员送一次暖心午餐", "楼宇保洁人员", 150, "member-care", 4, 12,
     "端午节为 18 位保洁人员送去午餐和粽子"),
    ("希望有人教党务新手写会议记录", "教党务新手写会议记录", "一家企业党支部", 130, "party-work", 2, 9,
     "党务工作者服务队开展了一次“三会一课”记录辅导"),
    ("孩子高考后想找人聊聊填志愿", "高考志愿填报的经验分享", "一位职工的孩子", 110, "youth", 2, 6,
     "两位哈工大毕业的志愿者分享了填报经验"),
    ("冬天门口台阶结冰，想请人帮忙早上撒盐", "清晨给门口台阶除冰", "T3 楼上下班的职工", 40, "youth", 1, 3,
     "“迎战风雪 保障出行”清冰雪行动中一并完成"),
    ("想给楼里的流浪猫做个过冬的窝", "给楼下的流浪猫做个过冬的窝", "", 30, "good-deed", 2, None, None),
    ("打印机总卡纸，小公司请不起人修", "帮小微企业修打印机", "T2 楼一家小微企业", 20, "tech-talent", 1, None, None),
    ("希望能有一次免费体检", "一次免费的健康检查", "楼宇职工", 18, "member-care", 3, None, None),
    ("想给孩子找一位周末英语陪练", "周末英语陪练", "一位职工的孩子", 12, None, None, None, None),
    ("雨伞坏了，希望大堂能有共享雨伞", "大堂放一批共享雨伞", "来访的办事群众", 10, None, None, None, None),
    ("想学习怎么给公司做党建台账", "学做企业党建台账", "一家新成立党支部的企业", 8, None, None, None, None),
    ("想找人帮忙搬一次办公室的书柜", "帮忙搬办公室书柜", "T3 楼 9 层一家企业", 6, None, None, None, None),
    ("午休室的毯子不够，希望添几条", "为午间休憩室添几条毯子", "在午休室休息的职工", 5, None, None, None, None),
    ("想请人帮忙给老人手机装上健康码和打车软件", "帮老人手机装常用软件", "一位职工的父亲", 4, None, None, None, None),
    ("孩子的自行车需要换个车胎", "给孩子的自行车换车胎", "一位职工的孩子", 3, None, None, None, None),
    ("想要一套旧的围棋，午休时和同事下", "一副午休时下的围棋", "T2 楼的围棋爱好者", 2, None, None, None, None),
)
# Under review (posted, not yet public): their text stays in the console.
_IN_REVIEW = ("想请人帮我写一份求职简历，我的电话是 13900001111", "希望物业能把 T2 电梯的空调修一下")
_DEMO_CLAIMANTS = (("志愿者甲", "13900000001"), ("志愿者乙", "13900000002"), ("志愿者丙", "13900000003"))


def create(db: Session, settings: ServerSettings, teams: list[VolunteerTeam], actor: str) -> int:
    """The demo wishes; how many were fulfilled."""
    by_key = {team.key: team for team in teams}
    now = utcnow()
    fulfilled = 0
    for n, (text, title, for_whom, days_ago, team_key, claim_days, fulfil_days, note) in enumerate(_DEMO_WISHES):
        wish, _code = wishes.post(db, settings, text, "", "console", actor)
        wishes.publish(db, wish, title, for_whom, actor)
        posted = now - timedelta(days=days_ago, hours=n % 7)
        _dated(wish, posted=posted, published=posted + timedelta(hours=3))
        if team_key is None or claim_days is None:
            continue
        name, phone = _DEMO_CLAIMANTS[n % len(_DEMO_CLAIMANTS)]
        token = wishes.claim(db, wish.id, name, phone, by_key[team_key].id)
        claimed = posted + timedelta(days=claim_days)
        if fulfil_days is not None and note is not None:
            wishes.fulfil(db, wishes.by_claim_token(db, token) or wish, note, "claimant")
            wish.fulfilled_at = claimed + timedelta(days=fulfil_days)
            fulfilled += 1
        _dated(wish, claimed=claimed)
    for text in _IN_REVIEW:
        wishes.post(db, settings, text, "", "console", actor)
    db.flush()
    return fulfilled


def _dated(wish: Wish, posted: datetime | None = None, published: datetime | None = None,
           claimed: datetime | None = None) -> None:
    if posted is not None:
        wish.posted_at = wish.updated_at = posted
    if published is not None:
        wish.published_at = published
    if claimed is not None:
        wish.claimed_at = claimed
        wish.updated_at = wish.fulfilled_at or claimed
