"""Vote throughput and correctness: 2,000 button clicks on a three-option sound-off (issue 7).

Every click takes the full path: INTERACTION_CREATE from the stand-in → the bot's VoteButton → SQLite → the
ephemeral acknowledgement. Clicks come in waves (first votes, changed votes, double clicks, two different
options clicked at once, a mixed tail), each wave concurrent up to ``--in-flight`` clicks. The bench then
checks, reading the database with the standard ``sqlite3`` module, that every member's stored vote is the one
their last click asked for: nothing lost, nothing doubled. For two different options clicked at once, the
acknowledgements say which click the bot applied last (it reports the vote each click replaced).

Run: python bench/bench_votes.py [--members N] [--in-flight N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import _harness
from _harness import Run, ack_latency_ms, latency_line

from tests.standin import InteractionHandle, Member, StoredMessage
from tests.standin.polling import eventually

TOTAL_CLICKS = 2000
REVISION_LINE = "the keeper sings into the grey"
COUNT_REFRESH_WAIT = 4.0  # the bot refreshes the shown vote count at most every 3 s
ACK = re.compile(r"^You (?:voted (?P<same>[A-E])|changed your vote from (?P<previous>[A-E]) to (?P<label>[A-E]))\b")


@dataclass(frozen=True)
class Click:
    member: Member
    label: str
    handle: InteractionHandle

    def replaced(self) -> str | None:
        """The vote this click replaced according to its acknowledgement (its own label when unchanged)."""
        message = self.handle.original
        found = ACK.match(message.content) if message is not None else None
        if found is None:
            raise AssertionError(f"unexpected acknowledgement: {message.content if message else None!r}")
        return found["previous"] or found["same"]


class Voting:
    """Clicks vote buttons for members and keeps the expected final vote of each."""

    def __init__(self, run: Run, poll: StoredMessage, labels: list[str], in_flight: int) -> None:
        self.run = run
        self.poll = poll
        self.labels = labels
        self.in_flight = in_flight
        self.expected: dict[int, str] = {}
        self.clicks: list[Click] = []
        self.waves: list[tuple[str, int]] = []
        self.seconds = 0.0

    async def click(self, member: Member, label: str) -> Click:
        handle = await self.run.standin.click(self.poll, label=f"Vote {label}", member=member)
        await handle.message(within=5)
        click = Click(member, label, handle)
        self.clicks.append(click)
        return click

    async def wave(self, name: str, jobs: list[Callable[[], Awaitable[None]]], clicks_per_job: int = 1) -> None:
        """Run jobs concurrently, at most ``in_flight`` clicks awaiting their ack at once."""
        began, clicked = time.perf_counter(), len(self.clicks)
        await _harness.bounded(jobs, max(1, self.in_flight // clicks_per_job))
        self.seconds += time.perf_counter() - began
        self.waves.append((name, len(self.clicks) - clicked))

    def single(self, member: Member, label: str) -> Callable[[], Awaitable[None]]:
        """One click; its acknowledgement must name the vote it replaced."""

        async def job() -> None:
            before = self.expected.get(member.id)
            click = await self.click(member, label)
            self.expected[member.id] = label
            shown = click.replaced()
            wanted = label if before is None else before
            self.run.check(shown == wanted, f"{member.user.name}: ack says it replaced {shown}, expected {wanted}")

        return job

    def double(self, member: Member, label: str) -> Callable[[], Awaitable[None]]:
        """The same button twice at once: one vote, and exactly one ack may report a change."""

        async def job() -> None:
            before = self.expected.get(member.id)
            first, second = await asyncio.gather(self.click(member, label), self.click(member, label))
            self.expected[member.id] = label
            seen = sorted(str(c.replaced()) for c in (first, second))
            wanted = sorted([str(before or label), label])
            self.run.check(seen == wanted, f"{member.user.name}: double-click acks replaced {seen}, expected {wanted}")

        return job

    def conflict(self, member: Member, labels: tuple[str, str]) -> Callable[[], Awaitable[None]]:
        """Two different buttons at once: the one applied last replaced the other, which replaced the old vote."""

        async def job() -> None:
            before = self.expected[member.id]
            clicks = await asyncio.gather(*(self.click(member, label) for label in labels))
            replaced = [c.replaced() for c in clicks]
            orders = [(a, b) for a, b in ((0, 1), (1, 0)) if replaced[a] == before and replaced[b] == labels[a]]
            if len(orders) != 1:
                self.run.failures.append(f"{member.user.name}: acks {replaced} for {labels} after {before}: not serial")
                return
            self.expected[member.id] = labels[orders[0][1]]

        return job


async def _three_version_song(run: Run) -> None:
    """An AI draft (v1) by the owner and two human revisions (v2, v3) by two members."""
    standin = run.standin
    scene = standin.scene
    handle = await standin.slash(
        "cowrite lyrics", {"theme": "a lighthouse in fog", "seed": 3}, member=scene.owner, channel=scene.cowriting
    )
    draft = await eventually(lambda: handle.original if handle.original and handle.original.embeds else None, 20)
    for number, reviser in ((2, scene.member), (3, scene.moderator)):
        opened = await (await standin.click(draft, label="Revise", member=reviser)).modal()
        body = opened.inputs()[0]["value"]
        edited = body.replace(body.splitlines()[1], f"{REVISION_LINE} {number}", 1)
        submitted = await standin.submit_modal(opened, {"lyrics": edited}, member=reviser)
        await eventually(_saved_as(submitted, number), 10)


def _saved_as(handle: InteractionHandle, number: int) -> Callable[[], bool]:
    """A probe: the modal's answer says the revision was saved as ``v{number}``."""
    return lambda: handle.original is not None and f"Saved as v{number}" in handle.original.content


