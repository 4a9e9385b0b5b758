"""Request dependencies: the database session, the server's settings, and who is calling (terminal or admin)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from common.wire import ADMIN_TOKEN_PREFIX, TERMINAL_TOKEN_PREFIX, Id
from server.accounts.users import has_admin_role
from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.core.security import hash_secret, secret_matches
from server.fleet.models import Admin, AdminToken, Terminal

_terminal_bearer = HTTPBearer(auto_error=False, scheme_name="terminal", description="a terminal credential (kt_…)")
_admin_bearer = HTTPBearer(auto_error=False, scheme_name="admin", description="an admin token (ka_…) from /admin/login")


async def get_db(request: Request) -> AsyncIterator[Session]:
    # Endpoints commit before they answer; whatever is left uncommitted here is rolled back. A coroutine: opening a
    # session does no I/O (the connection comes with its first statement, in the endpoint's thread), and a closing
    # one only hands back a connection whose transaction has ended; as a plain generator it cost two thread-pool
    # hops a request, a sixth of a heartbeat's CPU.
    with request.app.state.sessions() as session:
        yield session


# Dependencies that do no I/O are coroutines: FastAPI runs a plain function in the thread pool, a hop each.
async def get_settings(request: Request) -> ServerSettings:
    return request.app.state.settings


async def get_builtin_settings(request: Request) -> dict:
    """config/settings.toml as read at start: the bottom configuration layer."""
    return request.app.state.builtin_settings


# Closed as soon as the endpoint returns, not once the answer has gone out: on SQLite a session that only read still
# holds the write lock until it closes, and a slow terminal fetching the catalogue held every other call up with it.
DbSession = Annotated[Session, Depends(get_db, scope="function")]
Settings = Annotated[ServerSettings, Depends(get_settings)]
BuiltinSettings = Annotated[dict, Depends(get_builtin_settings)]


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


def _token(credentials: HTTPAuthorizationCredentials | None, prefix: str) -> str:
    if credentials is None:
        raise unauthorized("not authenticated")
    if not credentials.credentials.startswith(prefix):
        raise unauthorized("wrong kind of credential for this route")
    return credentials.credentials


# The bearer credential as sent, not yet checked: for routes that check it in a session of their own (terminal_of).
TerminalCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_terminal_bearer)]


def current_terminal(db: DbSession, credentials: TerminalCredentials) -> Terminal:
    return _terminal(db, credentials, lock=False)


def terminal_of(db: Session, credentials: HTTPAuthorizationCredentials | None) -> Terminal:
    """The terminal whose credential this is, looked up in ``db``; 401 for an unknown or revoked one."""
    return _terminal(db, credentials, lock=False)


def locked_terminal(db: DbSession, credentials: TerminalCredentials) -> Terminal:
    """The calling terminal, its row locked until commit (FOR NO KEY UPDATE: record inserts stay unblocked)."""
    return _terminal(db, credentials, lock=True)


def _terminal(db: Session, credentials: HTTPAuthorizationCredentials | None, lock: bool) -> Terminal:
    token = _token(credentials, TERMINAL_TOKEN_PREFIX)
    # The group in the same statement: every terminal call comes through here, so each round trip counts.
    query = select(Terminal).options(joinedload(Terminal.group)).where(Terminal.token_hash == hash_secret(token))
    terminal = db.scalar(query.with_for_update(of=Terminal, key_share=True) if lock else query)
    if terminal is None or terminal.token_hash is None or not secret_matches(token, terminal.token_hash):
        raise unauthorized("unknown terminal credential")
    if terminal.revoked_at is not None:
        raise unauthorized("terminal_revoked")
    return terminal


def current_admin(
    db: DbSession, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)]
) -> Admin:
    """An administrator or an operator with a valid, unexpired token."""
    token = _token(credentials, ADMIN_TOKEN_PREFIX)
    row = db.scalar(select(AdminToken).where(AdminToken.token_hash == hash_secret(token)))
    if row is None or not secret_matches(token, row.token_hash) or row.expires_at <= utcnow():
        raise unauthorized("unknown or expired admin token")
    return row.admin


def require_admin_role(admin: Annotated[Admin, Depends(current_admin)]) -> Admin:
    """Enrolment, revocation, pairing and configuration are for the admin role; operators handle content
    (the catalogue) and send commands."""
    if not has_admin_role(admin):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs the admin role")
    return admin


def terminal_in_path(terminal_id: Id, db: DbSession) -> Terminal:
    """The terminal a route's ``{terminal_id}`` names (for administrators); 404 when there is none."""
    terminal = db.get(Terminal, terminal_id)
    if terminal is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such terminal")
    return terminal


CurrentTerminal = Annotated[Terminal, Depends(current_terminal)]
# The calling terminal, locked: one such call at a time per terminal, across server processes.
LockedTerminal = Annotated[Terminal, Depends(locked_terminal)]
PathTerminal = Annotated[Terminal, Depends(terminal_in_path)]
# Any signed-in administrator or operator.
CurrentStaff = Annotated[Admin, Depends(current_admin)]
# An administrator with the admin role.
CurrentAdmin = Annotated[Admin, Depends(require_admin_role)]
