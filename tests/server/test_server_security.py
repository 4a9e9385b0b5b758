"""Secrets: token shapes and hashing, enrolment codes, argon2 passwords; and no page that loads scripts from a CDN."""

from __future__ import annotations

import re

import requests

from common.wire import ENROLMENT_CODE_PATTERN
from server.core.security import (
    ENROLMENT_CODE_ALPHABET,
    hash_password,
    hash_secret,
    new_admin_token,
    new_enrolment_code,
    new_terminal_token,
    secret_matches,
    verify_password,
)


def test_tokens_carry_their_kind_and_256_random_bits():
    terminal, admin = new_terminal_token(), new_admin_token()
    assert terminal.startswith("kt_") and admin.startswith("ka_")
    assert len(terminal) - 3 >= 43  # 32 bytes, base64url
    assert len({new_terminal_token() for _ in range(100)}) == 100


def test_a_secret_is_kept_as_its_sha256_and_matched_by_it():
    token = new_terminal_token()
    stored = hash_secret(token)
    assert re.fullmatch(r"[0-9a-f]{64}", stored) and token not in stored
    assert secret_matches(token, stored)
    assert not secret_matches(token + "x", stored)


def test_enrolment_codes_fit_the_wire_pattern_and_avoid_confusable_letters():
    codes = {new_enrolment_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(ENROLMENT_CODE_PATTERN, code) for code in codes)
    assert not {"I", "O", "0", "1"} & set(ENROLMENT_CODE_ALPHABET)
    assert set("".join(codes).replace("-", "")) <= set(ENROLMENT_CODE_ALPHABET)


def test_passwords_are_argon2_and_verification_never_raises():
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert verify_password("correct horse", stored)
    assert not verify_password("wrong horse", stored)
    assert not verify_password("correct horse", None)  # an unknown user
    assert not verify_password("correct horse", "not-a-hash")


def test_no_page_loads_its_scripts_from_a_cdn(live_server):
    # FastAPI's /docs and /redoc fetch Swagger UI and ReDoc from jsdelivr: off, so nothing depends on the internet.
    for path in ("/docs", "/redoc"):
        assert requests.get(f"{live_server.url}{path}", timeout=30).status_code == 404
    assert requests.get(f"{live_server.url}/openapi.json", timeout=30).json()["info"]["title"] == "Lobby Kiosk server"
