"""/metrics over real HTTP: only with a metrics token or from an allowed address; requests counted by route template;
the fleet read from the database; and the real Prometheus (Debian package) scraping a running server."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import requests
import yaml

from common.wire import Heartbeat
from services.sync.api import ServerApi
from services.sync.enrolment import redeem_code
from tests.live_server import ROOT, ServerProcess, free_port, server_env

PROMETHEUS_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
PROMETHEUS_RULES = ROOT / "deploy" / "prometheus" / "kiosk-alerts.yml"


def _token(server) -> str:
    return server.run_cli("metrics-token").stdout.strip()


def _scrape(server, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{server.url}/metrics", headers=headers, timeout=30)


def _samples(text: str) -> dict[str, float]:
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line and not line.startswith("#")}


def _online_terminal(server, name: str) -> ServerApi:
    identity = redeem_code(server.url, server.enrol(name, "一层大堂"), "0.1.0-test")
    api = ServerApi(server.url, identity.token)
    api.heartbeat(Heartbeat(app_version="0.1.0-test", uptime_seconds=5, outbox_depth=len(name), free_disk_bytes=10**9))
    return api


def test_metrics_need_a_token_and_count_requests_by_route_template(live_server):
    assert _scrape(live_server).status_code == 401
    assert _scrape(live_server, "km_not-a-token").status_code == 401
    token = _token(live_server)
    _online_terminal(live_server, "T1")
    _online_terminal(live_server, "T22")
    route = 'method="GET",route="/api/v1/admin/terminals/{terminal_id}/outages",status="200"'
    # The counters live as long as the process (the in-process server's worker): count what this test adds.
    before = _samples(_scrape(live_server, token).text).get(f"kiosk_http_requests_total{{{route}}}", 0)
    live_server.admin("GET", "/admin/terminals/1/outages")
    live_server.admin("GET", "/admin/terminals/2/outages")
    reply = _scrape(live_server, token)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    samples = _samples(reply.text)
    assert samples['kiosk_terminals{state="online"}'] == 2
    assert samples['kiosk_terminals{state="offline"}'] == 0
    assert (samples["kiosk_outbox_depth_sum"], samples["kiosk_outbox_depth_max"]) == (5, 3)
    assert samples[f"kiosk_http_requests_total{{{route}}}"] - before == 2  # one series for both ids
    assert 'kiosk_http_request_duration_seconds_count{method="GET",route="/api/v1/admin/terminals/{terminal_id}/outages"}' in samples
    assert "kiosk_backup_age_seconds" not in samples  # no backup yet: absent, which the sample rules alert on


@pytest.mark.server_settings(metrics_allow_from="127.0.0.0/8")
def test_metrics_answer_an_allowed_address_without_a_token(live_server):
    assert _scrape(live_server).status_code == 200


@pytest.mark.skipif(shutil.which("prometheus") is None, reason="the prometheus Debian package is not installed")
def test_prometheus_scrapes_the_server_and_counts_its_terminals(live_server, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(_token(live_server))
    for name in ("T1", "T2", "T3"):
        _online_terminal(live_server, name)
    # The sample configuration, pointed at this server and scraping every second.
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(PROMETHEUS_RULES)]
    [job] = config["scrape_configs"]
    job.update(scheme="http", static_configs=[{"targets": [live_server.url.removeprefix("http://")]}])
    job["authorization"]["credentials_file"] = str(token_file)
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    prometheus = subprocess.Popen(
        ["prometheus", f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        value = None
        while time.monotonic() < deadline and value != "3":
            time.sleep(0.5)
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/api/v1/query",
                                      params={"query": 'kiosk_terminals{state="online"}'}, timeout=5).json()
            except requests.ConnectionError:
                continue
            results = answer["data"]["result"]
            value = results[0]["value"][1] if results else None
        assert value == "3", f"Prometheus's last answer: {answer}"
        rules = requests.get(f"http://127.0.0.1:{port}/api/v1/rules", timeout=5).json()
        assert len(rules["data"]["groups"][0]["rules"]) >= 10  # the sample rules load
    finally:
        prometheus.terminate()
        prometheus.wait(timeout=20)


def test_several_worker_processes_are_counted_together(tmp_path):
    database_url, data_dir = f"sqlite:///{tmp_path / 'server.sqlite'}", tmp_path / "server"
    data_dir.mkdir()
    server = ServerProcess(database_url, data_dir, server_env(database_url, data_dir, {"METRICS_ALLOW_FROM": "127.0.0.1"}),
                           workers=2)
    server.run_cli("init")
    server.start()
    try:
        healthz = 'kiosk_http_requests_total{method="GET",route="/healthz",status="200"}'
        before = _samples(_scrape(server).text).get(healthz, 0)
        with requests.Session() as client:
            for _ in range(40):
                # A new connection each time, so the kernel spreads them over both workers.
                client.get(f"{server.url}/healthz", headers={"Connection": "close"}, timeout=30).raise_for_status()
        assert _samples(_scrape(server).text)[healthz] - before == 40
    finally:
        server.stop()
