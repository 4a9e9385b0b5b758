import random

import pytest

from common.base45 import ALPHABET, Base45Error, decode, encode


@pytest.mark.parametrize(
    ("data", "text"),
    [
        # RFC 9285 sections 4.3 and 4.4.
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
        (b"", ""),
        (b"\x00", "00"),
        (b"\xff", "U5"),
        (b"\xff\xff", "FGW"),
    ],
)
def test_rfc_examples_both_ways(data, text):
    assert encode(data) == text
    assert decode(text) == data


@pytest.mark.parametrize(
    "text",
    [
        "GGW",  # 65536, one above the largest triple (RFC 9285 section 6)
        "ZZZ",
        "::",  # 2024, above the largest final pair
        "V5",  # 256
        "A",  # a length of 3n+1
        "BB8A",
        "bb8",  # lowercase is not in the alphabet
        "BB8=",
        "BB\n",
        "社保卡",
    ],
)
def test_invalid_text_is_refused(text):
    with pytest.raises(Base45Error):
        decode(text)


def test_random_bytes_round_trip():
    rng = random.Random(9285)
    for length in range(80):
        data = rng.randbytes(length)
        text = encode(data)
        assert set(text) <= set(ALPHABET)
        assert len(text) == 3 * (length // 2) + 2 * (length % 2)
        assert decode(text) == data


def test_every_text_that_decodes_is_the_encoding_of_its_bytes():
    # Strictness: no two texts decode to the same bytes.
    rng = random.Random(45)
    decoded = 0
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.choice([2, 3, 5, 6, 8, 9])))
        try:
            data = decode(text)
        except Base45Error:
            continue
        decoded += 1
        assert encode(data) == text
    assert decoded > 500
