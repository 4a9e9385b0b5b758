"""/healthz and /openapi.json on the real server, on both databases."""

from __future__ import annotations

import requests
from fastapi.testclient import TestClient

from common.wire import API_PREFIX
from server.core.config import ServerSettings
from server.main import create_app


def test_healthz_answers_ok(live_server):
    reply = requests.get(f"{live_server.url}/healthz", timeout=30)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_openapi_publishes_every_route_of_the_protocol(live_server):
    schema = requests.get(f"{live_server.url}/openapi.json", timeout=30).json()
    paths = schema["paths"]
    for path, method in [
        ("/enrolment/redeem", "post"), ("/enrolment/pairings", "post"), ("/enrolment/pairings/{code}/poll", "post"),
        ("/terminal/heartbeat", "post"), ("/terminal/config", "get"), ("/terminal/catalogue", "get"),
        ("/terminal/commands", "get"), ("/terminal/commands/{command_id}/result", "post"),
        ("/terminal/commands/{command_id}/screenshot", "put"), ("/terminal/records", "post"),
        ("/admin/login", "post"), ("/admin/terminals", "get"), ("/admin/terminals", "post"),
        ("/admin/terminals/{terminal_id}/revoke", "post"), ("/admin/pairings/{code}/approve", "post"),
        ("/admin/config/defaults", "put"), ("/admin/config/groups/{name}/history", "get"),
        ("/admin/config/terminals/{terminal_id}/rollback/{version}", "post"),
        ("/admin/config/terminals/{terminal_id}/effective", "get"), ("/admin/catalogue", "put"),
        ("/admin/catalogue/import", "post"), ("/admin/catalogue/export", "get"),
        ("/admin/terminals/{terminal_id}/commands", "post"), ("/admin/commands/{command_id}/screenshot", "get"),
        ("/admin/records", "get"), ("/admin/audit", "get"),
    ]:
        assert method in paths.get(API_PREFIX + path, {}), f"{method.upper()} {path} missing"
    assert {"terminal", "admin"} <= set(schema["components"]["securitySchemes"])


def test_healthz_is_503_while_the_database_does_not_answer():
    # In process: a server whose PostgreSQL port refuses connections (nothing listens on port 1).
    app = create_app(ServerSettings(database_url="postgresql+psycopg://kiosk@127.0.0.1:1/kiosk"))
    with TestClient(app) as client:
        reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.json() == {"status": "unavailable"}
