"""GET /terminal/wait: a terminal's long poll. It answers at once when commands wait for the terminal or its
configuration changed (its ETag differs from the one it sends), else as soon as either happens in any server
process (server/core/push.py), else after ``seconds``. While it waits it holds no database connection, no thread and
no admission turn (server/api/admission.py): it takes a turn for each look at the database, each in one thread call,
so it never holds a connection while it waits for a thread."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import select
from sqlalchemy.orm import joinedload, sessionmaker

from common import wire
from server.api.admission import admitted
from server.api.deps import TerminalCredentials, terminal_of, unauthorized
from server.core.clock import utcnow
from server.core.push import hub_for
from server.fleet import commands, layers
from server.fleet.models import Terminal

PREFIX = "/terminal"
WAIT_PATH = PREFIX + "/wait"  # under the API prefix; not admitted as a whole (server/main.py)
router = APIRouter(prefix=PREFIX, tags=["terminal"])


@router.get(WAIT_PATH.removeprefix(PREFIX))
async def wait_for_change(
    credentials: TerminalCredentials, request: Request,
    config_etag: Annotated[str, Query(max_length=100)] = "",
    seconds: Annotated[int, Query(ge=0, le=wire.PUSH_WAIT_MAX_SECONDS)] = wire.PUSH_WAIT_SECONDS,
) -> wire.PushNotice:
    app = request.app.state
    terminal_id = await admitted(request, _terminal_id, app.sessions, credentials)
    hub = hub_for(app.settings.database_url)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    with hub.subscription(terminal_id) as changed:
        while True:
            # Cleared before looking: a change after the look sets it again. A wake that brought nothing for this
            # terminal (a notice for everyone, the listener reconnecting) goes back to waiting.
            changed.clear()
            notice = await admitted(request, _notice, app.sessions, app.builtin_settings, terminal_id)
            remaining = deadline - loop.time()
            if _something_for(notice, config_etag) or remaining <= 0:
                return notice
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return notice


def _terminal_id(sessions: sessionmaker, credentials: HTTPAuthorizationCredentials | None) -> int:
    with sessions() as db:
        return terminal_of(db, credentials).id


def _notice(sessions: sessionmaker, builtin: dict, terminal_id: int) -> wire.PushNotice:
    with sessions() as db:
        terminal = db.scalars(select(Terminal).options(joinedload(Terminal.group))
                              .where(Terminal.id == terminal_id)).first()
        if terminal is None or terminal.revoked_at is not None:  # revoked (or gone) while it waited
            raise unauthorized("terminal_revoked")
        effective = layers.effective_config(builtin, layers.current_layers(db), terminal)
        return wire.PushNotice(commands_pending=commands.pending_count(db, terminal_id, utcnow()),
                               config_etag=effective.etag)


def _something_for(notice: wire.PushNotice, config_etag: str) -> bool:
    return notice.commands_pending > 0 or notice.config_etag != config_etag
