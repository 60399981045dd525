"""The whole co-writing flow through the real client and the Discord stand-in, asserting on the wire and the DB."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

import mido

from bot.songwriting.words.lyrics import parse_lyrics
from tests.cogs.conftest import MakeBot, shown, wait_for
from tests.spec import SPEC_COMMANDS
from tests.standin import StandIn, StoredMessage, Upload

THEME = "rain on the night bus home @everyone"


def _footer(message: StoredMessage) -> str:
    return str(message.embeds[0]["footer"]["text"]) if message.embeds else ""


def _version_messages(standin: StandIn, thread_messages: list[StoredMessage]) -> list[StoredMessage]:
    return [m for m in thread_messages if m.embeds and " · v" in m.embeds[0].get("title", "")]


async def test_help_is_ephemeral(standin: StandIn, make_bot: MakeBot) -> None:
    """/help answers at once, privately, and explains the commands."""
    await make_bot()
    handle = await standin.slash("help", member=standin.scene.member)
    response = await handle.response()
    assert response.type == 4
    message = await handle.message()
    assert message.ephemeral
    assert "/cowrite lyrics" in message.embeds[0]["description"]


async def test_sync_registers_exactly_the_spec_commands(standin: StandIn, make_bot: MakeBot) -> None:
    """The development guild gets the spec's command surface."""
    await make_bot()
    names = {(c["name"], c.get("type", 1)) for c in standin.core.commands.listing(standin.scene.guild.id)}
    assert names == SPEC_COMMANDS


