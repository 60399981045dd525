"""Faults (tracker #8): a failing LLM, a dropped gateway, Discord 5xx/429s, threads vanishing mid-revision and a
killed render worker. The member always gets a clear outcome and nothing they made is lost."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from bot.app import SoundOffBot
from bot.render_pool import RenderPool
from bot.settings import Settings
from bot.songwriting.words.brief import Brief
from bot.songwriting.writers.llm import LLMWriter
from bot.songwriting.writers.lyric_writer import OFFLINE, LyricWriter
from tests.cogs.conftest import shown, wait_for
from tests.openai_server import OpenAIServer, Reply
from tests.proof.conftest import Launch, new_song, quiet
from tests.standin import InteractionHandle, StandIn, StoredMessage, Upload
from tests.standin.polling import eventually

TUNE = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nGABc d2 B2|c2 A2 G4|GABc d2 B2|c2 A2 G4|\n"


def _no_identify_wait(bot: SoundOffBot) -> SoundOffBot:
    """Skip discord.py's 5-second pause before re-identifying (a rate-limit courtesy, not the bot's logic)."""

    async def at_once(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    bot.before_identify_hook = at_once  # type: ignore[method-assign]  # a per-instance hook, as discord.py allows
    return bot


async def answer_of(handle: InteractionHandle, done: Callable[[StoredMessage], object], within: float) -> StoredMessage:
    """The member's final view: a follow-up, or the original once ``done`` holds for it."""
    await handle.response()

    def probe() -> StoredMessage | None:
        if handle.followups:
            return handle.followups[-1]
        original = handle.original
        return original if original is not None and not original.loading and done(original) else None

    return await eventually(probe, within)


def _versions(standin: StandIn, channel_id: int) -> list[StoredMessage]:
    channel = standin.world.channel(channel_id)
    return (
        [] if channel is None else [m for m in standin.messages(channel) if m.embeds and " · v" in m.embeds[0]["title"]]
    )


# --- the LLM ---------------------------------------------------------------------------------------------------


async def test_every_member_gets_a_draft_through_an_llm_storm(
    standin: StandIn, launch: Launch, openai_server: OpenAIServer
) -> None:
    """Timeouts, a 429 storm, 500s and malformed or truncated JSON: five members at once each get an offline
    draft with a visible note, well within 30 s."""
    storm = [
        *[Reply.slow(5.0)] * 3,
        *[Reply.failing(429, retry_after="0.05")] * 6,
        *[Reply.failing(500)] * 3,
        *[Reply.failing(503)] * 3,
        *[Reply.text('{"title": "Fog", "sections": [{"label": "Verse 1", "lines": ["the fog')] * 2,
        *[Reply.text('{"title": "Fog"', finish_reason="length")] * 2,
        *[Reply.text("Sure! Here is your song: la la la")] * 2,
    ]
    random.Random(8).shuffle(storm)
    openai_server.script(*storm)  # and anything past the script is a 500
    await launch(OPENAI_BASE_URL=openai_server.base_url, OPENAI_MODEL="test-model", SOUNDOFF_LLM_TIMEOUT=0.5)
    members = [standin.world.add_member(standin.scene.guild, f"writer{i}") for i in range(5)]
    started = time.monotonic()
    handles = [
        await standin.slash("cowrite lyrics", {"theme": f"fog number {i}"}, member=m, channel=standin.scene.cowriting)
        for i, m in enumerate(members)
    ]
    drafts = await asyncio.gather(*(shown(h, lambda m: m.embeds, within=30) for h in handles))
    assert time.monotonic() - started < 30
    for draft in drafts:
        embed = draft.embeds[0]
        assert "offline writer" in embed["footer"]["text"]
        notes = next(f["value"] for f in embed["fields"] if f["name"] == "Notes")
        assert "offline writer" in notes
    assert len(openai_server.requests) >= len(storm) // 2
    await quiet(standin)


