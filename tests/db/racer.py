"""A second process for the race tests: claims generations or casts votes on the database it is given, on cue.

    python -m tests.db.racer claim TARGET GUILD MEMBER ATTEMPTS QUOTA COOLDOWN NOW [MEMBERS]
    python -m tests.db.racer vote TARGET SOUNDOFF FIRST_MEMBER COUNT

It prints ``ready`` once connected, waits for a line on stdin (so that racers start together), runs every
attempt at once, and prints a JSON list: the claims allowed (true/false), or the members whose vote was taken.
A voter also prints ``voting`` after its first votes are in, so the test can close the sound-off mid-way.
"""

from __future__ import annotations

import asyncio
import json
import sys

from bot.db.connection import Database
from bot.db.soundoffs import SoundoffRepository, VoteRejectedError
from bot.db.usage import UsageRepository

VOTES_BEFORE_SIGNAL = 20


async def claim(
    db: Database, guild: int, member: int, attempts: int, quota: int, cooldown: int, now: float, members: int
) -> list[bool]:
    """Claim ``attempts`` times at once, for ``member`` or (``members`` > 1) for that many members in turn."""
    usage = UsageRepository(db)
    denials = await asyncio.gather(
        *(usage.claim(guild, member + n % members, cooldown=cooldown, quota=quota, now=now) for n in range(attempts))
    )
    return [denied is None for denied in denials]


async def vote(db: Database, soundoff: int, first_member: int, count: int) -> list[int]:
    repository = SoundoffRepository(db)
    taken: list[int] = []

    async def one(member: int) -> None:
        try:
            await repository.cast_vote(soundoff, member, "A")
        except VoteRejectedError:
            return
        taken.append(member)
        if len(taken) == VOTES_BEFORE_SIGNAL:
            print("voting", flush=True)

    await asyncio.gather(*(one(first_member + n) for n in range(count)))
    if len(taken) < VOTES_BEFORE_SIGNAL:
        print("voting", flush=True)
    return taken


async def main(argv: list[str]) -> None:
    command, target, *numbers = argv
    db = await Database.open(target)
    try:
        print("ready", flush=True)
        sys.stdin.readline()
        if command == "claim":
            guild, member, attempts, quota, cooldown = (int(n) for n in numbers[:5])
            members = int(numbers[6]) if len(numbers) > 6 else 1
            result: list[bool] | list[int] = await claim(
                db, guild, member, attempts, quota, cooldown, float(numbers[5]), members
            )
        else:
            soundoff, first_member, count = (int(n) for n in numbers)
            result = await vote(db, soundoff, first_member, count)
        print(json.dumps(result), flush=True)
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
