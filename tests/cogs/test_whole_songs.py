"""A version is a whole song, and a blind sound-off is blind: through the real client against the stand-in.

A song with a melody, two members' lyric revisions (each a version with a score and a preview in the song's own
frame), then a blind sound-off between the three, read as an adversary would: nothing in the ballot message
as it crossed the wire, nor in its files, can tell the AI's option from the members'.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from typing import Any

from bot.app import SoundOffBot
from tests.cogs.conftest import MakeBot, shown, wait_for
from tests.standin import StandIn, StoredMessage

WRITER_NAMES = re.compile(
    r"offline|sketcher|melody writer|gpt|llama|mistral|qwen|model|writer|seed|\bAI\b|v[0-9]", re.I
)


def _version_messages(standin: StandIn, thread: Any) -> list[StoredMessage]:
    return [m for m in standin.messages(thread) if m.embeds and " · v" in m.embeds[0].get("title", "")]


def _shape(value: object) -> object:
    """A JSON value's structure: its keys and types all the way down, every string and number left out."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


def _ogg_pages(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Each OGG page's granule position and payload (RFC 3533), read independently of the encoder."""
    offset = 0
    while offset < len(data):
        assert data[offset : offset + 4] == b"OggS"
        granule = struct.unpack_from("<q", data, offset + 6)[0]
        segments = data[offset + 26]
        lacing = data[offset + 27 : offset + 27 + segments]
        start = offset + 27 + segments
        yield granule, data[start : start + sum(lacing)]
        offset = start + sum(lacing)


def _opus_header(data: bytes) -> tuple[bytes, bytes, list[bytes]]:
    """An OGG Opus file's identification header (channels, rate), vendor string and comment tags."""
    pages = list(_ogg_pages(data))
    head, tags = pages[0][1], pages[1][1]
    assert head.startswith(b"OpusHead")
    assert tags.startswith(b"OpusTags")
    vendor_length = struct.unpack_from("<I", tags, 8)[0]
    vendor = tags[12 : 12 + vendor_length]
    position = 12 + vendor_length
    count = struct.unpack_from("<I", tags, position)[0]
    position += 4
    comments = []
    for _ in range(count):
        length = struct.unpack_from("<I", tags, position)[0]
        comments.append(tags[position + 4 : position + 4 + length])
        position += 4 + length
    return head[:12] + head[16:], vendor, comments  # the input sample rate (bytes 12-16) is checked apart


def _seconds(data: bytes) -> float:
    return max(granule for granule, _ in _ogg_pages(data)) / 48_000


async def _revise(standin: StandIn, version: StoredMessage, member: Any, old: str, new: str) -> StoredMessage:
    opened = await (await standin.click(version, label="Revise", member=member)).modal()
    body = opened.inputs()[0]["value"]
    assert old in body
    return await shown(
        await standin.submit_modal(opened, {"lyrics": body.replace(old, new, 1)}, member=member),
        lambda m: "Saved as v" in m.content,
    )


async def test_lyric_revisions_are_whole_songs_and_the_blind_ballot_betrays_no_writer(
    standin: StandIn, make_bot: MakeBot
) -> None:
    """v1 (AI, words and music), v2 and v3 (two members' lyric revisions, each carrying the tune re-set to their
    words with a score and a preview in v1's frame); a blind sound-off of the three shows them identically."""
    scene = standin.scene
    bot: SoundOffBot = await make_bot()
    owner, ana, ben = scene.owner, scene.member, scene.moderator
    handle = await standin.slash(
        "cowrite song",
        {"theme": "rain on the night bus home", "genre": "blues", "key": "E minor", "meter": "6/8", "seed": 7},
        member=owner,
        channel=scene.cowriting,
    )
    draft = await shown(handle, lambda m: m.embeds and m.attachments, within=60)
    actions = {c["custom_id"].split(":")[2] for c in draft.interactive()}
    assert "newmelody" in actions
    assert "melody" not in actions  # Add melody only where there is no melody
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    # the thread's first message is posted after the thread is recorded: then the song knows its thread
    await wait_for(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)))
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    v1 = await bot.services.songs.version(song.id, 1)
    assert v1 is not None
    assert v1.lyrics is not None
    assert v1.melody is not None
    lines = v1.lyrics.lines

    saved = await _revise(standin, draft, ana, lines[0], "the driver hums a song he used to know")
    assert "Saved as v2 (melody carried from v1; line 1 re-set to the new words)" in saved.content
    v2_message = await wait_for(
        lambda: next((m for m in _version_messages(standin, thread) if " · v2" in m.embeds[0]["title"]), None)
    )
    saved = await _revise(standin, v2_message, ben, lines[2], "and every window holds a little light")
    assert "Saved as v3 (melody carried from v2; line 3 re-set to the new words)" in saved.content

    frame = (v1.melody.tonic, v1.melody.mode, v1.melody.tempo, v1.melody.meter, v1.melody.genre)
    messages = {m.embeds[0]["title"].rsplit(" · ", 1)[-1]: m for m in _version_messages(standin, thread)}
    for number in (2, 3):
        stored = await bot.services.songs.version(song.id, number)
        assert stored is not None
        assert stored.melody is not None
        assert (
            stored.melody.tonic,
            stored.melody.mode,
            stored.melody.tempo,
            stored.melody.meter,
            stored.melody.genre,
        ) == frame
        message = messages[f"v{number}"]
        files = standin.files(message)
        assert any(name.endswith(".png") and data.startswith(b"\x89PNG") for name, data in files.items())
        assert any(name.endswith(".ogg") and data.startswith(b"OggS") for name, data in files.items())
        assert any(name.endswith(".mid") and data.startswith(b"MThd") for name, data in files.items())
        melody_field = next(f["value"] for f in message.embeds[0]["fields"] if f["name"] == "Melody")
        assert "E minor" in melody_field
        assert "6/8" in melody_field
        assert {c["custom_id"].split(":")[2] for c in message.interactive()} >= {"newmelody", "notes"}

    start = await standin.slash(
        "soundoff start", {"versions": "v1,v2,v3", "blind": True}, member=owner, channel=scene.cowriting
    )
    await shown(start, lambda m: "sound-off is open" in m.content, within=60)
    ballot = next(m for m in reversed(standin.messages(scene.cowriting)) if m.content.startswith("**Sound-off"))
    soundoff = await bot.services.soundoffs.for_song(song.id)
    assert soundoff is not None
    ai_label = next(o.label for o in soundoff.options if o.version_number == 1)

    # The message: three embeds of one structure, nothing but the letter to tell them apart.
    assert len(ballot.embeds) == 3
    shapes = [_shape(embed) for embed in ballot.embeds]
    assert shapes[0] == shapes[1] == shapes[2]
    for embed in ballot.embeds:
        assert set(embed) <= {"title", "description", "color", "type", "flags"}, embed
        assert re.fullmatch(r"Option [A-C]", embed["title"])
        assert embed["description"].startswith("```\n")
    assert len({embed.get("color") for embed in ballot.embeds}) == 1
    buttons = list(ballot.interactive())
    assert [_shape(b) for b in buttons] == [_shape(buttons[0])] * 3
    assert {b["label"] for b in buttons} == {"Vote A", "Vote B", "Vote C"}
    assert len({b.get("style") for b in buttons}) == 1
    text = ballot.content + json.dumps(ballot.embeds) + json.dumps(ballot.components)
    for name in (owner.user.global_name, ana.user.global_name, ben.user.global_name, "Sound Off"):
        assert name is not None
        assert name not in text
    assert not WRITER_NAMES.search(ballot.content + "".join(e["title"] for e in ballot.embeds))
    assert not re.search(r"offline|sketcher|gpt|\bseed\b|\bAI\b", text.replace(ai_label, ""), re.I)

    # The files: one per option, named by its letter, the same kind, encoded and cut alike.
    files = {a.filename: a for a in ballot.attachments}
    assert set(files) == {"option-A.ogg", "option-B.ogg", "option-C.ogg"}
    assert len({a.content_type for a in files.values()}) == 1
    assert len({a.description for a in files.values()}) == 1
    headers = [_opus_header(a.data) for a in files.values()]
    assert headers[0] == headers[1] == headers[2]
    for _, vendor, comments in headers:
        assert not re.search(rb"offline|sketcher|gpt|seed|writer|AI|Sound Off", vendor + b"".join(comments), re.I)
    names = [str(m.user.global_name) for m in (owner, ana, ben)]
    for _, vendor, comments in headers:
        assert not any(name.encode() in vendor + b"".join(comments) for name in names)
    for attachment in files.values():  # anywhere in the file: needles long enough that audio bytes never hold one
        for needle in (b"offline writer", b"melody sketcher", b"gpt-4", b"llama", b"mistral", b"Sound Off", b"seed 7"):
            assert needle not in attachment.data, (attachment.filename, needle)
    lengths = {round(_seconds(a.data)) for a in files.values()}
    assert max(lengths) - min(lengths) <= 1  # the same length rule on tunes of the same length


