"""What the terminal can tell about its own hardware for the heartbeat and the maintenance screen: whether a sound
device and a connected display are present, and how hard memory is pressed (Linux PSI)."""

from __future__ import annotations

from pathlib import Path

from common.wire import PeripheralState


def sound_device(cards: Path = Path("/proc/asound/cards")) -> PeripheralState:
    """"ok" when ALSA lists a sound card, else "absent" (no card, or no ALSA at all)."""
    try:
        text = cards.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "absent"
    return "absent" if "no soundcards" in text or not text.strip() else "ok"


def display(drm: Path = Path("/sys/class/drm")) -> PeripheralState | None:
    """"ok" when a display connector reports a connected panel, "absent" when connectors exist and none is
    connected (the cable is out, the panel off at the mains); None without DRM (a virtual display, a VM)."""
    statuses = []
    for status in drm.glob("card*-*/status"):
        try:
            statuses.append(status.read_text(encoding="ascii").strip())
        except OSError:
            continue
    if not statuses:
        return None
    return "ok" if "connected" in statuses else "absent"


def memory_pressure(pressure: Path = Path("/proc/pressure/memory")) -> float | None:
    """The share of the last minute (%) in which some task waited for memory (PSI "some avg60"); None without PSI."""
    try:
        first = pressure.read_text(encoding="ascii").splitlines()[0]
        return float(dict(field.split("=") for field in first.split()[1:])["avg60"])
    except (OSError, IndexError, KeyError, ValueError):
        return None
