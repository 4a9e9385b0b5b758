"""The API under a schema fuzzer: schemathesis reads the real server's /openapi.json and sends what it makes of
it (boundary values, wrong types, huge numbers, stateful sequences that use one answer's ids in the next call)
with a terminal's token, an operator's and an administrator's. Every answer must be 2xx or 4xx, never 5xx, and
match what the schema says of it (body, content type, headers).

The budget is time, not examples, so the test stays within half a minute on a slow shared machine (the suite has no more); the seed
is fixed, so a failure names a test case that `schemathesis run --seed` reproduces.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import LiveServer
from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import create_operator

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
SEED = 16
CHECKS = ("not_a_server_error", "response_schema_conformance", "content_type_conformance",
          "response_headers_conformance", "ignored_auth")
# Seconds of fuzzing per token and database: SQLite is the default deployment, PostgreSQL gets a shorter look.
BUDGET_SECONDS = {"sqlite": {"terminal": 6, "operator": 6, "admin": 12},
                  "postgresql": {"terminal": 4, "operator": 4, "admin": 6}}


def _fuzz(server: LiveServer, token: str, seconds: int, report: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCHEMATHESIS), "run", f"{server.url}/openapi.json", "--header", f"Authorization: Bearer {token}",
         "--checks", ",".join(CHECKS), "--phases", "examples,coverage,fuzzing,stateful",
         "--max-time", str(seconds), "--seed", str(SEED),
         # The long poll waits up to a minute by design: it would eat the time budget (tests/server/api/routes/
         # test_push_routes.py tests it, its bounds included).
         "--exclude-path", "/api/v1/terminal/wait",
         # One worker: CPython 3.11's parser is not safe for hypothesis's lambda descriptions in several threads.
         "--workers", "1",
         "--generation-database", "none", "--suppress-health-check", "all", "--no-color",
         "--report", "junit", "--report-junit-path", str(report)],
        # Its own directory: schemathesis keeps a cache in the working directory.
        cwd=report.parent, capture_output=True, text=True, timeout=seconds + 120,
    )


@pytest.mark.slow
@pytest.mark.postgresql  # the dialect matters: an integer past PostgreSQL's INTEGER fails only there
def test_no_request_makes_the_server_fail(live_server, tmp_path):
    database = live_server.database_url.split(":")[0].split("+")[0]
    tokens = {
        # The terminal first: the administrator's run may revoke it.
        "terminal": enrolled_terminal(live_server).token,
        "operator": live_server.login("operator", create_operator(live_server)),
        "admin": live_server.admin_token,
    }
    failed = []
    for who, token in tokens.items():
        done = _fuzz(live_server, token, BUDGET_SECONDS[database][who], tmp_path / f"{who}.xml")
        print(f"--- schemathesis with the {who}'s token on {database} ---\n{done.stdout[-20_000:]}{done.stderr[-5000:]}")
        if done.returncode != 0:
            failed.append(who)
    assert not failed, f"schemathesis found failures with the token of: {', '.join(failed)} (output above)"
    assert "unexpected error" not in live_server.log_text()
