"""The kiosk's side of the sync engine: starts it, drains its events on the UI thread, and carries
out the remote commands that need the screen.

The engine runs on its own thread and never touches widgets: it puts events on a queue and fires a
Clock trigger; ``_drain`` then runs on the UI thread. What the engine needs from the UI (current
screen, peripherals, in service) it reads from a snapshot dict refreshed here on the UI thread.
"""

from __future__ import annotations

import logging
import queue
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.clock import Clock
from kivy.core.window import Window

from common import wire
from services.diagnostics import log_ring
from services.sync.engine import (
    CatalogueChanged,
    CommandReceived,
    MattersBoardChanged,
    SettingsChanged,
    StatusChanged,
    SyncEngine,
    WishWallChanged,
)

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)

# Store key of a restart command to acknowledge once the kiosk is back.
RESTART_ACK_KEY = "restart_ack_command"


class SyncBridge:
    def __init__(self, app: KioskApp, server_url: str | None, app_version: str):
        self.app = app
        self._snapshot: dict = {}
        self._snapshot_lock = threading.Lock()
        self._trigger = Clock.create_trigger(self._drain)
        # Remote commands the screen carries out, by kind (the engine itself runs sync_now and reload_config).
        # A handler returns its "done" detail, or None when it reports later by itself.
        self._commands: dict[str, Callable[[wire.Command], str | None]] = {
            "show_message": self._show_message,
            "out_of_service": self._out_of_service,
            "in_service": self._in_service,
            "screenshot": self._screenshot,
            "restart": self._restart,
            "upload_logs": self._upload_logs,
        }
        self.engine = SyncEngine(
            store=app.store,
            data_dir=app.data_dir,
            server_url=server_url,
            app_version=app_version,
            heartbeat_info=self._heartbeat_info,
            on_event=self._trigger,
            # The check-in desk's link health: heartbeats tell it whether the server answers.
            link=app.checkin.link if hasattr(app, "checkin") else None,
        )

    def start(self) -> None:
        self.refresh_snapshot()
        pending_restart = self.app.store.get_state(RESTART_ACK_KEY)
        if pending_restart:
            self.app.store.set_state(RESTART_ACK_KEY, None)
            self.engine.report_command(int(pending_restart), True, "restarted")
        self.engine.start()
        self._drain()

    def stop(self) -> None:
        self.engine.stop()

    # -- what the engine reads -------------------------------------------------------------------

    def refresh_snapshot(self) -> None:
        """Called on the UI thread whenever what a heartbeat reports may have changed."""
        snapshot = {
            "current_screen": self.app.current_screen,
            "peripherals": self.app.peripheral_states(),
            "in_service": self.app.in_service,
        }
        with self._snapshot_lock:
            self._snapshot = snapshot

    def _heartbeat_info(self) -> dict:
        with self._snapshot_lock:
            return dict(self._snapshot)

    # -- engine events, on the UI thread ---------------------------------------------------------

    def _drain(self, *_args) -> None:
        while True:
            try:
                event = self.engine.events.get_nowait()
            except queue.Empty:
                return
            try:
                self._handle(event)
            except Exception:  # one bad event must not stop the stream behind it
                log.exception("handling sync event %r failed", event)

    def _handle(self, event) -> None:
        if isinstance(event, StatusChanged):
            self.app.show_sync_status(event.status)
        elif isinstance(event, SettingsChanged):
            log.info("configuration version %s applied", event.version)
            self.app.apply_settings(event.settings)
        elif isinstance(event, CatalogueChanged):
            log.info("catalogue %s applied", event.catalogue.version)
            self.app.set_catalogue(event.catalogue)
        elif isinstance(event, MattersBoardChanged):
            self.app.matters.show_board(event.kept)
        elif isinstance(event, WishWallChanged):
            self.app.wish_wall_changed()
        elif isinstance(event, CommandReceived):
            self._run_command(event.command)

    # -- remote commands that need the screen ----------------------------------------------------

    def _run_command(self, command: wire.Command) -> None:
        log.info("remote command %s (%s)", command.id, command.kind)
        handler = self._commands.get(command.kind)
        if handler is None:
            self.engine.report_command(command.id, False, f"unsupported command {command.kind}")
            return
        try:
            detail = handler(command)
        except Exception as exc:
            log.exception("remote command %s failed", command.id)
            self.engine.report_command(command.id, False, f"{type(exc).__name__}: {exc}")
            return
        if detail is not None:
            self.engine.report_command(command.id, True, detail)

    def _show_message(self, command: wire.Command) -> str:
        args = wire.ShowMessageArgs.model_validate(command.args)
        self.app.show_remote_message(args.text, args.seconds)
        return f"shown for {args.seconds} s"

    def _out_of_service(self, command: wire.Command) -> str:
        args = wire.OutOfServiceArgs.model_validate(command.args)
        self.app.set_out_of_service(args.message)
        return "out of service"

    def _in_service(self, _command: wire.Command) -> str:
        self.app.set_in_service()
        return "in service"

    def _screenshot(self, command: wire.Command) -> None:
        # Next frame: the screen as a visitor sees it, not half-way through this event.
        Clock.schedule_once(lambda _dt: self._take_screenshot(command.id), 0)
        return None

    def _take_screenshot(self, command_id: int) -> None:
        try:
            folder = Path(tempfile.mkdtemp(prefix="screenshot-", dir=self.app.data_dir))
            saved = Window.screenshot(name=str(folder / "screen.png"))
            path = Path(saved)
            png = path.read_bytes()
            path.unlink()
            folder.rmdir()
        except Exception as exc:
            log.exception("screenshot failed")
            self.engine.report_command(command_id, False, f"screenshot failed: {exc}")
            return
        self.engine.upload_screenshot(command_id, png)
        self.engine.report_command(command_id, True, f"{len(png)} bytes, {Window.width}x{Window.height}")

    def _upload_logs(self, command: wire.Command) -> str:
        lines = wire.UploadLogsArgs.model_validate(command.args).lines
        text = log_ring.recent(lines, wire.MAX_LOG_UPLOAD_BYTES)
        self.engine.upload_logs(command.id, text)
        return f"{text.count(chr(10))} lines, {len(text.encode())} bytes"

    def _restart(self, command: wire.Command) -> None:
        # Acknowledged by the restarted kiosk, so "done" means it really came back.
        self.app.store.set_state(RESTART_ACK_KEY, str(command.id))
        self.app.request_restart()
        return None

