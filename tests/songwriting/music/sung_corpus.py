"""A corpus of recordings the project makes itself to measure transcription: synthetic sung melodies with known
notes, and recordings that must be refused (noise, silence, speech from espeak-ng, two voices at once).

The voice is a harmonic series shaped by vowel formants, with vibrato that fades in, glides between notes,
breath noise, soft attacks, a tempo that drifts, and a tuning that may sit up to a quarter tone off A440.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import soundfile

from bot.songwriting.music.melody import Melody

RATE = 16_000
_SCALE = (0, 2, 4, 5, 7, 9, 11)
_VOWELS = ((700, 1220, 2600), (300, 2300, 3000), (500, 900, 2500), (400, 1900, 2550))


@dataclass(frozen=True, slots=True)
class KnownNote:
    pitch: int
    start: Fraction
    """In quarter notes from the first note."""


@dataclass(frozen=True, slots=True)
class Case:
    """One recording; ``notes`` is empty for a recording that must be refused."""

    name: str
    samples: npt.NDArray[np.float32]
    notes: tuple[KnownNote, ...]
    tempo: int

    def wav(self) -> bytes:
        out = io.BytesIO()
        soundfile.write(out, self.samples, RATE, format="WAV", subtype="PCM_16")
        return out.getvalue()


def melody_case(seed: int, notes: int, *, noisy: bool = False, detune: float | None = None) -> Case:
    """A sung melody of ``notes`` notes; every third seed is detuned by up to a quarter tone (or by ``detune``
    semitones)."""
    rng = np.random.default_rng(seed)
    tempo = int(rng.integers(80, 141))
    tonic = int(rng.integers(55, 65))
    degree, known, lengths = 7, [], []
    position = Fraction(0)
    for _ in range(notes):
        degree = int(np.clip(degree + rng.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3]), 0, 11))
        pitch = tonic + 12 * (degree // 7) + _SCALE[degree % 7] - 5
        eighths = int(rng.choice([1, 2, 2, 2, 3, 4, 4, 6]))
        known.append(KnownNote(pitch, position))
        lengths.append(eighths)
        position += Fraction(eighths, 2)
    drawn = float(rng.uniform(-0.5, 0.5)) if seed % 3 == 0 else float(rng.uniform(-0.1, 0.1))
    detune = drawn if detune is None else detune
    samples = _sing(rng, known, lengths, tempo, detune)
    if noisy:
        samples = samples + _pink(rng, len(samples)) * float(np.std(samples)) * 10 ** (-12 / 20)
    return Case(f"sung-{seed}-{notes}{'-noisy' if noisy else ''}", _normal(samples), tuple(known), tempo)


def _sing(rng: np.random.Generator, notes: list[KnownNote], lengths: list[int], tempo: int, detune: float):  # type: ignore[no-untyped-def]
    """Render the notes with a drifting tempo: a voice whose pitch glides in, wobbles and breathes."""
    drift = np.cumsum(rng.normal(0, 0.02, len(notes)))
    drift = 1.0 + np.clip(drift, -0.08, 0.08)
    seconds = [n * 30.0 / tempo * d for n, d in zip(lengths, drift, strict=True)]
    lead = 0.3
    total = int((lead + sum(seconds) + 0.4) * RATE)
    f0 = np.zeros(total)
    amp = np.zeros(total)
    tuning_drift = np.linspace(0, rng.uniform(-0.15, 0.15), total)
    at = lead
    previous = None
    for note, length in zip(notes, seconds, strict=True):
        a, b = int(at * RATE), int((at + length) * RATE)
        t = np.arange(b - a) / RATE
        target = note.pitch + detune
        contour = np.full(b - a, target)
        if previous is not None and rng.random() < 0.7:  # a glide in from the previous note
            glide = min(len(t), int(0.06 * RATE))
            contour[:glide] = np.linspace(previous, target, glide)
        rate, depth = rng.uniform(5.0, 6.5), rng.uniform(0.25, 0.5)
        contour += depth * np.clip((t - 0.15) / 0.2, 0, 1) * np.sin(2 * np.pi * rate * t)
        f0[a:b] = contour
        release = min(len(t) // 3, int(rng.uniform(0.03, 0.07) * RATE))
        envelope = np.clip(t / 0.03, 0, 1) * np.clip((len(t) - np.arange(len(t))) / max(1, release), 0, 1)
        amp[a:b] = envelope * rng.uniform(0.6, 1.0)
        previous, at = target, at + length
    hz = np.where(amp > 0, 440.0 * 2 ** ((f0 + tuning_drift - 69) / 12), 0.0)
    phase = 2 * np.pi * np.cumsum(hz) / RATE
    formants = _VOWELS[int(rng.integers(len(_VOWELS)))]
    voice = np.zeros(total)
    for k in range(1, 30):
        freq = k * hz
        gain = sum(np.exp(-(((freq - f) / 140.0) ** 2)) * w for f, w in zip(formants, (1.0, 0.6, 0.3), strict=True))
        gain = (gain + 0.05) / k**0.5 * (freq < 7000)
        voice += gain * np.sin(k * phase)
    breath = np.convolve(rng.normal(0, 1, total), np.ones(4) / 4, mode="same") * 0.02
    return voice * amp + breath * (amp > 0)


def negative_cases(seconds: float = 6.0, seed: int = 7) -> list[Case]:
    """Recordings that are not one voice singing: white and pink noise, silence, speech, and two voices."""
    rng = np.random.default_rng(seed)
    size = int(seconds * RATE)
    cases = [
        Case("white-noise", _normal(rng.normal(0, 1, size)), (), 100),
        Case("pink-noise", _normal(_pink(rng, size)), (), 100),
        Case("silence", (rng.normal(0, 1e-5, size)).astype(np.float32), (), 100),
        Case("room-hum", _normal(rng.normal(0, 0.05, size) + 0.0), (), 100),
    ]
    first, second = melody_case(seed, 16), melody_case(seed + 1, 16)
    length = min(len(first.samples), len(second.samples))
    cases.append(Case("two-voices", _normal(first.samples[:length] + second.samples[:length]), (), 100))
    speech = espeak("Hello everyone, this is a voice message about the second verse of our song.")
    if speech is not None:
        cases.append(Case("speech", speech, (), 100))
    return cases


def espeak(text: str, voice: str = "en") -> npt.NDArray[np.float32] | None:
    """Speech rendered by espeak-ng at ``RATE``, or None where espeak-ng is not installed."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run([binary, "-v", voice, "-w", str(path), text], check=True, capture_output=True)
        data, rate = soundfile.read(path, dtype="float32")
    grid = np.arange(0, len(data) / rate, 1 / RATE)
    return _normal(np.interp(grid, np.arange(len(data)) / rate, data))