async def test_a_hanging_llm_gives_up_within_the_draft_deadline(openai_server: OpenAIServer) -> None:
    """However many retries are allowed, a draft stops asking a hanging LLM at its deadline and falls back."""
    openai_server.script(*[Reply.slow(5.0)] * 10)
    llm = LLMWriter(
        api_key="k", base_url=openai_server.base_url, model="m", timeout=0.5, deadline=1.2, max_retries=6, backoff=0.01
    )
    started = time.monotonic()
    draft = await LyricWriter(llm).draft(Brief("fog over the harbour", seed=3))
    elapsed = time.monotonic() - started
    await llm.close()
    assert draft.writer == OFFLINE
    assert draft.notes
    assert elapsed < 1.2 + 0.5


def test_default_llm_deadline_leaves_a_draft_inside_thirty_seconds() -> None:
    """With the default settings a member waits at most the LLM deadline plus the offline writer: under 30 s."""
    settings = Settings(_env_file=None, OPENAI_BASE_URL="http://127.0.0.1:9/v1")  # type: ignore[call-arg]  # aliases as keywords
    llm = LLMWriter(api_key="k", base_url=settings.openai_base_url, model="m", timeout=settings.openai_timeout)
    assert llm.deadline <= 25.0


# --- the gateway -----------------------------------------------------------------------------------------------


async def test_flow_survives_a_dropped_connection_and_an_invalid_session(standin: StandIn, launch: Launch) -> None:
    """A draft started before a disconnect, and one started around an INVALID_SESSION, both complete; the bot
    then answers a revision as usual."""
    bot = _no_identify_wait(await launch())
    scene = standin.scene
    first = await standin.slash("cowrite lyrics", {"theme": "night ferry"}, member=scene.owner, channel=scene.cowriting)
    await standin.gateway.force_reconnect()
    draft = await shown(first, lambda m: m.embeds)
    second = await standin.slash("cowrite lyrics", {"theme": "day ferry"}, member=scene.member, channel=scene.cowriting)
    await standin.gateway.invalidate_session()
    await shown(second, lambda m: m.embeds)
    await wait_for(lambda: bot.is_ready() and draft.thread_id)
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    saved = await answer_of(
        await standin.submit_modal(opened, {"lyrics": "[Verse 1]\nthe ferry horn at dawn"}), lambda m: m.content, 10
    )
    assert "Saved as v2" in saved.content
    await quiet(standin)


# --- Discord's REST API ----------------------------------------------------------------------------------------


@pytest.fixture
def server_errors(standin: StandIn) -> Callable[[str, int, int], None]:
    """Make the stand-in answer a route with an HTTP error ``times`` times (Discord's 5xx), like ``rate_limits``."""
    check = standin.rate_limits.check
    failing: dict[str, list[int]] = {}

    def answer(route: str) -> web.Response | None:
        if failing.get(route):
            status = failing[route].pop()
            return web.Response(status=status, body=json.dumps({"message": "upstream", "code": 0}).encode())
        return check(route)

    standin.rate_limits.check = answer  # type: ignore[method-assign]  # the stand-in's 429 hook, widened to 5xx

    def fail(route: str, status: int, times: int) -> None:
        failing.setdefault(route, []).extend([status] * times)

    return fail


async def test_discord_5xx_and_429_on_follow_ups_lose_nothing(
    standin: StandIn, launch: Launch, server_errors: Callable[[str, int, int], None]
) -> None:
    """A 502 and a 429 on the draft's delivery, and on the revision's post and confirmation: all arrive once."""
    await launch()
    scene = standin.scene
    original = "PATCH /webhooks/{application_id}/{token}/messages/@original"
    post = "POST /channels/{channel_id}/messages"
    server_errors(original, 502, 1)
    standin.rate_limits.limit(original, times=1, retry_after=0.05)
    draft = await new_song(standin, scene.owner)
    server_errors(post, 500, 1)
    standin.rate_limits.limit(post, times=1, retry_after=0.05)
    standin.rate_limits.limit(original, times=1, retry_after=0.05)
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    handle = await standin.submit_modal(opened, {"lyrics": "[Verse 1]\nthe ferry horn at dawn"})
    saved = await answer_of(handle, lambda m: m.content, 20)
    assert "Saved as v2" in saved.content
    assert [m.embeds[0]["title"].rsplit(" · ", 1)[1] for m in _versions(standin, draft.thread_id or 0)] == ["v2"]
    refused = [r.status for r in standin.requests if r.status >= 400]
    assert sorted(refused) == [429, 429, 429, 500, 502]
    await quiet(standin)


