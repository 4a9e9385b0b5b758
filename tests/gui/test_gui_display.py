"""Kiosk mode fills a bare X server (no window manager), portrait and landscape, judged from the X root.

The screenshots are grabbed from the display itself, not from the app's own rendering: a window that does
not cover the screen, or a layout made for another size than the window's, shows up here as black screen,
a cut-off header or a missing footer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from PIL import Image, ImageChops

from tests.x_servers import start_server, start_xvfb

pytestmark = pytest.mark.gui

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


@pytest.fixture(scope="module", params=sorted(SIZES))
def bare_display(request):
    """A bare Xvfb of exactly the panel's size, as on a kiosk PC with no window manager."""
    width, height = SIZES[request.param]
    for name in start_xvfb(f"{width}x{height}"):
        yield name, (width, height)


# Xorg with the dummy video driver: a real X server whose screen size changes like a real panel's (Xvfb's
# cannot), with no window manager. Portrait 1080x1920 is added as a mode; both modes fit the 1920x1920 frame.
DUMMY_XORG_CONF = """
Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 65536
EndSection
Section "Monitor"
    Identifier "monitor"
    HorizSync 5.0 - 1000.0
    VertRefresh 5.0 - 200.0
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Virtual 1920 1920
    EndSubSection
EndSection
"""
DUMMY_OUTPUT = "DUMMY0"
PORTRAIT_MODELINE = ["1080x1920", "178.0", "1080", "1128", "1160", "1240", "1920", "1923", "1933", "1963"]


@pytest.fixture
def turning_display(tmp_path):
    """A bare Xorg (dummy driver) showing 1920x1080 that can switch to 1080x1920, as a panel turned on its side."""
    if shutil.which("Xorg") is None or shutil.which("xrandr") is None:
        pytest.fail("Xorg or xrandr is missing: run `make test` (it installs xserver-xorg-video-dummy and "
                    "x11-xserver-utils)")
    config = tmp_path / "xorg.conf"
    config.write_text(DUMMY_XORG_CONF, encoding="utf-8")
    server, display = start_server(
        ["Xorg", "-config", str(config), "-noreset", "-nolisten", "tcp", "-logfile", str(tmp_path / "xorg.log")])
    env = dict(os.environ, DISPLAY=display)
    try:
        for command in (["--newmode", *PORTRAIT_MODELINE], ["--addmode", DUMMY_OUTPUT, "1080x1920"],
                        ["--output", DUMMY_OUTPUT, "--mode", "1920x1080"]):
            subprocess.run(["xrandr", *command], env=env, check=True, timeout=20, capture_output=True)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def display_with_window_manager():
    """A portrait Xvfb with openbox, an EWMH window manager, as on a desktop."""
    if shutil.which("openbox") is None:
        pytest.fail("openbox is missing: run `make test` (it installs openbox)")
    for display in start_xvfb("1080x1920"):
        manager = subprocess.Popen(["openbox", "--sm-disable"], env=dict(os.environ, DISPLAY=display),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # openbox owns the screen (and announces itself) before the kiosk asks
        try:
            yield display
        finally:
            manager.terminate()
            manager.wait(timeout=10)


def _rgb(colour: list[float]) -> tuple[int, ...]:
    return tuple(round(channel * 255) for channel in colour)


def _share_of(row: list[tuple[int, ...]], colour: tuple[int, ...], tolerance: int = 8) -> float:
    close = [pixel for pixel in row if all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))]
    return len(close) / len(row)


def _row(image: Image.Image, y: int) -> list[tuple[int, ...]]:
    return [image.getpixel((x, y)) for x in range(0, image.width, 4)]


def _differing_share(first: Image.Image, second: Image.Image) -> float:
    """Share of pixels that differ visibly (more than 48 in some channel) between two images of one size."""
    difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB")).convert("L")
    histogram = difference.point(lambda level: 255 if level > 48 else 0).histogram()
    return histogram[255] / (first.width * first.height)


def test_every_main_screen_covers_a_bare_display_with_header_content_and_footer(run_scenario, bare_display):
    display, (width, height) = bare_display
    seen = run_scenario("main_screens_cover_the_display", size="kiosk", on_display=display)
    header, surface = _rgb(seen["theme"]["header"]), _rgb(seen["theme"]["surface"])
    assert [screen["name"] for screen in seen["screens"]] == [screen["shown"] for screen in seen["screens"]]
    for screen in seen["screens"]:
        name = screen["name"]
        # The X window itself covers the whole screen, and Kivy lays out for exactly that window.
        assert screen["window"] == {"x": 0, "y": 0, "width": width, "height": height}, name
        assert screen["kivy_size"] == [width, height], name
        root = Image.open(screen["root_png"]).convert("RGB")
        assert root.size == (width, height), name
        # What the display shows is what the app drew: nothing cut off, no black band, nothing left over.
        app_frame = Image.open(screen["app_png"]).convert("RGB")
        assert app_frame.size == (width, height), name
        assert _differing_share(root, app_frame) < 0.02, name
        # Header across the top, footer across the bottom, both on the display.
        assert _share_of(_row(root, 3), header) > 0.6, f"{name}: no header at the top of the display"
        footer_y = height - max(2, round(screen["footer_height"] / 2))
        assert _share_of(_row(root, footer_y), surface) > 0.6, f"{name}: no footer at the bottom of the display"
        # Content between them: the middle of the screen is not one flat colour (nor black).
        middle = root.crop((0, height // 4, width, 3 * height // 4))
        assert len(middle.getcolors(maxcolors=1 << 20) or []) > 20, f"{name}: no content in the middle"
        assert _share_of(_row(root, height // 2), (0, 0, 0), tolerance=4) < 0.5, f"{name}: black band mid-screen"


def _covers(seen: dict, width: int, height: int, what: str) -> None:
    assert seen["window"] == {"x": 0, "y": 0, "width": width, "height": height}, what
    assert seen["kivy_size"] == [width, height], what
    root = Image.open(seen["root_png"]).convert("RGB")
    assert root.size == (width, height), what
    assert _differing_share(root, Image.open(seen["app_png"])) < 0.02, what


def test_the_window_follows_the_display_when_the_panel_turns(run_scenario, turning_display):
    seen = run_scenario("window_follows_the_display", size="kiosk", on_display=turning_display, env={
        "KIOSK_TEST_XRANDR_OUTPUT": DUMMY_OUTPUT, "KIOSK_TEST_XRANDR_MODES": "1080x1920,1920x1080"})
    portrait, landscape = seen["steps"]
    _covers(portrait, 1080, 1920, "turned to portrait")
    assert portrait["portrait"] is True
    _covers(landscape, 1920, 1080, "turned back to landscape")
    assert landscape["portrait"] is False


def test_under_a_window_manager_the_window_is_full_screen(run_scenario, display_with_window_manager):
    seen = run_scenario("home_under_a_window_manager", size="kiosk", on_display=display_with_window_manager)
    assert seen["placed_by_kiosk"] is False  # the window manager was asked, and granted it
    _covers(seen, 1080, 1920, "under openbox")
