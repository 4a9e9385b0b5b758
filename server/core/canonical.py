"""Canonical JSON (sorted keys, no spaces, UTF-8) and the ETag of such bytes: equal content, equal tag."""

from __future__ import annotations

import hashlib
import json


def canonical_json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def etag_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
