"""nginx (Debian's) in front of several ``kiosk-server serve`` processes, configured by the deployment's own file
(deploy/nginx/lobby-kiosk.conf) with this test's ports: the arrangement the multi-process tests and benchmarks run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from tests.live_server import ROOT, free_port, wait_until_healthy

SITE_FILE = ROOT / "deploy" / "nginx" / "lobby-kiosk.conf"
NGINX_MISSING = "nginx is not installed, so the multi-process tests cannot run: `apt-get install -y nginx`"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def site_config(upstream_ports: list[int], port: int) -> str:
    """The deployment's site file with these process ports and this listening port (nothing else changed)."""
    site = SITE_FILE.read_text()
    servers = "".join(f"    server 127.0.0.1:{upstream};\n" for upstream in upstream_ports)
    site, replaced = re.subn(r"(?m)(^    server 127\.0\.0\.1:\d+;\n)+", servers, site)
    assert replaced == 1, "deploy/nginx/lobby-kiosk.conf: no list of upstream servers to replace"
    site, replaced = re.subn(r"listen 80;", f"listen 127.0.0.1:{port};", site)
    assert replaced == 1, "deploy/nginx/lobby-kiosk.conf: no `listen 80;` to replace"
    return site


class LoadBalancer:
    """nginx in the foreground, its configuration, logs and temporary files in ``directory``."""

    def __init__(self, upstream_ports: list[int], directory: Path) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError(NGINX_MISSING)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        directory.mkdir(parents=True, exist_ok=True)
        temp = directory / "temp"
        temp.mkdir(exist_ok=True)
        temp.chmod(0o777)  # nginx's workers run as nobody when started as root
        (directory / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'};\n"
            "events { worker_connections 4096; }\n"
            f"http {{\naccess_log off;\nclient_body_temp_path {temp}/body;\nproxy_temp_path {temp}/proxy;\n"
            f"fastcgi_temp_path {temp}/fastcgi;\nuwsgi_temp_path {temp}/uwsgi;\nscgi_temp_path {temp}/scgi;\n"
            f"{site_config(upstream_ports, self.port)}\n}}\n")
        self._directory = directory
        self._process = subprocess.Popen(
            [binary, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-e", str(directory / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        try:
            up = wait_until_healthy(self.url, lambda: self._process.poll() is None)
        except TimeoutError:
            self.stop()
            raise
        if not up:
            raise RuntimeError(f"nginx stopped while starting:\n{self.log_text()}")

    def log_text(self) -> str:
        log = self._directory / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGQUIT)  # graceful: open requests finish
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
