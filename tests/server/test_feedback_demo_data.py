"""``kiosk-server demo-data`` fills the feedback inbox, and its printed status page link works."""

from __future__ import annotations

import re

import requests


def test_demo_data_makes_feedback_items_and_a_replied_status_page(live_server):
    output = live_server.run_cli("demo-data").stdout
    link = re.search(r"(/s/F\d{6}-[0-9A-Z]{8}\?c=\d{6})", output).group(1)
    page = requests.get(live_server.url + link, timeout=30)
    assert page.status_code == 200 and "已安排保洁人员处理" in page.text
    items = live_server.admin("GET", "/admin/feedback").json()
    assert len(items) == 6 and sum(i["overdue"] for i in items) == 2
    assert len(live_server.admin("GET", "/admin/feedback", params={"suppressed": "true"}).json()) == 1
