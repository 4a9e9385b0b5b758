"""``kiosk-server`` as an operator runs it: init twice, create-admin, enrol, demo-data, serve on an empty database."""

from __future__ import annotations

import re

import requests

from tests.live_server import run_cli, server_env
from tests.server.calls import Terminal, redeem


def test_init_is_repeatable_and_seeds_the_catalogue_once(database_url, tmp_path):
    env = server_env(database_url, tmp_path)
    first = run_cli(env, "init")
    assert first.returncode == 0, first.stderr
    assert "catalogue seeded: version" in first.stdout
    second = run_cli(env, "init")
    assert second.returncode == 0, second.stderr
    assert "catalogue seeded" not in second.stdout


def test_serve_refuses_a_database_without_schema(database_url, tmp_path):
    done = run_cli(server_env(database_url, tmp_path), "serve", "--port", "1")
    assert done.returncode == 1
    assert "run `kiosk-server init` first" in done.stderr


def test_create_admin_wants_a_real_password(database_url, tmp_path):
    env = server_env(database_url, tmp_path)
    run_cli(env, "init")
    short = run_cli(env, "create-admin", "boss", stdin="short\n")
    assert short.returncode == 1 and "8 to 200 characters" in short.stderr
    assert run_cli(env, "create-admin", "boss", stdin="long enough\n").stdout == "created admin boss\n"
    again = run_cli(env, "create-admin", "boss", "--role", "operator", stdin="another one\n")
    assert again.stdout == "password set for operator boss\n"


def test_enrol_prints_a_code_the_terminal_can_redeem(live_server):
    printed = live_server.run_cli("enrol", "T5 大堂", "--location", "T5 一层", "--group", "T5").stdout
    match = re.search(r"^terminal (\d+) \(T5 大堂\): enrolment code ([A-Z2-9]{4}-[A-Z2-9]{4})$", printed, re.M)
    assert match, printed
    assert "valid once, until" in printed
    credential = redeem(live_server, match.group(2)).json()
    assert credential["terminal_id"] == int(match.group(1))
    assert Terminal(live_server, credential).heartbeat().status_code == 200
    assert live_server.admin("GET", f"/admin/terminals/{credential['terminal_id']}").json()["group"] == "T5"
    refused = run_cli(live_server.env, "enrol", "T6", "--location", "T6", "--group", "T6/east")
    assert refused.returncode == 1 and "group:" in refused.stderr and len(live_server.admin("GET", "/admin/terminals").json()) == 1


def test_demo_data_makes_a_small_valid_fleet_once(live_server):
    printed = live_server.run_cli("demo-data").stdout
    codes = re.findall(r"enrolment code ([A-Z2-9]{4}-[A-Z2-9]{4})", printed)
    assert len(codes) == 2
    fleet = live_server.admin("GET", "/admin/terminals").json()
    assert [t["group"] for t in fleet] == ["T1 lobby", None]
    credential = redeem(live_server, codes[0]).json()
    config = Terminal(live_server, credential).call("GET", "/terminal/config").json()
    assert config["settings"]["idle"]["timeout_seconds"] == 90 and config["settings"]["sync"]["heartbeat_seconds"] == 5
    with_terminals = run_cli(live_server.env, "demo-data")
    assert with_terminals.returncode == 1 and "empty fleet" in with_terminals.stderr
    assert requests.get(f"{live_server.url}/healthz", timeout=30).status_code == 200


def test_backup_and_restore_refuse_in_one_line(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'server.sqlite'}", tmp_path / "data")
    assert run_cli(env, "init").returncode == 0
    made = run_cli(env, "backup", str(tmp_path / "backups"))
    assert made.returncode == 0 and "not in it: the secrets kept outside the database" in made.stdout
    [copy] = (tmp_path / "backups").iterdir()
    into_itself = run_cli(env, "restore", str(copy))
    assert into_itself.returncode == 1
    assert into_itself.stderr.strip() == "kiosk-server: the database is not empty; restore goes only into an empty database"
    nothing = run_cli(env, "restore", str(tmp_path))
    assert nothing.returncode == 1 and "no manifest.json; not a backup directory" in nothing.stderr
