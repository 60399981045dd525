"""The stand-in itself, proven with a real ``commands.Bot`` and a few throwaway app commands over the wire."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Awaitable

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.standin import StandIn, Upload
from tests.standin.fixtures import StartClient
from tests.standin.polling import eventually

MIDI_BYTES = b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0MTrk\x00\x00\x00\x04\x00\xff\x2f\x00"


class Vote(discord.ui.View):
    """A one-button view whose click rewrites the message."""

    @discord.ui.button(label="Yes", custom_id="vote:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[Vote]) -> None:
        await interaction.response.edit_message(content=f"{interaction.user.display_name} voted yes", view=None)


class Revise(discord.ui.Modal, title="Revise the lyrics"):
    """A modal with a prefilled text input and an optional melody file."""

    lyrics: discord.ui.Label[Revise] = discord.ui.Label(
        text="Lyrics", component=discord.ui.TextInput(custom_id="lyrics", default="old line", max_length=4000)
    )
    melody: discord.ui.Label[Revise] = discord.ui.Label(
        text="Melody", component=discord.ui.FileUpload(custom_id="melody", required=False)
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.lyrics.component, discord.ui.TextInput)
        assert isinstance(self.melody.component, discord.ui.FileUpload)
        sizes = [len(await a.read()) for a in self.melody.component.values]
        await interaction.response.send_message(f"revised: {self.lyrics.component.value} files={sizes}")


class Throwaway(commands.Bot):
    """A bot with one command per flow the stand-in must carry; failures it provokes are kept, not logged."""

    def __init__(self, *, message_content: bool = True) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, guild_ready_timeout=0.05)
        self.seen: list[discord.Message] = []
        self.caught: list[discord.HTTPException] = []

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.command(description="Answer directly")
        async def hello(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"hi {interaction.user.display_name}")

        @tree.command(description="Defer, then follow up with a file")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("your tune", file=discord.File(io.BytesIO(MIDI_BYTES), "tune.mid"))

        @tree.command(description="A message with a button")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("vote now", view=Vote())

        @tree.command(description="Open the revision modal")
        async def revise(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Revise())

        @tree.command(description="Start a song thread")
        async def thread(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("a new song")
            message = await interaction.original_response()
            created = await message.create_thread(name="song thread")
            await created.send("revise here")

        @tree.command(description="Read an attachment")
        async def checksum(interaction: discord.Interaction, file: discord.Attachment) -> None:
            await interaction.response.send_message(hashlib.sha256(await file.read()).hexdigest())

        @tree.command(description="Answer twice at once (discord.py's local guard cannot see the race)")
        async def twice(interaction: discord.Interaction) -> None:
            await asyncio.gather(
                self._keep(interaction.response.send_message("one")),
                self._keep(interaction.response.send_message("two")),
            )
            await interaction.followup.send("fine")

        @tree.command(description="Answer after the deadline")
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            await self._keep(interaction.response.send_message("too late"))

        @tree.command(description="Answer with too much text")
        async def ramble(interaction: discord.Interaction) -> None:
            await self._keep(interaction.response.send_message("la" * 1001))

        @tree.command(description="Sing a line that mentions everyone")
        async def sing(interaction: discord.Interaction, quiet: bool) -> None:
            mentions = discord.AllowedMentions.none() if quiet else discord.utils.MISSING
            await interaction.response.send_message("@everyone sing along", allowed_mentions=mentions)

        song = app_commands.Group(name="song", description="Songs")
        write = app_commands.Group(name="write", description="Write", parent=song)

        @write.command(name="lyrics", description="Write lyrics")
        @app_commands.describe(theme="What the song is about")
        async def lyrics(
            interaction: discord.Interaction, theme: str, seed: app_commands.Range[int, 0, 99] = 7
        ) -> None:
            await interaction.response.send_message(f"lyrics about {theme} (seed {seed})")

        @lyrics.autocomplete("theme")
        async def themes(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in ("rain", "rivers", "roads") if t.startswith(current)]

        tree.add_command(song)

        @tree.context_menu(name="Submit as revision")
        async def submit(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"revision from: {message.content}", ephemeral=True)

    async def _keep(self, call: Awaitable[object]) -> None:
        try:
            await call
        except discord.HTTPException as error:
            self.caught.append(error)

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)


@pytest.fixture
async def bot(standin: StandIn, start_client: StartClient) -> Throwaway:
    """The throwaway bot, ready, with its commands synced to the test guild."""
    client = Throwaway()
    await start_client(client)
    client.tree.copy_global_to(guild=discord.Object(standin.scene.guild.id))
    await client.tree.sync(guild=discord.Object(standin.scene.guild.id))
    return client


async def test_login_reaches_ready_over_the_wire(standin: StandIn, bot: Throwaway) -> None:
    """The client logs in over REST, identifies on the gateway and caches both guilds."""
    routes = [r.route for r in standin.requests]
    assert routes[:2] == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert bot.user is not None
    assert bot.user.id == standin.world.application.bot.id
    assert {g.id for g in bot.guilds} == {standin.scene.guild.id, standin.scene.guild2.id}


async def test_gateway_frames_are_plain_json_though_compression_was_asked(standin: StandIn, bot: Throwaway) -> None:
    """The client asked for transport compression, got TEXT JSON frames and connected anyway."""
    first = standin.gateway.connections[0]
    assert first.query["v"] == "10"
    assert first.query["encoding"] == "json"
    assert first.query.get("compress")
    assert first.kind == "identify"


async def test_command_sync_is_stored_with_ids(standin: StandIn, bot: Throwaway) -> None:
    """A guild sync stores every command and discord.py reads back the ids the stand-in gave them."""
    guild = discord.Object(standin.scene.guild.id)
    stored = {c["name"]: c["id"] for c in standin.core.commands.listing(standin.scene.guild.id)}
    fetched = {c.name: str(c.id) for c in await bot.tree.fetch_commands(guild=guild)}
    assert stored == fetched
    assert {"hello", "slow", "song", "Submit as revision"} <= set(stored)


async def test_slash_command_answered_directly(standin: StandIn, bot: Throwaway) -> None:
    """A slash command's type-4 answer becomes the original message in the channel."""
    handle = await standin.slash("hello")
    assert (await handle.response()).type == 4
    message = await handle.message()
    assert message.content == "hi Sam"
    assert standin.messages(standin.scene.general) == [message]


