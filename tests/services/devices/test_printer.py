import os
import select
import threading
import time
import unicodedata
from datetime import datetime

import pytest

from common.catalogue import Service
from common.settings import PrinterSettings
from services.devices.printer import (
    DisabledPrinter,
    PrinterError,
    SerialEscPosPrinter,
    SimulatedPrinter,
    encode_escpos,
    make_printer,
    render_text,
    service_slip,
    wrap,
)
from tests.i18n_catalogues import compile_catalogues

URL = "https://zwfw.example.gov.cn/guide/GA-0012"
PRINTED_AT = datetime(2025, 3, 4, 9, 30)
CUT = b"\x1dV\x42\x00"


@pytest.fixture(autouse=True, scope="module")
def _slip_catalogues():
    compile_catalogues("kiosk")  # the slips' words


def make_service(name_zh="居民身份证换领（有效期满换证）", name_en="Renewing a resident identity card", promised_days=15):
    return Service.model_validate(
        {
            "code": "GA-0012",
            "name": {"zh": name_zh, "en": name_en},
            "department": "police",
            "category": {"zh": "证件办理", "en": "Certificates"},
            "audience": ["individual"],
            "life_events": [],
            "conditions": {"zh": "本市户籍居民", "en": "Registered residents of the city"},
            "materials": [
                {"name": {"zh": "原居民身份证", "en": "Old identity card"}, "originals": 1, "copies": 0},
                {
                    "name": {"zh": "户口簿（户主页及本人页）", "en": "Household register"},
                    "originals": 1,
                    "copies": 2,
                    "required": False,
                },
            ],
            "steps": [
                {"title": {"zh": "取号并提交材料", "en": "Take a number"}, "detail": {"zh": "大厅取号机", "en": "At the machine"}},
                {
                    "title": {"zh": "现场采集照片和指纹，核对信息无误后签字确认", "en": "Photo and fingerprints"},
                    "detail": {"zh": "约十分钟", "en": "About ten minutes"},
                },
            ],
            "legal_time_limit_days": 60,
            "promised_time_limit_days": promised_days,
            "fee": {"amount_yuan": 20, "description": {"zh": "工本费", "en": "card fee"}},
            "office": {
                "window": {"zh": "公安综合窗口5号", "en": "Police window 5"},
                "floor": "2",
                "room": "201",
                "address": {"zh": "中山路1号", "en": "1 Zhongshan Road"},
            },
            "hours": {"zh": "周一至周五 9:00-12:00 13:30-17:00", "en": "Mon-Fri 9:00-12:00, 13:30-17:00"},
            "phone": "0451-86661234",
            "complaint_phone": "12345",
            "online_url": URL,
            "visits_required": 1,
            "keywords": ["身份证"],
            "popularity": 100,
        }
    )


def slip_for(service, lang, terminal="Lobby-1"):
    department = "市公安局" if lang == "zh_CN" else "City Public Security Bureau"
    return service_slip(service, department, lang, URL, terminal, PRINTED_AT)


