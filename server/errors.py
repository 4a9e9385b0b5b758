"""How the server answers what went wrong, by where the request went: a JSON body of one shape on the API, a
friendly page on the console and on the phone pages; an unexpected exception is logged with the request id,
which the answer carries too. No request, however malformed, gets a traceback."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from server.api import errors as api_errors
from server.core.request_ids import RequestIds
from server.web import console_error_page as console_error
from server.web import phone_error_page as public_error


def _page_for(request: Request):
    """The error page of the request's surface, or None for the API (JSON)."""
    path = request.url.path
    if console_error.is_console(path):
        return console_error.error_page
    if public_error.is_public(path):
        return public_error.error_page
    return None


def _http_error(request: Request, exc: HTTPException) -> Response:
    page = _page_for(request)
    return page(request, exc.status_code, exc.headers) if page else api_errors.http_error(request, exc)


def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    page = _page_for(request)
    if page:
        return page(request, status.HTTP_422_UNPROCESSABLE_CONTENT)
    return api_errors.invalid_request(request, exc)


def _server_failure(request: Request) -> Response:
    page = _page_for(request)
    return page(request, status.HTTP_500_INTERNAL_SERVER_ERROR) if page else api_errors.server_failure(request)


def install(app: FastAPI) -> None:
    # Starlette types every handler as taking any Exception; it calls each only with the class registered for it.
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(api_errors.BodyRejected, api_errors.body_rejected)  # type: ignore[arg-type]
    app.add_middleware(RequestIds, failure=_server_failure)
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = api_errors.document_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
