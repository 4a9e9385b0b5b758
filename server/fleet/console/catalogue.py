"""The service catalogue: search and list, edit/create/delete one service in a form, import and export files.
Every change stores a new catalogue version (validated whole), which terminals fetch on their next sync."""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from common.catalogue import Catalogue, CatalogueError
from common.catalogue_csv import CatalogueCsvError, catalogue_from_csv, catalogue_to_csv
from server.api.deps import DbSession
from server.core.clock import utcnow
from server.fleet import catalogues
from server.fleet.console.service_form import field_errors, keep_order, service_from_form
from server.web.i18n import language, translations
from server.web.sessions import ConsoleDenied, ConsoleStaff, SubmittedForm
from server.web.templating import render

router = APIRouter()
NEW = "new"


def _document(db) -> dict:
    row = catalogues.current(db)
    if row is None:
        raise ConsoleDenied("Not found", 404)
    return json.loads(row.document)


def _new_version() -> str:
    return f"console-{utcnow():%Y%m%dT%H%M%SZ}"


def _matches(service: dict, query: str) -> bool:
    haystack = [service["code"], *service["name"].values(), *service.get("aliases", ()), *service.get("keywords", ())]
    return any(query in text.casefold() for text in haystack)


@router.get("/catalogue")
def catalogue_page(request: Request, user: ConsoleStaff, db: DbSession, q: str = "") -> Response:
    row = catalogues.current(db)
    services = json.loads(row.document)["services"] if row else []
    query = q.strip().casefold()
    shown = [s for s in services if _matches(s, query)] if query else services
    return render(request, "catalogue.html", {"row": row, "services": shown, "q": q,
                                              "published": request.query_params.get("published")})


def _editor(request: Request, db, code: str, service: dict, errors: dict[str, str] | None = None,
            problems: list[str] | None = None, status_code: int = 200) -> Response:
    document = _document(db)
    return render(request, "service.html", {
        "code": code, "new": code == NEW, "s": service, "errors": errors or {}, "problems": problems or [],
        "departments": document["departments"], "life_events": document.get("life_events", []),
    }, status_code)


@router.get("/catalogue/services/{code}")
def service_page(request: Request, code: str, user: ConsoleStaff, db: DbSession) -> Response:
    services = {s["code"]: s for s in _document(db)["services"]}
    if code == NEW:
        return _editor(request, db, code, {"audience": ["individual"], "materials": [], "steps": []})
    if code not in services:
        raise ConsoleDenied("Not found", 404)
    return _editor(request, db, code, services[code])


@router.post("/catalogue/services/{code}")
def save_service(request: Request, code: str, user: ConsoleStaff, db: DbSession, form: SubmittedForm) -> Response:
    document = _document(db)
    edited = keep_order(service_from_form(form), next((s for s in document["services"] if s["code"] == code), None))
    others = [s for s in document["services"] if s["code"] != code]
    if code != edited["code"] and any(s["code"] == edited["code"] for s in others):
        in_use = translations(language(request)).gettext("Code {code} is already in use by another service.")
        return _editor(request, db, code, edited, {"code": in_use.format(code=edited["code"])}, [], 422)
    position = next((i for i, s in enumerate(document["services"]) if s["code"] == code), len(others))
    others.insert(position, edited)
    changed = {**document, "version": _new_version(), "services": others}
    try:
        Catalogue.model_validate(changed)
    except ValidationError as exc:
        errors, problems = field_errors(exc, position, edited["code"], translations(language(request)).gettext)
        return _editor(request, db, code, edited, errors, problems, 422)
    return _publish(request, db, changed, user.username, "console edit",
                    lambda error: _editor(request, db, code, edited, {}, [error], 422))


@router.get("/catalogue/services/{code}/delete")
def confirm_delete(request: Request, code: str, user: ConsoleStaff, db: DbSession) -> Response:
    service = next((s for s in _document(db)["services"] if s["code"] == code), None)
    if service is None:
        raise ConsoleDenied("Not found", 404)
    return render(request, "service_delete.html", {"service": service})


@router.post("/catalogue/services/{code}/delete")
def delete_service(request: Request, code: str, user: ConsoleStaff, db: DbSession) -> Response:
    document = _document(db)
    services = [s for s in document["services"] if s["code"] != code]
    return _publish(request, db, {**document, "version": _new_version(), "services": services}, user.username,
                    "console delete", lambda error: _catalogue_error(request, error))


@router.post("/catalogue/import")
def import_file(request: Request, user: ConsoleStaff, db: DbSession, file: Annotated[UploadFile, File()],
                file_format: Annotated[Literal["json", "csv"], Form(alias="format")]) -> Response:
    try:
        text = file.file.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _catalogue_error(request, f"the file is not UTF-8: {exc}")
    if file_format == "json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            return _catalogue_error(request, f"not valid JSON: {exc}")
        if not isinstance(document, dict):
            return _catalogue_error(request, "a catalogue is a JSON object")
    else:
        try:
            document = catalogue_from_csv(text, _document(db), _new_version())
        except CatalogueCsvError as exc:
            return _catalogue_error(request, str(exc), exc.errors)
        except CatalogueError as exc:
            return _catalogue_error(request, str(exc))
    return _publish(request, db, document, user.username, f"console {file_format} import",
                    lambda error: _catalogue_error(request, error))


def _publish(request: Request, db, document: dict, actor: str, source: str, on_error) -> Response:
    try:
        row = catalogues.store(db, document, actor, source)
    except CatalogueError as exc:
        db.rollback()
        return on_error(str(exc))
    db.commit()
    return RedirectResponse(f"/console/catalogue?published={row.id}", status_code=303)


def _catalogue_error(request: Request, error: str, row_errors=()) -> Response:
    return render(request, "catalogue_error.html", {"error": error, "row_errors": list(row_errors)}, 422)


@router.get("/catalogue/export")
def export(user: ConsoleStaff, db: DbSession,
           file_format: Annotated[Literal["json", "csv"], Query(alias="format")] = "json") -> Response:
    row = catalogues.current(db)
    if row is None:
        raise ConsoleDenied("Not found", 404)
    filename = f"catalogue-{re.sub(r'[^A-Za-z0-9._-]', '_', row.version)}.{file_format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if file_format == "json":
        return Response(row.document.encode(), media_type="application/json", headers=headers)
    # With a byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
    return Response(("\ufeff" + catalogue_to_csv(json.loads(row.document))).encode(),
                    media_type="text/csv; charset=utf-8", headers=headers)
