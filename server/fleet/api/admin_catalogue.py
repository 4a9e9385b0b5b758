"""The catalogue for administrators: what is current, replace it (JSON, or CSV one row per service), export it."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response, status
from sqlalchemy.orm import Session

from common.catalogue import CatalogueError
from common.catalogue_csv import CatalogueCsvError, catalogue_from_csv, catalogue_to_csv
from server.api.deps import CurrentStaff, DbSession
from server.api.errors import BodyRejected
from server.core.clock import utcnow
from server.fleet import catalogues, schemas
from server.fleet.models import CatalogueVersion
from server.fleet.schemas import CatalogueRejected, CsvRowError

router = APIRouter(prefix="/admin/catalogue", tags=["admin"])
FileFormat = Annotated[Literal["json", "csv"], Query(alias="format")]
_REJECTED: dict[int | str, dict[str, Any]] = {
    422: {"model": CatalogueRejected, "description": "the catalogue is invalid; the detail names item and field"}}


def _current_or_404(db: Session) -> CatalogueVersion:
    row = catalogues.current(db)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no catalogue yet")
    return row


@router.get("")
def current_catalogue(staff: CurrentStaff, db: DbSession) -> schemas.CatalogueInfo:
    return catalogues.info(_current_or_404(db))


@router.put("", responses=_REJECTED)
def replace_catalogue(document: Annotated[dict[str, Any], Body()], admin: CurrentStaff,
                      db: DbSession) -> schemas.CatalogueInfo:
    return _store(db, document, admin.username, "uploaded catalogue")


async def import_body(request: Request) -> bytes:
    return await request.body()


@router.post("/import", responses=_REJECTED,
             openapi_extra={"requestBody": {"content": {"application/json": {}, "text/csv": {}}}})
def import_catalogue(admin: CurrentStaff, body: Annotated[bytes, Depends(import_body)], db: DbSession,
                     file_format: FileFormat = "json",
                     version: Annotated[str | None, Query(max_length=64)] = None) -> schemas.CatalogueInfo:
    """The body is a file: a whole catalogue (json), or services one row each (csv, UTF-8) that keep the
    current departments and life events; a CSV import's version is ``version`` or one made from the time."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _rejected(f"the file is not UTF-8: {exc}") from exc
    if file_format == "json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _rejected(f"not valid JSON: {exc}") from exc
        source = "imported JSON"
    else:
        base = json.loads(_current_or_404(db).document)
        try:
            document = catalogue_from_csv(text, base, version or f"csv-{utcnow():%Y%m%dT%H%M%SZ}")
        except CatalogueCsvError as exc:
            errors = [CsvRowError(row=e.row, column=e.column, message=e.message) for e in exc.errors]
            raise _rejected(str(exc), errors) from exc
        except CatalogueError as exc:
            raise _rejected(str(exc)) from exc
        source = "imported CSV"
    return _store(db, document, admin.username, source)


@router.get("/export", response_model=None,
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def export_catalogue(staff: CurrentStaff, db: DbSession, file_format: FileFormat = "json") -> Response:
    row = _current_or_404(db)
    filename = f"catalogue-{re.sub(r'[^A-Za-z0-9._-]', '_', row.version)}.{file_format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if file_format == "json":
        return Response(row.document.encode(), media_type="application/json", headers=headers)
    # With a byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
    csv_text = "\ufeff" + catalogue_to_csv(json.loads(row.document))
    return Response(csv_text.encode(), media_type="text/csv; charset=utf-8", headers=headers)


def _store(db: Session, document: object, actor: str, source: str) -> schemas.CatalogueInfo:
    if not isinstance(document, dict):
        raise _rejected("a catalogue is a JSON object")
    try:
        row = catalogues.store(db, document, actor, source)
    except CatalogueError as exc:
        raise _rejected(str(exc)) from exc
    db.commit()
    return catalogues.info(row)


def _rejected(detail: str, errors: list[CsvRowError] | None = None) -> BodyRejected:
    return BodyRejected(CatalogueRejected(detail=detail, errors=errors or []))