async def test_full_cowriting_flow(standin: StandIn, make_bot: MakeBot) -> None:
    """Lyrics, melody, three revisions by two members (modal, menu, reply), then history, diff, credits, export."""
    scene = standin.scene
    bot = await make_bot(message_content=True)
    owner, ana, ben = scene.owner, scene.member, scene.moderator
    await bot.services.guild_settings.update(scene.guild.id, message_revisions=True)
    timings: dict[str, float] = {}

    started = time.perf_counter()
    handle = await standin.slash(
        "cowrite lyrics",
        {"theme": THEME, "form": "verse-chorus", "rhyme_scheme": "ABAB", "syllables": 8, "seed": 7},
        member=owner,
        channel=scene.cowriting,
    )
    assert (await handle.response()).type == 5
    draft = await shown(handle, lambda m: m.embeds)
    timings["lyrics draft"] = time.perf_counter() - started
    assert _footer(draft) == "AI draft · v1 · offline writer · seed 7"
    assert "lyrics.txt" in standin.files(draft)
    assert {c["custom_id"].split(":")[2] for row in draft.components for c in row["components"]} == {
        "melody",
        "regen",
        "revise",
        "remix",
        "soundoff",
        "delete",
    }
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    await wait_for(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)))
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    assert song.owner_id == owner.id

    started = time.perf_counter()
    click = await standin.click(draft, label="Add melody", member=owner)
    await shown(click, lambda m: "Posted v2" in m.content)
    timings["add melody"] = time.perf_counter() - started
    v2 = _version_messages(standin, standin.messages(thread))[-1]
    files = standin.files(v2)
    stem = next(name[:-4] for name in files if name.endswith(".mid"))
    assert {f"{stem}.mid", f"{stem}.musicxml", f"{stem}.png", f"{stem}.ogg"} <= set(files)
    assert files[f"{stem}.png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert files[f"{stem}.ogg"][:4] == b"OggS"
    assert v2.embeds[0]["image"]["url"] == f"attachment://{stem}.png"
    midi = mido.MidiFile(file=io.BytesIO(files[f"{stem}.mid"]))
    lyric_events = [m for track in midi.tracks for m in track if m.type == "lyrics"]
    assert len(lyric_events) > 20

    started = time.perf_counter()
    opened = await (await standin.click(v2, label="Revise", member=ana)).modal()
    body = opened.inputs()[0]["value"]
    first_line = body.splitlines()[1]
    edited = body.replace(first_line, "the driver hums a song he knows", 1)
    submitted = await standin.submit_modal(opened, {"lyrics": edited}, member=ana)
    await shown(submitted, lambda m: "Saved as v3" in m.content)
    timings["modal revision"] = time.perf_counter() - started

    started = time.perf_counter()
    chat = await standin.post(thread, "ben writes a whole new verse\nabout the rain on the glass", author=ben)
    menu = await standin.message_command("Submit as revision", chat, member=owner)
    await shown(menu, lambda m: "Saved as v4" in m.content)
    timings["context-menu revision"] = time.perf_counter() - started

    v3 = next(m for m in _version_messages(standin, standin.messages(thread)) if " · v3" in m.embeds[0]["title"])
    started = time.perf_counter()
    await standin.post(thread, edited.replace("the driver hums", "the driver sings"), author=ana, reply_to=v3)
    await wait_for(lambda: len(_version_messages(standin, standin.messages(thread))) == 4)
    timings["thread-reply revision"] = time.perf_counter() - started

    versions = await bot.services.songs.versions(song.id)
    # every revision path carries v2's tune: the modal (v3), the context menu (v4) and the thread reply (v5)
    assert all(v.melody is not None for v in versions[1:])
    tune = versions[1].melody
    assert tune is not None
    assert {(v.melody.tonic, v.melody.tempo, v.melody.meter) for v in versions[1:] if v.melody} == {
        (tune.tonic, tune.tempo, tune.meter)
    }
    assert [(v.number, v.parent, v.kind, v.author_id) for v in versions] == [
        (1, None, "ai-draft", None),
        (2, 1, "ai-variation", None),
        (3, 2, "human-revision", ana.id),
        (4, 3, "human-revision", ben.id),
        (5, 3, "human-revision", ana.id),
    ]

    started = time.perf_counter()
    history = await (await standin.slash("history", member=ana, channel=thread)).message()
    timings["history"] = time.perf_counter() - started
    assert all(f"v{n}" in history.content for n in range(1, 6))
    diff = await (await standin.slash("diff", {"a": "v1", "b": "v5"}, member=ana, channel=thread)).message()
    assert "```diff" in diff.content
    assert "the driver sings a song he knows" in diff.content
    credits = await (await standin.slash("credits", {"version": "v5"}, member=ana, channel=thread)).message()
    assert f"{ana.user.global_name} — 1 line" in credits.content
    assert "AI" in credits.content

    started = time.perf_counter()
    export = await standin.slash("export", {"version": "v2"}, member=ana, channel=thread)
    exported = await shown(export, lambda m: m.attachments)
    timings["export"] = time.perf_counter() - started
    archive = zipfile.ZipFile(io.BytesIO(standin.files(exported)[exported.attachments[0].filename]))
    assert {"lyrics.txt", "melody.mid", "lead-sheet.musicxml", "preview.ogg", "credits.md", "song.json"} <= set(
        archive.namelist()
    )
    song_json = json.loads(archive.read("song.json"))
    assert parse_lyrics(archive.read("lyrics.txt").decode()).sections[0].label == song_json["sections"][0]["label"]

    assert standin.pings == []
    if target := os.environ.get("SOUNDOFF_TRANSCRIPT"):
        _write_transcript(Path(target), standin, timings)


def _write_transcript(path: Path, standin: StandIn, timings: dict[str, float]) -> None:
    """What crossed the wire, one request a line, for a human reading the flow (set SOUNDOFF_TRANSCRIPT)."""
    start = standin.requests[0].at
    lines = [f"{k}: {v * 1000:.0f} ms" for k, v in timings.items()]
    for request in standin.requests:
        body = request.json if isinstance(request.json, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        text = str(data.get("content") or "") if isinstance(data, dict) else ""
        embeds = data.get("embeds") if isinstance(data, dict) else None
        title = embeds[0].get("title", "") if embeds else ""
        files = ",".join(f.filename for f in request.files)
        summary = " | ".join(p for p in (text[:60].replace("\n", " "), title, files) if p)
        lines.append(
            f"{(request.at - start) * 1000:8.0f} ms {request.method:6} {request.route} {request.status} {summary}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def test_buttons_work_after_restart(standin: StandIn, make_bot: MakeBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A draft's Revise button opens the modal after the bot restarted (persistent DynamicItems)."""
    from tests.cogs.conftest import stop_bot

    bot = await make_bot(database=tmp_path / "restart.db")
    handle = await standin.slash("cowrite lyrics", {"theme": "lighthouse"}, member=standin.scene.owner)
    draft = await shown(handle, lambda m: m.embeds)
    await stop_bot(bot)
    await make_bot(database=tmp_path / "restart.db")
    opened = await (await standin.click(draft, label="Revise", member=standin.scene.member)).modal()
    assert opened.inputs()[0]["value"].startswith("[Verse 1]")


async def test_melody_file_revision_is_rendered(standin: StandIn, make_bot: MakeBot) -> None:
    """A member's ABC file sent with the modal becomes a melody version with score and audio."""
    await make_bot()
    draft = await shown(
        await standin.slash("cowrite lyrics", {"theme": "harbour"}, member=standin.scene.owner), lambda m: m.embeds
    )
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    opened = await (await standin.click(draft, label="Revise", member=standin.scene.member)).modal()
    abc = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nGABc d2 B2|c2 A2 G4|\n"
    handle = await standin.submit_modal(opened, {}, files={"melody": [Upload("tune.abc", abc)]})
    await shown(handle, lambda m: "Saved as v2" in m.content)
    posted = _version_messages(standin, standin.messages(thread))[-1]
    assert any(name.endswith(".ogg") for name in standin.files(posted))
    assert "new melody" in json.dumps(posted.embeds[0])


async def test_regenerate_a_section_or_the_whole_song(standin: StandIn, make_bot: MakeBot) -> None:
    """Regenerate offers the whole song (a sibling draft) or one section (a child keeping the rest)."""
    scene = standin.scene
    bot = await make_bot()
    draft = await shown(
        await standin.slash("cowrite lyrics", {"theme": "harbour lights"}, member=scene.owner), lambda m: m.embeds
    )
    song = await bot.services.songs.latest_for_member(scene.guild.id, scene.owner.id)
    assert song is not None
    v1 = await bot.services.songs.version(song.id, 1)
    assert v1 is not None
    assert v1.lyrics is not None

    menu = await (await standin.click(draft, label="Regenerate", member=scene.member)).message()
    assert menu.ephemeral
    await shown(await standin.select(menu, ["Chorus"], member=scene.member), lambda m: "Posted v2" in m.content)
    v2 = await bot.services.songs.version(song.id, 2)
    assert v2 is not None
    assert v2.lyrics is not None
    assert (v2.parent, v2.kind) == (1, "ai-variation")
    for before, after in zip(v1.lyrics.sections, v2.lyrics.sections, strict=True):
        assert (before.lines == after.lines) == (before.label != "Chorus")

    menu = await (await standin.click(draft, label="Regenerate", member=scene.member)).message()
    await shown(await standin.select(menu, ["whole"], member=scene.member), lambda m: "Posted v3" in m.content)
    v3 = await bot.services.songs.version(song.id, 3)
    assert v3 is not None
    assert v3.parent is None
