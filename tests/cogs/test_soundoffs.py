"""Sound-offs end to end: blind voting, changed and concurrent votes, outsiders, restarts, results once, stats."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.app import SoundOffBot
from bot.db.connection import Database
from tests.cogs.conftest import MakeBot, shown, stop_bot, wait_for
from tests.standin import StandIn, StoredMessage


async def _song_with_revision(standin: StandIn, bot: SoundOffBot) -> tuple[StoredMessage, int]:
    """An AI draft by the owner and one revision by the member; returns the draft message and song id."""
    scene = standin.scene
    draft = await shown(
        await standin.slash(
            "cowrite lyrics", {"theme": "a lighthouse in fog", "seed": 3}, member=scene.owner, channel=scene.cowriting
        ),
        lambda m: m.embeds,
    )
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    body = opened.inputs()[0]["value"]
    edited = body.replace(body.splitlines()[1], "the keeper sings into the grey", 1)
    await shown(await standin.submit_modal(opened, {"lyrics": edited}), lambda m: "Saved as v2" in m.content)
    song = await bot.services.songs.latest_for_member(scene.guild.id, scene.owner.id)
    assert song is not None
    return draft, song.id


def _soundoff_message(standin: StandIn) -> StoredMessage:
    return next(m for m in reversed(standin.messages(standin.scene.cowriting)) if m.content.startswith("**Sound-off"))


async def test_blind_soundoff_votes_results_and_reveal(standin: StandIn, make_bot: MakeBot) -> None:
    """Members vote and change votes blind; the owner ends it; results and the reveal are posted once."""
    scene = standin.scene
    bot = await make_bot()
    _, song_id = await _song_with_revision(standin, bot)
    start = await standin.slash("soundoff start", {"hours": 2}, member=scene.owner, channel=scene.cowriting)
    await shown(start, lambda m: "sound-off is open" in m.content)
    poll = _soundoff_message(standin)
    assert len(poll.embeds) == 2
    assert all("AI" not in e["title"] and "v1" not in e["title"] for e in poll.embeds)  # blind
    soundoff = await bot.services.soundoffs.for_song(song_id)
    assert soundoff is not None
    human = next(o.label for o in soundoff.options if o.version_number == 2)
    ai = next(o.label for o in soundoff.options if o.version_number == 1)

    voters = [standin.world.add_member(scene.guild, f"voter{i}") for i in range(4)]
    for voter in voters[:3]:
        ack = await (await standin.click(poll, label=f"Vote {human}", member=voter)).message()
        assert ack.ephemeral
        assert f"You voted {human}" in ack.content
    changed = await (await standin.click(poll, label=f"Vote {ai}", member=voters[0])).message()
    assert f"from {human} to {ai}" in changed.content
    clicks = await asyncio.gather(*(standin.click(poll, label=f"Vote {ai}", member=voters[3]) for _ in range(5)))
    for click in clicks:
        await click.message()
    assert await bot.services.soundoffs.tallies(soundoff.id) == {"A": 2, "B": 2}

    early = await (await standin.slash("soundoff results", member=scene.member, channel=scene.cowriting)).message()
    assert "4 votes" in early.content
    assert "wins" not in early.content

    refused = await (await standin.slash("soundoff end", member=scene.member, channel=scene.cowriting)).message()
    assert refused.ephemeral
    assert "owner or a moderator" in refused.content

    await shown(
        await standin.slash("soundoff end", member=scene.owner, channel=scene.cowriting),
        lambda m: "Closed" in m.content,
    )
    results = await wait_for(
        lambda: next((m for m in standin.messages(scene.cowriting) if "Sound-off results" in m.content), None)
    )
    assert "Tie" in results.content
    assert "The AI wrote option" in results.content
    assert "results.png" in standin.files(results)
    assert all(c.get("disabled") for row in poll.components for c in row["components"])
    assert poll.content.startswith("**Sound-off closed.**")
    assert "Final tally: A 2 · B 2 (results below)" in poll.content
    assert "Tallies stay hidden" not in poll.content
    await asyncio.sleep(0.2)
    assert sum("Sound-off results" in m.content for m in standin.messages(scene.cowriting)) == 1

    stats = await (await standin.slash("soundoff stats", member=scene.member, channel=scene.cowriting)).message()
    assert "1 held" in stats.content
    assert standin.pings == []


async def test_deadline_passing_while_bot_is_down_closes_after_start(
    standin: StandIn, make_bot: MakeBot, tmp_path: Path
) -> None:
    """A sound-off whose deadline passed during a restart closes right after start, results posted once."""
    scene = standin.scene
    database = tmp_path / "restart.db"
    bot = await make_bot(database=database)
    _, song_id = await _song_with_revision(standin, bot)
    await shown(
        await standin.slash("soundoff start", {"hours": 1}, member=scene.owner, channel=scene.cowriting),
        lambda m: "open" in m.content,
    )
    poll = _soundoff_message(standin)
    soundoff = await bot.services.soundoffs.for_song(song_id)
    assert soundoff is not None
    await (await standin.click(poll, label="Vote A", member=scene.member)).message()
    await stop_bot(bot)

    db = await Database.open(database)
    await db.execute("UPDATE soundoffs SET ends_at = ? WHERE id = ?", (time.time() - 60, soundoff.id))
    await db.close()

    await make_bot(database=database)
    results = await wait_for(
        lambda: next((m for m in standin.messages(scene.cowriting) if "Sound-off results" in m.content), None),
        within=10,
    )
    assert "1 vote" in results.content
    await asyncio.sleep(0.3)
    assert sum("Sound-off results" in m.content for m in standin.messages(scene.cowriting)) == 1
    assert all(c.get("disabled") for row in poll.components for c in row["components"])
    assert "Final tally: A 1 · B 0 (results below)" in poll.content


async def test_open_soundoff_names_authors_and_links_versions(standin: StandIn, make_bot: MakeBot) -> None:
    """With blind off, each option names its writer (the AI disclosed) and links to the full version."""
    scene = standin.scene
    bot = await make_bot()
    await _song_with_revision(standin, bot)
    start = await standin.slash("soundoff start", {"blind": False}, member=scene.owner, channel=scene.cowriting)
    await shown(start, lambda m: "open" in m.content)
    poll = _soundoff_message(standin)
    titles = sorted(e["title"] for e in poll.embeds)
    assert any("the AI draft" in t for t in titles)
    assert any("by Sam" in t for t in titles)
    assert all(e.get("url", "").startswith("https://discord.com/channels/") for e in poll.embeds)
    assert "Blind" not in poll.content
