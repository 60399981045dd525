"""The acknowledgement audit: with a slow CDN and slow REST, every interaction path still answers inside 3 s.

The stand-in serves in microseconds; Discord's CDN and REST can take seconds. A handler that downloads a file
or asks Discord for a channel before it acknowledges misses the deadline there (10062, "interaction failed").
Here every such call takes 3.5 s, so any await of it before the acknowledgement is a recorded miss, and the
stand-in fixture fails the test on it.
"""

from __future__ import annotations

import asyncio

from tests.cogs.conftest import MakeBot, answer, shown, wait_for
from tests.standin import InteractionHandle, StandIn, StoredMessage, Upload

SLOW = 3.5
ABC = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nGABc d2 B2|c2 A2 G4|\n"
SLOW_ROUTES = (
    "GET /channels/{channel_id}",
    "GET /channels/{channel_id}/messages",
    "GET /channels/{channel_id}/messages/{message_id}",
    "POST /channels/{channel_id}/messages",
    "PATCH /channels/{channel_id}/messages/{message_id}",
    "POST /channels/{channel_id}/messages/{message_id}/threads",
    "PATCH /channels/{channel_id}",
    "GET /guilds/{guild_id}",
    "GET /guilds/{guild_id}/channels",
    "GET /guilds/{guild_id}/members/{user_id}",
)


async def _song_with_thread(standin: StandIn, make_bot: MakeBot) -> tuple[StoredMessage, StoredMessage]:
    await make_bot()
    handle = await standin.slash("cowrite lyrics", {"theme": "harbour lights"}, member=standin.scene.owner)
    draft = await shown(handle, lambda m: m.embeds)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    # the how-to note is posted after the bot recorded the thread: from then on the song is found by it
    await wait_for(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)))
    post = await standin.post(thread, "[Verse]\nmy own words for the harbour", attachments=[Upload("tune.abc", ABC)])
    return draft, post


async def test_submit_as_revision_acknowledges_before_a_slow_download(standin: StandIn, make_bot: MakeBot) -> None:
    """Submit as revision with a melody file: the CDN takes 3.5 s, the answer is still in time, the file saved."""
    _, post = await _song_with_thread(standin, make_bot)
    standin.latency.cdn = SLOW
    handle = await standin.message_command("Submit as revision", post, member=standin.scene.member)
    assert (await handle.response(within=3.0)).type == 5
    saved = await shown(handle, lambda m: "Saved as v2" in m.content, within=30)
    assert saved.ephemeral
    assert standin.downloads[-1].filename == "tune.abc"
    assert standin.deadline_misses == []


async def test_the_revise_form_acknowledges_before_a_slow_download(standin: StandIn, make_bot: MakeBot) -> None:
    """The Revise form with a melody upload: acknowledged first, then the 3.5 s download, then the version."""
    draft, _ = await _song_with_thread(standin, make_bot)
    opened = await (await standin.click(draft, label="Revise", member=standin.scene.member)).modal()
    standin.latency.cdn = SLOW
    handle = await standin.submit_modal(opened, {}, files={"melody": [Upload("tune.abc", ABC)]})
    assert (await handle.response(within=3.0)).type == 5
    await shown(handle, lambda m: "Saved as v2" in m.content, within=30)
    assert standin.deadline_misses == []


async def test_every_path_acknowledges_inside_three_seconds_when_discord_is_slow(
    standin: StandIn, make_bot: MakeBot
) -> None:
    """Every command, button and menu answers in time while channel, message and guild routes take 3.5 s."""
    scene = standin.scene
    draft, post = await _song_with_thread(standin, make_bot)
    thread = standin.thread_of(draft)
    for route in SLOW_ROUTES:
        standin.latency.routes[route] = SLOW
    standin.latency.cdn = SLOW
    member, owner = scene.member, scene.owner
    handles: list[InteractionHandle] = [
        await standin.slash("help", member=member),
        await standin.slash("history", member=member, channel=thread),
        await standin.slash("credits", member=member, channel=thread),
        await standin.slash("diff", {"a": "v1", "b": "v1"}, member=member, channel=thread),
        await standin.slash("export", member=member, channel=thread),
        await standin.slash("soundoff stats", member=member),
        await standin.slash("settings show", member=owner),
        await standin.slash("cowrite melody", member=member, channel=thread),
        await standin.message_command("Submit as revision", post, member=member),
        await standin.click(draft, label="Add melody", member=member),
        await standin.click(draft, label="Regenerate", member=member),
        await standin.click(draft, label="Revise", member=member),
        await standin.slash("revise", member=member, channel=thread),
    ]
    for handle in handles:
        await handle.response(within=3.0)
    waiting = [h for h in handles if h.record.response and h.record.response.type == 5]  # the deferred ones
    results = await asyncio.gather(*(answer(h, within=60) for h in waiting), return_exceptions=True)
    assert [h.record.label for h, r in zip(waiting, results, strict=True) if isinstance(r, BaseException)] == []
    assert standin.deadline_misses == []
