"""The voice: real audio from espeak-ng (a WAV of plausible length and loudness for a sentence, in both
languages), the silent backends, and that saying something never waits for the audio."""

from __future__ import annotations

import math
import time
import wave
from array import array
from pathlib import Path

import pytest

from services.devices import speech

pytestmark = pytest.mark.skipif(speech.shutil.which(speech.ENGINE) is None,
                                reason="espeak-ng is in the Makefile's SYSTEM_PACKAGES")


def _measure(path: Path) -> tuple[float, float]:
    """Seconds and RMS loudness (0..1) of a 16-bit mono WAV."""
    with wave.open(str(path)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
        frames = audio.readframes(audio.getnframes())
        seconds = audio.getnframes() / audio.getframerate()
    samples = array("h", frames)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768
    return seconds, rms


@pytest.mark.parametrize(("text", "lang", "shortest", "longest"), [
    ("请 A零一二 号到 3 号窗口办理", "zh_CN", 1.5, 8.0),
    ("Number A 0 1 2, please go to window 3.", "en", 1.5, 8.0),
])
def test_a_sentence_becomes_audible_speech_of_plausible_length(tmp_path, text, lang, shortest, longest):
    seconds, rms = _measure(speech.synthesize_wav(text, lang, tmp_path / "call.wav"))
    assert shortest <= seconds <= longest
    # Speech, not silence or clipping noise: espeak-ng's speech sits around 0.1 RMS.
    assert 0.02 <= rms <= 0.5
    # A longer sentence is longer audio: the engine speaks the text, not a fixed sound.
    longer, _ = _measure(speech.synthesize_wav(text + " " + text, lang, tmp_path / "twice.wav"))
    assert longer > seconds * 1.6


def test_numbers_are_spoken_digit_by_digit():
    assert speech.spoken_number("A012", "zh_CN") == "A零一二"
    assert speech.spoken_number("B105", "en") == "B 1 0 5"


def test_without_a_sound_device_or_switched_off_the_terminal_carries_on_silently(tmp_path):
    no_devices = tmp_path / "snd"
    assert speech.make_speaker(True, devices=no_devices).state == "absent"
    assert speech.make_speaker(False).state == "disabled"
    no_devices.mkdir()
    (no_devices / "pcmC0D0c").touch()  # a capture device only
    assert speech.make_speaker(True, devices=no_devices).state == "absent"
    speaker = speech.SilentSpeaker("absent")
    speaker.say("请 A零一二 号到 3 号窗口", "zh_CN")
    speaker.stop()


def test_saying_only_queues_the_sentence(tmp_path):
    """The real engine, behind a player that plays until released (there is no sound card here): say() has
    returned while the sentence is still being played."""
    started, release = tmp_path / "started", tmp_path / "release"
    player = tmp_path / "held-player"
    player.write_text(f"#!/bin/sh\ncp \"$2\" {started}\nwhile [ ! -e {release} ]; do sleep 0.05; done\n")
    player.chmod(0o755)
    speaker = speech.EspeakSpeaker(player=str(player))
    try:
        speaker.say("请 A零一二 号到 3 号窗口", "zh_CN")
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        # Back on "our" thread with the audio playing: the WAV the player got is real speech.
        assert not release.exists()
        seconds, rms = _measure(started)
        assert seconds > 1 and rms > 0.02
    finally:
        release.touch()
        speaker.close()
