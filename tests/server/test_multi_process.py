"""Two ``kiosk-server serve`` processes on one PostgreSQL database behind nginx (deploy/nginx): limits that hold in
total, not per process (the processes count their own requests in /metrics, which shows that both answered), and
a command queued in one process reaches a terminal waiting on the other (LISTEN/NOTIFY)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.live_server import ServerProcess, start_server
from tests.load_balancer import LoadBalancer, nginx_binary
from tests.server.calls import Terminal, enrolled_terminal
from tests.server_fixtures import drop_database, new_database

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (make deps installs it)")
# A visitor's address as nginx forwards it (the processes trust the proxy on 127.0.0.1: TRUSTED_PROXIES).
VISITOR = {"X-Forwarded-For": "198.51.100.7"}

ENROLMENT_LIMIT = 4
LOGIN_FAILURES = 3
PROCESS_ENV = {"ENROLMENT_ATTEMPTS_PER_MINUTE": str(ENROLMENT_LIMIT), "LOGIN_MAX_FAILURES": str(LOGIN_FAILURES),
               "METRICS_ALLOW_FROM": "127.0.0.1", "OPERATIONS_INTERVAL_SECONDS": "0"}


@pytest.fixture(scope="module")
def processes(postgres_admin_url, tmp_path_factory) -> Iterator[list[ServerProcess]]:
    """Started once for the module (each test keeps to its own terminals and client addresses)."""
    database_url = new_database(postgres_admin_url)
    tmp_path = tmp_path_factory.mktemp("processes")
    servers: list[ServerProcess] = []
    try:
        for number in (1, 2):
            servers.append(start_server(database_url, tmp_path / f"server-{number}", env=PROCESS_ENV,
                                        admin_username=f"admin-{number}"))
        yield servers
    finally:
        for server in servers:
            server.stop()
        drop_database(postgres_admin_url, database_url)


@pytest.fixture(scope="module")
def balancer(processes, tmp_path_factory) -> Iterator[LoadBalancer]:
    nginx = LoadBalancer([server.port for server in processes], tmp_path_factory.mktemp("nginx"))
    try:
        yield nginx
    finally:
        nginx.stop()


def _answered_here(server: ServerProcess, route: str) -> int:
    """How many requests to ``route`` this process answered, by its own /metrics."""
    text = requests.get(f"{server.url}/metrics", timeout=10).text
    pattern = rf'^kiosk_http_requests_total\{{[^}}]*route="{re.escape(route)}"[^}}]*\}} (\S+)$'
    return int(sum(float(value) for value in re.findall(pattern, text, re.MULTILINE)))


def test_limits_hold_in_total_across_processes(processes, balancer):
    statuses = [requests.post(f"{balancer.url}/api/v1/enrolment/redeem", timeout=10, headers=VISITOR,
                              json={"code": "ABCD-EFGH", "app_version": "1.0"}).status_code for _ in range(10)]
    assert statuses == [404] * ENROLMENT_LIMIT + [429] * (10 - ENROLMENT_LIMIT)
    answered = [_answered_here(server, "/api/v1/enrolment/redeem") for server in processes]
    assert all(answered) and sum(answered) == 10

    # A login lockout too (the failures are counted on the account's row).
    first = processes[0]
    login = f"{balancer.url}/api/v1/admin/login"
    wrong = [requests.post(login, json={"username": first.admin_username, "password": "wrong password"},
                           timeout=30).status_code for _ in range(LOGIN_FAILURES)]
    assert wrong == [401] * LOGIN_FAILURES
    right = requests.post(login, json={"username": first.admin_username, "password": first.admin_password}, timeout=30)
    assert right.status_code == 429
    answered = [_answered_here(server, "/api/v1/admin/login") for server in processes]
    assert all(answered)


def test_a_command_queued_in_one_process_reaches_a_terminal_waiting_on_the_other(processes):
    first, second = processes
    terminal = enrolled_terminal(first)
    etag = terminal.heartbeat().json()["config_etag"]
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(_long_poll, terminal, etag)
        time.sleep(1.0)  # the poll waits in the first process (else it answers at once: the same check)
        queued = second.admin("POST", f"/admin/terminals/{terminal.id}/commands", json={"kind": "sync_now"})
        assert queued.status_code == 201
        assert waiting.result()["commands_pending"] == 1  # the wait is 40 s: an answer with a command is the notice


def _long_poll(terminal: Terminal, etag: str) -> dict:
    reply = terminal.call("GET", "/terminal/wait", params={"config_etag": etag, "seconds": 40}, timeout=90)
    reply.raise_for_status()
    return reply.json()
