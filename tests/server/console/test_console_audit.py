"""The console's audit log a page at a time: newest first, an "older" link while there are more, and a page that
stays the same when entries are added meanwhile."""

from __future__ import annotations

import re

from sqlalchemy import delete

from server.audit.console import PAGE_SIZE
from server.audit.log import audit
from server.core.db import make_engine, make_session_factory
from server.fleet.models import AuditEntry
from tests.server.console.console_client import ConsoleClient


def _add_entries(database_url: str, count: int, start: int = 0) -> None:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            for number in range(start, start + count):
                audit(db, "tester", "test.entry", f"thing:{number}")
            db.commit()
    finally:
        engine.dispose()


def _targets(html: str) -> list[str]:
    return re.findall(r"<td>(thing:\d+)</td>", html)


def test_the_audit_log_pages_back_to_the_first_entry(live_server):
    client = ConsoleClient(live_server)
    client.sign_in()
    engine = make_engine(live_server.database_url)
    with make_session_factory(engine)() as db:
        db.execute(delete(AuditEntry))
        db.commit()
    engine.dispose()
    _add_entries(live_server.database_url, PAGE_SIZE + 30)
    first = client.page("/audit").text
    assert _targets(first) == [f"thing:{n}" for n in range(PAGE_SIZE + 29, 29, -1)]
    older = re.search(r'id="audit-older" href="/console(/audit\?before=\d+)"', first).group(1)
    _add_entries(live_server.database_url, 5, start=1000)  # new entries do not shift the older page
    second = client.page(older).text
    assert _targets(second) == [f"thing:{n}" for n in range(29, -1, -1)]
    assert 'id="audit-older"' not in second and 'id="audit-newest"' in second
    assert client.page("/audit?before=0").status_code == 422
