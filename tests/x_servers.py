"""Private X servers for the tests: Xvfb of a given size, or any X server that reports its display number."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def start_server(command: list[str], **kwargs) -> tuple[subprocess.Popen, str]:
    """Start an X server (Xvfb, Xorg) on the first free display; it writes the number to -displayfd."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([*command, "-displayfd", str(write_fd)], pass_fds=(write_fd,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.fail(f"{command[0]} did not start")
    return server, f":{number}"


def start_xvfb(size: str):
    """A private Xvfb server of ``size`` ("WxH"), no window manager; yields its display name (":N")."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed: run `make test` (it installs xvfb) or apt-get install xvfb")
    server, display = start_server(["Xvfb", "-screen", "0", f"{size}x24", "-nolisten", "tcp"])
    yield display
    server.terminate()
    server.wait(timeout=10)
