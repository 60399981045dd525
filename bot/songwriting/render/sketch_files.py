"""The files of a sketch, named as SPEC §7 fixes them: the studio's folder and the ``/export`` zip share them."""

from __future__ import annotations

import json

from bot.songwriting.music.measures import measure
from bot.songwriting.music.melody import Melody
from bot.songwriting.render.sketch import SketchFiles
from bot.songwriting.versions.credits import Disclosure
from bot.songwriting.words.lyrics import Lyrics

FILE_NAMES = (
    "song.json",
    "lyrics.txt",
    "melody.mid",
    "lead-sheet.musicxml",
    "score.png",
    "lead-sheet.pdf",
    "preview.ogg",
    "melody.abc",
    "credits.md",
)


def song_document(
    title: str,
    lyrics: Lyrics | None,
    melody: Melody | None,
    *,
    seed: int | None,
    writer: str | None,
    fallback: str | None = None,
) -> dict[str, object]:
    """``song.json``: the words, the musical settings and the melody's quality measures.

    ``fallback`` says why the offline writer wrote the words although an LLM was configured (null otherwise).
    """
    return {
        "title": title,
        "sections": [section.to_dict() for section in lyrics.sections] if lyrics else [],
        "key": melody.tonic if melody else None,
        "mode": melody.mode if melody else None,
        "tempo": melody.tempo if melody else None,
        "meter": melody.meter if melody else None,
        "seed": seed,
        "writer": writer,
        "fallback": fallback,
        "measures": measure(melody, lyrics) if melody else {},
    }


def sketch_contents(
    song: dict[str, object],
    lyrics: Lyrics | None,
    files: SketchFiles | None,
    credits: str | None = None,
    *,
    disclosure: Disclosure,
) -> dict[str, bytes]:
    """Every file of a sketch by name, in the fixed order; files whose stage failed or that don't apply are left out.

    lyrics.txt ends with ``disclosure``'s line as its footer; the rendered files already carry it.
    """
    contents: dict[str, bytes | None] = {
        "song.json": json.dumps(song, indent=2, ensure_ascii=False).encode("utf-8") + b"\n",
        "lyrics.txt": lyrics.to_text(disclosure.line).encode("utf-8") if lyrics else None,
        "melody.mid": files.midi if files else None,
        "lead-sheet.musicxml": files.musicxml if files else None,
        "score.png": files.png if files else None,
        "lead-sheet.pdf": files.pdf if files else None,
        "preview.ogg": files.ogg if files else None,
        "melody.abc": files.abc.encode("utf-8") if files else None,
        "credits.md": credits.encode("utf-8") if credits else None,
    }
    return {name: data for name in FILE_NAMES if (data := contents[name])}
