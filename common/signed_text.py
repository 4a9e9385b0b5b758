"""The signed QR text that event tickets and booking passes are both made of (docs/ticket-format.md):
``prefix`` + Base45(header || Ed25519 signature), the header being one kind byte and three unsigned LEB128 varints,
the first of them the signing key's id. Each format names its prefix, kind byte, signed context and error types;
this module reads and writes the shared layout, so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common import base45

SIGNATURE_BYTES = 64
# Ids are stored as signed 64-bit integers (SQLite, PostgreSQL BIGINT); a varint of 9 bytes holds 63 bits.
MAX_ID = 2**63 - 1
MAX_VARINT_BYTES = 9


def max_chars(prefix: str) -> int:
    """The longest valid text (three 9-byte varints): anything longer is refused unread."""
    return len(prefix) + 3 * (1 + 3 * MAX_VARINT_BYTES + SIGNATURE_BYTES) // 2


def encode(prefix: str, kind: int, numbers: tuple[int, int, int], sign: Callable[[bytes], bytes]) -> str:
    """``sign`` gets the header (a format may prefix its own context before signing it)."""
    header = bytes([kind]) + b"".join(varint(number) for number in numbers)
    return prefix + base45.encode(header + sign(header))


def decode(text: object, prefix: str, kind: int, unreadable: type[Exception], *, what: str, last: str,
           wrong_kind: Callable[[int], str]) -> tuple[tuple[int, int, int], bytes, bytes]:
    """The three numbers, the header and the signature, signature NOT checked; raises ``unreadable`` naming
    ``what`` the text should have been, ``last`` the third number, ``wrong_kind(byte)`` for another kind byte."""
    if not isinstance(text, str):
        raise unreadable(f"not text but {type(text).__name__}")
    if not text.startswith(prefix):
        raise unreadable(f"does not start with {prefix!r}")
    if len(text) > max_chars(prefix):
        raise unreadable(f"{len(text)} characters, longer than any {what} ({max_chars(prefix)})")
    try:
        raw = base45.decode(text[len(prefix):])
    except base45.Base45Error as error:
        raise unreadable(f"bad Base45: {error}") from None
    header, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    if len(header) < 4:
        raise unreadable(f"{len(raw)} bytes, too short for a {what} (truncated?)")
    if header[0] != kind:
        raise unreadable(wrong_kind(header[0]))
    numbers = []
    position = 1
    for _ in range(3):
        value, position = read_varint(header, position, unreadable)
        numbers.append(value)
    if position != len(header):
        raise unreadable(f"{len(header) - position} stray bytes after the {last}")
    return (numbers[0], numbers[1], numbers[2]), header, signature


def check_signature(public_keys: Mapping[int, bytes], key_id: int, signature: bytes, message: bytes,
                    forged: type[Exception], what: str) -> None:
    """Raises ``forged`` for a key id not in ``public_keys``, a malformed key or a bad signature."""
    public_bytes = public_keys.get(key_id)
    if public_bytes is None:
        raise forged(f"key id {key_id} is not a known {what} key")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(public_bytes)
    except ValueError:
        # A broken key in the bundle must not stop the check-in desk; the detail names it for the logs.
        raise forged(f"key id {key_id} has a malformed public key ({len(public_bytes)} bytes)") from None
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        raise forged(f"bad signature for key id {key_id}") from None


def varint(value: int) -> bytes:
    """Unsigned LEB128: 7 bits per byte, least significant group first, high bit set on all but the last."""
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varint(data: bytes, position: int, unreadable: type[Exception]) -> tuple[int, int]:
    value = 0
    for count in range(MAX_VARINT_BYTES):
        if position + count >= len(data):
            raise unreadable("header ends inside a number (truncated?)")
        byte = data[position + count]
        value |= (byte & 0x7F) << (7 * count)
        if not byte & 0x80:
            # One encoding per value: a longer form ending in a zero byte would be a second text for the same ticket.
            if byte == 0 and count > 0:
                raise unreadable("number with a redundant zero byte")
            return value, position + count + 1
    raise unreadable(f"number longer than {MAX_VARINT_BYTES} bytes")


def check_id(what: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
        raise ValueError(f"{what} must be an integer from 0 to 2**63-1, not {value!r}")
