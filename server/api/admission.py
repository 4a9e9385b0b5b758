"""Admission: at most ``DATABASE_ADMISSIONS`` requests of a process at work at once; the others wait their turn on
the event loop, where waiting costs a coroutine, not a thread or a database connection.

Why: FastAPI runs each sync dependency and the endpoint in separate calls to the thread pool (40 threads). A request
takes its database connection (on SQLite also the process's write lock, server/core/db.py) in its first dependency,
the credential check, and then needs a thread again for the endpoint. With more requests in flight than
connections, every thread could end up blocked on the pool (or the write lock) while the requests holding them
waited for a thread: nothing moved until the pool's 30 s timeout, then 500s. That was the stalled 5,000-terminal
benchmark. Admitted requests never outnumber the pool's connections nor the threads, so whoever holds a
connection always finds a thread.

Long waits (a terminal's long poll) are not admitted as a whole: they take a turn for each look at the database
(``admitted``) and give it back while they wait.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Collection
from typing import ParamSpec, TypeVar

from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

# Two cores serve a process: more requests at once only share them, and on SQLite wait for the write lock
# anyway. Below the pool (5 + 10 overflow: periodic jobs and the push listener need theirs) and the 40 threads.
DATABASE_ADMISSIONS = 8

P = ParamSpec("P")
T = TypeVar("T")


class Admission:
    """ASGI middleware: each HTTP request waits for one of ``limit`` turns, except the paths in ``unadmitted``
    (which take turns themselves through ``admitted``)."""

    def __init__(self, app: ASGIApp, unadmitted: Collection[str] = (), limit: int = DATABASE_ADMISSIONS) -> None:
        self.app = app
        self.unadmitted = frozenset(unadmitted)
        self._limit = limit
        # One semaphore per event loop (an asyncio semaphore belongs to one; tests run an app in several).
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())

    def turns(self) -> asyncio.Semaphore:
        return self._turns.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(self._limit))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.unadmitted:
            scope.setdefault("state", {})["admission"] = self
            await self.app(scope, receive, send)
            return
        async with self.turns():
            await self.app(scope, receive, send)


async def admitted(request: Request, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function`` in the thread pool once a turn is free (for routes the middleware does not admit)."""
    admission: Admission = request.scope["state"]["admission"]
    async with admission.turns():
        return await run_in_threadpool(function, *args, **kwargs)
