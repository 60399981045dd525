"""From a pitch track to sung notes in seconds, and the checks that refuse what is not one voice singing.

Vibrato is averaged out over about one cycle, glides shorter than a note are absorbed by their neighbours, and a
dip in loudness inside a steady pitch starts a repeated note. What is refused (silence, noise, speech, several
voices) is decided from measures of the whole recording before any note is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from bot.songwriting.music.melody import MelodyInputError
from bot.songwriting.music.transcription.audio import Audio
from bot.songwriting.music.transcription.pitch import PitchTrack, tuning_offsets

_VIBRATO_FRAMES = 17
"""Frames averaged to cancel vibrato: one cycle at about 6 Hz."""
_MIN_NOTE_SECONDS = 0.12
"""Shorter pitch runs are glides or slips between notes (the shortest sung eighth at 140 bpm is 0.21 s)."""
_DIP_DB = 6.0


class Refusal(StrEnum):
    """Why a recording is not transcribed."""

    SILENCE = "silence"
    NOISE = "noise"
    SPEECH = "speech"
    SEVERAL_VOICES = "several voices"
    TOO_FEW_NOTES = "too few notes"


_SENTENCES = {
    Refusal.SILENCE: "I heard only silence in that recording; hum or sing the tune close to the microphone.",
    Refusal.NOISE: "That recording sounds like noise, not a voice singing; try again somewhere quieter.",
    Refusal.SPEECH: "That sounds like speaking, not singing; hum or sing the tune on steady notes.",
    Refusal.SEVERAL_VOICES: "I hear more than one voice or instrument at once; record one voice singing alone.",
    Refusal.TOO_FEW_NOTES: "I found fewer than three sung notes in that recording; sing a whole phrase.",
}


class TranscriptionRefused(MelodyInputError):
    """A recording that is not one voice singing a tune: the member reads why, and no melody is made."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(_SENTENCES[reason])
        self.reason = reason

    def __reduce__(self) -> tuple[type[TranscriptionRefused], tuple[Refusal]]:
        """Rebuilt from its reason, so it crosses from a render worker intact."""
        return (TranscriptionRefused, (self.reason,))


@dataclass(frozen=True, slots=True)
class SungNote:
    """A note as sung: onset and end in seconds, and its pitch in semitones on the singer's own tuning."""

    onset: float
    end: float
    pitch: int


@dataclass(frozen=True, slots=True)
class Voicing:
    """Measures of the whole recording that tell singing from other sounds (each a share from 0 to 1)."""

    voiced: float
    """Share of the audible frames with a pitch."""
    steady: float
    """Share of the voiced frames inside notes held steadily for at least 150 ms."""
    harmonic: float
    """Share of the spectrum's tonal peaks on the tracked voice's harmonics (low when two voices sound)."""


