import io
import random
from xml.etree import ElementTree

import pytest
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from common import base45
from common.tickets import (
    MAX_TEXT_CHARS,
    TICKET_PREFIX,
    ForgedTicket,
    SigningKey,
    Ticket,
    UnreadableTicket,
    _name_key,
    issue,
    looks_like_ticket,
    open_name,
    qr_code,
    read,
    render_png,
    render_svg,
    seal_name,
    verify,
)
from services.devices.scanner import decode_frame
from tests.common.doc_vectors import vectors

SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.from_private_bytes(1, SEED)


@pytest.fixture(scope="module")
def keys(key) -> dict[int, bytes]:
    return {1: key.public_bytes()}


def payload(text: str) -> bytes:
    return base45.decode(text[len(TICKET_PREFIX) :])


def text_of(raw: bytes) -> str:
    return TICKET_PREFIX + base45.encode(raw)


# -- format --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("event_id", "ticket_id"), [(0, 0), (42, 1001), (10**6, 10**9), (2**63 - 1, 2**63 - 1)])
def test_round_trip(key, keys, event_id, ticket_id):
    text = issue(key, event_id, ticket_id)

    assert looks_like_ticket(text)
    assert read(text) == Ticket(1, 1, event_id, ticket_id, text)
    assert verify(text, keys) == Ticket(1, 1, event_id, ticket_id, text)
    assert len(text) <= MAX_TEXT_CHARS


def test_issue_is_deterministic_and_distinct_per_ticket(key):
    assert issue(key, 42, 1001) == issue(key, 42, 1001)
    assert len({issue(key, 42, 1001), issue(key, 42, 1002), issue(key, 43, 1001)}) == 3


def test_keys_export_and_import():
    generated = SigningKey.generate(5)
    again = SigningKey.from_private_bytes(5, generated.private_bytes())

    assert len(generated.private_bytes()) == 32 and len(generated.public_bytes()) == 32
    assert issue(again, 1, 2) == issue(generated, 1, 2)
    assert "private" not in repr(generated) and generated.private_bytes().hex() not in repr(generated)


@pytest.mark.parametrize("bad", [-1, 2**63, 1.0, "7", True, None])
def test_out_of_range_ids_are_refused_at_issue(key, bad):
    with pytest.raises(ValueError):
        issue(key, bad, 1)
    with pytest.raises(ValueError):
        issue(key, 1, bad)


def test_several_keys_valid_at_once():
    old, new = SigningKey.generate(1), SigningKey.generate(2)
    keys = {1: old.public_bytes(), 2: new.public_bytes()}

    assert verify(issue(old, 7, 8), keys).key_id == 1
    assert verify(issue(new, 7, 9), keys).key_id == 2
    # The old key retired: its tickets no longer verify.
    with pytest.raises(ForgedTicket, match="key id 1"):
        verify(issue(old, 7, 8), {2: new.public_bytes()})


# -- forged ----------------------------------------------------------------------------------------------------


def test_every_flipped_bit_is_refused(key, keys):
    raw = payload(issue(key, 10**6, 10**9))
    for position in range(len(raw)):
        for bit in range(8):
            tampered = bytearray(raw)
            tampered[position] ^= 1 << bit
            with pytest.raises((UnreadableTicket, ForgedTicket)):
                verify(text_of(bytes(tampered)), keys)


def test_changed_ticket_id_is_forged(key, keys):
    raw = bytearray(payload(issue(key, 42, 1001)))
    assert raw[:5] == bytes.fromhex("01012ae907")
    raw[4] = 0x08  # ticket 1001 -> 1129, still a well-formed header

    text = text_of(bytes(raw))
    assert read(text).ticket_id == 1129
    with pytest.raises(ForgedTicket, match="bad signature"):
        verify(text, keys)


def test_signature_of_another_key_is_forged(keys):
    impostor = SigningKey.generate(1)  # claims key id 1 but is not the key behind it
    with pytest.raises(ForgedTicket, match="bad signature"):
        verify(issue(impostor, 42, 1001), keys)


def test_unknown_key_id_is_forged(keys):
    with pytest.raises(ForgedTicket, match="key id 9"):
        verify(issue(SigningKey.from_private_bytes(9, SEED), 42, 1001), keys)


