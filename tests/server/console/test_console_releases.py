"""Releases over real HTTP: upload checks, the signed offer, a staged rollout (canary first, the rest only after
the canary ran the release healthy for the rollout's minutes), a resumable download, reports halting a rollout,
and the console page showing versions, progress and rollbacks, escaped."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import update

from common.releases import ReleaseOffer, public_key_from_text, verify_offer
from server.core.clock import utcnow
from server.core.db import make_engine
from server.releases.models import UpdateReport
from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient
from tests.server.release_data import release_archive, upload_release

HOSTILE = "<img src=x onerror=alert(1)>"


def _offer(terminal) -> ReleaseOffer | None:
    reply = terminal.call("GET", "/terminal/update")
    assert reply.status_code in (200, 204), reply.text
    return ReleaseOffer.model_validate_json(reply.content) if reply.status_code == 200 else None


def _report(terminal, version: str, outcome: str, rollout_id: int, reason: str = "") -> None:
    reply = terminal.call("POST", "/terminal/update-report", json={
        "version": version, "outcome": outcome, "reason": reason, "at": utcnow().isoformat(), "rollout_id": rollout_id})
    assert reply.status_code == 204, reply.text


def test_upload_refuses_what_is_not_a_release_and_keeps_nothing(live_server):
    refused = {
        "2.0": (upload_release(live_server, "2.0", release_archive("2.1")), "says it is version 2.1"),
        "x": (upload_release(live_server, "banana", release_archive("banana")), "not a version number"),
        "junk": (upload_release(live_server, "2.2", b"not a tarball"), "not a readable .tar.gz"),
    }
    for reply, words in refused.values():
        assert reply.status_code == 422 and words in reply.json()["detail"]
    assert upload_release(live_server, "2.0").status_code == 201
    again = upload_release(live_server, "2.0")
    assert again.status_code == 422 and "uploaded already" in again.json()["detail"]
    assert [r["version"] for r in live_server.admin("GET", "/admin/releases").json()] == ["2.0"]


def test_a_staged_rollout_waits_for_the_canary_and_halts_when_it_rolls_back(live_server):
    canary = enrolled_terminal(live_server, "T1 大堂 1 号机", "T1 一层大堂", group="lobby")
    other = enrolled_terminal(live_server, "T2 南门", "T2 南门入口", group="lobby")
    elsewhere = enrolled_terminal(live_server, "T3 车库", "B1 电梯厅", group="garage")
    for terminal in (canary, other, elsewhere):
        terminal.heartbeat(app_version="1.0.0")
    other.heartbeat(app_version="1.0.0", clock_offset_seconds=-95.5, memory_pressure=2.5,
                    peripherals={"display": "ok", "speaker": "absent"})
    archive = release_archive("1.1.0")
    assert upload_release(live_server, "1.1.0", archive).status_code == 201
    rollout = live_server.admin("POST", "/admin/releases/1.1.0/rollouts",
                                json={"scope": "group", "target": "lobby", "canary_minutes": 30}).json()
    assert rollout["canary_terminal_id"] == canary.id

    # The canary is offered the release, signed by the key the console shows; the others wait.
    offer = _offer(canary)
    key = public_key_from_text(live_server.admin("GET", "/admin/releases/public-key").json()["public_key"])
    verify_offer(offer, key, "1.0.0")
    assert offer.manifest.sha256 == hashlib.sha256(archive).hexdigest() and offer.manifest.size == len(archive)
    assert _offer(other) is None and _offer(elsewhere) is None
    # A resumed download: the rest of the archive from byte 100.
    part = canary.call("GET", "/terminal/releases/1.1.0/archive", headers={"Range": "bytes=100-"})
    assert part.status_code == 206 and part.content == archive[100:]
    assert part.headers["Content-Range"] == f"bytes 100-{len(archive) - 1}/{len(archive)}"
    assert other.call("GET", "/terminal/releases/1.1.0/archive").status_code == 404  # not offered to it yet

    # The canary runs 1.1.0 and said so; the others still wait out the 30 minutes.
    _report(canary, "1.1.0", "installed", rollout["id"])
    canary.heartbeat(app_version="1.1.0")
    assert _offer(other) is None
    engine = make_engine(live_server.database_url)
    with engine.begin() as db:
        db.execute(update(UpdateReport).values(reported_at=utcnow() - timedelta(minutes=31)))
    engine.dispose()
    assert _offer(other).manifest.version == "1.1.0"
    assert _offer(elsewhere) is None  # another group
    states = {t["name"]: t["state"] for t in
              live_server.admin("GET", f"/admin/releases/rollouts/{rollout['id']}").json()["terminals"]}
    assert states == {"T1 大堂 1 号机": "current", "T2 南门": "offered"}

    # The next release's canary rolls back: the rollout halts, with the reason on the console page.
    upload_release(live_server, "1.2.0", notes=HOSTILE)
    second = live_server.admin("POST", "/admin/releases/1.2.0/rollouts",
                               json={"scope": "group", "target": "lobby", "canary_terminal_id": canary.id}).json()
    assert second["canary_minutes"] == 30  # the server's RELEASE_CANARY_MINUTES
    _report(canary, "1.2.0", "rolled_back", second["id"], reason=f"back to 1.1.0: exited with status 1 {HOSTILE}")
    halted = live_server.admin("GET", f"/admin/releases/rollouts/{second['id']}").json()
    assert halted["status"] == "halted" and "exited with status 1" in halted["halted_reason"]
    # Halted: nothing more is offered (it replaced the 1.1.0 rollout of the same group) until an administrator acts.
    assert _offer(other) is None

    console = ConsoleClient(live_server)
    console.sign_in()
    page = console.page("/releases").text
    assert "1.2.0" in page and "exited with status 1" in page
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'id="release-public-key"' in page and "T2 南门" in page
    health = page.split('id="terminal-versions"')[1].split("</table>")[0]
    assert "-95.5 s" in health and "badge-bad" in health and "pressure 2.5%" in health and "missing" in health


def test_the_console_uploads_a_release_and_starts_a_rollout(live_server):
    terminal = enrolled_terminal(live_server)
    terminal.heartbeat(app_version="1.0.0")
    console = ConsoleClient(live_server)
    console.sign_in()
    uploaded = console.submit("/releases", "/releases", {"version": "1.1.0", "notes": "快一点"},
                              files={"file": ("k.tar.gz", release_archive("1.1.0"), "application/gzip")})
    assert uploaded.url.endswith("/releases?done=uploaded") and "快一点" in uploaded.text
    refused = console.submit("/releases", "/releases", {"version": "1.0.5"},
                             files={"file": ("k.tar.gz", release_archive("1.0.6"), "application/gzip")})
    assert refused.status_code == 422 and "says it is version 1.0.6" in refused.text
    started = console.submit("/releases", "/releases/rollout",
                             {"version": "1.1.0", "scope": f"terminal:{terminal.id}", "canary_minutes": "0"})
    assert started.url.endswith("done=rollout") and 'id="rollout-1"' in started.text
    assert _offer(terminal).manifest.version == "1.1.0"
