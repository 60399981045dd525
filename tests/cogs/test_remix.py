"""The Remix button and form under an AI draft, through the real client and the stand-in."""

from __future__ import annotations

from bot.songwriting.words.prosody import count_syllables
from tests.cogs.conftest import MakeBot, shown, wait_for
from tests.standin import StandIn, StoredMessage


def _actions(message: StoredMessage) -> set[str]:
    return {c["custom_id"].split(":")[2] for row in message.components for c in row["components"]}


async def test_remix_writes_a_new_draft_from_the_edited_brief(standin: StandIn, make_bot: MakeBot) -> None:
    """The form is prefilled with the brief; the edited brief gives a sibling AI draft whose notes say what changed."""
    scene = standin.scene
    bot = await make_bot()
    options = {"theme": "harbour lights", "form": "verse-chorus", "rhyme_scheme": "ABAB", "syllables": 8, "seed": 3}
    draft = await shown(await standin.slash("cowrite lyrics", options, member=scene.owner), lambda m: m.embeds)
    assert "remix" in _actions(draft)
    opened = await (await standin.click(draft, label="Remix", member=scene.member)).modal()
    values = {field["custom_id"]: field.get("value") or "" for field in opened.inputs()}
    assert values["theme"] == "harbour lights"
    assert values["form"] == "verse-chorus"
    assert values["shape"] == "ABAB 8"
    edits = {**values, "mood": "defiant", "shape": "AABB 6"}
    submitted = await standin.submit_modal(opened, edits, member=scene.member)
    await shown(submitted, lambda m: "Posted v2" in m.content)
    song = await bot.services.songs.latest_for_member(scene.guild.id, scene.owner.id)
    assert song is not None
    v2 = await bot.services.songs.version(song.id, 2)
    assert v2 is not None
    assert v2.lyrics is not None
    assert (v2.parent, v2.kind) == (None, "ai-variation")
    assert all(abs(count_syllables(line) - 6) <= 1 for line in v2.lyrics.lines)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    posted = await wait_for(
        lambda: next((m for m in standin.messages(thread) if m.embeds and " · v2" in m.embeds[0]["title"]), None)
    )
    notes = next(f["value"] for f in posted.embeds[0]["fields"] if f["name"] == "Notes")
    assert "Remixed from v1: mood — → defiant, rhyme scheme ABAB → AABB, syllables 8 → 6." in notes
    assert "remix" in _actions(posted)


async def test_a_bad_remix_form_stores_nothing(standin: StandIn, make_bot: MakeBot) -> None:
    """A form that makes no brief is answered privately with why, and no version is added."""
    scene = standin.scene
    bot = await make_bot()
    draft = await shown(
        await standin.slash("cowrite lyrics", {"theme": "harbour lights"}, member=scene.owner), lambda m: m.embeds
    )
    opened = await (await standin.click(draft, label="Remix", member=scene.member)).modal()
    values = {field["custom_id"]: field.get("value") or "" for field in opened.inputs()}
    handle = await standin.submit_modal(opened, {**values, "form": "opera"}, member=scene.member)
    refused = await shown(handle, lambda m: "Pick a form" in m.content)
    assert refused.ephemeral
    song = await bot.services.songs.latest_for_member(scene.guild.id, scene.owner.id)
    assert song is not None
    assert len(await bot.services.songs.versions(song.id)) == 1
