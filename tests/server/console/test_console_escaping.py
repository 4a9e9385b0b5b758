"""What terminals and the public send is shown as text: a hostile screen name, terminal name or catalogue
text never becomes markup in the console."""

from __future__ import annotations

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient
from tests.server.console.form_fields import form_fields, with_values

SCRIPT = "<script>alert(1)</script>"


def test_hostile_heartbeat_and_terminal_names_are_escaped(live_server):
    # A group's name has no slash (it is part of its configuration page's address): "<em>g<em>" stands in.
    terminal = enrolled_terminal(live_server, name="<b>bold</b> kiosk", location="<i>hall</i>", group="<em>g<em>")
    assert terminal.heartbeat(current_screen=SCRIPT, peripherals={"<img src=x>": "ok"},
                              config_error="<u>bad</u>").status_code == 200
    client = ConsoleClient(live_server)
    client.sign_in()
    for path in ["/terminals", "/terminals/rows", f"/terminals/{terminal.id}", "/config",
                 f"/config/terminal/{terminal.id}", "/audit"]:
        page = client.page(path).text
        assert SCRIPT not in page and "<b>bold</b>" not in page and "<img src=x>" not in page, path
        assert "<em>g" not in page, path
    detail = client.page(f"/terminals/{terminal.id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "&lt;b&gt;bold&lt;/b&gt; kiosk" in detail
    assert "&lt;img src=x&gt;: ok" in detail
    assert "&lt;u&gt;bad&lt;/u&gt;" in detail and "<u>bad</u>" not in detail


def test_a_refused_catalogue_edit_shows_the_hostile_text_escaped(live_server):
    client = ConsoleClient(live_server)
    client.sign_in()
    fields = with_values(form_fields(client.page("/catalogue/services/RS-001").text), {"phone": SCRIPT})
    reply = client.post(client.url("/catalogue/services/RS-001"), data=fields, timeout=60)
    assert reply.status_code == 422
    assert SCRIPT not in reply.text
    assert "&lt;script&gt;" in reply.text
