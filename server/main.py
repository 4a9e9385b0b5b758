"""The FastAPI application: ``create_app(settings)`` (uvicorn calls it as a factory); routes under /api/v1."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from common.wire import API_PREFIX
from server import errors
from server.api import health
from server.api.admission import Admission
from server.api.deps import current_admin
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.core.periodic import PeriodicJobs
from server.core.ratelimit import RateLimiter
from server.domains import DOMAINS
from server.fleet.api.terminal_push import WAIT_PATH
from server.monitoring import metrics
from server.periodic_jobs import JOBS
from server.projections import register_projections
from server.web.console import install as install_console

# The largest body a client sends is a catalogue import; routes may set a lower limit (screenshots do).
MAX_BODY_BYTES = 32 * 1024 * 1024


def served_app() -> FastAPI:
    """The app of a ``kiosk-server serve`` process (uvicorn's factory): ``create_app`` with its heap settled."""
    return create_app(settle_heap=True)


def create_app(settings: ServerSettings | None = None, settle_heap: bool = False) -> FastAPI:
    settings = settings or ServerSettings()
    register_projections()
    engine = make_engine(settings.database_url)
    metrics.watch_pool(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs = PeriodicJobs(settings, JOBS) if settings.operations_interval_seconds > 0 else None
        if jobs is not None:
            jobs.start()
        if settle_heap:
            # Everything loaded so far lives as long as the process: kept out of the garbage collector's full
            # passes, which otherwise went through it all and stopped every request for ~180 ms, twice a minute
            # under a fleet's load. Not in a test process, where many apps come and go.
            gc.collect()
            gc.freeze()
        yield
        if jobs is not None:
            jobs.stop()
        engine.dispose()
        metrics.process_exiting()

    # No /docs or /redoc: FastAPI's pages load Swagger UI and ReDoc from a CDN, which a server on a closed network
    # cannot reach; /openapi.json is the schema, for any viewer installed where it is read.
    app = FastAPI(title="Lobby Kiosk server", summary="Enrolment, configuration, catalogue, commands and records "
                  "for a fleet of lobby kiosks", version="1", lifespan=lifespan, max_body_size=MAX_BODY_BYTES,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.sessions = make_session_factory(engine)
    app.state.builtin_settings = read_settings_document(DEFAULT_SETTINGS_FILE)
    app.state.enrolment_limiter = RateLimiter("enrolment", settings.enrolment_attempts_per_minute)
    app.state.feedback_status_limiter = RateLimiter("feedback_status", settings.feedback_status_lookups_per_minute)
    app.state.event_form_limiter = RateLimiter("event_form", settings.event_form_posts_per_minute)
    app.state.wish_form_limiter = RateLimiter("wish_form", settings.wish_form_posts_per_minute)
    app.include_router(health.router)
    api = APIRouter(prefix=API_PREFIX)
    # Open routes (enrolment, sign-in, terminals) authenticate in their endpoint's first dependency and look
    # nothing up from the path before; all of them come before the staff routes.
    for domain in DOMAINS:
        for router in domain.open:
            api.include_router(router)
    # Staff routes: the token is checked before any dependency looks up a path's id (a stranger learns nothing,
    # and no id of theirs reaches the database).
    for domain in DOMAINS:
        for router in domain.staff:
            api.include_router(router, dependencies=[Depends(current_admin)])
    app.include_router(api)
    for domain in DOMAINS:
        for router in domain.public:
            app.include_router(router)
    # Innermost: the request id, the metrics and the console's parts around it count the wait for a turn too.
    app.add_middleware(Admission, unadmitted={API_PREFIX + WAIT_PATH})
    install_console(app)
    errors.install(app)
    app.add_middleware(metrics.RequestMetrics)
    return app
