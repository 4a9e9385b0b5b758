"""Receipt printing: a slip is described once, then encoded for an ESC/POS printer or as plain text.

``make_printer`` picks the backend from the settings at run time: a serial
ESC/POS printer, a simulator that appends the text to a file, or none. Every
backend has ``print_slip(slip)`` and ``status()``; failures raise ``PrinterError``.
"""

from __future__ import annotations

import errno
import os
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import serial

from common.catalogue import Material, Service
from common.settings import PrinterSettings
from common.translations import kiosk_translations


@dataclass(frozen=True)
class Title:
    """Centred, bold; ``large`` doubles the height (not the width, so wrapping still holds)."""

    text: str
    large: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Left-aligned wrapped text; continuation lines are indented ``indent`` columns."""

    text: str
    bold: bool = False
    indent: int = 0


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class QR:
    data: str
    caption: str

    def __post_init__(self) -> None:
        from common.qr import qr_image  # qrcode is imported with the first slip, not with the kiosk

        qr_image(self.data, box_size=1, border=0)  # empty or too long: fail when the slip is built, on every backend


@dataclass(frozen=True)
class Cut:
    pass


Line = Title | Paragraph | KeyValue | Rule | QR | Cut


@dataclass(frozen=True)
class Slip:
    lang: str
    lines: tuple[Line, ...]

    @property
    def chinese(self) -> bool:
        return self.lang.startswith("zh")


def service_slip(
    service: Service,
    department_name: str,
    lang: str,
    qr_url: str,
    terminal_name: str,
    printed_at: datetime,
    *,
    centre_name: str | None = None,
) -> Slip:
    """The guide slip a visitor takes away: what to bring, the steps, where to go.

    ``centre_name`` (the terminal's service centre) heads the slip when given.
    """
    tr = kiosk_translations(lang)
    audience = [tr.gettext("Individuals") if a == "individual" else tr.gettext("Companies") for a in service.audience]
    lines: list[Line] = []
    if centre_name:
        lines.append(Title(centre_name))
    lines += [
        Title(tr.gettext("SERVICE GUIDE")),
        Title(service.name.get(lang), large=True),
        Rule(),
        KeyValue(tr.gettext("Code"), service.code),
        KeyValue(tr.gettext("Department"), department_name),
        # "Individuals, companies" (capitalize() leaves Chinese as it is).
        KeyValue(tr.gettext("For"), tr.pgettext("list", ", ").join(audience).capitalize()),
        Rule(),
        Paragraph(tr.gettext("Materials"), bold=True),
    ]
    # "[ ] " leaves a box to tick while gathering the papers.
    lines += [Paragraph(f"[ ] {_material(m, lang)}", indent=4) for m in service.materials]
    lines.append(Paragraph(tr.gettext("Steps"), bold=True))
    for number, step in enumerate(service.steps, start=1):
        label = f"{number}. "
        lines.append(Paragraph(label + step.title.get(lang), indent=len(label)))
    lines += [
        Rule(),
        KeyValue(tr.gettext("Time limit"), _time_limit(service.promised_time_limit_days, lang)),
        KeyValue(tr.gettext("Fee"), _fee(service, lang)),
        KeyValue(
            tr.gettext("Office"),
            tr.gettext("{window}, floor {floor}, room {room}").format(
                window=service.office.window.get(lang), floor=service.office.floor, room=service.office.room
            ),
        ),
        KeyValue(tr.gettext("Hours"), service.hours.get(lang)),
        KeyValue(tr.gettext("Enquiries"), service.phone),
        Rule(),
        QR(qr_url, tr.gettext("Scan for the full guide")),
        KeyValue(tr.gettext("Printed"), printed_at.strftime("%Y-%m-%d %H:%M")),
        KeyValue(tr.pgettext("slip", "Terminal"), terminal_name),
        Cut(),
    ]
    return Slip(lang=lang, lines=tuple(lines))


def feedback_slip(
    lang: str,
    *,
    category_title: str,
    rating_label: str | None,
    tracking_number: str,
    check_code: str,
    followup_due: date | None,
    status_url: str | None,
    terminal_name: str,
    printed_at: datetime,
    centre_name: str | None = None,
) -> Slip:
    """The feedback receipt: tracking number and check code to follow it up, and the QR of its status page.

    Nothing the visitor wrote or their phone number is printed: a slip left at the printer tells no one anything.
    """
    tr = kiosk_translations(lang)
    lines: list[Line] = [Title(centre_name)] if centre_name else []
    lines += [
        Title(tr.gettext("FEEDBACK RECEIPT")),
        Rule(),
        KeyValue(tr.gettext("Tracking number"), tracking_number),
        KeyValue(tr.gettext("Check code"), check_code),
        KeyValue(tr.gettext("Category"), category_title),
    ]
    if rating_label:
        lines.append(KeyValue(tr.gettext("Rating"), rating_label))
    if followup_due:
        due = tr.gettext("{year}-{month:02d}-{day:02d}").format(
            year=followup_due.year, month=followup_due.month, day=followup_due.day
        )
        lines.append(KeyValue(tr.gettext("Reply by"), due))
    lines.append(Rule())
    if status_url:
        lines.append(QR(status_url, tr.gettext("Scan to follow it up")))
    lines += [
        KeyValue(tr.gettext("Submitted"), printed_at.strftime("%Y-%m-%d %H:%M")),
        KeyValue(tr.pgettext("slip", "Terminal"), terminal_name),
        Cut(),
    ]
    return Slip(lang=lang, lines=tuple(lines))


def booking_slip(lang: str, *, space: str, place: str, when: str, masked_name: str, pass_text: str,
                 terminal_name: str, printed_at: datetime, centre_name: str | None = None) -> Slip:
    """The booking pass on paper: where and when, the masked name, and the pass QR to scan at check-in."""
    tr = kiosk_translations(lang)
    lines: list[Line] = [Title(centre_name)] if centre_name else []
    lines += [
        Title(tr.gettext("BOOKING PASS")),
        Rule(),
        KeyValue(tr.gettext("Space"), space),
        KeyValue(tr.gettext("Place"), place),
        KeyValue(tr.gettext("Time"), when),
        KeyValue(tr.gettext("Booked by"), masked_name),
        Rule(),
        QR(pass_text, tr.gettext("Scan at the kiosk to check in")),
        KeyValue(tr.gettext("Printed"), printed_at.strftime("%Y-%m-%d %H:%M")),
        KeyValue(tr.pgettext("slip", "Terminal"), terminal_name),
        Cut(),
    ]
    return Slip(lang=lang, lines=tuple(lines))


def queue_slip(
    lang: str,
    *,
    number: str,
    service_name: str,
    window_name: str,
    people_ahead: int,
    wait_minutes: int,
    follow_url: str,
    terminal_name: str,
    printed_at: datetime,
    centre_name: str | None = None,
) -> Slip:
    """The queue slip (取号凭条): the number large, where to go, who is ahead, and the QR that follows the queue on
    a phone and, scanned at a kiosk once served, rates the service. The phone number left is never printed."""
    tr = kiosk_translations(lang)
    lines: list[Line] = [Title(centre_name)] if centre_name else []
    lines += [
        Title(tr.gettext("QUEUE NUMBER")),
        Title(number, large=True),
        Rule(),
        KeyValue(tr.gettext("Service"), service_name),
        KeyValue(tr.gettext("Window"), window_name),
        KeyValue(tr.gettext("People ahead"), str(people_ahead)),
        KeyValue(tr.gettext("Estimated wait"), tr.gettext("about {minutes} min").format(minutes=wait_minutes)),
        Rule(),
        QR(follow_url, tr.gettext("Scan to follow the queue; after the service, scan it at a kiosk to rate it")),
        KeyValue(tr.gettext("Taken"), printed_at.strftime("%Y-%m-%d %H:%M")),
        KeyValue(tr.pgettext("slip", "Terminal"), terminal_name),
        Paragraph(tr.gettext("Please listen for your number. A number called and missed must be taken again.")),
        Cut(),
    ]
    return Slip(lang=lang, lines=tuple(lines))


def _material(material: Material, lang: str) -> str:
    tr = kiosk_translations(lang)
    counts = []
    if material.originals:
        counts.append(tr.ngettext("%(count)d original", "%(count)d originals", material.originals)
                      % {"count": material.originals})
    if material.copies:
        counts.append(tr.ngettext("%(count)d copy", "%(count)d copies", material.copies) % {"count": material.copies})
    line = tr.gettext("{name}: {counts}").format(
        name=material.name.get(lang), counts=tr.pgettext("material counts", ", ").join(counts)
    )
    return line if material.required else tr.gettext("{material} (optional)").format(material=line)


def _time_limit(days: int, lang: str) -> str:
    tr = kiosk_translations(lang)
    if days == 0:
        return tr.gettext("On the spot")
    return tr.npgettext("slip", "%d working day", "%d working days", days) % days


def _fee(service: Service, lang: str) -> str:
    description = service.fee.description.get(lang)
    if service.fee.amount_yuan == 0:
        return description
    amount = f"{service.fee.amount_yuan:.2f}".rstrip("0").rstrip(".")
    return kiosk_translations(lang).gettext("{amount} yuan ({description})").format(amount=amount, description=description)


# --- Layout: slip lines to rows of at most line_width columns, shared by both renderings.


@dataclass(frozen=True)
class _Row:
    text: str
    centred: bool = False
    bold: bool = False
    tall: bool = False


# Closing punctuation must not start a line (the usual Chinese typesetting rule), so it sticks to the text before it.
_NO_LINE_START = set("，。、；：？！）》」』】〕”’,.;:?!)]}%")


def printable(text: str) -> str:
    """``text`` as the printer can show it: controls become spaces, what its font lacks becomes "?".

    The printer's GB18030 font covers the one- and two-byte set plus CJK Extension A
    (rare characters in names); emoji and the rest of the four-byte range print as
    garbage, so they are replaced here, where the simulator shows the same result.
    """
    chars = []
    for char in text:
        if unicodedata.category(char) == "Cc":
            chars.append(" ")
            continue
        try:
            encoded = char.encode("gb18030")
        except UnicodeEncodeError:  # lone surrogates
            chars.append("?")
            continue
        chars.append(char if len(encoded) <= 2 or "\u3400" <= char <= "\u4dbf" else "?")
    return "".join(chars)


def char_width(char: str) -> int:
    # Ambiguous-width characters (·, “, é, ①) are two-byte GB18030 and print full width.
    return 2 if unicodedata.east_asian_width(char) in ("W", "F", "A") else 1


def text_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """Lines of at most ``width`` columns; words break at spaces, Chinese between any two characters.

    Continuation lines start with ``indent`` spaces (ignored if it leaves under half the width).
    """
    if indent > width // 2:
        indent = 0
    lines: list[str] = []
    line, column = "", 0
    for token in _tokens(text):
        if token.isspace():
            if line:
                line, column = line + token, column + text_width(token)
            continue
        token_width = text_width(token)
        if column + token_width > width and line.strip():
            lines.append(line.rstrip())
            line, column = " " * indent, indent
        while column + token_width > width:  # a word longer than a whole line: split it
            room, cut = width - column, 0
            while cut < len(token) and char_width(token[cut]) <= room:
                room -= char_width(token[cut])
                cut += 1
            cut = max(cut, 1)  # a wide character in a one-column line still has to go somewhere
            lines.append(line + token[:cut])
            token, token_width = token[cut:], text_width(token[cut:])
            line, column = " " * indent, indent
        line, column = line + token, column + token_width
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Runs of spaces, words of narrow characters, and single wide characters (with trailing punctuation)."""
    tokens: list[str] = []
    for char in text:
        if tokens:
            last = tokens[-1][-1]
            same_run = char.isspace() == last.isspace() and (
                char.isspace() or (char_width(char) == 1 and char_width(last) == 1)
            )
            if same_run or (char in _NO_LINE_START and not last.isspace()):
                tokens[-1] += char
                continue
        tokens.append(char)
    return tokens


def _layout(slip: Slip, line_width: int) -> list[_Row | QR | Cut]:
    separator = "：" if slip.chinese else ": "
    rows: list[_Row | QR | Cut] = []
    for line in slip.lines:
        match line:
            case Title(text, large):
                rows += [_Row(row, centred=True, bold=True, tall=large) for row in wrap(printable(text), line_width)]
            case Paragraph(text, bold, indent):
                rows += [_Row(row, bold=bold) for row in wrap(printable(text), line_width, indent)]
            case KeyValue(key, value):
                head = printable(key) + separator
                rows += [_Row(row) for row in wrap(head + printable(value), line_width, text_width(head))]
            case Rule():
                rows.append(_Row("-" * line_width))
            case QR(data, caption):
                rows.append(QR(data, printable(caption)))
            case Cut():
                rows.append(line)
    return rows


def render_text(slip: Slip, line_width: int) -> str:
    """The slip as plain text, one printed line per line; the QR shows as ``[QR] <data>``, kept whole."""
    out: list[str] = []
    for row in _layout(slip, line_width):
        match row:
            case _Row(text, centred=True):
                out.append(" " * ((line_width - text_width(text)) // 2) + text)
            case _Row(text):
                out.append(text)
            case QR(data, caption):
                out.append(f"[QR] {data}")
                out += [" " * ((line_width - text_width(c)) // 2) + c for c in wrap(caption, line_width)]
            # A cut leaves no text; the simulator marks the end of each job itself.
    return "\n".join(out) + "\n"


# --- ESC/POS encoding.

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CHINESE_ON, CHINESE_OFF = FS + b"&", FS + b"."
PARTIAL_CUT = GS + b"V\x42\x00"
# Font A is 12 dots wide: 32 columns fill 384 dots (58 mm paper), 48 fill 576 (80 mm).
_DOTS_PER_COLUMN = 12
_QR_MAX_MODULE_DOTS = 8


def _bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([on])


def _align(centred: bool) -> bytes:
    return ESC + b"a" + bytes([1 if centred else 0])


def _size(tall: bool) -> bytes:
    return GS + b"!" + bytes([0x01 if tall else 0x00])


def _qr_function(function: int, payload: bytes) -> bytes:
    """GS ( k with cn 49 (QR code): the two length bytes count cn, fn and the payload."""
    length = len(payload) + 2
    return GS + b"(k" + bytes([length % 256, length // 256, 49, function]) + payload


def _qr_commands(data: str, line_width: int) -> bytes:
    from common.qr import qr_image

    modules = qr_image(data, box_size=1, border=0).width
    # The largest module that fits the paper with a four-module quiet zone each side.
    module_dots = max(1, min(_QR_MAX_MODULE_DOTS, line_width * _DOTS_PER_COLUMN // (modules + 8)))
    return (
        _qr_function(65, b"\x32\x00")  # model 2
        + _qr_function(67, bytes([module_dots]))
        + _qr_function(69, b"\x31")  # error correction M, as on screen
        + _qr_function(80, b"\x30" + data.encode("utf-8"))  # store
        + _qr_function(81, b"\x30")  # print
    )


def encode_escpos(slip: Slip, line_width: int) -> bytes:
    """The slip as ESC/POS bytes: text in GB18030, native QR, partial cut."""
    rows = _layout(slip, line_width)
    # Chinese mode makes bytes >= 0x80 two-byte GB18030; an English slip needs it only for non-ASCII text.
    chinese = slip.chinese or any(not row.text.isascii() for row in rows if isinstance(row, _Row))
    out = bytearray(INIT + (CHINESE_ON if chinese else CHINESE_OFF))
    # ESC @ resets the style; after that, send a change only when it happens (every byte costs ~1 ms at 9600 baud).
    current = (False, False, False)

    def style(centred: bool, bold: bool = False, tall: bool = False) -> None:
        nonlocal current
        if (centred, bold, tall) != current:
            out.extend(_align(centred) + _bold(bold) + _size(tall))
            current = (centred, bold, tall)

    for row in rows:
        match row:
            case _Row(text, centred, bold, tall):
                style(centred, bold, tall)
                out += text.encode("gb18030") + b"\n"
            case QR(data, caption):
                style(centred=True)
                out += _qr_commands(data, line_width) + b"\n"
                out += b"".join(line.encode("gb18030") + b"\n" for line in wrap(caption, line_width))
            case Cut():
                # Printers without a cutter ignore GS V, so feed the last line past the tear bar first.
                out += ESC + b"d\x04" + PARTIAL_CUT
    return bytes(out)


# --- Backends.


class PrinterError(Exception):
    """A slip could not be printed; the message says why, for the screen and the log."""


class Printer(Protocol):
    def print_slip(self, slip: Slip) -> None: ...

    def status(self) -> str:
        """One of "ready", "offline: <reason>", "disabled"."""
        ...


class SerialEscPosPrinter:
    """An ESC/POS printer on a serial port (often USB-serial, /dev/ttyUSB0).

    The port is opened per job, so a printer unplugged and plugged back in works
    again on the next slip without restarting the kiosk.
    """

    def __init__(self, port: str, baudrate: int, line_width: int, write_timeout: float = 10.0):
        self.port = port
        self.baudrate = baudrate
        self.line_width = line_width
        # A slip is a few kB: at 9600 baud about 2 s. Longer means paper out or cover open.
        self.write_timeout = write_timeout

    def print_slip(self, slip: Slip) -> None:
        data = encode_escpos(slip, self.line_width)
        with self._open() as link:
            try:
                link.write(data)
                link.flush()
            except serial.SerialTimeoutException:
                raise PrinterError(
                    f"printer on {self.port} did not take the slip within {self.write_timeout:g} s"
                    " (out of paper, cover open or switched off?)"
                ) from None
            except serial.SerialException as exc:
                raise PrinterError(f"writing to printer on {self.port} failed: {exc}") from None

    def status(self) -> str:
        try:
            self._open().close()
        except PrinterError as exc:
            return f"offline: {exc}"
        return "ready"

    def _open(self) -> serial.Serial:
        try:
            return serial.Serial(self.port, self.baudrate, timeout=1, write_timeout=self.write_timeout)
        except (serial.SerialException, ValueError) as exc:
            reason = os.strerror(exc.errno) if getattr(exc, "errno", None) else str(exc)
            if getattr(exc, "errno", None) == errno.EACCES:
                reason += " (is the kiosk user in the dialout group?)"
            raise PrinterError(f"cannot open printer port {self.port}: {reason}") from None


class SimulatedPrinter:
    """Appends each slip as text to a file, for development and for terminals waiting for a printer."""

    def __init__(self, path: Path, line_width: int):
        self.path = path
        self.line_width = line_width

    def print_slip(self, slip: Slip) -> None:
        job = render_text(slip, self.line_width) + "=" * self.line_width + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One unbuffered write in append mode, so a job is never interleaved or left half-written in a cache.
            with self.path.open("ab", buffering=0) as handle:
                handle.write(job.encode("utf-8"))
                os.fsync(handle.fileno())
        except OSError as exc:
            raise PrinterError(f"cannot write simulated printer output to {self.path}: {exc.strerror}") from None

    def status(self) -> str:
        return "ready"


class DisabledPrinter:
    def print_slip(self, slip: Slip) -> None:
        raise PrinterError("printing is disabled on this terminal")

    def status(self) -> str:
        return "disabled"


def make_printer(settings: PrinterSettings, data_dir: Path) -> Printer:
    match settings.backend:
        case "serial":
            return SerialEscPosPrinter(settings.port, settings.baudrate, settings.line_width)
        case "simulator":
            return SimulatedPrinter(data_dir / settings.simulator_file, settings.line_width)
        case "none":
            return DisabledPrinter()
    raise ValueError(f"unknown printer backend {settings.backend!r}")
