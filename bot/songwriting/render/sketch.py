"""The whole melody pipeline: compose, then render MIDI, MusicXML, score image, audio preview and ABC.

The bot runs these functions in a process pool, so arguments and results are plain picklable values, and the
heavy libraries (music21, verovio, the synthesiser) are imported inside them: the bot's own process never loads
them. Each
rendering stage is isolated: when one fails, its file is missing (``None``, or empty bytes for the MIDI and
MusicXML the others build on) and a note says why; the rest of the sketch still arrives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import load_dictionary

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
"""Called after each stage with its name and the seconds it took (the offline studio prints these)."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SketchFiles:
    """The rendered files of a melody sketch, plus notes for the member (skipped or partial stages)."""

    midi: bytes
    musicxml: bytes
    png: bytes | None
    ogg: bytes | None
    abc: str
    notes: tuple[str, ...]
    pdf: bytes | None = None
    """The whole lead sheet, every page; made only when asked for (about a second a page)."""


def render_sketch(
    melody: Melody,
    lyrics: Lyrics | None,
    title: str,
    progress: Progress | None = None,
    *,
    disclosure: Disclosure,
    lead_sheet: bool = False,
) -> SketchFiles:
    """Render every file of a sketch; a failing stage leaves its file out and adds a note instead.

    Every file carries ``disclosure``: who made the words and the music, the AI's part disclosed. ``lead_sheet``
    also engraves the printable PDF of every page (the studio and the export ask for it; a draft does not).
    """
    from bot.songwriting.render.abc import to_abc  # the renderers load only in the render workers
    from bot.songwriting.render.audio import preview_seconds, to_ogg
    from bot.songwriting.render.midi import to_midi
    from bot.songwriting.render.musicxml import to_musicxml
    from bot.songwriting.render.pdf import to_pdf
    from bot.songwriting.render.score import to_png

    notes: list[str] = []
    midi = _stage("MIDI", lambda: to_midi(melody, title, disclosure), notes, progress)
    labels = tuple(section.label for section in lyrics.sections) if lyrics else ()
    musicxml = _stage(
        "MusicXML", lambda: to_musicxml(melody, title, disclosure=disclosure, sections=labels), notes, progress
    )
    png = None
    if musicxml:
        image = _stage("score image", lambda: to_png(musicxml), notes, progress)
        if image is not None:
            png = image.png
            total = int(melody.length / melody.time.bar)
            if image.pages > 1 and image.bars_shown < total:
                notes.append(f"Score image shows bars 1–{image.bars_shown} of {total}; the MusicXML has them all.")
    else:
        notes.append("Score image skipped: the MusicXML could not be written.")
    printable = _stage("lead sheet PDF", lambda: to_pdf(musicxml), notes, progress) if lead_sheet and musicxml else None
    ogg = None
    if midi:
        seconds = preview_seconds(melody)
        preview = _stage("audio preview", lambda: to_ogg(midi, seconds), notes, progress)
        if preview is not None and preview.ogg is None:
            notes.append(preview.reason or "Audio preview skipped.")
        elif preview is not None:
            ogg = preview.ogg
            if melody.seconds() > preview.seconds:
                notes.append(f"Audio preview plays the first {preview.seconds:.0f} s of {melody.seconds():.0f} s.")
    else:
        notes.append("Audio preview skipped: the MIDI file could not be written.")
    abc = _stage("ABC", lambda: to_abc(melody, title, disclosure), notes, progress)
    return SketchFiles(
        midi=midi or b"",
        musicxml=musicxml or b"",
        png=png,
        ogg=ogg,
        abc=abc or "",
        notes=tuple(notes),
        pdf=printable.pdf if printable else None,
    )


def compose_and_render(
    lyrics: Lyrics | None,
    title: str,
    settings: MusicSettings | None = None,
    *,
    seed: int = 0,
    bars: int = 8,
    progress: Progress | None = None,
    disclosure: Disclosure,
    lead_sheet: bool = False,
) -> tuple[Melody, SketchFiles]:
    """Compose a melody for the lyrics (or an instrumental) in ``settings`` and render its files, each carrying
    ``disclosure`` (with the printable PDF when ``lead_sheet``). Raise ValueError for lyrics with nothing to sing.
    """
    settings = settings or MusicSettings()
    started = time.perf_counter()
    melody = compose(lyrics, settings, seed=seed, bars=bars)
    if progress is not None:
        progress("melody", time.perf_counter() - started)
    return melody, render_sketch(melody, lyrics, title, progress, disclosure=disclosure, lead_sheet=lead_sheet)


def read_melody(data: bytes, filename: str | None) -> Melody:
    """Parse a member's melody file (raises MelodyInputError); music21 loads only where this runs."""
    from bot.songwriting.music.melody_input import parse_melody

    return parse_melody(data, filename)


def warm_up() -> None:
    """Pay the one-off costs now (CMU dictionary, fonts, SoundFont, music21's first score) for a fast first sketch."""
    from bot.songwriting.render.fonts import font_dir

    load_dictionary()
    font_dir()
    compose_and_render(None, "Warm-up", seed=1, bars=2, disclosure=Disclosure(None, Authorship.by_ai(MELODY_WRITER)))


def _stage(name: str, run: Callable[[], T], notes: list[str], progress: Progress | None) -> T | None:
    started = time.perf_counter()
    try:
        result = run()
    except Exception:
        log.exception("sketch stage %s failed", name)
        notes.append(f"The {name} could not be made this time (the error is logged).")
        return None
    if progress is not None:
        progress(name, time.perf_counter() - started)
    return result
