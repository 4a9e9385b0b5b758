"""The terminal's own health readings, from files laid out as Linux lays them out."""

from __future__ import annotations

from services.devices.health import display, memory_pressure, sound_device


def test_sound_device_from_the_alsa_card_list(tmp_path):
    cards = tmp_path / "cards"
    assert sound_device(cards) == "absent"  # no ALSA at all
    cards.write_text("--- no soundcards ---\n")
    assert sound_device(cards) == "absent"
    cards.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    assert sound_device(cards) == "ok"


def test_display_from_the_drm_connectors(tmp_path):
    assert display(tmp_path) is None  # a virtual display: nothing to tell
    for connector, status in (("card0-HDMI-A-1", "disconnected"), ("card0-eDP-1", "disconnected")):
        (tmp_path / connector).mkdir()
        (tmp_path / connector / "status").write_text(status + "\n")
    assert display(tmp_path) == "absent"  # the panel's cable is out
    (tmp_path / "card0-HDMI-A-1" / "status").write_text("connected\n")
    assert display(tmp_path) == "ok"


def test_memory_pressure_from_psi(tmp_path):
    psi = tmp_path / "memory"
    assert memory_pressure(psi) is None
    psi.write_text("some avg10=1.50 avg60=0.75 avg300=0.20 total=12345\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
    assert memory_pressure(psi) == 0.75
