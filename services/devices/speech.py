"""Spoken output (语音播报): queue calls, check-in verdicts, a guide read aloud, in Mandarin and English.

``make_speaker`` picks the backend at run time: espeak-ng (Debian's ``espeak-ng``, whose Mandarin voice
``cmn`` and English voices install with the package; nothing is downloaded) synthesising to a WAV that
``aplay`` plays, or a silent backend when voice is switched off, the engine is missing or the terminal has no
sound device. Speaking runs on a worker thread: ``say`` only queues, so the UI thread never waits for audio.
A newer sentence replaces any still waiting (a call announced late is worse than one skipped).
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

ENGINE = "espeak-ng"
PLAYER = "aplay"
# espeak-ng's voices: Mandarin (Latin letters read as English, as in "A012"), and English.
VOICES = {"zh": "cmn", "en": "en-us"}
# Words a minute: a little slower than espeak-ng's 175, for a noisy lobby and older visitors.
DEFAULT_RATE = 150
SOUND_DEVICES = Path("/dev/snd")
_CHINESE_DIGITS = "零一二三四五六七八九"
# What the heartbeat says of the voice (peripherals["speech"], in the wire's words): "ok", "disabled" (switched
# off), "absent" (no sound device), "error" (espeak-ng or aplay not installed).
SpeechState = str


class Speaker(Protocol):
    state: SpeechState

    def say(self, text: str, lang: str) -> None: ...

    def stop(self) -> None: ...


def voice_for(lang: str) -> str:
    return VOICES["zh"] if lang.startswith("zh") else VOICES["en"]


def spoken_number(number: str, lang: str) -> str:
    """A queue number as callers say it, digit by digit: A012 -> "A零一二" / "A 0 1 2"."""
    if lang.startswith("zh"):
        return "".join(_CHINESE_DIGITS[int(c)] if c.isdigit() else c for c in number)
    return " ".join(number)


def synthesize_wav(text: str, lang: str, path: Path, rate: int = DEFAULT_RATE, engine: str = ENGINE) -> Path:
    """Write ``text`` spoken in ``lang`` to the WAV file ``path``. Raises OSError or CalledProcessError."""
    # The text goes on stdin, never the command line: no option injection whatever a catalogue says.
    subprocess.run([engine, "-v", voice_for(lang), "-s", str(rate), "-w", str(path), "--stdin"],
                   input=text.encode("utf-8"), check=True, capture_output=True, timeout=30)
    return path


def has_sound_device(devices: Path = SOUND_DEVICES) -> bool:
    """An ALSA playback device (``/dev/snd/pcmC*D*p``)."""
    return any(devices.glob("pcmC*D*p")) if devices.is_dir() else False


class SilentSpeaker:
    """Says nothing (and logs what it would have said), with the reason in ``state``."""

    def __init__(self, state: SpeechState):
        self.state = state

    def say(self, text: str, lang: str) -> None:
        log.debug("voice %s, not spoken: %s", self.state, text)

    def stop(self) -> None:
        pass


class EspeakSpeaker:
    """espeak-ng to a WAV, played with aplay, one sentence at a time on its own thread."""

    def __init__(self, rate: int = DEFAULT_RATE, player: str = PLAYER):
        self.state: SpeechState = "ok"
        self._rate = rate
        self._player = player
        self._jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._playing: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def say(self, text: str, lang: str) -> None:
        self._drop_waiting()
        self._jobs.put((text, lang))

    def stop(self) -> None:
        """Stop what is being said and drop what waits (the visitor pressed stop, or walked away)."""
        self._drop_waiting()
        with self._lock:
            if self._playing is not None and self._playing.poll() is None:
                self._playing.terminate()

    def close(self) -> None:
        self.stop()
        self._jobs.put(None)

    def _drop_waiting(self) -> None:
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                return

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            text, lang = job
            try:
                with tempfile.TemporaryDirectory(prefix="kiosk-speech-") as folder:
                    wav = synthesize_wav(text, lang, Path(folder) / "speech.wav", self._rate)
                    with self._lock:
                        self._playing = subprocess.Popen([self._player, "-q", str(wav)], stdin=subprocess.DEVNULL,
                                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                    _, errors = self._playing.communicate(timeout=120)
                    if self._playing.returncode not in (0, -15):
                        log.warning("playing speech failed: %s", errors.decode(errors="replace").strip())
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("speech failed: %s", exc)


def make_speaker(enabled: bool, rate: int = DEFAULT_RATE, devices: Path = SOUND_DEVICES) -> Speaker:
    if not enabled:
        return SilentSpeaker("disabled")
    if shutil.which(ENGINE) is None or shutil.which(PLAYER) is None:
        log.warning("voice: %s or %s is not installed; carrying on silently", ENGINE, PLAYER)
        return SilentSpeaker("error")
    if not has_sound_device(devices):
        log.info("voice: no sound device; carrying on silently")
        return SilentSpeaker("absent")
    return EspeakSpeaker(rate)
