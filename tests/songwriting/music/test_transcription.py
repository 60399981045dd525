"""Sung recordings become melodies: accuracy on a small fixed-seed synthetic corpus, refusals, limits, alignment."""

from __future__ import annotations

import io
import pickle
import shutil
from fractions import Fraction

import numpy as np
import pytest
import soundfile

from bot.songwriting.music.melody import Melody, MelodyInputError
from bot.songwriting.music.transcription import (
    AudioInputError,
    AudioLimits,
    Refusal,
    SongFrame,
    TranscriptionRefused,
    audio_kind,
    song_syllables,
    transcribe,
)
from bot.songwriting.music.transcription.align import align
from bot.songwriting.music.transcription.grid import GridNote
from bot.songwriting.words.lyrics import parse_lyrics
from tests.songwriting.music.sung_corpus import RATE, accuracy, espeak, melody_case, negative_cases, ogg_opus

SEEDS = (0, 1, 3)  # 0 and 3 are detuned (seeds divisible by 3)


@pytest.mark.parametrize("noisy", [False, True])
def test_sung_melodies_are_transcribed_note_for_note(noisy: bool) -> None:
    cases = [melody_case(seed, 12, noisy=noisy) for seed in SEEDS]
    scores = [accuracy(transcribe(case.wav(), SongFrame(tempo=case.tempo)).melody, case) for case in cases]
    assert np.mean(scores) >= (0.9 if not noisy else 0.8), scores


def test_the_singers_tuning_is_followed_not_forced() -> None:
    case = melody_case(2, 12, detune=0.42)  # 42 cents sharp of A440, drifting by up to 15 more
    result = transcribe(case.wav(), SongFrame(tempo=case.tempo))
    assert 25 <= result.tuning_cents <= 60
    assert accuracy(result.melody, case) >= 0.9


def test_a_voice_message_in_ogg_opus_gives_a_melody_with_its_confidence() -> None:
    case = melody_case(1, 10)
    data = ogg_opus(case.samples)
    assert audio_kind(data) == "ogg"
    result = transcribe(data, SongFrame(tempo=case.tempo, tonic="G", mode="major"))
    assert isinstance(result.melody, Melody)
    assert (result.melody.tonic, result.melody.tempo) == ("G", case.tempo)
    assert result.confidence.value >= 0.75
    assert "confidence" in result.summary()
    assert Melody.from_dict(result.melody.to_dict()) == result.melody


def test_tempo_and_key_are_estimated_without_a_song_melody() -> None:
    case = melody_case(1, 16)
    result = transcribe(case.wav(), SongFrame())
    assert result.tempo_estimated
    assert 60 <= result.melody.tempo <= 180
    pitches = {n.pitch % 12 for n in result.melody.pitched if n.pitch is not None}
    assert sum(result.melody.key.contains(p) for p in pitches) >= len(pitches) - 1


@pytest.mark.parametrize("case", negative_cases(seconds=4.0), ids=lambda c: c.name)
def test_what_is_not_one_voice_singing_is_refused(case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TranscriptionRefused) as refused:
        transcribe(case.wav(), SongFrame())
    assert str(refused.value).endswith(".")
    copy = pickle.loads(pickle.dumps(refused.value))  # it crosses from a render worker
    assert (copy.reason, str(copy)) == (refused.value.reason, str(refused.value))
    assert isinstance(refused.value, MelodyInputError)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (CI installs it)")
def test_speech_is_refused_as_speech() -> None:
    speech = espeak("Could you change the chorus so it goes up at the end, please?")
    assert speech is not None
    out = io.BytesIO()
    soundfile.write(out, speech, RATE, format="WAV")
    with pytest.raises(TranscriptionRefused) as refused:
        transcribe(out.getvalue(), SongFrame())
    assert refused.value.reason in (Refusal.SPEECH, Refusal.SEVERAL_VOICES)


def test_limits_and_formats_are_checked_before_decoding() -> None:
    case = melody_case(0, 12)
    with pytest.raises(AudioInputError, match=r"larger than 0\.01 MB"):
        transcribe(case.wav(), SongFrame(), AudioLimits(max_bytes=10_000))
    with pytest.raises(AudioInputError, match="longer than 2 seconds"):
        transcribe(case.wav(), SongFrame(), AudioLimits(max_seconds=2))
    with pytest.raises(AudioInputError, match="not OGG/Opus"):
        transcribe(b"X:1\nK:C\nCDEF|", SongFrame())
    with pytest.raises(AudioInputError, match="couldn't decode"):
        transcribe(b"OggS" + bytes(200), SongFrame())


def test_sniffing_by_content() -> None:
    assert audio_kind(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "wav"
    assert audio_kind(b"ID3\x04") == "mp3"
    assert audio_kind(b"\xff\xfb\x90\x00") == "mp3"
    assert audio_kind(b"\x00\x00\x00\x20ftypM4A ") == "m4a"
    assert audio_kind(b"MThd\x00\x00") is None


def test_syllables_one_a_note_melisma_and_repeated_notes() -> None:
    syllables = song_syllables(parse_lyrics("[Verse]\nhello my friend", title="t"))
    assert [s.text for s in syllables] == ["hel-", "lo", "my", "friend"]
    notes = tuple(GridNote(60 + i, Fraction(i), Fraction(1)) for i in range(4))
    one_each, fit = align(notes, syllables)
    assert [a.syllable for a in one_each] == ["hel-", "lo", "my", "friend"]
    assert fit == 1.0
    six = tuple(GridNote(60 + i, Fraction(i), Fraction(1)) for i in range(6))
    melisma, _ = align(six, syllables)
    assert sum(a.syllable is None for a in melisma) == 2
    assert [a.syllable for a in melisma if a.syllable] == ["hel-", "lo", "my", "friend"]
    two = (GridNote(60, Fraction(0), Fraction(2)), GridNote(62, Fraction(2), Fraction(2)))
    repeated, _ = align(two, syllables)
    assert [(a.note.pitch, a.syllable) for a in repeated] == [(60, "hel-"), (60, "lo"), (62, "my"), (62, "friend")]
