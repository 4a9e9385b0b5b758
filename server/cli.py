"""Command line ``kiosk-server``: init (schema + seed catalogue), create-admin, enrol, serve, demo-data, backup,
restore, metrics-token.

The database is $DATABASE_URL (default: SQLite in $KIOSK_SERVER_DATA_DIR); see server/core/config.py.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from server.accounts import users as accounts
from server.backups import copies, schema_version
from server.backups.copies import BackupError
from server.booking import demo as demo_booking
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.core.server_secrets import KEPT_SECRETS
from server.events import demo as demo_events
from server.feedback import demo as demo_feedback
from server.fleet import catalogues, layers, terminals
from server.fleet.models import Terminal
from server.fleet.schemas import ConfigRejected, TerminalCreate
from server.matters import demo as demo_matters
from server.monitoring import access as metrics_access
from server.projections import register_projections
from server.volunteers import demo as demo_volunteers
from server.volunteers.seed import create_centre_teams
from server.wishes import demo as demo_wishes

CLI_ACTOR = "cli"


class CliError(Exception):
    """A refusal to print as one line, exit status 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-server", description="Lobby Kiosk central server")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create or upgrade the database schema; seed the sample catalogue if none")
    admin = commands.add_parser("create-admin", help="add an administrator, or set a new password for one "
                                "(the password is read from stdin, or asked for on a terminal)")
    admin.add_argument("username")
    admin.add_argument("--role", choices=("admin", "operator"), default="admin")
    enrol = commands.add_parser("enrol", help="add a terminal and print its one-time enrolment code")
    enrol.add_argument("name")
    enrol.add_argument("--location", required=True)
    enrol.add_argument("--group")
    serve = commands.add_parser("serve", help="run the HTTP server (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes (they share the database)")
    commands.add_parser("demo-data", help="a group, two terminals, sample configuration layers and two events "
                        "with attendees, feedback items")
    backup = commands.add_parser("backup", help="copy the database into a new directory under DEST while serving "
                                 "(with its schema version and checksum); the secrets kept outside it are not copied")
    backup.add_argument("destination", type=Path, metavar="DEST")
    restore = commands.add_parser("restore", help="restore a backup directory into the empty database of "
                                  "DATABASE_URL; terminals then send again what they kept since the backup")
    restore.add_argument("source", type=Path, metavar="SRC")
    commands.add_parser("metrics-token", help="make a bearer token for Prometheus to scrape /metrics with "
                        "(printed once; only its hash is kept)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    settings = ServerSettings()
    register_projections()  # demo-data stores records the way terminals send them
    try:
        if args.command == "init":
            return init(settings)
        if args.command == "create-admin":
            return create_admin(settings, args.username, args.role)
        if args.command == "enrol":
            return enrol(settings, args.name, args.location, args.group)
        if args.command == "serve":
            return serve(settings, args.host, args.port, args.workers)
        if args.command == "backup":
            return backup(settings, args.destination)
        if args.command == "restore":
            return restore(settings, args.source)
        if args.command == "metrics-token":
            return metrics_token(settings)
        return demo_data(settings)
    except (CliError, BackupError) as exc:
        print(f"kiosk-server: {exc}", file=sys.stderr)
        return 1


@contextmanager
def _session(settings: ServerSettings) -> Iterator[Session]:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def init(settings: ServerSettings) -> int:
    schema_version.upgrade_to_head()
    with _session(settings) as db:
        seeded = catalogues.seed(db)
        db.commit()
    print(f"database ready: {settings.database_url.split('@')[-1]}")
    if seeded is not None:
        print(f"catalogue seeded: version {seeded.version}, {seeded.service_count} services")
    return 0


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != password:
        raise CliError("the passwords differ")
    return password


def create_admin(settings: ServerSettings, username: str, role: str) -> int:
    password = _read_password()
    try:
        accounts.check_password(password)
        with _session(settings) as db:
            admin = accounts.find_account(db, username)
            if admin is None:
                accounts.create_account(db, username, role, password, CLI_ACTOR)
            else:
                # The CLI is the way back in: it may set any account's role, even the last admin's.
                admin.role = role
                accounts.reset_password(db, admin, password, CLI_ACTOR)
            db.commit()
    except accounts.AccountRefused as exc:
        raise CliError(str(exc)) from None
    print(f"{'password set for' if admin else 'created'} {role} {username}")
    return 0


def enrol(settings: ServerSettings, name: str, location: str, group: str | None) -> int:
    try:  # the limits the console and the API hold (a group's name has no slash, ...)
        TerminalCreate(name=name, location=location, group=group)
    except ValidationError as exc:
        raise CliError("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors(include_url=False))) from None
    with _session(settings) as db:
        terminal = terminals.create_terminal(db, name, location, group, CLI_ACTOR)
        code = terminals.issue_enrolment_code(db, terminal, settings.enrolment_code_ttl_seconds, CLI_ACTOR)
        db.commit()
    print(f"terminal {code.terminal_id} ({name}): enrolment code {code.code}")
    print(f"valid once, until {code.expires_at:%Y-%m-%d %H:%M} UTC")
    return 0


def _schema_is_current(settings: ServerSettings) -> bool:
    engine = make_engine(settings.database_url)
    try:
        return schema_version.database_revision(engine) == schema_version.code_head()
    finally:
        engine.dispose()


def backup(settings: ServerSettings, destination: Path) -> int:
    target, manifest = copies.take_backup(settings, destination)
    print(f"backup made: {target}")
    print(f"schema {manifest.schema_version}, {manifest.size_bytes} bytes, sha256 {manifest.sha256}")
    print("not in it: the secrets kept outside the database (" + ", ".join(s.file for s in KEPT_SECRETS)
          + "); keep them apart, see README")
    return 0


def restore(settings: ServerSettings, source: Path) -> int:
    outcome = copies.restore(settings, source)
    manifest = outcome.manifest
    print(f"restored the backup taken at {manifest.taken_at:%Y-%m-%d %H:%M:%S} UTC (schema {manifest.schema_version})")
    if outcome.upgraded_from:
        print(f"schema upgraded from {outcome.upgraded_from} to {schema_version.code_head()}")
    print("terminals will send again, at their next heartbeat, the records they kept since the backup")
    for warning in outcome.secret_warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    return 0


def metrics_token(settings: ServerSettings) -> int:
    with _session(settings) as db:
        token = metrics_access.create_token(db, CLI_ACTOR)
        db.commit()
    print(token)
    return 0


GRACEFUL_STOP_SECONDS = 5


def serve(settings: ServerSettings, host: str, port: int, workers: int) -> int:
    import uvicorn

    if not _schema_is_current(settings):
        raise CliError("the database schema is missing or old; run `kiosk-server init` first")
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker counts its requests in files here; /metrics adds every worker's up. Emptied at each start:
        # counts of processes that are gone would otherwise be added to the new ones'.
        metrics_dir = settings.kiosk_server_data_dir / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    # A factory import string, so that each worker process builds its own app (and engine). Terminals' long polls
    # would hold a stop up for their whole wait: open requests get a few seconds, then the terminals reconnect.
    uvicorn.run("server.main:served_app", factory=True, host=host, port=port, workers=workers,
                timeout_graceful_shutdown=GRACEFUL_STOP_SECONDS,
                proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies or "")
    return 0


DEMO_GROUP = "T1 lobby"
DEMO_TERMINALS = (("T1 大堂 1 号机", "T1 一层大堂东侧", DEMO_GROUP), ("T3 大堂 1 号机", "T3 一层大堂", None))
DEMO_LAYERS = (
    # Short polls so a change made during the demo shows on the kiosk within seconds.
    ("defaults", "", {"sync": {"heartbeat_seconds": 5}}, "demo: terminals call in every 5 s"),
    ("group", DEMO_GROUP, {"idle": {"timeout_seconds": 90}}, "busier lobby: more time before the idle warning"),
)


def demo_data(settings: ServerSettings) -> int:
    builtin = read_settings_document(DEFAULT_SETTINGS_FILE)
    with _session(settings) as db:
        if db.scalar(select(func.count()).select_from(Terminal)):
            raise CliError("demo data goes into an empty fleet; this database has terminals already")
        made = []
        for name, location, group in DEMO_TERMINALS:
            terminal = terminals.create_terminal(db, name, location, group, CLI_ACTOR)
            made.append((terminal, terminals.issue_enrolment_code(db, terminal, settings.enrolment_code_ttl_seconds,
                                                                  CLI_ACTOR)))
        layers.lock_config(db)
        for scope, target, document, comment in DEMO_LAYERS:
            written = layers.write_layer(db, builtin, layers.LayerKey(scope, target), document, CLI_ACTOR, comment,
                                         "config.update")
            if isinstance(written, ConfigRejected):
                raise CliError(f"demo layer {scope} {target}: {written.detail}: {written.errors}")
        event_ids, ticket = demo_events.create(db, CLI_ACTOR)
        feedback_codes = demo_feedback.create(db, made[0][0], CLI_ACTOR)
        matter_count = demo_matters.create(db, CLI_ACTOR)
        activities = demo_volunteers.create(db, made[0][0], CLI_ACTOR, ZoneInfo(settings.timezone))
        fulfilled_wishes = demo_wishes.create(db, settings, create_centre_teams(db), CLI_ACTOR)
        space_ids = demo_booking.create(db, CLI_ACTOR)
        db.commit()
    for (name, _, _), (_, enrolment_code) in zip(DEMO_TERMINALS, made, strict=True):
        print(f"terminal {enrolment_code.terminal_id} ({name}): enrolment code {enrolment_code.code}")
    print(f"events {', '.join(map(str, event_ids))}: check-in open now; self-registration at /e/{event_ids[0]}")
    print(f"a ticket to scan: {ticket}")
    print(f"spaces {', '.join(map(str, space_ids))}: bookable at the kiosk and on the phone at /b")
    tracking, code = feedback_codes[1]
    print(f"{len(feedback_codes)} feedback items; one with a public reply: /s/{tracking}?c={code}")
    print(f"{matter_count} building matters, their meetings and the building convention: /console/matters")
    print(f"{activities} volunteer activities of the centre's six teams: console → Volunteers")
    print(f"micro-wishes: {fulfilled_wishes} fulfilled; the wall's phone pages at /w/<id>, console /console/wishes")
    return 0
