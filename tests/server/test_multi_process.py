"""Two ``kiosk-server serve`` processes on one PostgreSQL database behind nginx (deploy/nginx): limits that hold in
total, not per process. The processes count their own requests (/metrics), which shows that both answered."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.live_server import ServerProcess, start_server
from tests.load_balancer import LoadBalancer, nginx_binary

pytestmark = [pytest.mark.parametrize("database_kind", ["postgresql"]),
              pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (make deps installs it)")]

ENROLMENT_LIMIT = 4
LOGIN_FAILURES = 3
PROCESS_ENV = {"ENROLMENT_ATTEMPTS_PER_MINUTE": str(ENROLMENT_LIMIT), "LOGIN_MAX_FAILURES": str(LOGIN_FAILURES),
               "METRICS_ALLOW_FROM": "127.0.0.1", "OPERATIONS_INTERVAL_SECONDS": "0"}


@pytest.fixture
def processes(database_url, tmp_path) -> Iterator[list[ServerProcess]]:
    servers: list[ServerProcess] = []
    try:
        for number in (1, 2):
            servers.append(start_server(database_url, tmp_path / f"server-{number}", env=PROCESS_ENV,
                                        admin_username=f"admin-{number}"))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def balancer(processes, tmp_path) -> Iterator[LoadBalancer]:
    nginx = LoadBalancer([server.port for server in processes], tmp_path / "nginx")
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
    statuses = [requests.post(f"{balancer.url}/api/v1/enrolment/redeem", timeout=10,
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
