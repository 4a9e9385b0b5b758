"""An exception no handler expected: the server's own app with one more route that fails, as a bug would. The
answer is a 500 without a traceback (JSON on the API, a page on the console and the phone pages) carrying the
request id, and the log line with the traceback names that id."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from server.core.config import ServerSettings
from server.main import create_app

SECRET_IN_THE_BUG = "connection string with a password"


@pytest.fixture
def client(tmp_path):
    app = create_app(ServerSettings(kiosk_server_data_dir=tmp_path))
    for path in ("/api/v1/bug", "/console/bug", "/e/bug/1"):
        app.add_api_route(path, _bug)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _bug() -> None:
    raise RuntimeError(SECRET_IN_THE_BUG)


def test_the_api_answers_json_with_the_request_id_that_the_log_names(client, caplog):
    with caplog.at_level(logging.ERROR, logger="server.request_ids"):
        reply = client.get("/api/v1/bug")
    assert reply.status_code == 500
    body = reply.json()
    assert body["request_id"] == reply.headers["X-Request-ID"]
    assert SECRET_IN_THE_BUG not in reply.text and "Traceback" not in reply.text
    logged = [r for r in caplog.records if body["request_id"] in r.getMessage()]
    assert logged and logged[0].exc_info and SECRET_IN_THE_BUG in str(logged[0].exc_info[1])


@pytest.mark.parametrize("path, lang, words", [
    ("/console/bug", "en", "Something went wrong"),
    ("/console/bug", "zh_CN", "出错了"),
    ("/e/bug/1", "", "服务器出错了"),
])
def test_the_console_and_the_phone_pages_answer_a_page_with_the_request_id(client, path, lang, words):
    reply = client.get(path, cookies={"console_lang": lang} if lang else {})
    assert reply.status_code == 500 and reply.headers["content-type"].startswith("text/html")
    assert words in reply.text and reply.headers["X-Request-ID"] in reply.text
    assert SECRET_IN_THE_BUG not in reply.text
