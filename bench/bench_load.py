"""Load: simulated members in several servers co-writing for a while, with the bot's vital signs (tracker #8).

Members think, then act, in rough proportions of a busy co-writing server: drafts, melody sketches, revisions by
all three paths (modal, Submit as revision, thread reply), sound-offs and votes, history, credits and diffs.
Every action is checked for its answer. The stand-in, the load and the bot share one process and event loop
(render workers are separate processes), so the bot's figures are an upper bound; the stand-in drops file bytes
and old gateway frames as it goes so its own memory stays out of the way.

Figures: operations/s, acknowledgement latency p50/p99 (stand-in's clock, dispatch to first callback), time to a
finished draft p99, event-loop lag p99 (a sampler task), peak RSS of the process and of each render worker, and
the database size. Budgets: ack p99 < 250 ms, loop lag p99 < 50 ms, bot memory < 400 MB; exits 1 when a budget
or a correctness check fails.

Run: python bench/bench_load.py [--seconds 60] [--servers 3] [--members 8] [--workers 2] [--think 2.0] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import _harness
from _harness import percentile

from bot.app import SoundOffBot
from bot.discord_endpoints import apply_endpoints
from bot.services import Services
from bot.settings import Settings
from tests.standin import Channel, InteractionHandle, LogGuard, Member, StandIn, StoredMessage

ACK_P99_MS, LAG_P99_MS, MEMORY_MB = 250.0, 50.0, 400.0
THINK_SECONDS = 2.0
ANSWER_WITHIN = 60.0
LAG_TICK = 0.05
WORDS = "rain night bus home light river road heart fire sea sky morning gold stone window song".split()
MIX: dict[str, int] = {
    "draft": 8,
    "melody": 5,
    "modal revision": 9,
    "menu revision": 5,
    "reply revision": 6,
    "start sound-off": 3,
    "vote": 28,
    "history": 16,
    "credits": 12,
    "diff": 8,
}


@dataclass
class Song:
    """A song as the members see it: its draft message, thread, owner and version messages."""

    draft: StoredMessage
    thread: Channel
    owner: Member
    versions: list[StoredMessage] = field(default_factory=list)
    soundoff: StoredMessage | None = None


@dataclass
class Server:
    channel: Channel
    members: list[Member]
    songs: list[Song] = field(default_factory=list)


@dataclass
class Load:
    """Everything the members share, and what the bench measures."""

    standin: StandIn
    bot: SoundOffBot
    servers: list[Server]
    rng: random.Random
    done: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    draft_seconds: list[float] = field(default_factory=list)
    melody_seconds: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    refused: Counter[int] = field(default_factory=Counter)

    async def until(self, probe: Callable[[], StoredMessage | None], what: str) -> StoredMessage:
        """Wait (event-driven, no polling) until the stand-in shows what ``probe`` looks for."""
        return await self.standin.interactions.wait(probe, ANSWER_WITHIN, lambda: what)


def _line(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 7)))


def _final(handle: InteractionHandle, done: Callable[[StoredMessage], object]) -> Callable[[], StoredMessage | None]:
    """The member's final view: a follow-up (an error after a deferral) or the original once ``done`` holds."""

    def probe() -> StoredMessage | None:
        if handle.followups:
            return handle.followups[-1]
        original = handle.original
        if original is None or original.loading:
            return None
        return original if handle.record.response and (handle.record.response.type == 4 or done(original)) else None

    return probe


def _versions(thread: Channel) -> list[StoredMessage]:
    return [m for m in thread.messages.values() if m.embeds and " · v" in str(m.embeds[0].get("title", ""))]


def _by_member(version: StoredMessage) -> bool:
    """A member's revision (a sound-off needs one to compare with the AI draft)."""
    return str(version.embeds[0].get("footer", {}).get("text", "")).startswith("Revision")


# --- what members do -----------------------------------------------------------------------------------------


async def draft(load: Load, server: Server, member: Member) -> None:
    started = time.monotonic()
    theme = f"{_line(load.rng)} {load.rng.randrange(10**6)}"[:200]
    handle = await load.standin.slash("cowrite lyrics", {"theme": theme}, member=member, channel=server.channel)
    shown = await load.until(_final(handle, lambda m: m.embeds), "a draft")
    if not shown.embeds:
        raise AssertionError(f"draft refused: {shown.content[:100]}")
    load.draft_seconds.append(time.monotonic() - started)
    thread = await load.until(lambda: _thread_ready(load.standin, shown), "the song's thread")
    server.songs.append(Song(shown, load.standin.world.channel(thread.channel_id) or server.channel, member))


