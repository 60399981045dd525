"""Who may do what (SPEC §6), as a matrix: five kinds of actor × every guarded action, through the wire.

Only the song's owner or a moderator deletes a song, starts or ends its sound-off; /settings needs Manage
Server; anyone in the server votes, revises and submits a message as a revision; a member of another server
and another bot change nothing. A refusal is a private message or, for a bot, silence; either way the
stored state is untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord
import pytest

from bot.app import SoundOffBot
from bot.db.songs import Song
from bot.workshop.actors import Actor
from bot.workshop.revising import Revisions
from tests.cogs.conftest import shown
from tests.proof.conftest import Launch, assert_clean_wire, mark, new_song, quiet, recorded_song
from tests.standin import Channel, InteractionHandle, Member, StandIn, StoredMessage
from tests.standin import messages as standin_messages
from tests.standin.polling import eventually

ACTORS = ("owner", "moderator", "member", "outsider", "bot")
ALLOWED = {
    "delete": {"owner", "moderator"},
    "start sound-off": {"owner", "moderator"},
    "end sound-off": {"owner", "moderator"},
    "settings set": {"moderator"},
    "vote": {"owner", "moderator", "member"},
    "revise": {"owner", "moderator", "member"},
    "submit as revision": {"owner", "moderator", "member"},
}


@dataclass
class World:
    """The bot, the stand-in and who plays each part (the song owner is a plain member, not the server owner)."""

    standin: StandIn
    bot: SoundOffBot
    people: dict[str, Member]

    @property
    def guild_id(self) -> int:
        return self.standin.scene.guild.id

    async def song(self) -> tuple[StoredMessage, Song]:
        """A fresh song by the owner: its draft message (with buttons) and a stored member revision."""
        draft = await new_song(self.standin, self.people["owner"], "a lighthouse")
        song = await recorded_song(self.bot, draft)
        parent = await self.bot.services.songs.latest_version(song.id)
        assert parent is not None
        ana = Actor(self.guild_id, self.people["member"].id, "Ana")
        await Revisions(self.bot.services).submit(
            song, ana, text="[Verse 1]\nthe lamp turns slow", upload=None, parent=parent
        )
        await quiet(self.standin)
        return draft, song

    async def soundoff(self) -> tuple[StoredMessage, int]:
        """An open sound-off on a fresh song: its message (vote buttons) and id."""
        _, song = await self.song()
        handle = await self.standin.slash(
            "soundoff start", {"song": str(song.id)}, member=self.people["owner"], channel=self.standin.scene.cowriting
        )
        await shown(handle, lambda m: "open" in m.content)
        stored = await self.bot.services.soundoffs.for_song(song.id)
        assert stored is not None
        posted = next(m for m in self.standin.messages(self.standin.scene.cowriting) if m.id == stored.message_id)
        await quiet(self.standin)
        return posted, stored.id

    def copy_to_other_server(self, message: StoredMessage) -> StoredMessage:
        """The bot's message with the same buttons in the other server: a click from someone who isn't here."""
        channel = self.standin.scene.guild2_channel
        body = {"content": "copy", "components": message.components}
        copied, _ = standin_messages.create(self.standin.world, channel, self.standin.world.application.bot, body)
        return copied

    async def click(self, message: StoredMessage, label: str, who: str) -> InteractionHandle:
        target = self.copy_to_other_server(message) if who == "outsider" else message
        return await self.standin.click(target, label=label, member=self.people[who])

    def channel_of(self, who: str) -> Channel:
        scene = self.standin.scene
        return scene.guild2_channel if who == "outsider" else scene.cowriting


@pytest.fixture
async def world(standin: StandIn, launch: Launch) -> World:
    """The bot with its commands in both servers, and the cast."""
    scene = standin.scene
    bot = await launch()
    bot.tree.copy_global_to(guild=discord.Object(scene.guild2.id))
    await bot.tree.sync(guild=discord.Object(scene.guild2.id))
    for command in standin.core.commands.listing(scene.guild.id) + standin.core.commands.listing(scene.guild2.id):
        command["default_member_permissions"] = None  # as if an admin let everyone see /settings: the bot must check
    people = {
        "owner": scene.member,
        "moderator": scene.moderator,
        "member": standin.world.add_member(scene.guild, "rita"),
        "outsider": scene.outsider,
        "bot": scene.other_bot,
    }
    return World(standin, bot, people)


async def outcome(world: World, handle: InteractionHandle, who: str) -> StoredMessage | None:
    """The private answer; None when a bot's interaction was ignored (Discord sends none from bots anyway)."""
    if who == "bot":
        handle.allow_no_answer()
        await quiet(world.standin)
        if handle.record.response is None:
            return None
    response = await handle.response(within=3.0)
    if response.type == 9:
        return None
    return await eventually(lambda: handle.followups[-1] if handle.followups else handle.original, within=10)


