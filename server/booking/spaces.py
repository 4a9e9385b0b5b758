"""The bookable spaces and their closures, as staff set them in the console."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.booking.models import Closure, Space
from server.booking.schemas import ClosureFields, SpaceFields
from server.core.clock import utcnow


def all_spaces(db: Session, active_only: bool = False) -> list[Space]:
    query = select(Space).order_by(Space.id)
    if active_only:
        query = query.where(Space.active.is_(True))
    return list(db.scalars(query))


def get(db: Session, space_id: int) -> Space | None:
    return db.get(Space, space_id)


def create(db: Session, fields: SpaceFields, actor: str) -> Space:
    space = Space(**fields.model_dump(), updated_at=utcnow())
    db.add(space)
    db.flush()
    audit(db, actor, "booking.space.create", f"space:{space.id}")
    return space


def update(db: Session, space: Space, fields: SpaceFields, actor: str) -> Space:
    """New rules apply to bookings made from now on; bookings already made keep their slots."""
    for name, value in fields.model_dump().items():
        setattr(space, name, value)
    space.updated_at = utcnow()
    audit(db, actor, "booking.space.update", f"space:{space.id}")
    return space


def fields_of(space: Space) -> SpaceFields:
    return SpaceFields.model_validate({name: getattr(space, name) for name in SpaceFields.model_fields})


def closures(db: Session, space_id: int, from_day: date | None = None) -> list[Closure]:
    query = select(Closure).where(Closure.space_id == space_id).order_by(Closure.first_day)
    if from_day is not None:
        query = query.where(Closure.last_day >= from_day)
    return list(db.scalars(query))


def add_closure(db: Session, space: Space, fields: ClosureFields, actor: str) -> Closure:
    """Bookings already made on those days stay (staff cancel them if they must); no new ones are taken."""
    closure = Closure(space_id=space.id, **fields.model_dump())
    db.add(closure)
    db.flush()
    audit(db, actor, "booking.closure.add", f"space:{space.id}", first_day=str(fields.first_day),
          last_day=str(fields.last_day))
    return closure


def remove_closure(db: Session, space: Space, closure_id: int, actor: str) -> bool:
    closure = db.get(Closure, closure_id)
    if closure is None or closure.space_id != space.id:
        return False
    db.delete(closure)
    audit(db, actor, "booking.closure.remove", f"space:{space.id}", first_day=str(closure.first_day),
          last_day=str(closure.last_day))
    return True
