"""Audio preview: the sketch's MIDI played by tinysoundfont with a General MIDI SoundFont, as mono OGG Opus.

Opus, not Vorbis: iOS has no Vorbis decoder (its apps play Vorbis OGG silently or not at all), while OGG Opus is
what Discord's own voice messages are, so it plays inline on every client. libopus encodes through PyAV (FFmpeg):
libsndfile's Opus encoder has no speed setting and took 0.4 s for 45 s of audio, most of a warm sketch; PyAV at a
medium compression level takes about a third of that. 24 kHz is one of Opus's native input rates and plenty for a
preview; the decoder plays it at 48 kHz.

The SoundFont is TimGM6mb, which ships inside the pretty_midi wheel, so no system package is needed (Debian's
copy is used when the wheel's is missing). tinysoundfont is the project's ``audio`` extra, not a plain dependency,
because it declares PyAudio for live playback, which builds only with a C compiler and PortAudio's headers; the
locks and ``make setup`` install it without its dependencies, and a sketch without it says how to add it.
Without a synthesiser or SoundFont the preview is skipped with a reason rather than failing the sketch.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import threading
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from bot.songwriting.music.arrangement import first_chorus_end
from bot.songwriting.music.melody import Melody

try:
    import tinysoundfont
    from tinysoundfont.midi import load_memory
    from tinysoundfont.sequencer import Sequencer
except ImportError:  # the preview is optional: without the synthesiser the sketch says why it has none
    tinysoundfont = None

SAMPLE_RATE = 24_000  # an Opus input rate; synthesis and encoding time grow with it
OPUS_BITRATE = 48_000  # mono music at a preview's quality: 45 s in about 270 KB
MAX_SECONDS = 45.0
CHORUS_SECONDS = 60.0  # a preview may run on to the end of the first chorus, never past a minute
_FADE_SECONDS = 1.0
_TAIL_SECONDS = 1.5  # let the last notes ring out when the preview reaches the end of the song
_DEBIAN_SOUNDFONTS = (Path("/usr/share/sounds/sf2/TimGM6mb.sf2"), Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"))
_LOCK = threading.Lock()
MISSING_SYNTHESISER = (
    "Audio preview skipped: the tinysoundfont synthesiser is not installed"
    " (add it with `pip install --no-deps tinysoundfont`; its PyAudio is for live playback only)."
)


@dataclass(frozen=True, slots=True)
class AudioPreview:
    """An OGG Opus preview, or None and the reason it was skipped."""

    ogg: bytes | None
    seconds: float
    reason: str | None = None


def preview_seconds(melody: Melody, limit: float = MAX_SECONDS) -> float:
    """How much of the song the preview plays.

    All of it when it fits; else through the first chorus when that ends within a minute (the song's verse and
    its hook are what a member needs to hear); else up to the last section end within the limit when that keeps
    most of it, or else up to the last bar line within the limit.
    """
    whole = melody.seconds()
    if whole <= limit:
        return whole + _TAIL_SECONDS
    per_quarter = 60.0 / melody.tempo
    chorus = first_chorus_end(melody)
    if chorus is not None and float(chorus) * per_quarter + _FADE_SECONDS <= CHORUS_SECONDS:
        return float(chorus) * per_quarter + _FADE_SECONDS
    ends: dict[int, float] = {}
    for note in melody.notes:
        ends[note.section] = max(ends.get(note.section, 0.0), float(note.end) * per_quarter)
    fitting = max((end for end in ends.values() if end <= limit - _FADE_SECONDS), default=0.0)
    if fitting >= 0.75 * limit:
        return fitting + _FADE_SECONDS
    bar = float(melody.time.bar) * per_quarter
    return max(bar, limit // bar * bar)


def find_soundfont() -> Path | None:
    """Return the General MIDI SoundFont to play with: pretty_midi's bundled TimGM6mb, else Debian's."""
    try:
        bundled = Path(str(importlib.resources.files("pretty_midi") / "TimGM6mb.sf2"))
    except ModuleNotFoundError:
        bundled = None
    for candidate in (bundled, *_DEBIAN_SOUNDFONTS):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def to_ogg(midi: bytes, seconds: float, *, soundfont: Path | None = None) -> AudioPreview:
    """Play ``seconds`` of a MIDI file and encode it as mono OGG Opus."""
    if tinysoundfont is None:
        return AudioPreview(None, 0.0, MISSING_SYNTHESISER)
    path = soundfont or find_soundfont()
    if path is None or not path.is_file():
        return AudioPreview(None, 0.0, "Audio preview skipped: no General MIDI SoundFont found.")
    frames = int(seconds * SAMPLE_RATE)
    with _LOCK:
        synth = _synth(str(path))
        synth.sounds_off()
        sequencer = Sequencer(synth)
        sequencer.add(load_memory(midi))
        stereo = np.frombuffer(synth.generate(frames), dtype=np.float32).reshape(-1, 2)
        synth.sounds_off()
    mono = stereo.mean(axis=1)
    fade = min(len(mono), int(_FADE_SECONDS * SAMPLE_RATE))
    mono[len(mono) - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    peak = float(np.abs(mono).max(initial=0.0))
    if peak > 0:
        mono *= 0.89 / peak
    return AudioPreview(_opus(mono), frames / SAMPLE_RATE)


def _opus(mono: np.ndarray[tuple[int], np.dtype[np.float32]]) -> bytes:
    """Encode mono samples at SAMPLE_RATE as an OGG Opus file (libopus at OPUS_BITRATE, a middling effort)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = OPUS_BITRATE
        stream.options = {"application": "audio", "compression_level": "5"}
        frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for packet in (*stream.encode(frame), *stream.encode(None)):
            container.mux(packet)
    return buffer.getvalue()


@functools.lru_cache(maxsize=2)
def _synth(soundfont: str) -> tinysoundfont.Synth:
    """Load the SoundFont once per process (about 80 ms) and keep the synthesiser for later previews."""
    synth = tinysoundfont.Synth(samplerate=SAMPLE_RATE, gain=-3.0)
    font = synth.sfload(soundfont)
    for channel in range(16):
        synth.program_select(channel, font, 0, 0, is_drums=channel == 9)
    return synth
