"""Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet, strict on decoding.

Every byte string has exactly one encoding; decoding refuses anything else (a character outside
the alphabet, a dangling single character, a chunk above its maximum), so a text decodes to at
most one byte string and back to itself.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}


class Base45Error(ValueError):
    """The text is not valid Base45."""


def encode(data: bytes) -> str:
    chars: list[str] = []
    for start in range(0, len(data) - 1, 2):
        n = data[start] * 256 + data[start + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        chars += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        chars += (ALPHABET[c], ALPHABET[d])
    return "".join(chars)


def decode(text: str) -> bytes:
    if len(text) % 3 == 1:
        raise Base45Error(f"Base45 text of {len(text)} characters: a length of 3n+1 is never valid")
    try:
        values = [_VALUES[char] for char in text]
    except KeyError as error:
        raise Base45Error(f"character {error.args[0]!r} is not in the Base45 alphabet") from None
    whole = len(values) - len(values) % 3
    numbers = [c + 45 * d + 2025 * e for c, d, e in zip(values[0:whole:3], values[1:whole:3], values[2:whole:3], strict=True)]
    if numbers and max(numbers) > 0xFFFF:
        start = 3 * next(i for i, n in enumerate(numbers) if n > 0xFFFF)
        raise Base45Error(f"Base45 chunk {text[start:start + 3]!r} is above 65535")
    out = bytearray(2 * len(numbers))
    out[0::2] = bytes(n >> 8 for n in numbers)
    out[1::2] = bytes(n & 0xFF for n in numbers)
    if whole < len(values):
        n = values[whole] + 45 * values[whole + 1]
        if n > 0xFF:
            raise Base45Error(f"final Base45 pair {text[whole:]!r} is {n}, above 255")
        out.append(n)
    return bytes(out)