def _poll_message(run: Run) -> StoredMessage:
    messages = run.standin.messages(run.standin.scene.cowriting)
    return next(m for m in reversed(messages) if m.content.startswith("**Sound-off"))


def _stored_votes(run: Run, soundoff_id: int) -> dict[int, list[str]]:
    """Every stored vote row, read with the standard library (a doubled vote would show as two labels)."""
    rows: dict[int, list[str]] = {}
    with contextlib.closing(sqlite3.connect(run.database)) as conn:
        query = "SELECT member_id, label FROM votes WHERE soundoff_id = ?"
        for member_id, label in conn.execute(query, (soundoff_id,)):
            rows.setdefault(int(member_id), []).append(str(label))
    return rows


def _two_others(rng: random.Random, labels: list[str], current: str) -> tuple[str, str]:
    first, second = rng.sample([label for label in labels if label != current], 2)
    return first, second


async def bench(members: int, in_flight: int) -> int:
    started = time.perf_counter()
    rng = random.Random(7)
    async with _harness.running_bot() as run:
        standin, scene = run.standin, run.standin.scene
        await run.bot.services.guild_settings.update(scene.guild.id, cooldown_seconds=0)
        await _three_version_song(run)
        start = await standin.slash(
            "soundoff start", {"versions": "v1 v2 v3", "hours": 2}, member=scene.owner, channel=scene.cowriting
        )
        await eventually(lambda: start.original and "sound-off is open" in start.original.content, 20)
        poll = _poll_message(run)
        (soundoff,) = await run.bot.services.soundoffs.open_soundoffs()
        labels = [o.label for o in soundoff.options]
        voters = [standin.world.add_member(scene.guild, f"voter{i}") for i in range(members)]
        voting = Voting(run, poll, labels, in_flight)

        await voting.wave("first votes", [voting.single(m, rng.choice(labels)) for m in voters])
        changers = rng.sample(voters, members * 2 // 3)
        await voting.wave("changed votes", [voting.single(m, rng.choice(labels)) for m in changers])
        doublers = rng.sample(voters, members // 3)
        await voting.wave("double clicks", [voting.double(m, rng.choice(labels)) for m in doublers], clicks_per_job=2)
        conflicted = rng.sample(voters, members // 4)
        pairs = [_two_others(rng, labels, voting.expected[m.id]) for m in conflicted]
        jobs = [voting.conflict(m, pair) for m, pair in zip(conflicted, pairs, strict=True)]
        await voting.wave("two options at once", jobs, clicks_per_job=2)
        tail = rng.sample(voters, max(0, min(members, TOTAL_CLICKS - len(voting.clicks))))
        await voting.wave("mixed tail", [voting.single(m, rng.choice(labels)) for m in tail])

        stored = _stored_votes(run, soundoff.id)
        doubled = {k: v for k, v in stored.items() if len(v) > 1}
        final = {k: v[0] for k, v in stored.items()}
        lost = [m for m in voting.expected if m not in final]
        wrong = [m for m in voting.expected if m in final and final[m] != voting.expected[m]]
        run.check(not doubled, f"{len(doubled)} member(s) have more than one stored vote")
        run.check(not lost, f"{len(lost)} member(s) lost their vote")
        run.check(not wrong, f"{len(wrong)} member(s) have a stored vote other than their last click")
        run.check(set(final) <= set(voting.expected), "votes stored for members who never clicked")
        tallies = {label: sum(1 for v in final.values() if v == label) for label in labels}
        expected_tallies = {label: sum(1 for v in voting.expected.values() if v == label) for label in labels}
        run.check(tallies == expected_tallies, f"tallies {tallies} != expected {expected_tallies}")
        counted = await run.bot.services.soundoffs.tallies(soundoff.id)
        run.check(counted == expected_tallies, f"the bot's own tally {counted} != expected {expected_tallies}")
        run.check(all(c.handle.original and c.handle.original.ephemeral for c in voting.clicks), "a non-ephemeral ack")
        await asyncio.sleep(COUNT_REFRESH_WAIT)
        shown = f"{len(final)} votes so far"
        run.check(shown in poll.content, f"the sound-off shows {poll.content.splitlines()[1]!r}, expected {shown!r}")

    latencies = [ack_latency_ms(c.handle) for c in voting.clicks]
    lines = [
        f"sound-off with {len(labels)} options; {members} members; up to {in_flight} clicks in flight",
        f"clicks per wave: {', '.join(f'{name} {clicks}' for name, clicks in voting.waves)}",
        f"clicks: {len(voting.clicks)} in {voting.seconds:.2f} s -> {len(voting.clicks) / voting.seconds:.0f} votes/s",
        latency_line("ack latency, all clicks", latencies),
        f"final tallies (database): {tallies}; expected from each member's last click: {expected_tallies}",
    ]
    return _harness.finish("bench_votes (issue 7)", lines, run.failures, started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=600, help="distinct voters (default 600)")
    parser.add_argument("--in-flight", type=int, default=50, help="most clicks awaiting an ack at once (default 50)")
    args = parser.parse_args()
    _harness.run_bench(lambda: bench(args.members, args.in_flight))


if __name__ == "__main__":
    main()
