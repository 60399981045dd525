"""Bad input through the wire: each case gets a clear ephemeral answer and changes nothing."""

from __future__ import annotations

import json

import discord

from bot.app import SoundOffBot
from bot.db.songs import NewVersion
from bot.songwriting.words.lyrics import Lyrics, Section
from tests.cogs.conftest import MakeBot, answer, shown, wait_for
from tests.standin import StandIn, StoredMessage, Upload


async def _draft(standin: StandIn) -> StoredMessage:
    handle = await standin.slash("cowrite lyrics", {"theme": "paper boats"}, member=standin.scene.owner)
    return await shown(handle, lambda m: m.embeds)


async def _count(bot: SoundOffBot, song_id: int) -> int:
    return len(await bot.services.songs.versions(song_id))


async def _error(handle_message: StoredMessage, fragment: str) -> None:
    assert handle_message.ephemeral, handle_message.content
    assert fragment in handle_message.content, handle_message.content


async def test_empty_identical_and_bad_files_are_refused(standin: StandIn, make_bot: MakeBot) -> None:
    """Empty text, unchanged text, a non-music file and an oversized file: clear answers, no new version."""
    bot = await make_bot()
    draft = await _draft(standin)
    song = await bot.services.songs.latest_for_member(standin.scene.guild.id, standin.scene.owner.id)
    assert song is not None
    cases = [
        ({"lyrics": ""}, {}, "empty"),
        ({}, {}, "identical"),
        ({"lyrics": ""}, {"melody": [Upload("notes.mid", b"just some text, not MIDI")]}, "couldn't read"),
        ({"lyrics": ""}, {"melody": [Upload("huge.mid", b"MThd" + b"\0" * 1_100_000)]}, "1 MB"),
    ]
    for values, files, fragment in cases:
        opened = await (await standin.click(draft, label="Revise", member=standin.scene.member)).modal()
        handle = await standin.submit_modal(opened, values, files=files)
        await _error(await answer(handle), fragment)
    assert await _count(bot, song.id) == 1


async def test_only_owner_or_moderator_deletes_and_deleted_songs_refuse_actions(
    standin: StandIn, make_bot: MakeBot
) -> None:
    """A member can't delete someone's song; after the owner does, its buttons and /revise refuse politely."""
    scene = standin.scene
    bot = await make_bot()
    draft = await _draft(standin)
    song = await bot.services.songs.latest_for_member(scene.guild.id, scene.owner.id)
    assert song is not None
    refused = await (await standin.click(draft, label="Delete", member=scene.member)).message()
    await _error(refused, "Only the song's owner or a moderator")
    await (await standin.click(draft, label="Delete", member=scene.owner)).response()
    await wait_for(lambda: all(c.get("disabled") for row in draft.components for c in row["components"]))
    stored = await bot.services.songs.get(song.id)
    assert stored is not None
    assert stored.deleted
    assert await _count(bot, song.id) == 1
    answer = await (await standin.slash("revise", {"song": str(song.id)}, member=scene.member)).message()
    await _error(answer, "deleted")


async def test_another_servers_song_is_not_found(standin: StandIn, make_bot: MakeBot) -> None:
    """A song id from another server is refused as unknown."""
    scene = standin.scene
    bot = await make_bot()
    await _draft(standin)
    song = await bot.services.songs.latest_for_member(scene.guild.id, scene.owner.id)
    assert song is not None
    bot.tree.copy_global_to(guild=discord.Object(scene.guild2.id))
    await bot.tree.sync(guild=discord.Object(scene.guild2.id))
    answer = await (
        await standin.slash("history", {"song": str(song.id)}, member=scene.outsider, channel=scene.guild2_channel)
    ).message()
    await _error(answer, "doesn't exist in this server")


async def test_locked_or_deleted_thread_refuses_revisions(standin: StandIn, make_bot: MakeBot) -> None:
    """A locked thread, then a deleted one: the revision is refused and nothing is stored."""
    scene = standin.scene
    bot = await make_bot()
    draft = await _draft(standin)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    # the how-to note is posted after the bot recorded the thread: from then on the song is found by it
    await wait_for(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)))
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    thread.archived, thread.locked = True, True
    await standin.core.thread_update(thread)
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    handle = await standin.submit_modal(opened, {"lyrics": "[Verse 1]\nbrand new words"})
    await _error(await answer(handle), "locked")
    assert await _count(bot, song.id) == 1


async def test_overlong_lyrics_prefill_whole_lines_and_say_so(standin: StandIn, make_bot: MakeBot) -> None:
    """Lyrics past the modal's 4000 characters are cut at a line, and the label says only part is shown."""
    scene = standin.scene
    bot = await make_bot()
    lines = tuple(f"line number {i} of a very long song that keeps going" for i in range(120))
    song, _ = await bot.services.songs.create(
        guild_id=scene.guild.id,
        channel_id=scene.cowriting.id,
        owner_id=scene.owner.id,
        title="Long",
        theme="long",
        brief=None,
        first=NewVersion("ai-draft", None, "AI", Lyrics("Long", (Section("Verse 1", lines),))),
    )
    opened = await (await standin.slash("revise", {"song": str(song.id)}, member=scene.member)).modal()
    value = opened.inputs()[0]["value"]
    assert len(value) <= 4000
    assert value.splitlines()[-1] in lines
    assert "first" in json.dumps(opened.components)
