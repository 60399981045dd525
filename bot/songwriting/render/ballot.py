"""A blind ballot's audio: every option played the same way, so the sound says nothing of who wrote it.

A version's own preview plays its melody with its arrangement (its genre and seed) and carries its disclosure in
the MIDI it is made from; a member's file has no genre, so it would sound like a different band. On a ballot
every option is played by one band (the same genre and seed for all), cut by the same length rule, made from
MIDI that names nobody, and encoded alike.
"""

from __future__ import annotations

from dataclasses import replace

from bot.songwriting.music.melody import Melody


def ballot_midi(melody: Melody, band: Melody, title: str) -> bytes:
    """The MIDI a ballot preview is played from: ``melody`` with ``band``'s arrangement, no disclosure."""
    from bot.songwriting.render.midi import to_midi  # the renderers load in the render workers

    return to_midi(_played(melody, band), title)  # no disclosure: the ballot names nobody; the results reveal


def ballot_preview(melody: Melody, band: Melody, title: str) -> bytes | None:
    """An OGG Opus preview of ``melody`` played by ``band``'s arrangement (its genre and seed), or None when
    the synthesiser is missing."""
    from bot.songwriting.render.audio import preview_seconds, to_ogg

    return to_ogg(ballot_midi(melody, band, title), preview_seconds(_played(melody, band))).ogg


def _played(melody: Melody, band: Melody) -> Melody:
    return replace(melody, genre=band.genre, seed=band.seed)
