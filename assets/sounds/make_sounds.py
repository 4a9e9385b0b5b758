"""Writes the check-in verdict sounds beside this file: ``python assets/sounds/make_sounds.py``.

accept.wav: two short rising beeps; refuse.wav: one low, longer buzz. Sine tones with soft edges
(no clicks), 16-bit mono, made here so no sound file of unknown origin ships with the kiosk.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 22050
FADE_SECONDS = 0.01


def tone(frequency: float, seconds: float, volume: float = 0.5) -> list[float]:
    count = int(RATE * seconds)
    fade = int(RATE * FADE_SECONDS)
    samples = []
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(volume * envelope * math.sin(2 * math.pi * frequency * i / RATE))
    return samples


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))


def main() -> None:
    here = Path(__file__).resolve().parent
    write(here / "accept.wav", tone(880, 0.09) + silence(0.04) + tone(1320, 0.14))
    # A low square-ish buzz (fundamental plus a third harmonic) is heard as "no" without being shrill.
    buzz = [a + b for a, b in zip(tone(220, 0.35, 0.4), tone(660, 0.35, 0.13), strict=True)]
    write(here / "refuse.wav", buzz)


if __name__ == "__main__":
    main()
