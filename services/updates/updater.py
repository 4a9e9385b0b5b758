"""One pass of the terminal's update duty, called by UpdateLoop after the kiosk's first healthy heartbeat:

1. report rollbacks the launcher made (with its reason) and confirm a release on trial (its first heartbeat the
   server answered went out, so it started and reaches the server): the launcher will not roll it back now;
2. ask the server for the release this terminal should run; refuse (and report) one not signed by the pinned
   key or not newer than the running version, and skip one that already failed here;
3. download it (resumable; size and SHA-256 checked against the signed manifest) and unpack it beside the
   running release — nothing is unpacked before the signature and the hash hold;
4. when the kiosk may switch (outside opening hours or idle, never mid-visit), put it on trial in state.json
   and ask the app to exit with EXIT_SWITCH, so the launcher starts it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common.releases import ReleaseError, ReleaseOffer, UpdateReport, public_key_from_text, verify_offer
from services.sync.api import ServerApi
from services.updates import install
from services.updates.launcher import read_state, write_state

log = logging.getLogger(__name__)
KEY_FILE = "release-key.pub"


def pinned_key(root: Path) -> Ed25519PublicKey:
    return public_key_from_text((root / KEY_FILE).read_text(encoding="ascii"))


class Updater:
    def __init__(self, root: Path, running_version: str, may_switch: Callable[[], bool],
                 switch_now: Callable[[], None]):
        self.root = root
        self.running = running_version
        self.may_switch = may_switch
        self.switch_now = switch_now
        self._refused: set[str] = set()
        self.ready: str | None = None  # a version unpacked and waiting for the maintenance window

    def check_once(self, api: ServerApi) -> str:
        """One pass; says what it did (for the log and the tests)."""
        self._report_rollbacks(api)
        self._confirm_trial(api)
        offer = api.release_offer()
        if offer is None:
            return "up to date"
        version = offer.manifest.version
        state = read_state(self.root)
        if version in state["failed_versions"]:
            return f"{version} failed here before"
        if version in self._refused:
            return f"{version} refused"
        try:
            verify_offer(offer, pinned_key(self.root), self.running)
        except (ReleaseError, OSError) as exc:
            self._refuse(api, offer, "refused", str(exc))
            return f"{version} refused"
        if self.ready != version:
            try:
                archive = install.download(api, offer.manifest, self.root / "downloads")
                install.unpack(archive, self.root, version, state["current"])
            except ReleaseError as exc:
                self._refuse(api, offer, "failed", str(exc))
                return f"{version} failed"
            archive.unlink(missing_ok=True)
            self.ready = version
        if not self.may_switch():
            return f"{version} ready, waiting for the maintenance window"
        self._switch(version, offer.rollout_id)
        self.switch_now()
        return f"switching to {version}"

    def _switch(self, version: str, rollout_id: int) -> None:
        state = read_state(self.root)
        keep = {state["current"], version}
        state.update(previous=state["current"], current=version,
                     trial={"version": version, "starts": 0, "rollout_id": rollout_id})
        write_state(self.root, state)
        install.remove_old_releases(self.root, keep)
        log.info("switching to release %s (on trial until its first healthy heartbeat)", version)

    def _confirm_trial(self, api: ServerApi) -> None:
        state = read_state(self.root)
        trial = state["trial"]
        if not trial or trial.get("version") != self.running:
            return
        state["trial"] = None
        write_state(self.root, state)
        log.info("release %s confirmed after its first healthy heartbeat", self.running)
        api.update_report(UpdateReport(version=self.running, outcome="installed", at=datetime.now(UTC),
                                       rollout_id=trial.get("rollout_id"),
                                       reason=f"replaced {state['previous']}" if state["previous"] else ""))

    def _report_rollbacks(self, api: ServerApi) -> None:
        state = read_state(self.root)
        for rollback in state["rollbacks"]:
            if rollback.get("reported"):
                continue
            api.update_report(UpdateReport(version=rollback["version"], outcome="rolled_back",
                                           reason=f"back to {rollback['to']}: {rollback['reason']}",
                                           at=datetime.fromisoformat(rollback["at"]),
                                           rollout_id=rollback.get("rollout_id")))
            rollback["reported"] = True
            write_state(self.root, state)

    def _refuse(self, api: ServerApi, offer: ReleaseOffer, outcome: str, reason: str) -> None:
        log.warning("release %s %s: %s", offer.manifest.version, outcome, reason)
        self._refused.add(offer.manifest.version)
        api.update_report(UpdateReport(version=offer.manifest.version, outcome=outcome,  # type: ignore[arg-type]
                                       reason=reason, at=datetime.now(UTC), rollout_id=offer.rollout_id))
