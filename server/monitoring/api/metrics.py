"""GET /metrics: the Prometheus text format, for a metrics token or a client address in METRICS_ALLOW_FROM."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST

from server.api.deps import DbSession, Settings
from server.monitoring import access
from server.monitoring.fleet_metrics import FleetCollector
from server.monitoring.metrics import exposition

router = APIRouter(tags=["metrics"])
_bearer = HTTPBearer(auto_error=False)


@router.get("/metrics", response_class=Response, responses={
    200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"},
    401: {"description": "no metrics token and not from an allowed address"}})
def metrics(request: Request, db: DbSession, settings: Settings,
            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Response:
    client = request.client.host if request.client else None
    allowed = access.address_allowed(settings.metrics_allow_from, client) or (
        credentials is not None and access.token_valid(db, credentials.credentials))
    if not allowed:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a metrics token is needed",
                            headers={"WWW-Authenticate": "Bearer"})
    body = exposition(FleetCollector(db))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
