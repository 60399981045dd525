"""How versions look in Discord: the draft embed, its files, and the disclosure footer."""

from __future__ import annotations

import io
from dataclasses import dataclass

import discord

from bot.songwriting.words.prosody_report import format_report, prosody_report
from bot.songwriting.words.text import escape_markdown_block, file_stem, neutralise_mentions, truncate
from bot.workshop.delivery import Delivery

EMBED_DESCRIPTION_MAX = 4096


@dataclass(frozen=True, slots=True)
class Message:
    """A message ready to send: content, one embed, files."""

    embed: discord.Embed
    files: list[discord.File]


def footer(delivery: Delivery) -> str:
    """Disclose the AI on everything it wrote; name the member on what they wrote."""
    version = delivery.version
    kind = version.kind.display_name
    if version.by_ai:
        return f"{kind} · {version.label} · {version.writer or 'offline writer'} · seed {version.seed}"
    return f"{kind} · {version.label} · by {version.author_name}"


def lyrics_block(delivery: Delivery, limit: int = EMBED_DESCRIPTION_MAX) -> str:
    """The lyrics with the prosody view (syllables and rhyme letter per line), safe inside a code block."""
    lyrics = delivery.version.lyrics
    if lyrics is None or lyrics.is_empty():
        return "*Instrumental sketch: no lyrics yet. Revise it with words in the thread.*"
    body = escape_markdown_block(format_report(prosody_report(lyrics)))
    return "```\n" + truncate(body, limit - 60, suffix="\n… (the full lyrics are in lyrics.txt)") + "\n```"


def version_message(delivery: Delivery, *, heading: str | None = None) -> Message:
    """The message that shows a version: lyrics with prosody, melody files, summary and footer."""
    song, version = delivery.song, delivery.version
    title = song.title if version.lyrics is None or not version.lyrics.title else version.lyrics.title
    embed = discord.Embed(
        title=truncate(f"{title} · {version.label}", 256),
        description=lyrics_block(delivery),
        colour=discord.Colour.dark_teal() if version.by_ai else discord.Colour.gold(),
    )
    if heading:
        embed.add_field(name="What changed", value=truncate(neutralise_mentions(heading), 1024), inline=False)
    files: list[discord.File] = []
    stem = file_stem(song.title, f"song-{song.id}")
    if version.lyrics is not None:
        footer_line = delivery.disclosure.line if delivery.disclosure else None
        files.append(discord.File(io.BytesIO(version.lyrics.to_text(footer_line).encode()), filename="lyrics.txt"))
    if delivery.melody is not None:
        embed.add_field(name="Melody", value=truncate(delivery.melody.summary(), 1024), inline=False)
    if delivery.files is not None:
        sketch = delivery.files
        if sketch.png is not None:
            files.append(discord.File(io.BytesIO(sketch.png), filename=f"{stem}.png"))
            embed.set_image(url=f"attachment://{stem}.png")
        if sketch.ogg is not None:
            files.append(discord.File(io.BytesIO(sketch.ogg), filename=f"{stem}.ogg"))
        if sketch.midi:
            files.append(discord.File(io.BytesIO(sketch.midi), filename=f"{stem}.mid"))
        if sketch.musicxml:
            files.append(discord.File(io.BytesIO(sketch.musicxml), filename=f"{stem}.musicxml"))
    if delivery.notes:
        embed.add_field(name="Notes", value=truncate("\n".join(delivery.notes), 1024), inline=False)
    embed.set_footer(text=footer(delivery))
    return Message(embed, files)
