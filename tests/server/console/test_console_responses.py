"""What the console and the phone pages send besides the page: gzip for HTML, CSS and JS (the API's JSON left as
it is), static files under URLs that carry their content hash and are cached for a year, others revalidated, a
favicon, and the ticket QR's size on its <img> so the page does not jump when it loads."""

from __future__ import annotations

import re

import requests

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient
from tests.server.console.test_accessibility import _public_pages


def test_pages_and_static_files_are_compressed_and_versioned_static_files_cached(live_server):
    client = ConsoleClient(live_server)
    page = client.page("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and "text/html" in page.headers["Content-Type"]
    css_url = re.search(r'href="(/console/static/console\.css\?v=[0-9a-f]{12})"', page.text).group(1)
    css = requests.get(live_server.url + css_url, headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert css.headers["Content-Encoding"] == "gzip"
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    stale = requests.get(f"{live_server.url}/console/static/console.css?v=000000000000", timeout=30)
    assert stale.headers["Cache-Control"] == "no-cache"  # an old URL may not pin new content for a year
    assert requests.get(f"{live_server.url}/console/static/console.css", timeout=30).headers["Cache-Control"] == "no-cache"
    catalogue = enrolled_terminal(live_server).call("GET", "/terminal/catalogue")  # requests asks for gzip
    assert catalogue.status_code == 200 and len(catalogue.content) > 10_000
    assert "Content-Encoding" not in catalogue.headers  # the API is left as it is
    icon = requests.get(f"{live_server.url}/favicon.ico", timeout=30)
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/x-icon" and icon.content[:4] == b"\0\0\1\0"
    assert re.search(r'<link rel="icon" href="/console/static/favicon\.ico\?v=[0-9a-f]{12}">', page.text)


def test_the_ticket_qr_has_its_size_on_the_page(live_server):
    ticket_page = _public_pages(live_server)[1]
    page = requests.get(live_server.url + ticket_page, timeout=30).text
    size = re.search(r'<img src="/t/[^"]+/ticket\.png" width="(\d+)" height="(\d+)"', page)
    image = requests.get(f"{live_server.url}{ticket_page}/ticket.png", timeout=30).content
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")  # the PNG's IHDR
    assert size and (int(size.group(1)), int(size.group(2))) == (width, height)
