"""Command line: ``kiosk`` (or ``kiosk run``) starts the kiosk; ``kiosk enrol`` registers it with the
central server; ``kiosk search`` answers from the same search engine without a display; ``kiosk ime``
prints the pinyin input method's candidates; ``kiosk hash-pin`` makes a maintenance PIN hash for the
settings; ``kiosk check`` validates the settings and catalogue files."""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import os
import sys
from pathlib import Path

from common.catalogue import CatalogueError, load_catalogue
from common.paths import SAMPLE_CATALOGUE_FILE
from common.settings import SettingsError, load_settings
from services.devices.display.fonts import FontNotFoundError, resolve_cjk_font
from services.diagnostics import log_ring
from services.storage import paths

STORE_FILE = "store.sqlite"


def _size(value: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1080x1920, not {value!r}") from None
    return width, height


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Lobby Kiosk")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="start the kiosk (the default)")
    run.add_argument("--settings", type=Path, help="settings TOML (default: $KIOSK_SETTINGS or config/settings.toml)")
    run.add_argument("--windowed", type=_size, metavar="WxH", help="a window of this size instead of full screen")
    run.add_argument(
        "--server",
        help="central server URL for pairing an unenrolled terminal (default: $KIOSK_SERVER_URL; "
        "an enrolled terminal uses the server it enrolled with)",
    )
    run.add_argument(
        "--scanner", choices=("serial", "hid", "camera", "simulator", "none"),
        help="use this ticket scanner whatever the settings say (simulator: a pty to write codes to, for demos)",
    )
    enrol = commands.add_parser("enrol", help="enrol this terminal with a one-time code from the server")
    enrol.add_argument("--server", required=True, help="central server URL, e.g. https://kiosk.example.org")
    enrol.add_argument("--code", required=True, help="one-time enrolment code, e.g. ABCD-EF23")
    search = commands.add_parser("search", help="search the service catalogue; one result a line, best first")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=int, default=20)
    ime = commands.add_parser("ime", help="pinyin input method: the candidates for some letters, best first, one a line")
    ime.add_argument("letters", nargs="?", default="", help="pinyin as typed, e.g. tingshui, zm, xi'an")
    ime.add_argument("--limit", type=int, default=20)
    ime.add_argument("--build", action="store_true", help="(re)build the dictionary file ($KIOSK_IME_CACHE or ~/.cache/lobby-kiosk)")
    commands.add_parser("hash-pin", help="read a maintenance PIN and print its hash for settings.toml")
    check = commands.add_parser("check", help="validate the settings and the catalogue")
    check.add_argument("--settings", type=Path)
    check.add_argument("--catalogue", type=Path, default=SAMPLE_CATALOGUE_FILE)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    log_ring.install()  # the recent lines for the upload_logs command
    command = args.command or "run"
    try:
        if command == "search":
            return _search(" ".join(args.query), args.limit)
        if command == "ime":
            return _ime(args.letters, args.limit, args.build)
        if command == "hash-pin":
            return _hash_pin()
        if command == "check":
            return _check(args.settings or paths.settings_file(), args.catalogue)
        if command == "enrol":
            return _enrol(args.server, args.code)
        server_url = getattr(args, "server", None) or os.environ.get("KIOSK_SERVER_URL") or None
        return run(getattr(args, "settings", None) or paths.settings_file(), getattr(args, "windowed", None), server_url,
                   getattr(args, "scanner", None))
    except (SettingsError, CatalogueError, FontNotFoundError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2


def open_store():
    from services.storage.store import LocalStore

    return LocalStore.open(paths.data_dir() / STORE_FILE, seed=SAMPLE_CATALOGUE_FILE)


def run(settings_path: Path, windowed_size: tuple[int, int] | None, server_url: str | None = None,
        scanner_kind: str | None = None) -> int:
    resolve_cjk_font()  # fail with a clear message before a window opens
    data_dir = paths.data_dir()
    store = open_store()
    # The last configuration the server sent wins over the local file: it is this terminal's own.
    settings = store.remote_settings() or load_settings(settings_path)
    # Everything loaded so far (modules, settings, catalogue) lives as long as the kiosk: keep it out of
    # the collector's scans, which makes the full collections Kivy runs while opening the window short.
    gc.freeze()
    from kiosk.bootstrap import configure_kivy

    window_plan = configure_kivy(data_dir, windowed_size=windowed_size)
    from kiosk.app import KioskApp

    app = KioskApp(settings, store, data_dir, server_url=server_url, scanner_kind=scanner_kind, window_plan=window_plan)
    try:
        app.run()
    finally:
        store.close()
    if app.restart_requested:
        logging.getLogger(__name__).info("restarting on the server's request")
        os.execv(sys.executable, [sys.executable, "-m", "kiosk", *sys.argv[1:]])
    return app.exit_code


def _enrol(server_url: str, code: str) -> int:
    from kiosk import __version__
    from services.sync.api import SyncError
    from services.sync.enrolment import redeem_code
    from services.sync.identity import save_identity

    try:
        identity = redeem_code(server_url, code.strip().upper(), __version__)
    except SyncError as exc:
        print(f"kiosk: enrolment failed: {exc}", file=sys.stderr)
        return 1
    save_identity(paths.data_dir(), identity)
    print(f"enrolled as terminal {identity.terminal_id} ({identity.name}, {identity.location}) with {server_url}")
    return 0


def _search(query: str, limit: int) -> int:
    from services.guide.search import SearchIndex

    store = open_store()
    try:
        catalogue = store.catalogue()
        for hit in SearchIndex(catalogue).search(query, limit=limit):
            print(f"{hit.code}\t{catalogue.service(hit.code).name.zh}")
    finally:
        store.close()
    return 0


def _ime_vocabulary() -> list[str]:
    """The kiosk's own words, as the running kiosk ranks them: the lobby's, this terminal's catalogue's
    and its feedback categories'."""
    from services.devices.ime.vocabulary import kiosk_words, lobby_words

    store = open_store()
    try:
        settings = store.remote_settings() or load_settings(paths.settings_file())
        return lobby_words() + kiosk_words(store.catalogue(), settings.feedback.categories)
    finally:
        store.close()


def _ime(letters: str, limit: int, rebuild: bool) -> int:
    from services.devices.ime import InputMethod
    from services.devices.ime.lexicon import Lexicon, build, default_cache_dir

    cache_dir = default_cache_dir()
    if rebuild:
        build(cache_dir / Lexicon.FILE_NAME)
        if not letters:
            return 0
    elif not letters:
        print("kiosk: give the letters to look up, e.g. kiosk ime tingshui", file=sys.stderr)
        return 2
    ime = InputMethod.load(cache_dir, vocabulary=_ime_vocabulary())
    try:
        for candidate in ime.candidates(letters, limit):
            print(candidate.text)
    finally:
        ime.close()
    return 0


def _hash_pin() -> int:
    from common.pin import hash_pin

    pin = getpass.getpass("PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 8:
        print("kiosk: a PIN is 4 to 8 digits", file=sys.stderr)
        return 2
    print(hash_pin(pin))
    return 0


def _check(settings_path: Path, catalogue_path: Path) -> int:
    settings = load_settings(settings_path)
    catalogue = load_catalogue(catalogue_path)
    font = resolve_cjk_font()
    print(f"settings {settings_path}: ok (terminal {settings.terminal.name})")
    print(f"catalogue {catalogue_path}: ok ({len(catalogue.services)} services, version {catalogue.version})")
    print(f"font: {font.regular}")
    return 0
