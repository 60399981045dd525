"""Pitch tracking with Praat's autocorrelation tracker (praat-parselmouth), and the singer's tuning.

Praat's tracker was chosen over librosa's pYIN: on the project's synthetic sung corpus both give the same note
accuracy after the same segmentation, but Praat tracks a 30-second memo in about 0.2 s where pYIN takes over 30 s on
this project's machines, and its wheel (36 MB installed) needs only numpy where librosa brings about 400 MB (numba,
llvmlite, scipy, scikit-learn). ``bench/bench_transcription.py --pyin`` repeats the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import parselmouth

from bot.songwriting.music.transcription.audio import Audio

STEP = 0.01
"""Seconds between pitch frames."""
FLOOR_HZ = 65.0
CEILING_HZ = 1100.0


@dataclass(frozen=True, slots=True)
class PitchTrack:
    """One value a frame: MIDI pitch (fractional; NaN where unvoiced), voicing strength and loudness (dB)."""

    midi: npt.NDArray[np.float64]
    strength: npt.NDArray[np.float64]
    loudness: npt.NDArray[np.float64]
    step: float = STEP

    @property
    def voiced(self) -> npt.NDArray[np.bool_]:
        return ~np.isnan(self.midi)


def track(audio: Audio) -> PitchTrack:
    """Track the fundamental of a monophonic voice every ``STEP`` seconds."""
    sound = parselmouth.Sound(audio.samples.astype(np.float64), sampling_frequency=audio.rate)
    pitch = sound.to_pitch_ac(
        time_step=STEP, pitch_floor=FLOOR_HZ, pitch_ceiling=CEILING_HZ, voicing_threshold=0.5, octave_jump_cost=0.5
    )
    hz = pitch.selected_array["frequency"]
    strength = pitch.selected_array["strength"]
    times = pitch.xs()
    with np.errstate(divide="ignore", invalid="ignore"):
        midi = np.where(hz > 0, 69.0 + 12.0 * np.log2(np.maximum(hz, 1e-9) / 440.0), np.nan)
    return PitchTrack(midi=midi, strength=strength, loudness=_loudness(audio, times))


def _loudness(audio: Audio, times: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """RMS level in dBFS over 30 ms around each frame time."""
    half = int(0.015 * audio.rate)
    squared = np.concatenate([[0.0], np.cumsum(audio.samples.astype(np.float64) ** 2)])
    centres = (times * audio.rate).astype(int)
    lo = np.clip(centres - half, 0, len(audio.samples))
    hi = np.clip(centres + half, 0, len(audio.samples))
    mean = (squared[hi] - squared[lo]) / np.maximum(hi - lo, 1)
    level: npt.NDArray[np.float64] = 10.0 * np.log10(mean + 1e-12)
    return level


def tuning_offsets(track: PitchTrack, window_seconds: float = 6.0) -> npt.NDArray[np.float64]:
    """The singer's tuning at each frame, in semitones from A440's grid (within ±0.5).

    A circular mean of each voiced frame's distance from the nearest semitone, over a slow window, so a singer
    who is a quarter tone flat, or drifts flat over a memo, is followed rather than forced onto A440.
    """
    voiced = track.voiced
    angle = np.where(voiced, 2 * np.pi * np.nan_to_num(track.midi), 0.0)
    weight = voiced.astype(np.float64)
    width = max(1, min(len(track.midi), int(window_seconds / track.step)))
    kernel = np.ones(width)
    cos = np.convolve(np.cos(angle) * weight, kernel, mode="same")
    sin = np.convolve(np.sin(angle) * weight, kernel, mode="same")
    if not voiced.any():
        return np.zeros(len(track.midi))
    overall = np.arctan2(np.sum(np.sin(angle) * weight), np.sum(np.cos(angle) * weight))
    local = np.where(np.hypot(cos, sin) > 1e-6, np.arctan2(sin, cos), overall)
    offsets: npt.NDArray[np.float64] = local / (2 * np.pi)
    return offsets
