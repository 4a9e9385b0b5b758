"""The Usage pages and admin API over real HTTP: visits sent by a terminal show on the page with their counts,
every table as CSV, a query typed in fewer than 3 visits is not shown, an alias added from the console makes a
new catalogue version (the terminal's next catalogue has it), a dismissed query goes; the admin API."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient, create_operator
from tests.server.feedback_data import send
from tests.server.usage_data import search, view, visit_record


def test_visits_on_the_usage_page_its_csv_and_the_searches_that_found_nothing(live_server):
    terminal = enrolled_terminal(live_server)
    now = datetime.now(UTC).replace(microsecond=0)
    nothing = search("<b>宠物医院</b>")
    send(terminal, *[visit_record(now, 30, searches=(nothing,), ended="idle") for _ in range(3)],
         visit_record(now, 90, views=(view("RS-001", printed=True),), searches=(search("停车", 0),), ended="finished"))
    client = ConsoleClient(live_server)
    client.sign_in("operator", create_operator(live_server))
    page = client.page("/usage")
    assert page.status_code == 200
    assert 'id="fact-visits">4<' in page.text and 'id="fact-views">1<' in page.text
    assert 'id="fact-takeaway">100 %<' in page.text and 'id="chart-heat"' in page.text
    rows = list(csv.reader(io.StringIO(client.page("/usage/export/ended.csv").content.decode("utf-8-sig"))))
    assert sorted(rows[1:]) == [["Finished (printed or sent)", "1"], ["Walked away (idle timeout)", "3"]]
    assert client.page("/usage/export/nothing.csv").status_code == 404

    searches = client.page("/usage/searches")
    assert "&lt;b&gt;宠物医院&lt;/b&gt;" in searches.text and "<b>宠物医院" not in searches.text
    assert "停车" not in searches.text  # one visit: never shown
    added = client.submit("/usage/searches", "/usage/searches/alias",
                          {"query": "<b>宠物医院</b>", "service_code": "RS-001"}, allow_redirects=False)
    assert added.status_code == 303
    catalogue = terminal.call("GET", "/terminal/catalogue").json()
    rs001 = next(s for s in catalogue["services"] if s["code"] == "RS-001")
    assert "<b>宠物医院</b>" in rs001["aliases"]
    refused = client.submit("/usage/searches", "/usage/searches/alias", {"query": "x", "service_code": "NO-000"})
    assert refused.status_code == 422 and 'id="action-error"' in refused.text

    summary = live_server.admin("GET", "/admin/usage/summary").json()
    assert (summary["visits"], summary["searches"], summary["searches_without_results"]) == (4, 4, 4)
    gaps = live_server.admin("GET", "/admin/usage/search-gaps").json()
    assert [(g["query"], g["visits"], g["action"], g["service_code"]) for g in gaps] == [
        ("<b>宠物医院</b>", 3, "alias", "RS-001")]
    assert live_server.admin("GET", "/admin/usage/summary", params={"first_day": "2026-02-01",
                                                                    "last_day": "2026-01-01"}).status_code == 422


def test_an_administrator_pins_a_services_popularity_and_the_terminals_catalogue_ranks_it_first(live_server):
    terminal = enrolled_terminal(live_server)
    admin = ConsoleClient(live_server)
    admin.sign_in()
    pinned = admin.submit("/usage/popularity", "/usage/popularity/RS-005", {"value": "99999"}, allow_redirects=False)
    assert pinned.status_code == 303
    catalogue = terminal.call("GET", "/terminal/catalogue").json()
    first = max(catalogue["services"], key=lambda s: s["popularity"])
    assert (first["code"], first["popularity"]) == ("RS-005", 99999)
    refused = admin.submit("/usage/popularity", "/usage/popularity/RS-005", {"value": "lots"})
    assert refused.status_code == 422 and 'id="action-error"' in refused.text

    operator = ConsoleClient(live_server)
    operator.sign_in("operator", create_operator(live_server))
    page = operator.page("/usage/popularity")
    assert page.status_code == 200 and "/usage/popularity/RS-005" not in page.text  # an operator sees, not pins
