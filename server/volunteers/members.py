"""Team members: added in the console, or joining the activity's team when they sign up for a volunteer
activity on the phone page with a number that is on no team yet. A phone number is on one team at most."""

from __future__ import annotations

import contextlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.core.clock import utcnow
from server.volunteers.models import VolunteerMember, VolunteerTeam
from server.volunteers.schemas import MemberFields, TeamFields


class MemberRefused(ValueError):
    """The message says why (English, for staff); ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def mask_phone(phone: str) -> str:
    """138****1234: a member's phone anywhere outside the console."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_name(name: str) -> str:
    """张*明 / 张* : the first and (from three characters) the last character, as the kiosk's welcome does."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[0] + "*" * min(len(name) - 2, 3) + name[-1]


def teams(db: Session, active_only: bool = False) -> list[VolunteerTeam]:
    query = select(VolunteerTeam).order_by(VolunteerTeam.sort_order, VolunteerTeam.id)
    if active_only:
        query = query.where(VolunteerTeam.active.is_(True))
    return list(db.scalars(query))


def add_team(db: Session, fields: TeamFields, actor: str) -> VolunteerTeam:
    """A new team, last in the order; its key (for links and imports) is made from its id."""
    order = (db.scalar(select(func.max(VolunteerTeam.sort_order))) or 0) + 1
    team = VolunteerTeam(key=f"team-{secrets.token_hex(6)}", sort_order=order, **fields.model_dump())
    db.add(team)
    db.flush()
    audit(db, actor, "volunteer.team_add", f"volunteer_team:{team.id}", name=team.name_zh)
    return team


def update_team(db: Session, team: VolunteerTeam, fields: TeamFields, actor: str) -> None:
    for name, value in fields.model_dump().items():
        setattr(team, name, value)
    db.flush()
    audit(db, actor, "volunteer.team_edit", f"volunteer_team:{team.id}", name=team.name_zh, active=team.active)


def members(db: Session, team_id: int | None = None) -> list[VolunteerMember]:
    """Leaders first, then by name."""
    query = select(VolunteerMember).order_by(VolunteerMember.team_id, VolunteerMember.leader.desc(),
                                             VolunteerMember.name, VolunteerMember.id)
    if team_id is not None:
        query = query.where(VolunteerMember.team_id == team_id)
    return list(db.scalars(query))


def member_counts(db: Session) -> dict[int, int]:
    return dict(db.execute(select(VolunteerMember.team_id, func.count()).group_by(VolunteerMember.team_id)).all())


def by_phone(db: Session, phone: str) -> VolunteerMember | None:
    return db.scalar(select(VolunteerMember).where(VolunteerMember.phone == phone))


def add(db: Session, fields: MemberFields, actor: str, source: str = "console") -> VolunteerMember:
    _check_team(db, fields.team_id)
    if by_phone(db, fields.phone) is not None:
        raise MemberRefused(f"{mask_phone(fields.phone)} is on a team already", "phone")
    member = VolunteerMember(team_id=fields.team_id, name=fields.name, phone=fields.phone,
                             organisation=fields.organisation, leader=fields.leader, source=source,
                             created_at=utcnow())
    try:
        with db.begin_nested():
            db.add(member)
    except IntegrityError:  # the same phone a moment ago from another request
        raise MemberRefused(f"{mask_phone(fields.phone)} is on a team already", "phone") from None
    audit(db, actor, "volunteer.member_add", f"volunteer_team:{fields.team_id}", member=member.id, source=source)
    return member


def update(db: Session, member: VolunteerMember, fields: MemberFields, actor: str) -> None:
    _check_team(db, fields.team_id)
    other = by_phone(db, fields.phone)
    if other is not None and other.id != member.id:
        raise MemberRefused(f"{mask_phone(fields.phone)} is on a team already", "phone")
    for name in ("team_id", "name", "phone", "organisation", "leader"):
        setattr(member, name, getattr(fields, name))
    db.flush()
    audit(db, actor, "volunteer.member_edit", f"volunteer_team:{fields.team_id}", member=member.id)


def remove(db: Session, member: VolunteerMember, actor: str) -> None:
    """Their hours stay with their sign-ups (they count again should the number join a team again)."""
    audit(db, actor, "volunteer.member_remove", f"volunteer_team:{member.team_id}", member=member.id)
    db.delete(member)
    db.flush()


def join_from_signup(db: Session, team_id: int, name: str, phone: str, organisation: str) -> None:
    """A sign-up for a team's activity: a number on no team joins that team (a number on a team stays there)."""
    if by_phone(db, phone) is not None:
        return
    # The same number may have joined a moment ago: the sign-up itself stands either way.
    with contextlib.suppress(MemberRefused):
        add(db, MemberFields(team_id=team_id, name=name, phone=phone, organisation=organisation), "public", "signup")


def _check_team(db: Session, team_id: int) -> None:
    if db.get(VolunteerTeam, team_id) is None:
        raise MemberRefused(f"no such volunteer team: {team_id}", "team_id")
