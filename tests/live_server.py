"""A real central server for tests on a free loopback port: the calls every test makes (``LiveServer``), and
``kiosk-server serve`` in a subprocess (``ServerProcess``) for tests that kill or restart the process.

``start_server(database_url, data_dir)`` runs ``kiosk-server init``, creates an administrator, starts
``kiosk-server serve`` and waits until /healthz answers. Most tests use the in-process server of
tests/in_process_server.py instead (no process to start); tests/server_fixtures.py wraps both in fixtures.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import requests

from common.wire import API_PREFIX

ROOT = Path(__file__).resolve().parent.parent
KIOSK_SERVER = Path(sys.executable).with_name("kiosk-server")
ADMIN_USERNAME = "admin"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer(ABC):
    """A running server; ``admin(...)`` calls the API with the administrator's token.

    Subclasses say how it runs: ``start``, ``stop``, ``kill``, ``running`` and ``log_text``."""

    def __init__(self, database_url: str, data_dir: Path, env: dict[str, str], admin_username: str = ADMIN_USERNAME):
        self.database_url = database_url
        self.admin_username = admin_username
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_password = secrets.token_urlsafe(12)
        self.admin_token = ""
        self.env = env

    def run_cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        """``kiosk-server ARGS`` against this server's database; raises with its output if it fails."""
        done = run_cli(self.env, *args, stdin=stdin)
        if done.returncode != 0:
            raise RuntimeError(f"kiosk-server {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done

    def add_account(self, username: str, password: str, role: str = "admin") -> None:
        """A staff account, as ``kiosk-server create-admin`` makes one."""
        self.run_cli("create-admin", username, "--role", role, stdin=password + "\n")

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    @abstractmethod
    def kill(self) -> None: ...

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    @abstractmethod
    def running(self) -> bool: ...

    @abstractmethod
    def log_text(self) -> str: ...

    def wait_until_healthy(self, alive: Callable[[], bool]) -> None:
        """Poll /healthz until it answers 200; fail if ``alive()`` turns false or the start takes too long."""
        try:
            up = wait_until_healthy(self.url, alive)
        except TimeoutError as exc:
            self.stop()
            raise RuntimeError(f"{exc}:\n{self.log_text()}") from None
        if not up:
            raise RuntimeError(f"the server stopped while starting:\n{self.log_text()}")

    # -- calls -------------------------------------------------------------------------------

    def api_url(self, path: str) -> str:
        """``path`` under /api/v1 ("/admin/terminals"); a path already starting with /api/v1 is kept."""
        return self.url + (path if path.startswith(API_PREFIX) else API_PREFIX + path)

    def login(self, username: str | None = None, password: str | None = None) -> str:
        reply = requests.post(self.api_url("/admin/login"), timeout=30,
                              json={"username": username or self.admin_username, "password": password or self.admin_password})
        reply.raise_for_status()
        return reply.json()["token"]

    def admin(self, method: str, path: str, *, token: str | None = None, **kwargs) -> requests.Response:
        """An API call with the administrator's token (or ``token``); kwargs go to requests."""
        headers = {"Authorization": f"Bearer {token or self.admin_token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.api_url(path), headers=headers, timeout=kwargs.pop("timeout", 30), **kwargs)

    def enrol(self, name: str, location: str, group: str | None = None) -> str:
        """A new terminal; its one-time enrolment code."""
        reply = self.admin("POST", "/admin/terminals", json={"name": name, "location": location, "group": group})
        reply.raise_for_status()
        return reply.json()["code"]


def wait_until_healthy(url: str, alive: Callable[[], bool], timeout: float = START_TIMEOUT_SECONDS) -> bool:
    """Poll ``url``/healthz until it answers 200 (True), or ``alive()`` turns false (False); raise after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return True
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url}/healthz did not answer within {timeout} s")


class ServerProcess(LiveServer):
    """``kiosk-server serve`` in a subprocess, for tests that kill it like a power cut or run several."""

    def __init__(self, database_url: str, data_dir: Path, env: dict[str, str], admin_username: str = ADMIN_USERNAME,
                 workers: int = 1):
        super().__init__(database_url, data_dir, env, admin_username)
        self.workers = workers
        self._process: subprocess.Popen | None = None
        self._log = data_dir / "server.log"

    def start(self) -> None:
        """Start serving (again, after stop or kill) on the same port and database."""
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                [str(KIOSK_SERVER), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", str(self.workers)],
                env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )
        self.wait_until_healthy(lambda: self.running)

    def stop(self) -> None:
        """SIGTERM, as a service manager would stop it; SIGKILL if it does not go."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: the server dies mid-whatever, like a power cut (for fault tests)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The serving process (e.g. for a benchmark reading its CPU time); None before start."""
        return self._process.pid if self._process is not None else None

    def log_text(self) -> str:
        return self._log.read_text(errors="replace") if self._log.exists() else ""


def server_env(database_url: str, data_dir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment ``kiosk-server`` runs in: this database and data directory, plus ``env``."""
    return {**os.environ, "DATABASE_URL": database_url, "KIOSK_SERVER_DATA_DIR": str(data_dir),
            "PYTHONPATH": str(ROOT), **(env or {})}


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``kiosk-server ARGS`` in ``env`` (see ``server_env``), output captured, whatever its exit status."""
    return subprocess.run([str(KIOSK_SERVER), *args], input=stdin, env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def start_server(
    database_url: str, data_dir: Path, env: dict[str, str] | None = None, admin_username: str = ADMIN_USERNAME,
    workers: int = 1,
) -> ServerProcess:
    """Initialise the database, create the administrator and serve; ``env`` adds settings (e.g. TTLs).

    A second server on the same database needs its own ``admin_username``: setting an existing
    administrator's password again signs that administrator out everywhere, the first server's token too."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(database_url, data_dir, server_env(database_url, data_dir, env), admin_username, workers)
    server.run_cli("init")
    server.run_cli("create-admin", admin_username, "--role", "admin", stdin=server.admin_password + "\n")
    server.start()
    try:
        server.admin_token = server.login()
    except Exception:
        server.kill()
        raise
    return server
