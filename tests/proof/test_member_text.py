"""One text sanitiser for every door members' words come in by (issue 29), and Add melody on wordless lyrics.

The same characters (NUL, a bell, a terminal escape, DEL, a C1 control, a lone surrogate, a non-character) are
refused with the same sentence by the Revise form, "Submit as revision", a thread reply, the playground and the
studio; line breaks of every kind arrive as ``\\n`` and tabs stay. Add melody on lyrics without a syllable is
refused before a generation is claimed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import UserFacingError
from bot.services import Services
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.text import member_text
from bot.workshop.actors import Actor
from bot.workshop.drafts import MusicOptions
from bot.workshop.revising import Revisions
from bot.workshop.workshop import Workshop
from tests.cogs.conftest import answer, wait_for
from tests.proof.conftest import Launch, new_song, quiet
from tests.standin import StandIn
from tests.workshop.songs import a_song

HOSTILE = {
    "nul": "\x00",
    "bell": "\x07",
    "escape": "\x1b[31m",
    "delete": "\x7f",
    "c1-csi": "\x9b",
    "lone-surrogate": "\ud800",
    "non-character": "\ufffe",
}
ANA = Actor(guild_id=1, user_id=10, name="Ana")


def hostile_verse(character: str) -> str:
    return f"[Verse 1]\nthe lamps are low tonight\nthe tide {character}turns in the bay"


def sentence(character: str) -> str:
    """What every path answers: the sanitiser's own message."""
    with pytest.raises(UserFacingError) as refused:
        member_text(hostile_verse(character), "your lyrics")
    return str(refused.value)


@pytest.mark.parametrize("character", HOSTILE.values(), ids=HOSTILE.keys())
async def test_the_workshop_refuses_each_character_in_a_revision(services: Services, character: str) -> None:
    """Revisions.submit, which the Revise form, "Submit as revision", thread replies and the playground share."""
    song = await a_song(services)
    revisions = Revisions(services)
    parent = await revisions.parent_for(song, None)
    with pytest.raises(UserFacingError) as refused:
        await revisions.submit(song, ANA, text=hostile_verse(character), upload=None, parent=parent)
    assert str(refused.value) == sentence(character)
    assert str(refused.value).endswith(
        "on line 3 of your lyrics, which can't be sung or shown. Remove it and try again."
    )
    assert [v.number for v in await services.songs.versions(song.id)] == [1]


async def test_line_breaks_of_every_kind_arrive_as_lines_and_tabs_stay(services: Services) -> None:
    """Windows and old-Mac line ends, Word's vertical tab and Unicode's separators each start a new lyric line."""
    song = await a_song(services)
    revisions = Revisions(services)
    text = "[Verse 1]\r\nthe lamps\tare low\rthe tide\x0bis slow\u2028and grey\x85tonight"
    delivery = await revisions.submit(song, ANA, text=text, upload=None, parent=await revisions.parent_for(song, None))
    assert delivery.version.lyrics is not None
    assert delivery.version.lyrics.sections[0].lines == (
        "the lamps\tare low",
        "the tide",
        "is slow",
        "and grey",
        "tonight",
    )


@pytest.mark.parametrize("character", [pytest.param(c, id=k) for k, c in HOSTILE.items() if k != "lone-surrogate"])
def test_the_studio_refuses_the_same_characters_in_a_lyrics_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], character: str
) -> None:
    """``sketch --lyrics``: the same characters, the same check (a lone surrogate cannot be written as UTF-8)."""
    source = tmp_path / "song.txt"
    source.write_text(hostile_verse(character), encoding="utf-8")
    assert main(["sketch", "--lyrics", str(source), "--out", str(tmp_path / "out"), "--seed", "1"]) == 2
    err = capsys.readouterr().err
    assert f"on line 3 (U+{ord(character[0]):04X}): is it a text file?" in err
    assert not (tmp_path / "out").exists()


async def test_discord_refuses_them_on_every_revision_path(standin: StandIn, launch: Launch) -> None:
    """The Revise form, "Submit as revision" and a thread reply each answer with the sanitiser's sentence."""
    bot = await launch(message_content=True)
    scene = standin.scene
    await bot.services.guild_settings.update(scene.guild.id, message_revisions=True)
    draft = await new_song(standin, scene.owner)
    thread = standin.thread_of(draft)
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    modal = await answer(await standin.submit_modal(opened, {"lyrics": hostile_verse("\x00")}))
    assert modal.content == f"{sentence(chr(0))} Your text is attached, so nothing you wrote is lost."
    assert modal.ephemeral
    chat = await standin.post(thread, hostile_verse("\x1b[31m"), author=scene.member)
    menu = await answer(await standin.message_command("Submit as revision", chat, member=scene.owner))
    assert menu.content == sentence("\x1b[31m")
    await standin.post(thread, hostile_verse("\x07"), author=scene.member)
    reply = await wait_for(lambda: next((m for m in standin.messages(thread) if "U+0007" in m.content), None))
    assert reply.content == sentence("\x07")
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    assert [v.number for v in await bot.services.songs.versions(song.id)] == [1]
    await quiet(standin)


# --- Add melody on lyrics with no syllable -------------------------------------------------------------------

WORDLESS = Lyrics("Noise", (Section("Verse 1", ("!!! ???", "--- ...")),))


async def test_add_melody_on_wordless_lyrics_is_refused_before_a_generation_is_claimed(services: Services) -> None:
    """The workshop's check, and add_melody itself, refuse lyrics with no syllable (the composer would fail)."""
    workshop = Workshop(services)
    song = await a_song(services, WORDLESS)
    with pytest.raises(UserFacingError, match="v1 has no words to sing"):
        await workshop.drafts.melody_base(song)
    with pytest.raises(UserFacingError, match="v1 has no words to sing"):
        await workshop.drafts.add_melody(song, MusicOptions())
    assert await services.usage.used_today(1) == 0
    assert len(await services.songs.versions(song.id)) == 1


async def test_the_add_melody_button_on_wordless_lyrics_answers_privately_without_spending(
    standin: StandIn, launch: Launch
) -> None:
    """A member's v2 has no syllable; Add melody under it answers privately and spends nothing."""
    bot = await launch()
    scene = standin.scene
    draft = await new_song(standin, scene.owner)
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    saved = await answer(await standin.submit_modal(opened, {"lyrics": "[Verse 1]\n!!! ???\n--- ..."}))
    assert "Saved as v2" in saved.content
    thread = standin.thread_of(draft)
    v2 = await wait_for(
        lambda: next((m for m in standin.messages(thread) if m.embeds and " · v2" in m.embeds[0]["title"]), None)
    )
    used = await bot.services.usage.used_today(scene.guild.id)
    seen = await answer(await standin.click(v2, label="Add melody", member=scene.member))
    assert seen.content.startswith("v2 has no words to sing"), seen.content
    assert seen.ephemeral
    assert await bot.services.usage.used_today(scene.guild.id) == used
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    assert len(await bot.services.songs.versions(song.id)) == 2
    await quiet(standin)