def segment(track: PitchTrack) -> list[SungNote]:
    """Split a pitch track into notes."""
    tuned = track.midi - tuning_offsets(track)
    smooth = _smooth_voiced(tuned)
    labels = np.where(np.isnan(smooth), -1, np.rint(np.nan_to_num(smooth))).astype(int)
    onsets = _loudness_onsets(track.loudness)
    runs: list[tuple[int, int, int]] = []  # start frame, end frame (exclusive), label
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start] or (labels[i] >= 0 and onsets[i]):
            runs.append((start, i, int(labels[start])))
            start = i
    runs = _absorb_glides(runs, int(_MIN_NOTE_SECONDS / track.step))
    notes = []
    for a, b, label in runs:
        if label < 0 or (b - a) * track.step < _MIN_NOTE_SECONDS:
            continue
        middle = tuned[a + (b - a) // 4 : b - (b - a) // 4 or b]
        pitch = int(np.rint(np.nanmedian(middle))) if np.any(~np.isnan(middle)) else label
        notes.append(SungNote(onset=a * track.step, end=b * track.step, pitch=pitch))
    return _snap_onsets(_merge_ties(notes, onsets, track.step), track)


def _snap_onsets(notes: list[SungNote], track: PitchTrack) -> list[SungNote]:
    """Move each change of note to the quietest frame within 120 ms (the singer's articulation between notes),
    where the averaging that removed vibrato had blurred it."""
    reach = int(0.12 / track.step)
    snapped = list(notes)
    for i in range(1, len(snapped)):
        previous, note = snapped[i - 1], snapped[i]
        if note.onset - previous.end > track.step * 1.5:
            continue
        frame = round(note.onset / track.step)
        lo = max(round(previous.onset / track.step) + 3, frame - reach)
        hi = min(round(note.end / track.step) - 3, frame + reach)
        if hi <= lo:
            continue
        window = track.loudness[lo:hi]
        quietest = lo + int(np.argmin(window))
        if float(np.max(window)) - float(window[quietest - lo]) >= 3.0:
            moment = quietest * track.step
            snapped[i - 1] = SungNote(previous.onset, moment, previous.pitch)
            snapped[i] = SungNote(moment, note.end, note.pitch)
    return snapped


def measure(audio: Audio, track: PitchTrack, notes: list[SungNote]) -> Voicing:
    """Measure how much of the recording is one steady, harmonic voice."""
    peak = float(np.max(track.loudness)) if len(track.loudness) else -120.0
    audible = track.loudness > max(-55.0, peak - 35.0)
    voiced = track.voiced & audible
    voiced_share = float(voiced.sum() / max(1, audible.sum()))
    steady_frames = sum(round((n.end - n.onset) / track.step) for n in notes if n.end - n.onset >= 0.15)
    steady = min(1.0, steady_frames / max(1, int(voiced.sum())))
    harmonic = _harmonic_share(audio, track, _held(track, notes) & voiced)
    return Voicing(voiced=voiced_share, steady=steady, harmonic=harmonic)


def refusal(track: PitchTrack, voicing: Voicing, notes: list[SungNote]) -> Refusal | None:
    """The reason to refuse a recording, or None when it is one voice singing."""
    peak = float(np.max(track.loudness)) if len(track.loudness) else -120.0
    audible = track.loudness > max(-55.0, peak - 35.0)
    if peak < -50.0 or audible.sum() * track.step < 0.4:
        return Refusal.SILENCE
    if voicing.voiced < 0.35:
        return Refusal.NOISE
    if voicing.steady < 0.85:
        return Refusal.SPEECH
    if voicing.harmonic < 0.895:
        return Refusal.SEVERAL_VOICES
    if len(notes) < 3:
        return Refusal.TOO_FEW_NOTES
    return None


def _smooth_voiced(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Moving mean over ``_VIBRATO_FRAMES`` inside each voiced run (never across a gap)."""
    out = np.full_like(values, np.nan)
    voiced = ~np.isnan(values)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(int), [0]])))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        run = values[a:b]
        width = min(_VIBRATO_FRAMES, len(run))
        padded = np.pad(run, (width // 2, width - 1 - width // 2), mode="edge")
        out[a:b] = np.convolve(padded, np.ones(width) / width, mode="valid")
    return out


def _loudness_onsets(loudness: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Frames where the level rises again after a dip of ``_DIP_DB`` (a re-attacked, repeated note)."""
    onsets = np.zeros(len(loudness), dtype=bool)
    window = 10
    for i in range(window, len(loudness) - window):
        here = loudness[i]
        if (
            here == loudness[i - 2 : i + 3].min()
            and min(loudness[i - window : i].max(), loudness[i + 1 : i + window + 1].max()) - here >= _DIP_DB
        ):
            onsets[i] = True
    return onsets


def _absorb_glides(runs: list[tuple[int, int, int]], shortest: int) -> list[tuple[int, int, int]]:
    """Give runs shorter than a note (a glide's passing semitones) to the longer neighbour."""
    runs = list(runs)
    changed = True
    while changed:
        changed = False
        for i, (a, b, label) in enumerate(runs):
            if label < 0 or b - a >= shortest:
                continue
            left = runs[i - 1] if i > 0 and runs[i - 1][2] >= 0 else None
            right = runs[i + 1] if i + 1 < len(runs) and runs[i + 1][2] >= 0 else None
            if left is None and right is None:
                continue
            if right is None or (left is not None and left[1] - left[0] >= right[1] - right[0]):
                runs[i - 1 : i + 1] = [(left[0], b, left[2])]  # type: ignore[index]
            else:
                runs[i : i + 2] = [(a, right[1], right[2])]
            changed = True
            break
    return runs


def _merge_ties(notes: list[SungNote], onsets: npt.NDArray[np.bool_], step: float) -> list[SungNote]:
    """Join neighbouring notes of one pitch unless a loudness dip or a gap separates them."""
    merged: list[SungNote] = []
    for note in notes:
        last = merged[-1] if merged else None
        frame = round(note.onset / step)
        tied = last is not None and last.pitch == note.pitch and note.onset - last.end < 0.03
        if last is not None and tied and not onsets[max(0, frame - 2) : frame + 3].any():
            merged[-1] = SungNote(last.onset, note.end, last.pitch)
        else:
            merged.append(note)
    return merged


def _held(track: PitchTrack, notes: list[SungNote]) -> npt.NDArray[np.bool_]:
    """Frames in the middle half of each note, away from the glides and attacks between notes."""
    held = np.zeros(len(track.midi), dtype=bool)
    for note in notes:
        quarter = (note.end - note.onset) / 4
        held[round((note.onset + quarter) / track.step) : round((note.end - quarter) / track.step)] = True
    return held


def _harmonic_share(audio: Audio, track: PitchTrack, held: npt.NDArray[np.bool_]) -> float:
    """Mean share, over held frames, of the spectrum's tonal peaks (80 Hz–2.5 kHz, 10 dB above the band's
    median and within 25 dB of its strongest) lying on the tracked pitch's harmonics. Noise raises the floor but
    makes few peaks, so it barely moves this; a second voice puts strong peaks between the harmonics."""
    size = 2048
    frames = np.flatnonzero(held)[::4]
    window = np.hanning(size)
    freqs = np.fft.rfftfreq(size, 1.0 / audio.rate)
    band = (freqs >= 80) & (freqs <= 2500)
    shares = []
    for frame in frames[:400]:
        lo = int(frame * track.step * audio.rate) - size // 2
        if lo < 0 or lo + size > len(audio.samples):
            continue
        power = np.abs(np.fft.rfft(audio.samples[lo : lo + size] * window)) ** 2
        peaks = np.zeros(len(power), dtype=bool)
        peaks[1:-1] = (power[1:-1] > power[:-2]) & (power[1:-1] >= power[2:])
        floor = max(10.0 * float(np.median(power[band])), 10**-2.5 * float(power[band].max()))
        peaks &= band & (power > floor)
        if not peaks.any():
            continue
        f0 = 440.0 * 2 ** ((track.midi[frame] - 69.0) / 12.0)
        harmonic_number = freqs / f0
        nearest = np.rint(harmonic_number)
        near = (np.abs(harmonic_number - nearest) < np.minimum(0.03 * nearest, 0.15)) & (nearest >= 1)
        shares.append(float(power[peaks & near].sum() / power[peaks].sum()))
    return float(np.mean(shares)) if shares else 0.0