# --- threads that go away mid-revision -------------------------------------------------------------------------


@pytest.mark.parametrize("fate", ["deleted", "archived and locked"])
async def test_thread_gone_while_a_revision_renders(standin: StandIn, launch: Launch, fate: str) -> None:
    """The song's thread is deleted (or archived and locked) after a melody revision is stored, while it renders:
    the member is told it was saved, and the version is shown where they acted."""
    bot = await launch()
    scene = standin.scene
    draft = await new_song(standin, scene.owner)
    thread = standin.thread_of(draft)
    song = await bot.services.songs.by_thread(thread.id)
    assert song is not None
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    handle = await standin.submit_modal(opened, {}, files={"melody": [Upload("tune.abc", TUNE)]})
    for _ in range(2000):  # until it is stored; the pool is rendering it then
        if len(await bot.services.songs.versions(song.id)) == 2:
            break
        await asyncio.sleep(0.005)
    if fate == "deleted":
        del standin.world.guild_of(thread).channels[thread.id]
        gone = {"id": str(thread.id), "guild_id": str(thread.guild_id), "parent_id": str(thread.parent_id), "type": 11}
        await standin.gateway.dispatch("THREAD_DELETE", gone)
    else:
        thread.archived = thread.locked = True
        await standin.core.thread_update(thread)
    seen = await answer_of(handle, lambda m: m.content, 20)
    assert "Saved as v2" in seen.content, seen.content
    stored = (await bot.services.songs.versions(song.id))[1]
    assert stored.channel_id == scene.cowriting.id
    assert [m.id for m in _versions(standin, scene.cowriting.id)][-1] == stored.message_id
    await quiet(standin)


# --- the render pool -------------------------------------------------------------------------------------------


@dataclass
class OwnPool:
    """A render pool for one test (its worker gets killed), and the processes that existed before it."""

    pool: RenderPool
    others: set[multiprocessing.process.BaseProcess]

    def kill_workers(self) -> int:
        """SIGKILL the pool's worker processes (what the OOM killer does); return how many."""
        ours = [p for p in multiprocessing.active_children() if p not in self.others]
        for process in ours:
            assert process.pid is not None
            os.kill(process.pid, signal.SIGKILL)
        return len(ours)


@pytest.fixture
def own_pool() -> Iterator[OwnPool]:
    others = set(multiprocessing.active_children())
    pool = RenderPool(1)
    yield OwnPool(pool, others)
    pool.shutdown()


async def test_killed_render_worker_gives_a_clear_answer_and_the_next_sketch_works(
    standin: StandIn, launch: Launch, own_pool: OwnPool
) -> None:
    """The worker rendering a member's melody dies: the member gets a clear message (no endless "thinking"),
    and the next melody sketch renders."""
    await launch(pool=own_pool.pool)
    scene = standin.scene
    await own_pool.pool.run(int)  # the worker is up and warm
    first = await standin.slash("cowrite melody", member=scene.owner, channel=scene.cowriting)
    await first.response()
    assert own_pool.kill_workers() >= 1
    seen = await answer_of(first, lambda m: m.embeds, 20)
    assert seen.embeds or ("try again" in seen.content.lower()), seen.content
    again = await standin.slash("cowrite melody", member=scene.member, channel=scene.cowriting)
    sketch = await shown(again, lambda m: m.embeds, within=30)
    assert any(name.endswith(".ogg") for name in standin.files(sketch))
    await quiet(standin)