async def test_subcommand_options_reach_the_handler(standin: StandIn, bot: Throwaway) -> None:
    """Nested group/subcommand options arrive typed; the default applies when omitted."""
    handle = await standin.slash("song write lyrics", {"theme": "rain"})
    assert (await handle.message()).content == "lyrics about rain (seed 7)"


async def test_options_are_checked_like_the_discord_client(standin: StandIn, bot: Throwaway) -> None:
    """A value outside the option's declared range cannot be sent, as in Discord's own client."""
    with pytest.raises(ValueError, match="outside"):
        await standin.slash("song write lyrics", {"theme": "rain", "seed": 100})


async def test_autocomplete_returns_choices(standin: StandIn, bot: Throwaway) -> None:
    """An autocomplete request (type 4) is answered with type-8 choices."""
    handle = await standin.autocomplete("song write lyrics", {"theme": "ri"}, focused="theme")
    assert [c["value"] for c in await handle.choices()] == ["rivers"]


async def test_defer_then_follow_up_with_a_file(standin: StandIn, bot: Throwaway) -> None:
    """A deferral's first follow-up fills the thinking message, and the file's bytes round-trip."""
    handle = await standin.slash("slow")
    assert (await handle.response()).type == 5
    followup = await handle.followup()
    assert followup is handle.original
    assert not followup.loading
    assert standin.files(followup) == {"tune.mid": MIDI_BYTES}
    [upload] = standin.requests_to("POST /webhooks/{application_id}/{token}")
    assert upload.files[0].data == MIDI_BYTES
    assert upload.json["attachments"][0]["filename"] == "tune.mid"


async def test_button_click_updates_the_message(standin: StandIn, bot: Throwaway) -> None:
    """Clicking a view's button sends a component interaction the view answers with an update (type 7)."""
    message = await (await standin.slash("vote")).message()
    click = await standin.click(message, label="Yes", member=standin.scene.moderator)
    assert (await click.response()).type == 7
    assert message.content == "Maya voted yes"
    assert message.components == []


async def test_modal_submit_carries_text_and_file(standin: StandIn, bot: Throwaway) -> None:
    """A modal opened by a command is submitted with a text input and a file upload."""
    modal = await (await standin.slash("revise")).modal()
    assert modal.title == "Revise the lyrics"
    assert [i["custom_id"] for i in modal.inputs()] == ["lyrics", "melody"]
    files = {"melody": [Upload("melody.mid", MIDI_BYTES, "audio/midi")]}
    submitted = await standin.submit_modal(modal, {"lyrics": "new line"}, files=files)
    assert (await submitted.message()).content == f"revised: new line files=[{len(MIDI_BYTES)}]"


