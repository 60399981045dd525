"""Benchmark the SoundFont renderers that could play the audio preview: time for 30 s, and how alike they sound.

tinysoundfont is the one in use (the ``audio`` extra). The others were its candidate replacements, because
tinysoundfont declares PyAudio, which needs a compiler: they are measured only when importable, e.g. after
``pip install --no-deps --target /tmp/synths midirenderer==0.1.3 libsonare==1.9.1`` and with
``PYTHONPATH=/tmp/synths``. All play the sketch's MIDI with the same SoundFont (TimGM6mb from pretty_midi); each
is compared with tinysoundfont by the correlation of their loudness envelopes (50 ms RMS) and the median cosine
similarity of their spectra (46 ms frames up to 4 kHz), 1.0 being identical. The Opus encoding that follows every
renderer is timed once, apart.

Run: python bench/bench_synthesisers.py [--repeats N]
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import io
import statistics
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
from bench_sketch import _disclosure, _settings, _song

from bot.songwriting.music.composer import compose
from bot.songwriting.render import audio
from bot.songwriting.render.midi import to_midi

SECONDS = 30.0
Samples = np.ndarray[tuple[int], np.dtype[np.float32]]


def _median_ms(run: Callable[[], Samples], repeats: int) -> tuple[float, Samples]:
    result = run()  # the first call loads the SoundFont where a renderer keeps it
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def _tinysoundfont(midi: bytes, soundfont: Path) -> Samples:
    from tinysoundfont.midi import load_memory
    from tinysoundfont.sequencer import Sequencer

    synth = audio._synth(str(soundfont))
    synth.sounds_off()
    Sequencer(synth).add(load_memory(midi))
    stereo = np.frombuffer(synth.generate(int(SECONDS * audio.SAMPLE_RATE)), dtype=np.float32).reshape(-1, 2)
    synth.sounds_off()
    return stereo.mean(axis=1)


def _midirenderer(midi: bytes, soundfont: Path) -> Samples:
    """The whole MIDI file at 48 kHz (it has no length or rate option), cut to 30 s and halved to 24 kHz."""
    import midirenderer

    with wave.open(io.BytesIO(midirenderer.render_wave_from(soundfont.read_bytes(), midi))) as rendered:
        pcm = np.frombuffer(rendered.readframes(rendered.getnframes()), dtype=np.int16)
        channels = rendered.getnchannels()
    mono = pcm.reshape(-1, channels).mean(axis=1)[: int(SECONDS * 48_000)] / 32768
    return mono[: len(mono) // 2 * 2].reshape(-1, 2).mean(axis=1).astype(np.float32)


def _libsonare(midi: bytes, soundfont: Path) -> Samples:
    import libsonare

    project = libsonare.Project()
    project.load_soundfont(soundfont.read_bytes())
    project.import_smf(midi)
    project.set_sample_rate(audio.SAMPLE_RATE)
    stereo = project.bounce_with_sf2_instrument(total_frames=int(SECONDS * audio.SAMPLE_RATE), num_channels=2)
    return stereo.mean(axis=1).astype(np.float32)


def _likeness(reference: Samples, other: Samples) -> tuple[float, float]:
    """Envelope correlation and median spectral cosine of two mono signals at the preview's rate."""
    n = min(len(reference), len(other))
    hop = audio.SAMPLE_RATE // 20
    envelopes = [np.sqrt((x[: n // hop * hop].reshape(-1, hop) ** 2).mean(axis=1)) for x in (reference, other)]
    width, top = 1024, int(4000 / (audio.SAMPLE_RATE / 1024))
    window = np.hanning(width)
    spectra = [
        np.array([np.abs(np.fft.rfft(x[i : i + width] * window))[:top] for i in range(0, n - width, width)])
        for x in (reference, other)
    ]
    a, b = spectra
    cosine = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-9)
    return float(np.corrcoef(*envelopes)[0, 1]), float(np.median(cosine))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    soundfont = audio.find_soundfont()
    assert soundfont is not None, "no SoundFont (pretty_midi's TimGM6mb)"
    midi = to_midi(compose(_song(), _settings(None), seed=3, bars=8), "Night Train", _disclosure())
    reference_ms, reference = _median_ms(functools.partial(_tinysoundfont, midi, soundfont), args.repeats)
    encode_ms, _ = _median_ms(lambda: np.frombuffer(audio._opus(reference.copy()), dtype=np.uint8), 3)
    print(f"{SECONDS:.0f} s of the bench song with {soundfont.name}, median of {args.repeats}")
    print(f"{'tinysoundfont':14} {reference_ms:6.0f} ms  (in use: the reference)")
    for name, render in {"midirenderer": _midirenderer, "libsonare": _libsonare}.items():
        if importlib.util.find_spec(name) is None:
            print(f"{name:14} not installed")
            continue
        ms, samples = _median_ms(functools.partial(render, midi, soundfont), args.repeats)
        envelope, spectrum = _likeness(reference, samples)
        print(f"{name:14} {ms:6.0f} ms  envelope r {envelope:.3f}  spectrum cosine {spectrum:.3f}")
    print(f"{'Opus encoding':14} {encode_ms:6.0f} ms  (after any of them)")


if __name__ == "__main__":
    main()
