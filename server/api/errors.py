"""The API's error answers: one JSON shape, ``{"detail": ..., "request_id": ...}``, for every refusal and failure,
and the OpenAPI document saying so for every operation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from common.wire import WireModel
from server.core.request_ids import request_id


class ApiError(WireModel):
    """Every error answer of the API. ``detail`` says what went wrong: a sentence, the list of field errors of a
    request that does not match the schema (422, as FastAPI makes it), or an object naming a field;
    ``request_id`` is the X-Request-ID of the answer, the one the server's log names."""

    detail: str | list[dict[str, Any]] | dict[str, Any]
    request_id: str


class BodyRejected(Exception):
    """A refusal answered with a model of its own (a catalogue's or a layer's errors); the request id is added."""

    def __init__(self, body: BaseModel, status_code: int = status.HTTP_422_UNPROCESSABLE_CONTENT):
        self.body = body
        self.status_code = status_code


def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return _answer(request, exc.status_code, {"detail": exc.detail}, exc.headers)


def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    return _answer(request, status.HTTP_422_UNPROCESSABLE_CONTENT, {"detail": exc.errors()})


def body_rejected(request: Request, exc: BodyRejected) -> JSONResponse:
    return _answer(request, exc.status_code, exc.body.model_dump(mode="json"))


def server_failure(request: Request) -> JSONResponse:
    return _answer(request, status.HTTP_500_INTERNAL_SERVER_ERROR,
                   {"detail": "internal error; the server's log has the details under this request id"})


def _answer(request: Request, status_code: int, body: dict, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(jsonable_encoder({**body, "request_id": request_id(request)}), status_code=status_code,
                        headers=headers)


def document_errors(openapi: dict) -> dict:
    """Every operation's error answers in ``openapi``: ApiError for any status not declared, and a 422 that is
    either the operation's own model or ApiError (a request that does not match the schema)."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas["ApiError"] = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    error = {"$ref": "#/components/schemas/ApiError"}
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses["default"] = {"description": "an error (any status not listed)",
                                    "content": {"application/json": {"schema": error}}}
            for code, response in responses.items():
                if code.startswith(("4", "5")) and code != "422":
                    response["content"] = {"application/json": {"schema": error}}
            own = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema")
            if "422" in responses:
                schema = error if own in (None, {"$ref": "#/components/schemas/HTTPValidationError"}) \
                    else {"anyOf": [own, error]}
                responses["422"]["content"] = {"application/json": {"schema": schema}}
    return openapi