async def test_message_context_menu(standin: StandIn, bot: Throwaway) -> None:
    """A message command resolves the target message and can answer ephemerally."""
    target = await standin.post(standin.scene.general, "my better chorus")
    handle = await standin.message_command("Submit as revision", target)
    answer = await handle.message()
    assert answer.content == "revision from: my better chorus"
    assert answer.ephemeral
    assert answer not in standin.messages(standin.scene.general)


async def test_thread_created_and_member_message_reaches_on_message(standin: StandIn, bot: Throwaway) -> None:
    """A thread made from the response is cached by the client, and a member's reply in it hits on_message."""
    handle = await standin.slash("thread")
    starter = await handle.message()
    await eventually(lambda: starter.thread_id)
    thread = standin.thread_of(starter)
    await eventually(lambda: len(standin.messages(thread)) == 1)
    assert isinstance(bot.get_channel(thread.id), discord.Thread)
    reply = await standin.post(thread, "verse two", reply_to=standin.messages(thread)[0])
    seen = await eventually(lambda: next((m for m in bot.seen if m.id == reply.id), None))
    assert seen.content == "verse two"
    assert isinstance(seen.channel, discord.Thread)
    assert seen.reference is not None
    assert seen.reference.message_id == standin.messages(thread)[0].id


async def test_attachment_option_is_downloaded_by_the_client(standin: StandIn, bot: Throwaway) -> None:
    """A member's attachment option is served back to ``Attachment.read()``."""
    handle = await standin.slash("checksum", {"file": Upload("demo.mid", MIDI_BYTES)})
    assert (await handle.message()).content == hashlib.sha256(MIDI_BYTES).hexdigest()


async def test_second_initial_response_is_refused_with_40060(standin: StandIn, bot: Throwaway) -> None:
    """Responding twice surfaces Discord's 40060 as an HTTPException; follow-ups still work."""
    handle = await standin.slash("twice")
    await handle.followup()
    error = await eventually(lambda: bot.caught[0] if bot.caught else None)
    assert error.code == 40060
    assert error.status == 400
    assert handle.record.refusals == [{"message": "Interaction has already been acknowledged.", "code": 40060}]


async def test_late_response_gets_10062_and_is_recorded(standin: StandIn, bot: Throwaway) -> None:
    """A callback after the acknowledgement deadline is Discord's 10062 and a recorded miss."""
    standin.interactions.ack_deadline = 0.1
    handle = await standin.slash("late")
    handle.allow_no_answer()
    error = await eventually(lambda: bot.caught[0] if bot.caught else None)
    assert isinstance(error, discord.NotFound)
    assert error.code == 10062
    assert [m.kind for m in standin.deadline_misses] == ["none", "late"]


async def test_content_over_2000_characters_is_rejected(standin: StandIn, bot: Throwaway) -> None:
    """2002 characters of content are refused with 50035 naming the field, and nothing is posted."""
    handle = await standin.slash("ramble")
    handle.allow_no_answer()
    error = await eventually(lambda: bot.caught[0] if bot.caught else None)
    assert error.code == 50035
    assert "data.content" in error.text
    assert standin.messages(standin.scene.general) == []
    assert handle.record.response is None


async def test_everyone_pings_with_default_allowed_mentions(standin: StandIn, bot: Throwaway) -> None:
    """Without allowed_mentions, Discord would ping @everyone."""
    await (await standin.slash("sing", {"quiet": False})).message()
    assert [p.kind for p in standin.pings] == ["everyone"]


async def test_allowed_mentions_none_pings_nobody(standin: StandIn, bot: Throwaway) -> None:
    """``AllowedMentions.none()`` keeps the same text from pinging."""
    message = await (await standin.slash("sing", {"quiet": True})).message()
    assert "@everyone" in message.content
    assert standin.pings == []


async def test_forced_disconnect_resumes_and_replays_missed_events(standin: StandIn, bot: Throwaway) -> None:
    """After a dropped connection the client RESUMEs at the resume URL and gets what it missed."""
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    bot.add_listener(on_resumed)
    await standin.gateway.drop()
    missed = await standin.post(standin.scene.general, "while you were away")
    await standin.gateway.wait_resumed()
    await asyncio.wait_for(resumed.wait(), 2)
    assert standin.gateway.connections[-1].kind == "resume"
    assert standin.gateway.connections[-1].path == "/gateway-resume"
    await eventually(lambda: next((m for m in bot.seen if m.id == missed.id), None))
