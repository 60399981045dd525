"""/notes, the Notes button under members' versions and /privacy, through the real client and the stand-in."""

from __future__ import annotations

from tests.cogs.conftest import MakeBot, shown, wait_for
from tests.standin import StandIn, StoredMessage


def _actions(message: StoredMessage) -> set[str]:
    return {c["custom_id"].split(":")[2] for row in message.components for c in row["components"]}


async def _revised(standin: StandIn, make_bot: MakeBot) -> tuple[StoredMessage, StoredMessage]:
    """An AI draft and a member's revision of it (v2), as posted in the song's thread."""
    scene = standin.scene
    await make_bot()
    handle = await standin.slash("cowrite lyrics", {"theme": "harbour lights", "seed": 3}, member=scene.owner)
    draft = await shown(handle, lambda m: m.embeds)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    body = opened.inputs()[0]["value"]
    edited = body.replace(body.splitlines()[1], "the lights are burning like a fire of desire", 1)
    await shown(
        await standin.submit_modal(opened, {"lyrics": edited}, member=scene.member), lambda m: "v2" in m.content
    )
    v2 = await wait_for(
        lambda: next((m for m in standin.messages(thread) if m.embeds and " · v2" in m.embeds[0]["title"]), None)
    )
    return draft, v2


async def test_notes_button_sits_under_members_versions_only(standin: StandIn, make_bot: MakeBot) -> None:
    """A member's version has a Notes button; the AI draft does not."""
    draft, v2 = await _revised(standin, make_bot)
    assert "notes" not in _actions(draft)
    assert "notes" in _actions(v2)


async def test_notes_are_private_and_can_be_posted(standin: StandIn, make_bot: MakeBot) -> None:
    """Notes point at lines, privately, offline by default; Post in thread shares them without pinging."""
    scene = standin.scene
    _, v2 = await _revised(standin, make_bot)
    notes = await shown(
        await standin.click(v2, label="Notes", member=scene.owner), lambda m: "Notes on v2" in m.content
    )
    assert notes.ephemeral
    assert "Verse 1, line 1: 12 syllables" in notes.content  # the line the member wrote
    before = len(standin.pings)
    await standin.click(notes, label="Post in thread", member=scene.owner)
    thread = standin.world.channel(v2.channel_id)
    assert thread is not None
    posted = await wait_for(lambda: next((m for m in standin.messages(thread) if "asked for by" in m.content), None))
    assert "Notes on v2" in posted.content
    assert len(standin.pings) == before


async def test_notes_command_defaults_to_the_latest_version(standin: StandIn, make_bot: MakeBot) -> None:
    """/notes in a song's thread gives notes on its latest version, privately."""
    scene = standin.scene
    _, v2 = await _revised(standin, make_bot)
    thread = standin.world.channel(v2.channel_id)
    handle = await standin.slash("notes", member=scene.member, channel=thread)
    notes = await shown(handle, lambda m: "Notes on v2" in m.content)
    assert notes.ephemeral


async def test_privacy_records_a_members_choice(standin: StandIn, make_bot: MakeBot) -> None:
    """/privacy llm:False keeps the member's words offline and says so; leaving the option out shows it."""
    scene = standin.scene
    bot = await make_bot()
    saved = await (await standin.slash("privacy", {"llm": False}, member=scene.member)).message()
    assert saved.ephemeral
    assert saved.content.startswith("Saved. Your lyrics stay away from the LLM")
    assert await bot.workshop.consent.opted_out(scene.member.id)
    shown_again = await (await standin.slash("privacy", member=scene.member)).message()
    assert "stay away" in shown_again.content
