"""A terminal's update calls: the release it should run (signed), the archive (resumable with Range), its reports."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select

from common.releases import ReleaseOffer, UpdateReport
from server.api.deps import CurrentTerminal, DbSession, Settings
from server.core.clock import utcnow
from server.releases import releases, rollouts
from server.releases.models import Release

router = APIRouter(prefix="/terminal", tags=["terminal"])
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@router.get("/update", response_model=None,
            responses={200: {"model": ReleaseOffer}, 204: {"description": "stay on the running version"}})
def update(terminal: CurrentTerminal, db: DbSession, settings: Settings) -> ReleaseOffer | Response:
    found = rollouts.offer_for(db, terminal, utcnow())
    if found is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    rollout, release = found
    return releases.offer(settings, release, rollout)


@router.get("/releases/{version}/archive", response_model=None,
            responses={206: {"description": "the part asked for with Range"}, 404: {"description": "no such release"},
                       416: {"description": "the range starts past the end"}})
def archive(version: str, terminal: CurrentTerminal, db: DbSession, request: Request) -> Response:
    # Only a release offered to this terminal: an archive is not for browsing.
    found = rollouts.offer_for(db, terminal, utcnow())
    if found is None or found[1].version != version:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such release offered to this terminal")
    data = db.scalars(select(Release.archive).where(Release.version == version)).one()
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{found[1].sha256}"'}
    asked = _RANGE.match(request.headers.get("range", ""))
    if asked is None:
        return Response(data, media_type="application/gzip", headers=headers)
    first = int(asked.group(1))
    last = min(int(asked.group(2)) if asked.group(2) else len(data) - 1, len(data) - 1)
    if first >= len(data) or first > last:
        return Response(status_code=status.HTTP_416_RANGE_NOT_SATISFIABLE,
                        headers={**headers, "Content-Range": f"bytes */{len(data)}"})
    headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    return Response(data[first:last + 1], status_code=status.HTTP_206_PARTIAL_CONTENT,
                    media_type="application/gzip", headers=headers)


@router.post("/update-report", status_code=status.HTTP_204_NO_CONTENT)
def update_report(body: UpdateReport, terminal: CurrentTerminal, db: DbSession) -> None:
    rollouts.record_report(db, terminal, body, utcnow())
    db.commit()
