"""A terminal's side of the protocol for the server tests (enrol, then call with its credential), and polling."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import requests

from tests.live_server import LiveServer

APP_VERSION = "0.1.0-test"
# Deadlines, never expected durations: the machine is shared and slow.
DEADLINE_SECONDS = 90.0


class Terminal:
    """An enrolled terminal: its id and credential, and calls made with that credential."""

    def __init__(self, server: LiveServer, credential: dict):
        self.server = server
        self.id: int = credential["terminal_id"]
        self.token: str = credential["token"]
        self.name: str = credential["name"]

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.server.api_url(path), headers=headers,
                                timeout=kwargs.pop("timeout", 30), **kwargs)

    def heartbeat(self, **fields) -> requests.Response:
        return self.call("POST", "/terminal/heartbeat", json=heartbeat_body(**fields))

    def status(self) -> dict:
        reply = self.server.admin("GET", f"/admin/terminals/{self.id}")
        reply.raise_for_status()
        return reply.json()


def redeem(server: LiveServer, code: str) -> requests.Response:
    return requests.post(server.api_url("/enrolment/redeem"), json={"code": code, "app_version": APP_VERSION},
                         timeout=30)


def enrolled_terminal(server: LiveServer, name: str = "T1 大堂 1 号机", location: str = "T1 一层大堂",
                      group: str | None = None) -> Terminal:
    reply = redeem(server, server.enrol(name, location, group))
    reply.raise_for_status()
    return Terminal(server, reply.json())


def heartbeat_body(**fields) -> dict:
    return {"app_version": APP_VERSION, "uptime_seconds": 12.5, "outbox_depth": 0, "free_disk_bytes": 5_000_000_000,
            "peripherals": {"printer": "ok"}, "current_screen": "home", **fields}


def record(kind: str = "feedback", **payload) -> dict:
    return {"id": str(uuid.uuid4()), "kind": kind, "created_at": datetime.now(UTC).isoformat(),
            "payload": payload or {"rating": 5}}


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def wait_for(condition: Callable[[], object], what: str, deadline: float = DEADLINE_SECONDS):
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` after the deadline."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"timed out after {deadline:.0f} s waiting for {what}")
        time.sleep(0.1)


def sleep_until(moment: datetime) -> None:
    """Wait until the wall clock (the server's too: same machine) has passed ``moment``."""
    while datetime.now(UTC) <= moment:
        time.sleep(min(0.2, max(0.01, (moment - datetime.now(UTC)).total_seconds())))