def _thread_ready(standin: StandIn, draft_message: StoredMessage) -> StoredMessage | None:
    thread = standin.world.channel(draft_message.thread_id or 0)
    return next((m for m in thread.messages.values() if "gets written" in m.content), None) if thread else None


async def melody(load: Load, server: Server, member: Member) -> None:
    song = load.rng.choice(server.songs)
    started = time.monotonic()
    handle = await load.standin.click(song.draft, label="Add melody", member=member)
    shown = await load.until(_final(handle, lambda m: "Posted v" in m.content), "a melody")
    if "Posted v" not in shown.content:
        raise AssertionError(f"melody refused: {shown.content[:100]}")
    load.melody_seconds.append(time.monotonic() - started)


async def modal_revision(load: Load, server: Server, member: Member) -> None:
    song = load.rng.choice(server.songs)
    opened = await (await load.standin.click(song.draft, label="Revise", member=member)).modal(within=10)
    body = str(opened.inputs()[0].get("value") or "[Verse 1]")
    handle = await load.standin.submit_modal(opened, {"lyrics": f"{body}\n{_line(load.rng)}"[:4000]}, member=member)
    await _saved(load, handle)


async def menu_revision(load: Load, server: Server, member: Member) -> None:
    song = load.rng.choice(server.songs)
    writer = load.rng.choice(server.members)
    posted = await load.standin.post(song.thread, f"{_line(load.rng)}\n{_line(load.rng)}", author=writer)
    await _saved(load, await load.standin.message_command("Submit as revision", posted, member=member))


async def _saved(load: Load, handle: InteractionHandle) -> None:
    shown = await load.until(_final(handle, lambda m: m.content), "a saved revision")
    if "Saved as v" not in shown.content:
        raise AssertionError(f"revision refused: {shown.content[:100]}")


async def reply_revision(load: Load, server: Server, member: Member) -> None:
    song = load.rng.choice(server.songs)
    versions = _versions(song.thread)
    if not versions:
        load.skipped["reply revision"] += 1
        return
    text = f"[Verse 1]\n{_line(load.rng)}\n{_line(load.rng)}"
    posted = await load.standin.post(song.thread, text, author=member, reply_to=versions[-1])
    bot_id = load.standin.world.application.bot.id
    answer = await load.until(
        lambda: next(
            (
                m
                for m in song.thread.messages.values()
                if m.author.id == bot_id and (m.message_reference or {}).get("message_id") == str(posted.id)
            ),
            None,
        ),
        "an answer to a thread reply",
    )
    if not answer.embeds:
        raise AssertionError(f"reply revision refused: {answer.content[:100]}")


async def start_soundoff(load: Load, server: Server, member: Member) -> None:
    ready = [s for s in server.songs if s.soundoff is None and any(_by_member(v) for v in _versions(s.thread))]
    if not ready:
        load.skipped["start sound-off"] += 1
        return
    song = load.rng.choice(ready)
    song.soundoff = song.draft  # claimed, so no other member starts the same one
    handle = await load.standin.click(song.draft, label="Start sound-off", member=song.owner)
    shown = await load.until(_final(handle, lambda m: m.content), "a sound-off")
    if "open" not in shown.content:
        raise AssertionError(f"sound-off refused: {shown.content[:100]}")
    song.soundoff = next(m for m in reversed(server.channel.messages.values()) if m.content.startswith("**Sound-off"))


async def vote(load: Load, server: Server, member: Member) -> None:
    polls = [s.soundoff for s in server.songs if s.soundoff is not None and s.soundoff is not s.draft]
    if not polls:
        load.skipped["vote"] += 1
        return
    poll = load.rng.choice(polls)
    labels = [c["label"] for c in poll.interactive() if str(c.get("label", "")).startswith("Vote")]
    handle = await load.standin.click(poll, label=load.rng.choice(labels), member=member)
    shown = await load.until(_final(handle, lambda m: m.content), "a vote")
    if "vote" not in shown.content.lower():
        raise AssertionError(f"vote refused: {shown.content[:100]}")


Action = Callable[[Load, Server, Member], Awaitable[None]]