async def delete(world: World, who: str) -> bool:
    draft, song = await world.song()
    await outcome(world, await world.click(draft, "Delete", who), who)
    await quiet(world.standin)
    stored = await world.bot.services.songs.get(song.id)
    return stored is not None and stored.deleted


async def start_soundoff(world: World, who: str) -> bool:
    draft, song = await world.song()
    await outcome(world, await world.click(draft, "Start sound-off", who), who)
    await quiet(world.standin)
    return await world.bot.services.soundoffs.for_song(song.id) is not None


async def end_soundoff(world: World, who: str) -> bool:
    _, soundoff_id = await world.soundoff()
    handle = await world.standin.slash(
        "soundoff end", {"poll": str(soundoff_id)}, member=world.people[who], channel=world.channel_of(who)
    )
    await outcome(world, handle, who)
    await quiet(world.standin)
    stored = await world.bot.services.soundoffs.get(soundoff_id)
    return stored is not None and not stored.is_open


async def settings_set(world: World, who: str) -> bool:
    before = await world.bot.services.guild_settings.get(world.guild_id)
    handle = await world.standin.slash(
        "settings set",
        {"poll_hours": before.poll_hours % 300 + 1},
        member=world.people[who],
        channel=world.channel_of(who),
    )
    await outcome(world, handle, who)
    return (await world.bot.services.guild_settings.get(world.guild_id)).poll_hours != before.poll_hours


async def vote(world: World, who: str) -> bool:
    posted, soundoff_id = await world.soundoff()
    await outcome(world, await world.click(posted, "Vote A", who), who)
    await quiet(world.standin)
    return await world.bot.services.soundoffs.vote_count(soundoff_id) == 1


async def revise(world: World, who: str) -> bool:
    draft, song = await world.song()
    before = len(await world.bot.services.songs.versions(song.id))
    handle = await world.click(draft, "Revise", who)
    await outcome(world, handle, who)
    if handle.record.modal is not None:
        lyrics = {"lyrics": "[Verse 1]\nthe keeper sings to the grey"}
        await outcome(
            world, await world.standin.submit_modal(handle.record.modal, lyrics, member=world.people[who]), who
        )
    await quiet(world.standin)
    return len(await world.bot.services.songs.versions(song.id)) > before


async def submit_as_revision(world: World, who: str) -> bool:
    draft, song = await world.song()
    before = len(await world.bot.services.songs.versions(song.id))
    thread = world.standin.thread_of(draft)
    writer = world.people["member"]
    text = "[Verse 1]\nthe fog rolls in at nine"
    target = await world.standin.post(
        world.standin.scene.guild2_channel if who == "outsider" else thread,
        text,
        author=world.people["outsider"] if who == "outsider" else writer,
    )
    await outcome(
        world, await world.standin.message_command("Submit as revision", target, member=world.people[who]), who
    )
    await quiet(world.standin)
    versions = await world.bot.services.songs.versions(song.id)
    return len(versions) > before and versions[-1].author_id == writer.id


ACTIONS: dict[str, Callable[[World, str], Awaitable[bool]]] = {
    "delete": delete,
    "start sound-off": start_soundoff,
    "end sound-off": end_soundoff,
    "settings set": settings_set,
    "vote": vote,
    "revise": revise,
    "submit as revision": submit_as_revision,
}


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_permission_matrix_row(world: World, action: str) -> None:
    """Each actor can do exactly what SPEC §6 allows for this action, and nobody is pinged on the way."""
    before = mark(world.standin)
    done = {who: await ACTIONS[action](world, who) for who in ACTORS}
    assert {who for who, changed in done.items() if changed} == ALLOWED[action]
    assert world.standin.pings[before.pings :] == []
    assert_clean_wire(world.standin, before)
