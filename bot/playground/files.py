"""The files a version offers on the page: each one's URL name, media type and download name.

The names are the sketch's own (SPEC §7: score.png, preview.ogg, melody.mid, lead-sheet.musicxml, melody.abc,
lyrics.txt), so what a member downloads here is what ``soundoff sketch`` and ``/export`` write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.workshop.delivery import Delivery


@dataclass(frozen=True, slots=True)
class VersionFile:
    name: str
    content_type: str
    label: str
    read: Callable[[Delivery], bytes | None]


def _lyrics(delivery: Delivery) -> bytes | None:
    lyrics = delivery.version.lyrics
    if lyrics is None:
        return None
    footer = delivery.disclosure.line if delivery.disclosure else None
    return lyrics.to_text(footer).encode("utf-8")


FILES = {
    f.name: f
    for f in (
        VersionFile("score.png", "image/png", "Score", lambda d: d.files.png if d.files else None),
        VersionFile("preview.ogg", "audio/ogg", "Audio", lambda d: d.files.ogg if d.files else None),
        VersionFile("melody.mid", "audio/midi", "MIDI", lambda d: d.files.midi or None if d.files else None),
        VersionFile(
            "lead-sheet.musicxml",
            "application/vnd.recordare.musicxml+xml",
            "MusicXML",
            lambda d: d.files.musicxml or None if d.files else None,
        ),
        VersionFile(
            "melody.abc",
            "text/vnd.abc; charset=utf-8",
            "ABC",
            lambda d: d.files.abc.encode("utf-8") if d.files and d.files.abc else None,
        ),
        VersionFile("lyrics.txt", "text/plain; charset=utf-8", "lyrics.txt", _lyrics),
    )
}
MELODY_FILES = ("melody.mid", "lead-sheet.musicxml", "melody.abc")
"""The downloads under a version with a melody, in the order the page lists them."""


def download_name(stem: str, name: str) -> str:
    """``rain-on-the-bus.mid`` for ``melody.mid``: named after the song, as the Discord attachments are."""
    if name == "lyrics.txt":
        return f"{stem}-lyrics.txt"
    suffix = name.rsplit(".", 1)[1]
    return f"{stem}.{suffix}"