def ogg_opus(samples: npt.NDArray[np.float32]) -> bytes:
    """Encode as Discord's voice messages are: OGG Opus, mono, 48 kHz."""
    up = np.interp(np.arange(0, len(samples) * 3) / 3, np.arange(len(samples)), samples).astype(np.float32)
    out = io.BytesIO()
    with av.open(out, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48_000)
        stream.layout = "mono"  # type: ignore[union-attr]
        frame = av.AudioFrame.from_ndarray(up.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = 48_000
        for packet in stream.encode(frame):  # type: ignore[union-attr]
            container.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            container.mux(packet)
    return out.getvalue()


def accuracy(melody: Melody, case: Case) -> float:
    """Share of notes right: onset within an eighth and pitch within a semitone, extra notes counted against."""
    sung = [n for n in melody.notes if n.pitch is not None]
    if not sung or not case.notes:
        return 0.0
    origin = sung[0].start
    free = list(sung)
    found = 0
    for known in case.notes:
        for note in free:
            if abs(note.start - origin - known.start) <= Fraction(1, 2) and abs((note.pitch or 0) - known.pitch) <= 1:
                free.remove(note)
                found += 1
                break
    return found / max(len(case.notes), len(sung))


def _pink(rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
    spectrum = np.fft.rfft(rng.normal(0, 1, size))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    noise = np.fft.irfft(spectrum, size)
    return noise / (np.std(noise) or 1.0)


def _normal(samples: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    peak = float(np.max(np.abs(samples))) or 1.0
    return (samples / peak * 0.5).astype(np.float32)
