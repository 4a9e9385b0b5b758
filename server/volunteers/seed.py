"""The centre's own volunteer teams (../shared/centre.md), created by ``kiosk-server demo-data``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.volunteers.models import VolunteerTeam

# (key, Chinese name, English name, what the team does in Chinese, in English)
CENTRE_TEAMS = (
    ("party-work", "党务工作者服务队", "Party Work Team",
     "为楼宇企业党组织提供党务指导", "Guidance on Party work for the building's companies"),
    ("business-help", "政务助企服务队", "Government Help for Companies Team",
     "帮企业办理注册落地、人才扶持等政务事项", "Helps companies with registration, talent support and other government matters"),
    ("youth", "青年志愿者服务队", "Youth Volunteer Team",
     "疏导交通、清理垃圾、清冰雪等志愿服务", "Traffic help, litter clean-up, snow clearing"),
    ("member-care", "党员爱心服务队", "Party Members' Care Team",
     "认领微心愿，关爱楼宇职工", "Claims micro-wishes and looks after the building's staff"),
    ("tech-talent", "科技人才服务队", "Tech Talent Team",
     "为企业和职工提供科技咨询", "Technology advice for companies and staff"),
    ("good-deed", "江湾日行一善志愿服务队", "Jiangwan One Good Deed a Day Team",
     "日行一善，随手帮忙", "One good deed a day, help at hand"),
)


def create_centre_teams(db: Session) -> list[VolunteerTeam]:
    """The centre's teams, once: teams already there (by key) are left as they are."""
    existing = {team.key: team for team in db.scalars(select(VolunteerTeam))}
    teams = []
    for order, (key, name_zh, name_en, about_zh, about_en) in enumerate(CENTRE_TEAMS):
        team = existing.get(key)
        if team is None:
            team = VolunteerTeam(key=key, name_zh=name_zh, name_en=name_en, description_zh=about_zh,
                                 description_en=about_en, sort_order=order)
            db.add(team)
        teams.append(team)
    db.flush()
    return teams
