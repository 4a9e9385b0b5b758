"""The sync engine: one worker thread that keeps this terminal and the central server in step.

A cycle pushes the outbox, sends command replies, sends a heartbeat, then follows the reply: a new
configuration, catalogue or check-in bundle is fetched (conditionally) and applied, pending commands
are collected. Beside it, a long poll (services/sync/push.py) wakes the worker as soon as the server says a
command or a new configuration waits; the heartbeat's poll goes on in case it cannot.
The engine never touches the UI: it puts events on ``events`` and calls ``on_event`` so the UI can
drain them on its own thread. It never blocks its caller, and it never loses a record: what the
server did not confirm stays queued, whatever happens to the network or the server.
"""

from __future__ import annotations

import logging
import queue
import random
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from common import wire
from common.catalogue import Catalogue, CatalogueError, parse_catalogue
from common.settings import KioskSettings, SettingsError, SyncSettings, parse_settings
from services.checkin.bundle_store import CheckinBundleError, CheckinStore, parse_bundle
from services.checkin.link_health import LinkHealth
from services.devices.health import memory_pressure
from services.matters.board_store import KeptBoard, MattersBoardError, MattersBoardStore, parse_board
from services.storage.outbox import KeepPolicy, Outbox, QueuedRecord
from services.storage.store import LocalStore
from services.sync.api import PermanentError, ServerApi, SyncError, UnauthorisedError
from services.sync.backoff import Backoff
from services.sync.identity import TerminalIdentity, load_identity, save_identity
from services.sync.pairing import Pairing
from services.sync.push import PushListener
from services.sync.replies import CommandReplies
from services.wishes.wall import WALL_ERROR_KEY, WALL_ETAG_KEY, WishWallError, parse_wall, save_wall

log = logging.getLogger(__name__)

# A revoked or unknown credential will not heal by itself: ask again rarely (a re-enrolment may fix it).
UNAUTHORISED_RETRY_SECONDS = 300
PAIRING_POLL_SECONDS = 5
# Statuses that blame the records of a batch (bad item, too large): bisect to find and park them.
RECORD_FAULT_STATUSES = (400, 413, 422)
# Kinds the engine carries out itself; the others go to the UI.
ENGINE_COMMANDS = ("sync_now", "reload_config")

CONFIG_ETAG_KEY = "config_etag"
CONFIG_ERROR_KEY = "config_error"
CATALOGUE_ETAG_KEY = "catalogue_etag"
CATALOGUE_ERROR_KEY = "catalogue_error"
CHECKIN_ETAG_KEY = "checkin_etag"
CHECKIN_ERROR_KEY = "checkin_error"
MATTERS_ETAG_KEY = "matters_etag"
MATTERS_ERROR_KEY = "matters_error"
LAST_SYNC_KEY = "last_sync_at"
LAST_COMMAND_KEY = "last_command"
RECORD_SEAL_KEY = "record_seal_key"
PUBLIC_URL_KEY = "server_public_url"
RESENT_SINCE_KEY = "resent_since"

State = Literal["standalone", "pairing", "online", "offline", "syncing", "unauthorised"]


