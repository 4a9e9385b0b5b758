"""GUI scenarios for the kiosk's window on its display: run full screen ("kiosk" size) on a bare X server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# (screen name, how a visitor gets there): each main screen once.
MAIN_SCREENS = (
    ("home", lambda app: app.go_home()),
    ("guide", lambda app: app.guide.open_guide("departments")),
    ("services", lambda app: app.guide.open_service_list("department", "hrss")),
    ("detail", lambda app: app.guide.open_service("RS-001")),
    ("search", lambda app: (app.guide.open_search(), setattr(app.screens["search"], "query", "sbk"))),
    ("checkin", lambda app: app.open_module("checkin")),
    ("feedback_category", lambda app: app.open_module("feedback")),
)


def window_geometry() -> dict:
    """The kiosk's X window as the X server has it (not as Kivy believes it is)."""
    def xdotool(*args: str) -> str:
        return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=10, check=True).stdout

    # By this process's id (SDL sets _NET_WM_PID); SDL's window title is not in a form xdotool matches.
    window_id = xdotool("search", "--pid", str(os.getpid())).split()[0]
    shown = xdotool("getwindowgeometry", "--shell", window_id)
    values = dict(line.split("=", 1) for line in shown.split() if "=" in line)
    return {key.lower(): int(values[key]) for key in ("X", "Y", "WIDTH", "HEIGHT")}


def _app_frame(driver, path: Path):
    """The app's own rendering of its window, read in a frame just drawn (as kiosk.screenshots does)."""
    from kivy.core.window import Window

    written = {}

    def capture(*_args):
        Window.unbind(on_flip=capture)
        written["path"] = Window.screenshot(str(path))  # Kivy appends a counter

    Window.bind(on_flip=capture)
    Window.canvas.ask_update()
    yield from driver.until(lambda: "path" in written, 10)
    Path(written["path"]).replace(path)


def main_screens_cover_the_display(driver):
    """Each main screen, grabbed from the X root beside the app's own frame, with the window's geometry."""
    app, results = driver.app, driver.results
    out = Path(os.environ["KIOSK_DATA_DIR"]) / "display"
    out.mkdir(parents=True, exist_ok=True)
    results["theme"] = {"header": list(app.theme.header[:3]), "surface": list(app.theme.surface[:3])}
    results["screens"] = []
    for name, open_screen in MAIN_SCREENS:
        open_screen(app)
        yield from driver.settled(1.5)
        yield from _grab_pair(driver, out, name)
        footer = app.root_layout.ids.footer
        results["screens"].append({
            "name": name, "shown": app.current_screen, "window": window_geometry(),
            "kivy_size": list(app.root_window.size), "footer_height": footer.height,
            "root_png": str(out / f"{name}-root.png"), "app_png": str(out / f"{name}-app.png"),
        })
        app.go_home()
        yield from driver.settled(0.5)


def _grab_pair(driver, out: Path, stem: str):
    """The app's frame and the X root, one after the other, for comparison by the test."""
    from PIL import ImageGrab

    yield from _app_frame(driver, out / f"{stem}-app.png")
    yield 0.3
    ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(out / f"{stem}-root.png")


def window_follows_the_display(driver):
    """The panel turns (xrandr switches the output from landscape to portrait and back) while the kiosk runs."""
    app, results = driver.app, driver.results
    out = Path(os.environ["KIOSK_DATA_DIR"]) / "display"
    out.mkdir(parents=True, exist_ok=True)
    output = os.environ["KIOSK_TEST_XRANDR_OUTPUT"]
    results["steps"] = []
    for mode in os.environ["KIOSK_TEST_XRANDR_MODES"].split(","):
        subprocess.run(["xrandr", "--output", output, "--mode", mode], check=True, timeout=20)
        width, height = (int(v) for v in mode.split("x"))
        yield from driver.until(lambda w=width, h=height: window_geometry()["width"] == w
                                and window_geometry()["height"] == h and list(app.root_window.size) == [w, h], 20)
        yield from driver.settled(1.0)
        yield from _grab_pair(driver, out, mode)
        results["steps"].append({"mode": mode, "window": window_geometry(), "kivy_size": list(app.root_window.size),
                                 "portrait": app.portrait, "root_png": str(out / f"{mode}-root.png"),
                                 "app_png": str(out / f"{mode}-app.png")})


def home_under_a_window_manager(driver):
    app, results = driver.app, driver.results
    out = Path(os.environ["KIOSK_DATA_DIR"]) / "display"
    out.mkdir(parents=True, exist_ok=True)
    yield from driver.settled(1.5)
    # The window manager takes a moment to grant full screen after the window maps.
    yield from driver.until(lambda: list(app.root_window.size) == [window_geometry()["width"], window_geometry()["height"]], 10)
    yield from _grab_pair(driver, out, "home")
    plan = app._display_keeper.plan
    results.update(window=window_geometry(), kivy_size=list(app.root_window.size),
                   placed_by_kiosk=plan.place_ourselves if plan else None,
                   root_png=str(out / "home-root.png"), app_png=str(out / "home-app.png"))
