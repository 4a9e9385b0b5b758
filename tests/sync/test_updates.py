"""Software updates end to end: the real server signs and serves releases, the real launcher
(services/updates/launcher.py) starts a release in its versioned folder, the real Updater downloads, verifies,
unpacks and switches. Only the kiosk window is stood in for (tests/sync/standin_kiosk.py): a Kivy app cannot be
started under a launcher within the suite's budget; the stand-in heartbeats and updates as the app does.

A terminal on 1.0.0 gets 1.1.0 from a rollout, restarts on it and reports it; a 1.2.0 that fails at start is
rolled back to 1.1.0 by itself and the rollout halts with the reason; a 1.3.0 whose archive was changed on the
server after upload is refused before anything is unpacked.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from common.releases import ReleaseError, ReleaseManifest, ReleaseOffer, public_key_from_text, sign, verify_offer
from services.sync.enrolment import redeem_code
from tests.server.release_data import install_first_release, release_archive, upload_release
from tests.sync.conftest import admin_json, wait_for

ROOT = Path(__file__).resolve().parents[2]
STANDIN = ["{python}", str(ROOT / "tests/sync/standin_kiosk.py")]
BROKEN = ["{python}", "-c", "raise SystemExit('ImportError: the broken release')"]


def upload(server, version: str, archive: bytes) -> None:
    reply = upload_release(server, version, archive)
    assert reply.status_code == 201, reply.text


def roll_out(server, version: str, terminal_id: int) -> int:
    body = {"scope": "terminal", "target": str(terminal_id), "canary_minutes": 0}
    return admin_json(server, "POST", f"/admin/releases/{version}/rollouts", json=body)["id"]


def rollout(server, rollout_id: int) -> dict:
    return admin_json(server, "GET", f"/admin/releases/rollouts/{rollout_id}")


def test_update_from_the_console_rollback_of_a_broken_release_and_a_tampered_archive(live_server, tmp_path):
    identity = redeem_code(live_server.url, live_server.enrol("T1 大堂 1 号机", "T1 一层大堂东侧"), "1.0.0")
    key = admin_json(live_server, "GET", "/admin/releases/public-key")["public_key"]
    root = tmp_path / "opt"
    install_first_release(root, "1.0.0", key, STANDIN)
    env = dict(os.environ, PYTHONPATH=str(ROOT), STANDIN_SERVER_URL=live_server.url, STANDIN_TOKEN=identity.token)
    launcher = subprocess.Popen([sys.executable, str(ROOT / "services/updates/launcher.py"), "--root", str(root),
                                 "--trial-seconds", "60"], env=env)
    terminal = identity.terminal_id
    try:
        # A -> B from the console: restarts on B, reports B.
        upload(live_server, "1.1.0", release_archive("1.1.0", STANDIN))
        first = roll_out(live_server, "1.1.0", terminal)
        wait_for(lambda: rollout(live_server, first)["terminals"][0]["state"] == "current", "the terminal on 1.1.0")
        assert admin_json(live_server, "GET", f"/admin/terminals/{terminal}")["app_version"] == "1.1.0"
        assert (root / "starts.log").read_text().split() == ["1.0.0", "1.1.0"]
        assert (root / "releases/1.1.0/RELEASE.json").exists()

        # B' fails at start: rolled back to B by itself; the rollout halts with the reason.
        upload(live_server, "1.2.0", release_archive("1.2.0", BROKEN))
        second = roll_out(live_server, "1.2.0", terminal)
        halted = wait_for(lambda: (r := rollout(live_server, second))["status"] == "halted" and r,
                          "the broken release rolled back")
        assert "rolled_back" in halted["halted_reason"] and "exited with status 1" in halted["halted_reason"]
        wait_for(lambda: (root / "starts.log").read_text().split()[-1:] == ["1.1.0"], "1.1.0 started again")
        assert json.loads((root / "state/state.json").read_text())["current"] == "1.1.0"
        assert rollout(live_server, second)["terminals"][0]["state"] == "rolled_back"

        # An archive changed on the server after it was signed: refused, nothing unpacked.
        upload(live_server, "1.3.0", release_archive("1.3.0", STANDIN))
        engine = create_engine(live_server.database_url)
        with engine.begin() as db:
            db.execute(text("UPDATE releases SET archive = :data WHERE version = '1.3.0'"),
                       {"data": release_archive("1.3.0", BROKEN)})
        engine.dispose()
        third = roll_out(live_server, "1.3.0", terminal)
        failed = wait_for(lambda: (r := rollout(live_server, third))["status"] == "halted" and r, "the refusal")
        assert "does not match its signed size and SHA-256" in failed["halted_reason"]
        assert not (root / "releases/1.3.0").exists()
        assert admin_json(live_server, "GET", f"/admin/terminals/{terminal}")["app_version"] == "1.1.0"
    finally:
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=30) == 0
        shutil.rmtree(root, ignore_errors=True)


def test_a_release_signed_by_another_key_or_older_is_refused():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    manifest = ReleaseManifest(version="2.0.0", size=10, sha256="0" * 64, filename="k.tar.gz")
    pinned = public_key_from_text(ours.public_key().public_bytes_raw().hex())
    verify_offer(ReleaseOffer(manifest=manifest, signature=sign(manifest, ours), key_id="x", rollout_id=1),
                 pinned, "1.9.9")
    with pytest.raises(ReleaseError, match="not signed by the pinned release key"):
        verify_offer(ReleaseOffer(manifest=manifest, signature=sign(manifest, theirs), key_id="other", rollout_id=1),
                     pinned, "1.9.9")
    with pytest.raises(ReleaseError, match="downgrades are refused"):
        verify_offer(ReleaseOffer(manifest=manifest, signature=sign(manifest, ours), key_id="x", rollout_id=1),
                     pinned, "2.0.0")
    altered = manifest.model_copy(update={"sha256": "1" * 64})
    with pytest.raises(ReleaseError, match="not signed"):
        verify_offer(ReleaseOffer(manifest=altered, signature=sign(manifest, ours), key_id="x", rollout_id=1),
                     pinned, "1.0.0")
