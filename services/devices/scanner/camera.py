"""Camera scanning: frames captured with OpenCV (``cv2``, optional: only where it is installed) and decoded
with zxing-cpp on the capture thread, never on the caller's. Without ``cv2`` the scanner stays "off" and says
why. ``decode_frame`` is usable on its own (tests feed it rendered images).
"""

from __future__ import annotations

import importlib
import random
import threading

from services.devices.scanner.base import OnScan, OnState, ScannerConfig
from services.devices.scanner.reporting import ReportingScanner, ScanReporter
from services.sync.backoff import Backoff


def decode_frame(image) -> list[str]:
    """The texts of the QR codes in ``image`` (a PIL image, or a numpy array: grayscale or BGR), in any
    rotation; [] when there is none."""
    import zxingcpp  # numpy and zxing-cpp load with the first frame, not with the kiosk

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in results if result.valid and result.text]


class CameraScanner(ReportingScanner):
    def __init__(self, config: ScannerConfig, on_scan: OnScan, on_state: OnState):
        self.config = config
        self._reporter = ScanReporter("camera", on_scan, on_state, config.camera_repeat_window_seconds)
        self._stopping = threading.Event()
        self._capture_thread: threading.Thread | None = None

    def describe(self) -> str:
        return f"camera {self.config.camera_index}"

    def start(self) -> None:
        if self._capture_thread is not None:
            return
        try:
            cv2 = importlib.import_module("cv2")
        except ImportError:
            self._reporter.set_state("off", "OpenCV (cv2) is not installed: no camera capture", always=True)
            return
        self._stopping.clear()
        self._capture_thread = threading.Thread(target=self._capture, args=(cv2,), name="scanner-camera",
                                                daemon=True)
        self._capture_thread.start()

    def stop(self) -> None:
        if self._capture_thread is not None:
            self._stopping.set()
            self._capture_thread.join(timeout=5)
            self._capture_thread = None
        self._reporter.set_state("off", "stopped")

    def _capture(self, cv2) -> None:
        backoff = Backoff(random.Random(), base=0.5, cap=self.config.reconnect_max_seconds)
        while not self._stopping.is_set():
            camera = cv2.VideoCapture(self.config.camera_index)
            if not camera.isOpened():
                camera.release()
                self._reporter.set_state("disconnected", f"cannot open {self.describe()}")
                self._stopping.wait(backoff.next_delay())
                continue
            self._reporter.set_state("ready", f"reading {self.describe()}")
            backoff.reset()
            while not self._stopping.is_set():
                ok, frame = camera.read()
                if not ok:
                    self._reporter.set_state("disconnected", f"{self.describe()} stopped giving frames")
                    break
                for text in decode_frame(frame):
                    self._reporter.line(text)
            camera.release()
