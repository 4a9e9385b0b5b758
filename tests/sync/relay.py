"""A real HTTP server on loopback for the sync tests: a relay in front of the real server, or a server alone.

It forwards every request to ``upstream`` (the live server) and logs each exchange, and can be told to
misbehave as real networks do: answer 500, hang past the client's read timeout, refuse bodies over a
size (as a reverse proxy with a body limit does), rewrite one answer's JSON (a hostile document), or
hang up after the server answered (the answer is lost on the way back).
Without an upstream it answers 500 or hangs on its own. This is a real server on a real socket, not a mock.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int
    request_headers: dict[str, str]


class Relay:
    def __init__(self, upstream: str | None = None):
        self.upstream = upstream.rstrip("/") if upstream else None
        self.exchanges: list[Exchange] = []
        # "forward" (needs an upstream), "fail" (answer fail_status) or "hang" (never answer)
        self.mode = "forward" if upstream else "fail"
        self.fail_status = 500
        self.max_body_bytes: int | None = None
        # path -> function turning the upstream's JSON answer into the one the client gets
        self.rewrites: dict[str, Callable[[object], object]] = {}
        # path -> function called once the upstream answered; True: hang up without passing the answer on
        self.hang_ups: dict[str, Callable[[requests.Response], bool]] = {}
        self.hanging = 0  # requests held right now in "hang" mode
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="relay", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Relay:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._released.set()  # hanging requests end now
        self._server.shutdown()
        self._server.server_close()

    def count(self, method: str, path_suffix: str, status: int | None = None) -> int:
        with self._lock:
            return sum(
                1 for e in self.exchanges
                if e.method == method and e.path.split("?")[0].endswith(path_suffix) and status in (None, e.status)
            )

    def _log(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def _handler_class(self):
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if relay.max_body_bytes is not None and length > relay.max_body_bytes:
                    return self._answer(413, b'{"detail": "request body too large"}', {})
                if relay.mode == "hang":
                    with relay._lock:
                        relay.hanging += 1
                    relay._released.wait()
                    self.close_connection = True
                    return
                if relay.mode == "fail":
                    return self._answer(relay.fail_status, b'{"detail": "upstream trouble"}', {})
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                headers["Accept-Encoding"] = "identity"
                try:
                    upstream = requests.request(
                        self.command, relay.upstream + self.path, data=body, headers=headers,
                        allow_redirects=False, timeout=60,
                    )
                except requests.RequestException:
                    return self._answer(502, b'{"detail": "bad gateway"}', {})
                path = self.path.split("?")[0]
                hang_up = relay.hang_ups.get(path)
                if hang_up is not None and hang_up(upstream):
                    relay._log(Exchange(self.command, self.path, 0, dict(self.headers.items())))
                    self.close_connection = True
                    return
                content = upstream.content
                rewrite = relay.rewrites.get(path)
                if rewrite is not None and upstream.status_code == 200:
                    content = json.dumps(rewrite(upstream.json())).encode()
                answer_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
                self._answer(upstream.status_code, content, answer_headers)

            def _answer(self, status: int, content: bytes, headers: dict[str, str]):
                relay._log(Exchange(self.command, self.path, status, dict(self.headers.items())))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "content-type" not in {k.lower() for k in headers}:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD" and status not in (204, 304):
                    self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        return Handler