def columns(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


@pytest.fixture
def pty_port():
    """A real pty pair: the kiosk opens the slave like a USB-serial printer, the test reads the master."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def print_and_read(printer, slip, master, timeout=5.0):
    failures = []

    def job():
        try:
            printer.print_slip(slip)
        except Exception as exc:  # re-raised below in the test's thread
            failures.append(exc)

    worker = threading.Thread(target=job)
    worker.start()
    received = b""
    deadline = time.monotonic() + timeout
    while CUT not in received and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            received += os.read(master, 65536)
    worker.join(timeout)
    if failures:
        raise failures[0]
    return received


def test_serial_printer_sends_a_chinese_slip_to_the_port(pty_port):
    master, port = pty_port
    printer = SerialEscPosPrinter(port, 9600, line_width=32)

    received = print_and_read(printer, slip_for(make_service(), "zh_CN"), master)

    assert received.startswith(b"\x1b@\x1c&")  # init, Chinese mode on
    assert "居民身份证换领".encode("gb18030") in received
    assert "当场办结".encode("gb18030") not in received
    assert "15个工作日".encode("gb18030") in received
    store = b"\x1d(k" + (len(URL) + 3).to_bytes(2, "little") + b"\x31\x50\x30" + URL.encode()
    assert store in received
    assert b"\x1d(k\x03\x00\x31\x45\x31" in received  # error correction M
    assert b"\x1d(k\x03\x00\x31\x51\x30" in received  # print the stored symbol
    assert received.endswith(CUT)


def test_serial_printer_sends_an_english_slip(pty_port):
    master, port = pty_port
    printer = SerialEscPosPrinter(port, 9600, line_width=48)

    received = print_and_read(printer, slip_for(make_service(), "en"), master)

    assert received.startswith(b"\x1b@\x1c.")  # all ASCII: Chinese mode off
    assert b"Renewing a resident identity card" in received
    assert b"[ ] Household register: 1 original, 2 copies" in received
    assert URL.encode() in received


def test_english_slip_with_chinese_text_keeps_chinese_mode_on():
    data = encode_escpos(slip_for(make_service(), "en", terminal="大厅1号机"), 32)

    assert data.startswith(b"\x1b@\x1c&")
    assert "大厅1号机".encode("gb18030") in data


def test_serial_printer_is_ready_on_an_open_port(pty_port):
    _, port = pty_port
    assert SerialEscPosPrinter(port, 9600, line_width=32).status() == "ready"


def test_missing_port_gives_printer_error_naming_the_port(tmp_path):
    port = str(tmp_path / "ttyUSB9")
    printer = SerialEscPosPrinter(port, 9600, line_width=32)

    with pytest.raises(PrinterError, match=f"cannot open printer port {port}: No such file"):
        printer.print_slip(slip_for(make_service(), "zh_CN"))
    assert printer.status().startswith(f"offline: cannot open printer port {port}")


def test_simulator_appends_each_job_to_the_file(tmp_path):
    path = tmp_path / "data" / "printer-output.txt"
    printer = SimulatedPrinter(path, line_width=32)

    printer.print_slip(slip_for(make_service(), "zh_CN"))
    printer.print_slip(slip_for(make_service(), "en"))

    output = path.read_text(encoding="utf-8")
    first, second, rest = output.split("=" * 32 + "\n")
    assert "居民身份证换领" in first and "[QR] " + URL in first and "扫码查看完整指南" in first
    assert "Code: GA-0012" in second and "Scan for the full guide" in second
    assert rest == ""
    assert printer.status() == "ready"


def test_time_limit_zero_is_done_on_the_spot():
    service = make_service(promised_days=0)

    assert "办理时限：当场办结" in render_text(slip_for(service, "zh_CN"), 32)
    assert "Time limit: On the spot" in render_text(slip_for(service, "en"), 32)


@pytest.mark.parametrize("line_width", [24, 32, 48])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_rendered_lines_fit_the_line_width(line_width, lang):
    long_name = "城乡居民基本养老保险参保登记及个人缴费档次变更（含跨省转移接续）申请"
    slip = slip_for(make_service(name_zh=long_name), lang)

    lines = render_text(slip, line_width).splitlines()

    assert len(lines) > 20
    for line in lines:
        if not line.startswith("[QR] "):  # the QR placeholder stays whole so it can be copied
            assert columns(line) <= line_width, line


def test_wrap_breaks_chinese_anywhere_but_not_before_closing_punctuation():
    text = "现场采集照片和指纹，核对信息无误后签字确认。" * 3

    lines = wrap(text, 24, indent=3)

    assert "".join(line.strip() for line in lines) == text
    assert all(columns(line) <= 24 for line in lines)
    assert all(line.startswith("   ") for line in lines[1:])
    assert not any(line.strip()[0] in "，。" for line in lines)


def test_characters_the_printer_cannot_print_become_question_marks():
    slip = slip_for(make_service(name_zh="社保卡😀补办\x1b@"), "zh_CN")

    data = encode_escpos(slip, 32)
    text = render_text(slip, 32)

    assert "社保卡?补办".encode("gb18030") in data
    assert "😀".encode("gb18030") not in data
    assert data.count(b"\x1b@") == 1  # an ESC in catalogue text cannot reset the printer
    assert "社保卡?补办" in text


def test_centre_name_heads_the_slip():
    slip = service_slip(make_service(), "市公安局", "zh_CN", URL, "Lobby-1", PRINTED_AT, centre_name="市民服务中心")

    first, second = render_text(slip, 32).splitlines()[:2]
    assert first == " " * 10 + "市民服务中心"
    assert second.strip() == "办事指南"


def test_empty_qr_url_is_refused_when_the_slip_is_built():
    with pytest.raises(ValueError, match="empty"):
        service_slip(make_service(), "市公安局", "zh_CN", "", "Lobby-1", PRINTED_AT)


def test_disabled_printer_refuses_to_print():
    printer = DisabledPrinter()

    with pytest.raises(PrinterError, match="printing is disabled on this terminal"):
        printer.print_slip(slip_for(make_service(), "zh_CN"))
    assert printer.status() == "disabled"


def test_make_printer_picks_the_backend_from_settings(tmp_path):
    serial_printer = make_printer(PrinterSettings(backend="serial", port="/dev/ttyS7", line_width=48), tmp_path)
    simulator = make_printer(PrinterSettings(backend="simulator", simulator_file="out.txt"), tmp_path)

    assert isinstance(serial_printer, SerialEscPosPrinter)
    assert (serial_printer.port, serial_printer.line_width) == ("/dev/ttyS7", 48)
    assert isinstance(simulator, SimulatedPrinter) and simulator.path == tmp_path / "out.txt"
    assert isinstance(make_printer(PrinterSettings(backend="none"), tmp_path), DisabledPrinter)
