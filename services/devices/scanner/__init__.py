"""Ticket scanners behind one interface: serial/USB-CDC, keyboard wedge (HID), camera, a pty simulator, none.

``open_scanner(config, on_scan, on_state)`` picks the backend at run time; every backend reports ``Scan``s
(repeats within a short window counted once) and its state ("ready" | "disconnected" | "off").
"""

from services.devices.scanner.base import (
           OnScan,
           OnState,
           Problem,
           Scan,
           Scanner,
           ScannerConfig,
           ScannerKind,
           ScannerState,
)
from services.devices.scanner.camera import decode_frame
from services.devices.scanner.facade import open_scanner
from services.devices.scanner.framing import ScanLineReader, decode_line
from services.devices.scanner.wedge import ENTER, HidScanner, WedgeBuffer

__all__ = ["ENTER", "HidScanner", "OnScan", "OnState", "Problem", "Scan", "ScanLineReader", "Scanner",
           "ScannerConfig", "ScannerKind", "ScannerState", "WedgeBuffer", "decode_frame", "decode_line",
           "open_scanner"]