def _reading(command: str, options: Callable[[Song], dict[str, str]]) -> Action:
    async def read(load: Load, server: Server, member: Member) -> None:
        song = load.rng.choice(server.songs)
        handle = await load.standin.slash(command, options(song), member=member, channel=song.thread)
        shown = await load.until(_final(handle, lambda m: m.content), f"/{command}")
        if not shown.content or shown.ephemeral:
            raise AssertionError(f"/{command} refused: {shown.content[:100]}")

    return read


ACTIONS: dict[str, Action] = {
    "draft": draft,
    "melody": melody,
    "modal revision": modal_revision,
    "menu revision": menu_revision,
    "reply revision": reply_revision,
    "start sound-off": start_soundoff,
    "vote": vote,
    "history": _reading("history", lambda song: {}),
    "credits": _reading("credits", lambda song: {}),
    "diff": _reading("diff", lambda song: {"a": "v1", "b": f"v{max(1, len(_versions(song.thread)) + 1)}"}),
}


async def member_loop(load: Load, server: Server, member: Member, until: float, think: float) -> None:
    """Think, act, check the answer; repeat until the run ends."""
    names, weights = list(MIX), list(MIX.values())
    while (pause := load.rng.expovariate(1 / think)) < until - time.monotonic():
        await asyncio.sleep(pause)
        action = "draft" if not server.songs else load.rng.choices(names, weights)[0]
        try:
            await ACTIONS[action](load, server, member)
        except Exception as error:  # a failed check is a finding, not a crash of the bench
            load.failures.append(f"{action} by {member.user.name}: {type(error).__name__}: {str(error)[:160]}")
        else:
            load.done[action] += 1


# --- instruments -----------------------------------------------------------------------------------------------