def test_non_canonical_signature_is_forged(key, keys):
    # S + L is the same signature to a lax verifier: a second text for one ticket (docs: unique text per ticket).
    group_order = 2**252 + 27742317777372353535851937790883648493
    raw = payload(issue(key, 42, 1001))
    header, r, s = raw[:-64], raw[-64:-32], int.from_bytes(raw[-32:], "little")
    with pytest.raises(ForgedTicket):
        verify(text_of(header + r + (s + group_order).to_bytes(32, "little")), keys)


def test_malformed_public_key_is_forged_not_a_crash(key):
    with pytest.raises(ForgedTicket, match="malformed public key"):
        verify(issue(key, 42, 1001), {1: b"short"})


def test_well_formed_random_payload_is_forged(keys):
    rng = random.Random(5)
    for _ in range(20):
        header = bytes([1, 1, rng.randrange(128), rng.randrange(128)])
        with pytest.raises(ForgedTicket):
            verify(text_of(header + rng.randbytes(64)), keys)


# -- unreadable ------------------------------------------------------------------------------------------------


def test_every_truncation_is_unreadable(key, keys):
    text = issue(key, 10**6, 10**9)
    for length in range(len(text)):
        with pytest.raises(UnreadableTicket):
            verify(text[:length], keys)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "LK:",
        "https://zwfw.example.gov.cn/guide/GA-0012",
        "LKENROL|ABCD-EF23|http://127.0.0.1:8800",
        "LK:" + "A" * 10_000,
        "张三的门票",
        "LK:张三的门票",
        "LK:" + "社保".encode("gbk").decode("latin-1") * 30,
        bytes(range(256)).decode("latin-1"),
        "\x00" * 120,
    ],
)
def test_not_a_ticket_is_unreadable(keys, text):
    with pytest.raises(UnreadableTicket):
        verify(text, keys)


def test_random_bytes_are_unreadable(keys):
    rng = random.Random(1)
    for _ in range(200):
        with pytest.raises(UnreadableTicket):
            verify(rng.randbytes(rng.randrange(200)).decode("latin-1"), keys)
        with pytest.raises(UnreadableTicket):
            verify(TICKET_PREFIX + rng.randbytes(rng.randrange(150)).decode("latin-1"), keys)


def test_ten_kilobyte_line_made_of_tickets_is_unreadable(key, keys):
    with pytest.raises(UnreadableTicket, match="longer than any ticket"):
        verify(issue(key, 1, 2) * 100, keys)


def test_changed_case_or_prefix_is_unreadable(key, keys):
    text = issue(key, 42, 1001)
    for changed in (text.lower(), TICKET_PREFIX + text[3:].lower(), "LK1:" + text[3:], text[3:], " " + text, text + "\r\n"):
        assert verify(text, keys)
        with pytest.raises(UnreadableTicket):
            verify(changed, keys)


def test_other_version_is_unreadable(key):
    header = bytes.fromhex("02012ae907")
    with pytest.raises(UnreadableTicket, match="version 2"):
        read(text_of(header + key.sign(header)))


@pytest.mark.parametrize(
    ("header_hex", "reason"),
    [
        ("0101aa8000", "redundant zero"),  # ticket id 42 written in two bytes: a second text for one ticket
        ("01012ae90700", "stray"),
        ("01012a", "too short"),
        ("0101" + "ff" * 9 + "01", "longer than 9 bytes"),
    ],
)
def test_malformed_header_is_unreadable_even_when_signed(key, header_hex, reason):
    header = bytes.fromhex(header_hex)
    with pytest.raises(UnreadableTicket, match=reason):
        read(text_of(header + key.sign(header)))


def test_only_text_is_read(keys):
    with pytest.raises(UnreadableTicket):
        verify(b"LK:W505J55011", keys)  # type: ignore[arg-type]
    assert not looks_like_ticket(b"LK:W505")  # type: ignore[arg-type]


# -- sealed names -----------------------------------------------------------------------------------------------


