"""Crash recovery (tracker #8): the bot SIGKILLed at random moments while members work, restarted on the same file.

The crash bench drives the real entry point in a subprocess against the stand-in; here it runs three rounds as a CI
check. Two windows it found, between posting something on Discord and recording it (a version's message, a song's
thread), are pinned down below without a kill: each test clears the link the way a kill in that window leaves it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.cogs.conftest import shown, wait_for
from tests.proof.conftest import Launch, new_song
from tests.standin import StandIn, StoredMessage
from tests.test_render_pool_lifetime import MARKER, left_behind

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_crash.py"
CHECKS = 12


@pytest.mark.slow
def test_three_crash_rounds_keep_everything_members_saw_acknowledged() -> None:
    """Three SIGKILLs mid-work: every check of the crash bench passes, every figure is printed, no process is left."""
    marker = uuid.uuid4().hex  # inherited by the bench, every bot it starts and their render workers
    try:
        run = subprocess.run(
            [sys.executable, str(BENCH), "--rounds", "3", "--members", "5", "--seed", "8"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=os.environ | {MARKER: marker},
        )
    finally:
        left = left_behind(marker, within=5.0)  # also ends what a timed-out bench left running
    assert left == [], f"processes left running after the bench: {left}"
    assert run.returncode == 0, run.stdout + run.stderr
    checks = re.findall(r"^check (.+): (ok|FAILED)$", run.stdout, re.MULTILINE)
    assert len(checks) == CHECKS
    assert all(verdict == "ok" for _, verdict in checks)
    for figure in (
        "rounds: 3",
        "operations:",
        "interactions left unanswered by a kill:",
        "cut off but stored",
        "posted but left unrecorded by a kill:",
        "restart to ready: median",
    ):
        assert figure in run.stdout
    assert "correctness: OK" in run.stdout


def _reply_to(standin: StandIn, posted: StoredMessage) -> StoredMessage | None:
    thread = standin.world.channel(posted.channel_id)
    assert thread is not None
    return next(
        (
            m
            for m in standin.messages(thread)
            if m.author.bot and (m.message_reference or {}).get("message_id") == str(posted.id)
        ),
        None,
    )


async def test_a_reply_to_a_version_whose_message_link_was_lost_still_becomes_a_version(
    standin: StandIn, launch: Launch
) -> None:
    """A kill after a version's message is posted but before it is recorded: replying to it still saves a version."""
    scene = standin.scene
    bot = await launch(message_content=True)
    await bot.services.guild_settings.update(scene.guild.id, message_revisions=True)
    draft = await new_song(standin, scene.owner)
    thread = standin.thread_of(draft)
    chat = await standin.post(thread, "a verse about the harbour\nand the boats that never came", author=scene.member)
    await shown(await standin.message_command("Submit as revision", chat, member=scene.member), lambda m: m.content)
    v2 = next(m for m in standin.messages(thread) if m.embeds and m.embeds[0]["title"].endswith(" · v2"))
    await bot.services.db.execute("UPDATE versions SET message_id = NULL, channel_id = NULL WHERE number = 2")

    posted = await standin.post(thread, "[Verse 1]\nthe harbour lights go out", author=scene.member, reply_to=v2)

    answer = await wait_for(lambda: _reply_to(standin, posted), within=10)
    assert answer.embeds[0]["title"].endswith(" · v3")
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    v3 = await bot.services.songs.version(song.id, 3)
    assert v3 is not None
    assert v3.parent == 2


async def test_a_thread_whose_recording_was_lost_still_takes_revisions(standin: StandIn, launch: Launch) -> None:
    """A kill after a song's thread is opened but before it is recorded: lyrics posted there still make a version."""
    scene = standin.scene
    bot = await launch(message_content=True)
    await bot.services.guild_settings.update(scene.guild.id, message_revisions=True)
    draft = await new_song(standin, scene.owner)
    thread = standin.thread_of(draft)
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    await bot.services.db.execute("UPDATE songs SET thread_id = NULL WHERE id = ?", (song.id,))

    posted = await standin.post(thread, "[Verse 1]\nthe harbour lights go out", author=scene.member)

    answer = await wait_for(lambda: _reply_to(standin, posted), within=10)
    assert answer.embeds[0]["title"].endswith(" · v2")
    recorded = await bot.services.songs.get(song.id)
    assert recorded is not None
    assert recorded.thread_id == thread.id
