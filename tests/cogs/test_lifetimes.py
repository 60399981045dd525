"""Lifetimes the stand-in used to hide: a Revise form submitted long after it opened, across a restart."""

from __future__ import annotations

from pathlib import Path

from tests.cogs.conftest import MakeBot, shown, stop_bot, wait_for
from tests.standin import StandIn


async def _draft_and_open_form(standin: StandIn, make_bot: MakeBot, database: Path):  # type: ignore[no-untyped-def]
    bot = await make_bot(database=database)
    handle = await standin.slash("cowrite lyrics", {"theme": "lighthouse at dusk"}, member=standin.scene.owner)
    draft = await shown(handle, lambda m: m.embeds)
    await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    opened = await (await standin.click(draft, label="Revise", member=standin.scene.member)).modal()
    return bot, draft, opened


async def test_a_revise_form_submitted_after_a_restart_becomes_a_version(
    standin: StandIn, make_bot: MakeBot, tmp_path: Path
) -> None:
    """The form outlives the process that opened it: its submit is answered by custom id, with the right parent."""
    database = tmp_path / "restart.db"
    bot, _, opened = await _draft_and_open_form(standin, make_bot, database)
    await stop_bot(bot)
    bot = await make_bot(database=database)
    edited = opened.inputs()[0]["value"].replace("\n", "\nand the harbour lamps are lit\n", 1)
    handle = await standin.submit_modal(opened, {"lyrics": edited}, member=standin.scene.member)
    await shown(handle, lambda m: "Saved as v2" in m.content)
    song = await bot.services.songs.latest_for_member(standin.scene.guild.id, standin.scene.owner.id)
    assert song is not None
    v2 = await bot.services.songs.version(song.id, 2)
    assert v2 is not None
    assert (v2.parent, v2.author_id, v2.kind) == (1, standin.scene.member.id, "human-revision")
    assert v2.lyrics is not None
    assert "and the harbour lamps are lit" in v2.lyrics.lines


async def test_a_form_for_a_deleted_song_gives_the_text_back(
    standin: StandIn, make_bot: MakeBot, tmp_path: Path
) -> None:
    """When the revision truly cannot be stored, the member's words come back to them as a file."""
    bot, _, opened = await _draft_and_open_form(standin, make_bot, tmp_path / "gone.db")
    song = await bot.services.songs.latest_for_member(standin.scene.guild.id, standin.scene.owner.id)
    assert song is not None
    await bot.services.songs.mark_deleted(song.id, by=standin.scene.owner.id)
    words = "[Verse 1]\nforty lines I wrote by candlelight\nand none of them may vanish"
    handle = await standin.submit_modal(opened, {"lyrics": words}, member=standin.scene.member)
    answer = await shown(handle, lambda m: "deleted" in m.content)
    assert answer.ephemeral
    assert "nothing you wrote is lost" in answer.content
    assert standin.files(answer)["your-revision.txt"].decode() == words
    assert len(await bot.services.songs.versions(song.id)) == 1


async def test_a_draft_that_outlives_its_token_is_posted_in_the_channel(standin: StandIn, make_bot: MakeBot) -> None:
    """Past the interaction token's 15 minutes the draft can't fill the deferred reply: it is posted instead."""
    bot = await make_bot()
    standin.latency.routes["PATCH /webhooks/{application_id}/{token}/messages/@original"] = 0.5
    handle = await standin.slash("cowrite lyrics", {"theme": "a very slow lighthouse"}, member=standin.scene.owner)
    await handle.response()
    handle.expire_token()
    posted = await wait_for(lambda: next((m for m in standin.messages(standin.scene.general) if m.embeds), None))
    assert "v1" in posted.embeds[0]["title"]
    assert "lyrics.txt" in standin.files(posted)
    song = await bot.services.songs.latest_for_member(standin.scene.guild.id, standin.scene.owner.id)
    assert song is not None
    v1 = await bot.services.songs.version(song.id, 1)
    assert v1 is not None
    assert v1.message_id == posted.id
    assert await wait_for(lambda: posted.thread_id)
