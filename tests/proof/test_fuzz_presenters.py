"""Fuzzing what the bot shows: any lyrics, names and notes give messages inside Discord's embed limits."""

from __future__ import annotations

import discord
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.db.songs import Song, Version
from bot.presenters import version_message
from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody
from bot.songwriting.render.sketch import SketchFiles
from bot.songwriting.versions.soundoff import Option
from bot.songwriting.words.lyrics import Lyrics, parse_lyrics
from bot.workshop.delivery import Delivery
from cogs.soundoff import option_embed
from tests.proof.strategies import display_name, fuzz, lyric_text
from tests.songwriting.songs import NIGHT_TRAIN

EMBED_TOTAL, TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER = 6000, 256, 4096, 25, 256, 1024, 2048
NOTES = (
    "The LLM timed out, so the offline writer wrote this draft.",
    "Score image shows bars 1–16 of 40; the MusicXML has them all.",
    "Audio preview plays the first 60 s of 143 s.",
    "Still off the brief after one repair: Verse 1: line 3 must rhyme with line 1 (scheme ABAB) (and 7 more).",
)
FILES = SketchFiles(midi=b"MThd", musicxml=b"<score-partwise/>", png=b"\x89PNG", ogg=b"OggS", abc="X:1", notes=())

LINK = "https://discord.com/channels/123456789012345678/223456789012345678/323456789012345678"
long_lyric_text = st.tuples(lyric_text, st.integers(1, 40)).map(lambda pair: pair[0] * pair[1])
"""Lyrics from empty to far past an embed's 4096 characters (repeated fragments, backticks included)."""


@pytest.fixture(scope="module")
def melody() -> Melody:
    """A real composed melody, for the summary field."""
    return compose(NIGHT_TRAIN, seed=4)


def _song(title: str) -> Song:
    return Song(1, 2, 3, 4, 5, title, "theme", {}, False, 0.0)


def _version(number: int, lyrics: Lyrics | None, author: str | None, writer: str) -> Version:
    kind = "human-revision" if author else "ai-draft"
    return Version(
        number, 1, number, number - 1 or None, kind, 7 if author else None, author or "AI", lyrics, None, writer,
        9, None, None, 0.0,
    )  # fmt: skip


def assert_within_embed_limits(embed: discord.Embed) -> None:
    """Discord's per-field and total limits for one embed."""
    assert len(embed.title or "") <= TITLE
    assert len(embed.description or "") <= DESCRIPTION
    assert len(embed.fields) <= FIELDS
    assert all(len(f.name or "") <= FIELD_NAME and len(f.value or "") <= FIELD_VALUE for f in embed.fields)
    assert len(embed.footer.text or "") <= FOOTER
    assert len(embed) <= EMBED_TOTAL


@fuzz(400)
@given(
    text=long_lyric_text,
    title=st.text(max_size=200),
    author=st.one_of(st.none(), display_name),
    writer=st.text(min_size=1, max_size=80),
    notes=st.lists(st.one_of(st.sampled_from(NOTES), st.text(max_size=150)), max_size=4),
    with_melody=st.booleans(),
    number=st.integers(1, 99_999),
)
def test_version_message_fits_discord_for_any_lyrics(
    melody: Melody,
    text: str,
    title: str,
    author: str | None,
    writer: str,
    notes: list[str],
    with_melody: bool,
    number: int,
) -> None:
    """Any lyrics, title, author, model name and notes give one embed inside every limit, lyrics in one block."""
    lyrics = parse_lyrics(text, title=title)
    version = _version(number, lyrics, author, writer)
    parent = _version(max(1, number - 1), None, None, writer)
    delivery = Delivery(
        _song(title or "x"),
        version,
        melody if with_melody else None,
        FILES if with_melody else None,
        tuple(notes),
    )
    shown = version_message(delivery, heading=delivery.change_heading(parent) if author else None)
    assert_within_embed_limits(shown.embed)
    if not lyrics.is_empty():
        assert (shown.embed.description or "").count("```") == 2
    names = [f.filename for f in shown.files]
    assert len(names) == len(set(names)) <= 10


@fuzz(300)
@example(texts=["`" * 800] * 5, names=["Ana"] * 5, blind=True)
@given(
    texts=st.lists(st.one_of(st.none(), long_lyric_text), min_size=2, max_size=5),
    names=st.lists(display_name, min_size=5, max_size=5),
    blind=st.booleans(),
)
def test_sound_off_options_fit_one_message(texts: list[str | None], names: list[str], blind: bool) -> None:
    """Up to five option embeds (any lyrics, any author names) stay within one message's 6000 characters."""
    embeds = [
        option_embed(Option("ABCDE"[i], 10 + i, "human-revision", i, names[i]), text, blind=blind, link=LINK)
        for i, text in enumerate(texts)
    ]
    for embed in embeds:
        assert_within_embed_limits(embed)
        assert len(embed) <= EMBED_TOTAL // 5
    assert sum(len(embed) for embed in embeds) <= EMBED_TOTAL
