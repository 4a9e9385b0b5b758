"""The centre's volunteer teams are created once, in the centre's order, and what an administrator changed stays."""

from __future__ import annotations

from sqlalchemy import select

from server.volunteers.models import VolunteerTeam
from server.volunteers.seed import CENTRE_TEAMS, create_centre_teams


def test_the_centre_teams_are_created_once_and_kept_as_edited(db):
    create_centre_teams(db)
    db.commit()
    teams = db.scalars(select(VolunteerTeam).order_by(VolunteerTeam.sort_order)).all()
    assert [team.name_zh for team in teams] == [row[1] for row in CENTRE_TEAMS]
    teams[0].name_zh = "党务工作者服务队（T3）"
    db.commit()

    again = create_centre_teams(db)
    db.commit()
    assert len(db.scalars(select(VolunteerTeam)).all()) == len(CENTRE_TEAMS)
    assert again[0].name_zh == "党务工作者服务队（T3）"
