"""Staff calls for spaces and closures (what the console's space editor does, for scripts)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from common.wire import Id
from server.api.deps import CurrentStaff, DbSession
from server.booking import spaces
from server.booking.models import Space
from server.booking.schemas import ClosureFields, SpaceFields

router = APIRouter(prefix="/admin/booking", tags=["admin"])


class SpaceInfo(SpaceFields):
    id: int


def _space(db: DbSession, space_id: int) -> Space:
    space = spaces.get(db, space_id)
    if space is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such space")
    return space


def _info(space: Space) -> SpaceInfo:
    return SpaceInfo(id=space.id, **spaces.fields_of(space).model_dump())


@router.get("/spaces")
def list_spaces(_staff: CurrentStaff, db: DbSession) -> list[SpaceInfo]:
    return [_info(space) for space in spaces.all_spaces(db)]


@router.post("/spaces", status_code=status.HTTP_201_CREATED)
def create_space(body: SpaceFields, staff: CurrentStaff, db: DbSession) -> SpaceInfo:
    space = spaces.create(db, body, staff.username)
    db.commit()
    return _info(space)


@router.put("/spaces/{space_id}")
def update_space(space_id: Id, body: SpaceFields, staff: CurrentStaff, db: DbSession) -> SpaceInfo:
    space = spaces.update(db, _space(db, space_id), body, staff.username)
    db.commit()
    return _info(space)


@router.post("/spaces/{space_id}/closures", status_code=status.HTTP_201_CREATED)
def add_closure(space_id: Id, body: ClosureFields, staff: CurrentStaff, db: DbSession) -> dict:
    closure = spaces.add_closure(db, _space(db, space_id), body, staff.username)
    db.commit()
    return {"id": closure.id}