async def lag_sampler(load: Load) -> None:
    """How late the event loop wakes a task that asked to sleep ``LAG_TICK`` seconds."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(LAG_TICK)
        load.lags.append(max(0.0, time.perf_counter() - before - LAG_TICK) * 1000)


async def janitor(load: Load) -> None:
    """Keep the stand-in's records from growing with the run: file bytes, request bodies, replay frames."""
    while True:
        await asyncio.sleep(2.0)
        standin = load.standin
        load.refused.update(r.status for r in standin.requests if r.status >= 400)
        standin.requests.clear()
        standin.gateway.sent.clear()
        for session in standin.gateway.sessions.values():
            del session.backlog[:-200]
        for guild in standin.world.guilds.values():
            for channel in guild.channels.values():
                for message in channel.messages.values():
                    for attachment in message.attachments:
                        attachment.data = b""


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory (VmHWM) of a process; this process when ``pid`` is None.

    Not ``getrusage``: its ``ru_maxrss`` survives ``execve``, so a bench started from a big process (pytest)
    would report its parent's peak.
    """
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids() -> list[int]:
    import multiprocessing

    return [p.pid for p in multiprocessing.active_children() if p.pid is not None]


# --- the run ---------------------------------------------------------------------------------------------------


@dataclass
class Rig:
    """The running stand-in and bot; ``problems`` (missed deadlines, logged errors) is filled when it stops."""

    standin: StandIn
    bot: SoundOffBot
    servers: list[Server]
    problems: list[str] = field(default_factory=list)


@contextlib.asynccontextmanager
async def loaded_bot(servers: int, members: int, workers: int) -> AsyncIterator[Rig]:
    """The stand-in with ``servers`` servers of ``members`` members, and the bot (message content on) in all."""
    standin = await StandIn().start()
    world, scene = standin.world, standin.scene
    rooms = [Server(scene.cowriting, [scene.owner, scene.member, scene.moderator])]
    for number in range(1, servers):
        guild = world.add_guild(f"Band {number}")
        rooms.append(Server(world.add_text_channel(guild, "co-writing"), [guild.members[guild.owner_id]]))
    for room in rooms:
        guild = world.guilds[room.channel.guild_id]
        room.members += [world.add_member(guild, f"{guild.name.lower().replace(' ', '')}-{i}") for i in range(members)]
        room.members = room.members[:members]
    apply_endpoints(standin.api_base_url, standin.gateway_url)
    guard = LogGuard()
    for name in ("discord", "bot", "cogs"):
        guard.watch(name)
    with tempfile.TemporaryDirectory(prefix="soundoff-load-") as folder:
        settings = Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
            _env_file=None,
            SOUNDOFF_DATABASE=str(Path(folder) / "load.db"),
            SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
            SOUNDOFF_COOLDOWN_SECONDS=0,
            SOUNDOFF_DAILY_QUOTA=1_000_000,
            SOUNDOFF_RENDER_WORKERS=workers,
        )
        services = await Services.open(settings)
        services.pool.start()
        await asyncio.gather(*(services.pool.run(time.sleep, 0.3) for _ in range(workers)))  # every worker warm
        bot = SoundOffBot(services, message_content=True, sync_dev_guild=False)
        client = asyncio.create_task(bot.start(standin.token))
        try:
            while not bot.is_ready():
                if client.done():
                    client.result()
                await asyncio.sleep(0.02)
            await bot.tree.sync()
            for room in rooms:
                await services.guild_settings.update(room.channel.guild_id, message_revisions=True)
            rig = Rig(standin, bot, rooms)
            yield rig
        finally:
            await _harness.settle()
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await client
            await services.close()
            await standin.stop()
            guard.detach()
            rig.problems += standin.problems() + [f"logged: {line.splitlines()[0]}" for line in guard.unexpected()]


def _seconds(label: str, samples: list[float]) -> str:
    if not samples:
        return f"{label}: none"
    return f"{label}: n={len(samples)} p50 {statistics.median(samples):.2f} s  p99 {percentile(samples, 0.99):.2f} s"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--members", type=int, default=8, help="members per server")
    parser.add_argument("--workers", type=int, default=2, help="render worker processes")
    parser.add_argument(
        "--think", type=float, default=THINK_SECONDS, help="mean seconds a member waits between actions"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    async with loaded_bot(args.servers, args.members, args.workers) as rig:
        standin, bot, servers = rig.standin, rig.bot, rig.servers
        load = Load(standin, bot, servers, random.Random(args.seed))
        helpers = [asyncio.create_task(lag_sampler(load)), asyncio.create_task(janitor(load))]
        began = time.monotonic()
        until = began + args.seconds
        await asyncio.gather(*(member_loop(load, s, m, until, args.think) for s in servers for m in s.members))
        elapsed = time.monotonic() - began
        for helper in helpers:
            helper.cancel()
        workers = {pid: peak_rss_mb(pid) for pid in worker_pids()}
        database = bot.services.settings.database
        db_bytes = sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))
        acks = [(r.response.at - r.created_at) * 1000 for r in standin.interactions.records.values() if r.response]
        load.refused.update(r.status for r in standin.requests if r.status >= 400)
    failures = load.failures + rig.problems
    process_mb = peak_rss_mb()
    lines = [
        f"{args.servers} servers x {args.members} members, {args.workers} render workers, {elapsed:.0f} s",
        f"operations: {sum(load.done.values())} ({sum(load.done.values()) / elapsed:.1f}/s)  "
        + ", ".join(f"{k} {v}" for k, v in sorted(load.done.items())),
        f"skipped (nothing to act on yet): {dict(load.skipped)}",
        f"ack latency: n={len(acks)} p50 {statistics.median(acks):.1f} ms  p99 {percentile(acks, 0.99):.1f} ms  "
        f"max {max(acks):.1f} ms  (budget p99 < {ACK_P99_MS:.0f} ms)",
        _seconds("finished draft", load.draft_seconds),
        _seconds("melody sketch posted", load.melody_seconds),
        f"event-loop lag: p50 {statistics.median(load.lags):.1f} ms  p99 {percentile(load.lags, 0.99):.1f} ms  "
        f"max {max(load.lags):.1f} ms  (budget p99 < {LAG_P99_MS:.0f} ms)",
        f"peak RSS: bot process (with the stand-in) {process_mb:.0f} MB (budget < {MEMORY_MB:.0f} MB); "
        f"render workers " + ", ".join(f"{mb:.0f} MB" for mb in workers.values()),
        f"database: {db_bytes / 1e6:.2f} MB on disk",
        f"Discord refusals seen: {dict(load.refused) or 'none'}",
    ]
    if acks and percentile(acks, 0.99) >= ACK_P99_MS:
        failures.append(f"ack p99 over budget: {percentile(acks, 0.99):.0f} ms")
    if load.lags and percentile(load.lags, 0.99) >= LAG_P99_MS:
        failures.append(f"event-loop lag p99 over budget: {percentile(load.lags, 0.99):.0f} ms")
    if process_mb >= MEMORY_MB:
        failures.append(f"memory over budget: {process_mb:.0f} MB")
    return _harness.finish("load", lines, failures, started)


if __name__ == "__main__":
    _harness.run_bench(main)