def test_sealed_name_opens_only_with_its_ticket(key):
    text, other = issue(key, 42, 1001), issue(key, 42, 1002)
    sealed = seal_name(text, "欧阳娜娜")

    assert open_name(text, sealed) == "欧阳娜娜"
    assert open_name(other, sealed) is None
    assert open_name(text[:-1], sealed) is None
    assert "欧阳" not in sealed and set(sealed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_each_seal_has_its_own_nonce(key):
    text = issue(key, 42, 1001)
    first, second = seal_name(text, "张三"), seal_name(text, "张三")

    assert first != second
    assert open_name(text, first) == open_name(text, second) == "张三"


def test_damaged_seal_gives_none(key):
    text = issue(key, 42, 1001)
    sealed = seal_name(text, "张三")
    flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]

    for damaged in (flipped, sealed[:-2], sealed[:16], "", "!!!!", "a", "=" * 8, sealed + "AAAA", "x" * 10_000):
        assert open_name(text, damaged) is None
    assert open_name(text, None) is None  # type: ignore[arg-type]
    assert open_name(None, sealed) is None  # type: ignore[arg-type]
    assert open_name(text, sealed + "=" * (-len(sealed) % 4)) == "张三"


# -- QR images ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key_id", "event_id", "ticket_id"), [(0, 0, 0), (1, 42, 1001), (127, 10**6, 10**9), (2, 999_999, 999_999_999)]
)
def test_realistic_tickets_fit_qr_version_5_in_alphanumeric_mode(key_id, event_id, ticket_id):
    text = issue(SigningKey.from_private_bytes(key_id, SEED), event_id, ticket_id)
    code = qr_code(text)

    assert [segment.mode for segment in code.data_list] == [MODE_ALPHA_NUM]
    assert code.version <= 5
    # qrcode's own mode detection, as a plain add_data() would use it, also picks alphanumeric.
    assert QRData(text).mode == MODE_ALPHA_NUM
    plain = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    plain.add_data(text)
    plain.make(fit=True)
    assert plain.version <= 5


def test_byte_mode_would_need_version_7(key):
    # The measured gain of Base45 + alphanumeric mode over putting the same text in byte mode.
    text = issue(key, 10**6, 10**9)
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(QRData(text, mode=MODE_8BIT_BYTE))
    code.make(fit=True)
    assert (len(text), code.version, qr_code(text).version) == (114, 7, 5)


def test_png_decodes_back_to_the_ticket(key, keys):
    text = issue(key, 10**6, 10**9)
    image = Image.open(io.BytesIO(render_png(text, box_size=4)))

    assert image.size == ((37 + 8) * 4,) * 2  # version 5 is 37 modules, plus a 4-module quiet zone each side
    [result] = decode_frame(image)
    assert verify(result, keys).ticket_id == 10**9


def test_svg_is_a_qr_of_the_right_size(key):
    svg = render_svg(issue(key, 42, 1001))
    root = ElementTree.fromstring(svg)

    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 45 45"


def test_images_refuse_text_outside_the_alphanumeric_alphabet():
    with pytest.raises(ValueError):
        render_png("lk:abc")
    with pytest.raises(ValueError):
        render_svg("LK:票")


# -- the doc's test vectors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", vectors("ticket"), ids=lambda v: f"ticket-{v['ticket_id']}")
def test_doc_ticket_vectors(vector):
    key = SigningKey.from_private_bytes(int(vector["key_id"]), bytes.fromhex(vector["seed_hex"]))
    text = issue(key, int(vector["event_id"]), int(vector["ticket_id"]))

    assert text == vector["qr_text"]
    assert payload(text).hex() == vector["header_hex"] + vector["signature_hex"]
    assert key.public_bytes().hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    ticket = verify(vector["qr_text"], {key.key_id: key.public_bytes()})
    assert (ticket.key_id, ticket.event_id, ticket.ticket_id) == (
        int(vector["key_id"]), int(vector["event_id"]), int(vector["ticket_id"]))


@pytest.mark.parametrize("vector", vectors("sealed_name"), ids=lambda v: v["name"])
def test_doc_sealed_name_vector(vector):
    assert _name_key(vector["qr_text"]).hex() == vector["key_hex"]
    assert seal_name(vector["qr_text"], vector["name"], nonce=bytes.fromhex(vector["nonce_hex"])) == vector["sealed"]
    assert open_name(vector["qr_text"], vector["sealed"]) == vector["name"]
