"""Benchmark sung-melody transcription on the project's own synthetic corpus (tests/songwriting/music/sung_corpus).

Prints note accuracy (onset within an eighth and pitch within a semitone, extra notes counted against) on clean
and noisy sung melodies, the share of negative recordings refused (noise, silence, speech from espeak-ng when
installed, two voices), and the time to transcribe a 30-second memo from its OGG Opus bytes.

With ``--pyin`` it also runs librosa's pYIN through the same segmentation and grid, to compare it with Praat's
tracker; librosa is not a dependency, so that needs it importable (e.g. a venv with librosa and this
checkout's packages on PYTHONPATH).

Run: python bench/bench_transcription.py [--seeds N] [--pyin]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bot.songwriting.music.transcription import SongFrame, TranscriptionRefused, transcribe
from bot.songwriting.music.transcription.audio import AudioLimits, decode
from bot.songwriting.music.transcription.pitch import PitchTrack, track
from tests.songwriting.music.sung_corpus import Case, accuracy, melody_case, negative_cases, ogg_opus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12, help="melodies per length and condition")
    parser.add_argument("--pyin", action="store_true", help="compare librosa's pYIN (needs librosa)")
    args = parser.parse_args()
    lengths = (8, 16, 32)
    for noisy in (False, True):
        cases = [melody_case(seed, n, noisy=noisy) for n in lengths for seed in range(args.seeds)]
        scores = [_accuracy(case) for case in cases]
        label = "noisy (pink noise, 12 dB SNR)" if noisy else "clean"
        print(
            f"note accuracy, {label}: {statistics.mean(scores):.1%} over {len(cases)} melodies "
            f"({sum(n.notes.__len__() for n in cases)} notes; worst {min(scores):.0%})"
        )
    negatives = [case for seed in (7, 21, 33, 45, 57) for case in negative_cases(seconds=4.0 + seed / 6, seed=seed)]
    refused = [case.name for case in negatives if _refused(case)]
    print(f"negatives refused: {len(refused)}/{len(negatives)} ({', '.join(sorted({c.name for c in negatives}))})")
    for case in negatives:
        if case.name not in refused:
            print(f"  accepted: {case.name}")
    memo = _thirty_seconds()
    data = ogg_opus(memo.samples)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        transcribe(data, SongFrame(tempo=memo.tempo))
        timings.append(time.perf_counter() - started)
    print(
        f"30-second memo ({memo.samples.size / 16000:.1f} s OGG Opus, {len(data) // 1024} KiB): "
        f"median {statistics.median(timings):.2f} s (of 3)"
    )
    if args.pyin:
        _compare_pyin(
            memo, [melody_case(seed, 16, noisy=noisy) for seed in range(args.seeds) for noisy in (False, True)]
        )


def _accuracy(case: Case) -> float:
    try:
        return accuracy(transcribe(case.wav(), SongFrame(tempo=case.tempo)).melody, case)
    except TranscriptionRefused:
        return 0.0


def _refused(case: Case) -> bool:
    try:
        transcribe(case.wav(), SongFrame())
    except TranscriptionRefused:
        return True
    return False


def _thirty_seconds() -> Case:
    case = melody_case(3, 60)
    seconds = case.samples.size / 16000
    notes = max(8, int(60 * 30 / seconds))
    return melody_case(3, notes)


def _compare_pyin(memo: Case, cases: list[Case]) -> None:
    """Run pYIN in place of Praat's tracker, everything after it unchanged."""
    import librosa  # type: ignore[import-not-found]

    from bot.songwriting.music.transcription import transcribe as module
    from bot.songwriting.music.transcription.pitch import STEP

    def pyin_track(audio):  # type: ignore[no-untyped-def]
        f0, _, probability = librosa.pyin(
            audio.samples, fmin=65.0, fmax=1100.0, sr=audio.rate, frame_length=1024, hop_length=int(STEP * audio.rate)
        )
        praat = track(audio)
        size = min(len(f0), len(praat.loudness))
        midi = np.where(np.isnan(f0[:size]), np.nan, librosa.hz_to_midi(f0[:size]))
        return PitchTrack(midi=midi, strength=probability[:size], loudness=praat.loudness[:size])

    for name, tracker in (("praat", track), ("pyin", pyin_track)):
        module.track = tracker  # type: ignore[attr-defined]
        scores = [_accuracy(case) for case in cases]
        audio = decode(memo.wav(), AudioLimits())
        started = time.perf_counter()
        tracker(audio)
        print(
            f"{name}: note accuracy {statistics.mean(scores):.1%} on {len(cases)} melodies; "
            f"pitch tracking of the 30 s memo {time.perf_counter() - started:.2f} s"
        )
    module.track = track  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