def available_memory(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Memory available to new programs (Linux MemAvailable), for the heartbeat; None where there is no such file."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


@dataclass(frozen=True)
class SyncStatus:
    state: State
    server_url: str
    pairing_code: str | None
    offline_since: datetime | None
    last_sync_at: datetime | None
    last_error: str
    outbox_depth: int
    parked_count: int
    config_version: int | None
    config_error: str | None
    # Server time minus this terminal's clock at the last heartbeat; None before the first.
    clock_offset_seconds: float | None = None
    # While pairing: why an administrator refused the kiosk's last code ("" when no reason was given).
    pairing_refusal: str | None = None
    # The address phones reach the server at (its PUBLIC_URL, from the last heartbeat reply); "" when not set.
    public_url: str = ""


@dataclass(frozen=True)
class StatusChanged:
    status: SyncStatus


@dataclass(frozen=True)
class SettingsChanged:
    settings: KioskSettings
    version: int


@dataclass(frozen=True)
class CatalogueChanged:
    catalogue: Catalogue


@dataclass(frozen=True)
class WishWallChanged:
    """A new micro-wish wall is in the store (services.wishes.wall)."""

    wall: wire.WishWall


@dataclass(frozen=True)
class CheckinBundleChanged:
    """A new check-in bundle is in the store (services.checkin): the events this terminal offers."""

    etag: str
    events: tuple[wire.CheckinEvent, ...]


@dataclass(frozen=True)
class MattersBoardChanged:
    """A new building-matters board is in the store (services.matters)."""

    kept: KeptBoard


@dataclass(frozen=True)
class CommandReceived:
    command: wire.Command


class SyncEngine:
    def __init__(
        self,
        *,
        store: LocalStore,
        data_dir: Path,
        server_url: str | None,
        app_version: str,
        heartbeat_info: Callable[[], dict],
        on_event: Callable[[], None] | None = None,
        rng: random.Random | None = None,
        link: LinkHealth | None = None,
    ):
        self.events: queue.Queue = queue.Queue()
        self._store = store
        self._data_dir = data_dir
        self._server_url = server_url.rstrip("/") if server_url else None
        self._app_version = app_version[:40]
        self._heartbeat_info = heartbeat_info
        self._on_event = on_event
        self._rng = rng or random.Random()
        self._outbox = Outbox(store)
        self._checkin = CheckinStore(store)
        self._matters = MattersBoardStore(store)
        # Heartbeats tell the check-in desk's link health how the server answers (a probe after a cool-down).
        self._link = link
        self._replies = CommandReplies(store)
        self._sync = self._sync_settings(store.remote_settings())
        self._backoff = Backoff(self._rng, cap=self._sync.max_backoff_seconds)
        self._started_at = time.monotonic()
        self._identity: TerminalIdentity | None = None
        self._api: ServerApi | None = None
        self._pairing: Pairing | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        # Set after each cycle: the push listener waits for the cycle it asked for before holding the next poll.
        self._cycled = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._push_listener: PushListener | None = None
        last_sync = store.get_state(LAST_SYNC_KEY)
        self._status = SyncStatus(
            state="standalone",
            server_url=self._server_url or "",
            pairing_code=None,
            offline_since=None,
            last_sync_at=datetime.fromisoformat(last_sync) if last_sync else None,
            last_error="",
            outbox_depth=0,
            parked_count=0,
            config_version=store.remote_settings_version(),
            config_error=store.get_state(CONFIG_ERROR_KEY),
            public_url=store.get_state(PUBLIC_URL_KEY) or "",
        )

    # -- the interface the UI uses (any thread) --------------------------------------------------

    def start(self) -> None:
        self._forget_stale_etags()
        self._identity = load_identity(self._data_dir)
        if self._identity is not None:
            self._update(announce=True, state="syncing", server_url=self._identity.server_url)
        elif self._server_url is not None:
            self._pairing = Pairing(self._store, self._server_url, self._app_version)
            self._update(announce=True, state="pairing", pairing_code=self._pairing.code(),
                         pairing_refusal=self._pairing.refusal())
        else:
            self._update(announce=True, state="standalone")
            return  # nothing to talk to: no worker
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="sync-engine", daemon=True)
        self._thread.start()
        self._push_listener = PushListener(lambda: self._identity, lambda: self._store.get_state(CONFIG_ETAG_KEY),
                                  self._pushed, self._sync.connect_timeout_seconds, random.Random())
        self._push_listener.start()

    def stop(self, timeout: float = 5) -> None:
        """Wake the worker and wait for it; a request in flight ends by its own timeout at the latest."""
        self._stopping.set()
        self._wake.set()
        if self._push_listener is not None:
            self._push_listener.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("sync worker still busy after %.1f s; it stops after its current request", timeout)

    def sync_now(self) -> None:
        self._wake.set()

    def report_command(self, command_id: int, ok: bool, detail: str) -> None:
        self._replies.add_result(wire.CommandOutcome(command_id=command_id, ok=ok, detail=detail[:2000]))
        self._wake.set()

    def upload_logs(self, command_id: int, text: str) -> None:
        self._replies.add_logs(command_id, text)
        self._wake.set()

    def upload_screenshot(self, command_id: int, png: bytes) -> None:
        if not png.startswith(b"\x89PNG\r\n\x1a\n") or len(png) > wire.MAX_SCREENSHOT_BYTES:
            # The server would refuse it for good; keeping it would only block the replies behind it.
            log.warning("screenshot for command %s is not a PNG of at most %d bytes; not sent", command_id,
                        wire.MAX_SCREENSHOT_BYTES)
            return
        self._replies.add_screenshot(command_id, png)
        self._wake.set()

    def status(self) -> SyncStatus:
        with self._lock:
            status = self._status
        return replace(status, outbox_depth=self._outbox.depth(), parked_count=self._outbox.parked_count())

    # -- worker ----------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                delay = self._cycle() if self._identity is not None else self._pair()
            except Exception as exc:  # a bug in one cycle must not end syncing for good
                log.exception("sync cycle failed")
                self._update(last_error=f"{type(exc).__name__}: {exc}")
                delay = self._backoff.next_delay()
            self._cycled.set()
            if self._stopping.is_set():
                break
            self._wake.wait(delay)
            self._wake.clear()
        if self._api is not None:
            self._api.close()

    def _pushed(self) -> threading.Event | None:
        """The server says something waits (push listener's thread): a cycle now, unless the worker is offline
        (then its backoff decides when to try again). The event is set when the cycle has run."""
        with self._lock:
            online = self._status.state == "online"
        if not online:
            return None
        self._cycled.clear()
        self._wake.set()
        return self._cycled

    def _pair(self) -> float:
        api = self._api_for(self._server_url, token=None)
        try:
            identity = self._pairing.step(api)
        except SyncError as exc:
            self._failed(exc)
            self._update(pairing_code=self._pairing.code(), pairing_refusal=self._pairing.refusal())
            return self._retry_delay(exc)
        self._backoff.reset()
        if identity is None:
            self._update(pairing_code=self._pairing.code(), pairing_refusal=self._pairing.refusal(), offline_since=None,
                         last_error="")
            return self._jittered(PAIRING_POLL_SECONDS)
        save_identity(self._data_dir, identity)
        self._pairing.finish()
        log.info("paired: this is terminal %s (%s)", identity.terminal_id, identity.name)
        self._identity = identity
        self._update(state="syncing", pairing_code=None, pairing_refusal=None, server_url=identity.server_url)
        return 0

    def _cycle(self) -> float:
        """One full exchange with the server; returns how long to wait before the next."""
        # Re-read: `kiosk enrol` may have given this terminal a new credential meanwhile.
        self._identity = load_identity(self._data_dir) or self._identity
        api = self._api_for(self._identity.server_url, self._identity.token)
        self._update(state="syncing")
        problems: list[str] = []
        try:
            self._push_outbox(api, problems)
            self._send_replies(api, problems)
            reply = self._timed_heartbeat(api)
            resend = self._resend_if_asked(reply)
            again_now = self._follow(api, reply, problems) or resend
            self._send_replies(api, problems)
        except UnauthorisedError as exc:
            log.warning("the server refuses this terminal's credential: %s", exc)
            self._link_failed()
            self._update(state="unauthorised", last_error=str(exc))
            return UNAUTHORISED_RETRY_SECONDS
        except SyncError as exc:
            self._link_failed()
            self._failed(exc)
            return self._retry_delay(exc)
        self._backoff.reset()
        now = datetime.now(UTC)
        self._store.set_state(LAST_SYNC_KEY, now.isoformat())
        for error_key in (CATALOGUE_ERROR_KEY, CHECKIN_ERROR_KEY, WALL_ERROR_KEY):
            if error := self._store.get_state(error_key):
                problems.append(error)
        self._update(state="online", offline_since=None, last_sync_at=now, last_error="; ".join(problems))
        return 0 if again_now else min(3600.0, max(1.0, reply.next_poll_seconds))

    def _link_failed(self) -> None:
        if self._link is not None:
            self._link.failed()

    def _failed(self, exc: SyncError) -> None:
        log.warning("sync failed: %s", exc)
        with self._lock:
            offline_since = self._status.offline_since or datetime.now(UTC)
        state = "pairing" if self._identity is None else "offline"
        self._update(state=state, offline_since=offline_since, last_error=str(exc))

    # -- outbox ----------------------------------------------------------------------------------

    def _push_outbox(self, api: ServerApi, problems: list[str]) -> None:
        while not self._stopping.is_set():
            batch = self._outbox.next_batch(self._sync.batch_size)
            if not batch:
                return
            try:
                settled = self._push(api, batch)
            except PermanentError as exc:  # not the records' fault (e.g. 404): keep them for later
                log.warning("the server refuses record batches: %s", exc)
                problems.append(str(exc))
                return
            self._update()
            if settled == 0:
                return  # the server confirmed none of them: try again next cycle

    def _push(self, api: ServerApi, batch: list[QueuedRecord]) -> int:
        """Send a batch; returns how many of its records left the queue (confirmed or parked)."""
        try:
            result = api.push_records([record.to_wire() for record in batch])
        except PermanentError as exc:
            if exc.status not in RECORD_FAULT_STATUSES:
                raise
            if len(batch) == 1:
                log.warning("record %s parked: %s", batch[0].id, exc)
                self._outbox.park(batch[0].id, str(exc))
                return 1
            middle = len(batch) // 2
            return self._push(api, batch[:middle]) + self._push(api, batch[middle:])
        sent = {record.id for record in batch}
        # Only what the server confirmed leaves; an id it did not mention stays queued.
        confirmed = (set(result.accepted) | set(result.duplicates)) & sent
        self._remember_seal_key(result.record_seal_key)
        self._outbox.confirm(confirmed, self._keep_policy())
        parked = 0
        for rejected in result.rejected:
            if rejected.id in sent and rejected.id not in confirmed:
                log.warning("record %s parked: %s", rejected.id, rejected.error)
                self._outbox.park(rejected.id, rejected.error)
                parked += 1
        return len(confirmed) + parked

    def _keep_policy(self) -> KeepPolicy:
        return KeepPolicy(days=self._sync.keep_confirmed_days, max_bytes=self._sync.keep_confirmed_megabytes << 20,
                          seal_key=self._store.get_state(RECORD_SEAL_KEY))

    def _remember_seal_key(self, key: str) -> None:
        """The server's record key, from any reply that carries it (the first push may come before any heartbeat)."""
        if key and key != self._store.get_state(RECORD_SEAL_KEY):
            self._store.set_state(RECORD_SEAL_KEY, key)

    def _resend_if_asked(self, reply: wire.HeartbeatReply) -> bool:
        """A restored server asks for the records it confirmed since its backup: back into the outbox they go,
        once per request (the next heartbeat says so). True when there is something to send now."""
        self._remember_seal_key(reply.record_seal_key)
        if reply.resend_since is None:
            return False
        asked = reply.resend_since.astimezone(UTC).isoformat()
        if self._store.get_state(RESENT_SINCE_KEY) == asked:
            return False
        count = self._outbox.requeue_kept(reply.resend_since)
        self._store.set_state(RESENT_SINCE_KEY, asked)
        log.warning("the server was restored from a backup of %s: %d kept records queued again", asked, count)
        return count > 0

    # -- commands --------------------------------------------------------------------------------

    def _send_replies(self, api: ServerApi, problems: list[str]) -> None:
        while (reply := self._replies.oldest()) is not None:
            try:
                if reply.kind == "screenshot":
                    api.upload_screenshot(reply.command_id, reply.body)
                elif reply.kind == "logs":
                    api.upload_logs(reply.command_id, reply.body.decode())
                else:
                    api.report_command(wire.CommandOutcome.model_validate_json(reply.body))
                    self._store.set_state(LAST_COMMAND_KEY, reply.body.decode())
            except PermanentError as exc:
                # E.g. the command expired or is unknown here: it cannot be answered, ever.
                log.warning("the server refused the %s for command %s: %s", reply.kind, reply.command_id, exc)
                problems.append(str(exc))
            self._replies.remove(reply.seq)

    def _follow(self, api: ServerApi, reply: wire.HeartbeatReply, problems: list[str]) -> bool:
        """Fetch what the heartbeat reply says changed; True when a command asked for another cycle now."""
        try:
            if reply.config_etag != self._store.get_state(CONFIG_ETAG_KEY):
                self._fetch_config(api, conditional=True)
            # An empty tag: the server has no catalogue yet; keep ours.
            if reply.catalogue_etag and reply.catalogue_etag != self._store.get_state(CATALOGUE_ETAG_KEY):
                self._fetch_catalogue(api)
            if reply.checkin_etag and reply.checkin_etag != self._store.get_state(CHECKIN_ETAG_KEY):
                self._fetch_checkin_bundle(api)
            if reply.matters_etag and reply.matters_etag != self._store.get_state(MATTERS_ETAG_KEY):
                self._fetch_matters_board(api)
            if reply.wishes_etag and reply.wishes_etag != self._store.get_state(WALL_ETAG_KEY):
                self._fetch_wish_wall(api)
        except PermanentError as exc:  # refused downloads leave what we have in place; commands still run
            log.warning("%s", exc)
            problems.append(str(exc))
        again_now = False
        if reply.commands_pending > 0:
            for command in api.commands():
                if command.kind == "sync_now":
                    self._replies.add_result(wire.CommandOutcome(command_id=command.id, ok=True, detail="syncing"))
                    again_now = True
                elif command.kind == "reload_config":
                    self._reload_config(api, command)
                else:
                    self._emit(CommandReceived(command))
        return again_now

    def _reload_config(self, api: ServerApi, command: wire.Command) -> None:
        try:
            self._fetch_config(api, conditional=False)
        except SyncError as exc:
            ok, detail = False, f"configuration not fetched: {exc}"
        else:
            error = self._store.get_state(CONFIG_ERROR_KEY)
            version = self._store.remote_settings_version()
            ok, detail = (False, error) if error else (True, f"configuration version {version} applied")
        self._replies.add_result(wire.CommandOutcome(command_id=command.id, ok=ok, detail=detail[:2000]))

    # -- configuration and catalogue -------------------------------------------------------------

    def _fetch_config(self, api: ServerApi, conditional: bool) -> None:
        config = api.config(etag=self._store.get_state(CONFIG_ETAG_KEY) if conditional else None)
        if config is None:
            return  # 304: what we have is current
        try:
            settings = parse_settings(config.settings, f"configuration version {config.version} from the server")
        except SettingsError as exc:
            # Keep running the last good settings; the next heartbeat tells the server why.
            log.warning("%s", exc)
            self._store.set_state(CONFIG_ERROR_KEY, str(exc))
            self._store.set_state(CONFIG_ETAG_KEY, config.etag)
            self._update(config_error=str(exc))
            return
        self._store.save_remote_settings(settings, config.version)
        self._store.set_state(CONFIG_ERROR_KEY, None)
        self._store.set_state(CONFIG_ETAG_KEY, config.etag)
        self._sync = self._sync_settings(settings)
        if self._link is not None:
            self._link.configure(settings.checkin.link)
        self._backoff.cap = self._sync.max_backoff_seconds
        api.timeout = (self._sync.connect_timeout_seconds, self._sync.read_timeout_seconds)
        log.info("configuration version %s applied", config.version)
        self._update(config_version=config.version, config_error=None)
        self._emit(SettingsChanged(settings, config.version))

    def _fetch_catalogue(self, api: ServerApi) -> None:
        download = api.catalogue(etag=self._store.get_state(CATALOGUE_ETAG_KEY))
        if download is None:
            return
        try:
            catalogue = parse_catalogue(download.document, f"catalogue {download.etag} from the server")
        except CatalogueError as exc:
            # Keep the catalogue we have; remember the refusal so the same document is not fetched again.
            log.warning("%s", exc)
            self._store.set_state(CATALOGUE_ERROR_KEY, str(exc))
            self._store.set_state(CATALOGUE_ETAG_KEY, download.etag)
            return
        self._store.replace_catalogue(catalogue, source=f"server:{download.etag}")
        self._store.set_state(CATALOGUE_ERROR_KEY, None)
        self._store.set_state(CATALOGUE_ETAG_KEY, download.etag)
        log.info("catalogue %s applied", catalogue.version)
        self._emit(CatalogueChanged(catalogue))

    def _fetch_checkin_bundle(self, api: ServerApi) -> None:
        def apply(bundle: wire.CheckinBundle, etag: str) -> object:
            self._checkin.replace(bundle)
            log.info("check-in bundle %s applied: %d events, %d revoked tickets", etag, len(bundle.events),
                     len(bundle.revoked))
            return CheckinBundleChanged(etag, tuple(bundle.events))

        # A refused bundle: the terminal keeps deciding with the one it has.
        self._fetch_document(api.checkin_bundle, CHECKIN_ETAG_KEY, CHECKIN_ERROR_KEY,
                             lambda doc, src: parse_bundle(doc, f"check-in bundle {src}"), apply)

    def _fetch_matters_board(self, api: ServerApi) -> None:
        def apply(board: wire.MattersBoard, etag: str) -> object:
            kept = self._matters.replace(board)
            log.info("matters board %s applied: %d resolved, %d open", etag, len(board.resolved), len(board.open))
            return MattersBoardChanged(kept)

        # A refused board: the terminal keeps showing the one it has.
        self._fetch_document(api.matters_board, MATTERS_ETAG_KEY, MATTERS_ERROR_KEY,
                             lambda doc, src: parse_board(doc, f"matters board {src}"), apply)

    def _fetch_document(self, download: Callable[..., Any], etag_key: str, error_key: str,
                        parse: Callable[[Any, str], Any], apply: Callable[[Any, str], object]) -> None:
        """Fetch a document the heartbeat said changed; ``apply`` it and emit the event it returns. A document
        ``parse`` refuses leaves what the terminal has, and its refusal is remembered with its tag, so the same
        one is not fetched again."""
        fetched = download(etag=self._store.get_state(etag_key))
        if fetched is None:
            return
        try:
            document = parse(fetched.document, f"{fetched.etag} from the server")
        except (CheckinBundleError, MattersBoardError, WishWallError) as exc:
            log.warning("%s", exc)
            self._store.set_state(error_key, str(exc)[:2000])
            self._store.set_state(etag_key, fetched.etag)
            return
        event = apply(document, fetched.etag)
        self._store.set_state(error_key, None)
        self._store.set_state(etag_key, fetched.etag)
        self._emit(event)

    def _fetch_wish_wall(self, api: ServerApi) -> None:
        def apply(wall: wire.WishWall, etag: str) -> object:
            save_wall(self._store, wall)
            log.info("wish wall %s applied: %d cards", etag, len(wall.cards))
            return WishWallChanged(wall)

        # A refused wall: the terminal keeps showing the one it has.
        self._fetch_document(api.wish_wall, WALL_ETAG_KEY, WALL_ERROR_KEY,
                             lambda doc, src: parse_wall(doc, f"wish wall {src}"), apply)

    # -- heartbeat -------------------------------------------------------------------------------

    def _timed_heartbeat(self, api: ServerApi) -> wire.HeartbeatReply:
        heartbeat = self._heartbeat()
        started, sent_at = time.monotonic(), time.time()
        reply = api.heartbeat(heartbeat)
        took = time.monotonic() - started
        if self._link is not None:
            self._link.succeeded(took)
        # The server read its clock about halfway through the exchange.
        offset = reply.server_time.timestamp() - (sent_at + took / 2)
        if reply.public_url != (self._store.get_state(PUBLIC_URL_KEY) or ""):
            self._store.set_state(PUBLIC_URL_KEY, reply.public_url or None)
        self._update(clock_offset_seconds=round(offset, 1), public_url=reply.public_url)
        return reply


    def _heartbeat(self) -> wire.Heartbeat:
        last_command = self._store.get_state(LAST_COMMAND_KEY)
        config_error = self._store.get_state(CONFIG_ERROR_KEY)
        resent_since = self._store.get_state(RESENT_SINCE_KEY)
        with self._lock:
            last_sync_at, clock_offset = self._status.last_sync_at, self._status.clock_offset_seconds
        fields: dict[str, Any] = dict(
            app_version=self._app_version,
            uptime_seconds=time.monotonic() - self._started_at,
            last_sync_at=last_sync_at,
            outbox_depth=self._outbox.depth(),
            parked_count=self._outbox.parked_count(),
            free_disk_bytes=shutil.disk_usage(self._data_dir).free,
            free_memory_bytes=available_memory(),
            memory_pressure=memory_pressure(),
            clock_offset_seconds=clock_offset,
            config_version=self._store.remote_settings_version(),
            config_error=config_error[:4000] if config_error else None,
            catalogue_version=self._store.catalogue().version[:64],
            last_command=wire.CommandOutcome.model_validate_json(last_command) if last_command else None,
            log_level=logging.getLevelName(logging.getLogger().getEffectiveLevel())[:10],
            resent_since=datetime.fromisoformat(resent_since) if resent_since else None,
        )
        for key, value in self._ui_info().items():
            try:  # one bad value is left out; the rest of the heartbeat still goes
                wire.Heartbeat(**fields, **{key: value})
            except ValidationError as exc:
                log.warning("heartbeat_info()[%r] is invalid, not sent: %s", key, exc)
                continue
            fields[key] = value
        return wire.Heartbeat(**fields)

    def _ui_info(self) -> dict[str, Any]:
        try:
            info = self._heartbeat_info()
            picked = {key: info[key] for key in ("current_screen", "peripherals", "in_service") if key in info}
        except Exception:  # the heartbeat still goes out, without the UI's part
            log.exception("heartbeat_info failed")
            return {}
        if isinstance(picked.get("current_screen"), str):
            picked["current_screen"] = picked["current_screen"][:40]
        return picked

    # -- helpers ---------------------------------------------------------------------------------

    def _forget_stale_etags(self) -> None:
        """An etag whose document is not what the store holds (a settings model that changed with an
        upgrade, a catalogue re-seeded after damage) would keep the server's current one from coming."""
        if self._store.remote_settings() is None and self._store.get_state(CONFIG_ERROR_KEY) is None:
            self._store.set_state(CONFIG_ETAG_KEY, None)
        if self._store.get_state(CHECKIN_ERROR_KEY) is None \
                and self._store.get_state(CHECKIN_ETAG_KEY) != self._checkin.applied_etag():
            self._store.set_state(CHECKIN_ETAG_KEY, None)
        etag = self._store.get_state(CATALOGUE_ETAG_KEY)
        if etag and self._store.get_state(CATALOGUE_ERROR_KEY) is None \
                and self._store.status().catalogue_source != f"server:{etag}":
            self._store.set_state(CATALOGUE_ETAG_KEY, None)

    def _api_for(self, server_url: str, token: str | None) -> ServerApi:
        if self._api is None or self._api.base_url != server_url.rstrip("/") or self._api.token != token:
            if self._api is not None:
                self._api.close()
            self._api = ServerApi(server_url, token, self._sync.connect_timeout_seconds, self._sync.read_timeout_seconds)
        return self._api

    def _retry_delay(self, exc: SyncError) -> float:
        """The backoff delay, but never sooner than a 429's or 503's Retry-After."""
        delay = self._backoff.next_delay()
        retry_after = getattr(exc, "retry_after", None)
        return max(delay, min(retry_after, self._sync.max_backoff_seconds)) if retry_after else delay

    def _jittered(self, seconds: float) -> float:
        return seconds * self._rng.uniform(0.9, 1.1)

    @staticmethod
    def _sync_settings(settings: KioskSettings | None) -> SyncSettings:
        return settings.sync if settings is not None else SyncSettings()

    def _update(self, announce: bool = False, **changes: Any) -> None:
        """Change the status; StatusChanged goes out when it changed (or ``announce``)."""
        depth, parked = self._outbox.depth(), self._outbox.parked_count()
        with self._lock:
            status = replace(self._status, outbox_depth=depth, parked_count=parked, **changes)
            changed, self._status = status != self._status, status
        if changed or announce:
            self._emit(StatusChanged(status))

    def _emit(self, event: object) -> None:
        self.events.put(event)
        if self._on_event is not None:
            try:
                self._on_event()
            except Exception:
                log.exception("on_event failed")
