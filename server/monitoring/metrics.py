"""The metrics each server process counts itself: requests by route template and status with their latency, and
the database pool's connections in use. With several worker processes, PROMETHEUS_MULTIPROC_DIR (set by
``kiosk-server serve --workers N``) makes each write its counts to files there, which every scrape adds up."""

from __future__ import annotations

import os
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.wire import API_PREFIX
from server.monitoring.fleet_metrics import FleetCollector

REQUESTS = Counter("kiosk_http_requests", "HTTP requests answered, by route template and status",
                   ["method", "route", "status"])
LATENCY = Histogram("kiosk_http_request_duration_seconds", "Time to answer, by route template", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
POOL_IN_USE = Gauge("kiosk_db_pool_connections_in_use", "Database connections checked out of the pool",
                    multiprocess_mode="livesum")
POOL_SIZE = Gauge("kiosk_db_pool_size", "Connections the pool keeps open", multiprocess_mode="max")
UNMATCHED_ROUTE = "unmatched"


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(fleet: FleetCollector) -> bytes:
    """The text format: this process's (or every process's) counts and the fleet read from the database."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, POOL_IN_USE, POOL_SIZE):
            registry.register(collector)
    registry.register(fleet)
    return generate_latest(registry)


def watch_pool(engine: Engine) -> None:
    """Count the engine's checked-out connections in POOL_IN_USE."""
    size = getattr(engine.pool, "size", None)
    if callable(size):
        POOL_SIZE.set(size())
    event.listen(engine, "checkout", lambda *_args: POOL_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_args: POOL_IN_USE.dec())


def process_exiting() -> None:
    """Drop this process's live gauges from the shared directory (its counters stay: they only add up)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(os.getpid())


def _route_template(scope: Scope) -> str:
    """The path template of the route that answered ("/api/v1/admin/terminals/{terminal_id}"); routers included
    under the API prefix report their own path, without it."""
    template = getattr(scope.get("route"), "path", None)
    if not template:
        return UNMATCHED_ROUTE
    if scope["path"].startswith(API_PREFIX + "/") and not template.startswith(API_PREFIX + "/"):
        return API_PREFIX + template
    return template


class RequestMetrics:
    """ASGI middleware: each HTTP request counted by the route template it matched (never the raw path, so ids
    and unknown paths do not make new series) and status, and timed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            template = _route_template(scope)
            method = scope.get("method", "")
            REQUESTS.labels(method, template, str(status)).inc()
            LATENCY.labels(method, template).observe(time.perf_counter() - started)