async def test_new_melody_writes_another_tune_in_the_songs_frame(standin: StandIn, make_bot: MakeBot) -> None:
    """New melody under a words-and-music version: a different tune, in the song's key, tempo, metre and genre,
    posted in the thread with who asked; its own buttons offer New melody again."""
    scene = standin.scene
    bot: SoundOffBot = await make_bot()
    handle = await standin.slash(
        "cowrite song",
        {"theme": "a lighthouse in fog", "genre": "folk", "key": "D major", "meter": "3/4", "seed": 5},
        member=scene.owner,
        channel=scene.cowriting,
    )
    draft = await shown(handle, lambda m: m.embeds and m.attachments, within=60)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    click = await standin.click(draft, label="New melody", member=scene.member)
    await shown(click, lambda m: "Posted v2" in m.content, within=60)
    v2 = await wait_for(
        lambda: next((m for m in _version_messages(standin, thread) if " · v2" in m.embeds[0]["title"]), None)
    )
    changed = next(f["value"] for f in v2.embeds[0]["fields"] if f["name"] == "What changed")
    assert changed == f"🎼 A new melody for v1, asked by {scene.member.user.global_name}"
    assert {c["custom_id"].split(":")[2] for c in v2.interactive()} >= {"newmelody"}
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    first, second = await bot.services.songs.version(song.id, 1), await bot.services.songs.version(song.id, 2)
    assert first is not None
    assert first.melody is not None
    assert second is not None
    assert second.melody is not None
    frame = ("tonic", "mode", "tempo", "meter", "genre")
    assert [getattr(second.melody, f) for f in frame] == [getattr(first.melody, f) for f in frame]
    assert [n.pitch for n in second.melody.notes] != [n.pitch for n in first.melody.notes]
