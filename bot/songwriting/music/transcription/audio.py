"""Recognise and decode a member's audio recording (voice message or attachment) into mono samples.

Uploads are untrusted: the type is sniffed from the bytes (never the file name), the size is checked before
decoding and the length while decoding, so a file that declares hours of audio costs no more than the limit.
PyAV (FFmpeg) decodes OGG Opus/Vorbis, WAV, MP3 and M4A (AAC) alike.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import numpy as np
import numpy.typing as npt

from bot.songwriting.music.melody import MelodyInputError

RATE = 16_000
"""Samples a second after decoding: a sung voice's pitch and harmonics fit well below 8 kHz."""


class AudioInputError(MelodyInputError):
    """A recording the bot cannot decode or that breaks a limit; the message tells the member what to fix."""


@dataclass(frozen=True, slots=True)
class AudioLimits:
    """The longest and largest recording a member may send (SOUNDOFF_AUDIO_MAX_SECONDS / _MAX_BYTES)."""

    max_seconds: float = 90.0
    max_bytes: int = 8_000_000


@dataclass(frozen=True, slots=True)
class Audio:
    """Mono float samples in [-1, 1] at ``RATE``."""

    samples: npt.NDArray[np.float32]
    rate: int = RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def audio_kind(data: bytes) -> str | None:
    """Name the container of an audio file from its first bytes (``ogg``, ``wav``, ``mp3``, ``m4a``), or None."""
    if data.startswith(b"OggS"):
        return "ogg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    if data[4:8] == b"ftyp":
        return "m4a"
    return None


def decode(data: bytes, limits: AudioLimits) -> Audio:
    """Decode a recording to mono samples; raise AudioInputError with a member-readable reason."""
    if len(data) > limits.max_bytes:
        raise AudioInputError(f"That recording is larger than {limits.max_bytes / 1_000_000:g} MB; send a shorter one.")
    if audio_kind(data) is None:
        raise AudioInputError("That file is not OGG/Opus, WAV, MP3 or M4A audio.")
    too_long = AudioInputError(
        f"That recording is longer than {limits.max_seconds:g} seconds; sing a shorter part of the song."
    )
    chunks: list[npt.NDArray[np.float32]] = []
    total = 0
    cap = int(limits.max_seconds * RATE)
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise AudioInputError("That file has no sound in it.")
            stream = container.streams.audio[0]
            declared = stream.duration is not None and stream.time_base is not None
            if declared and float(stream.duration * stream.time_base) > limits.max_seconds + 0.5:  # type: ignore[operator]
                raise too_long
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1).astype(np.float32)
                    total += len(chunk)
                    if total > cap + RATE // 2:
                        raise too_long
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
    except AudioInputError:
        raise
    except (av.FFmpegError, ValueError, IndexError) as exc:
        raise AudioInputError(f"I couldn't decode that recording ({type(exc).__name__}).") from exc
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if len(samples) < RATE // 2:
        raise AudioInputError("That recording is shorter than half a second; sing at least a phrase.")
    return Audio(np.clip(samples[:cap], -1.0, 1.0))
