"""What the storage-fault checks cost (issue 29): the file-identity check before every commit, and the page check
(``PRAGMA quick_check``) every SQLite start runs.

Commits: rounds of ``--commits`` single-row writes through SqliteDatabase.execute (BEGIN IMMEDIATE … check …
COMMIT, WAL, synchronous=NORMAL) on a real file, with the check and with it switched off.
Start: the page check on a database of ``--songs`` songs with three versions each (its size is printed).

Run: python bench/bench_storage_checks.py [--commits N] [--songs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bot.db.migrate import open_migrated
from bot.db.sqlite import SqliteDatabase
from bot.db.sqlite_file import FileIdentity

LYRICS = json.dumps({"title": "Harbour", "sections": [{"label": "Verse 1", "lines": ["the lamps are low"] * 8}]})


async def commits(folder: Path, count: int, rounds: int = 5) -> tuple[float, float]:
    """Median µs per commit through SqliteDatabase: as shipped (checked), and with the identity check switched
    off on that instance (unchecked); rounds alternate so the machine's noise falls on both alike."""
    db = await open_migrated(folder / "checked.db")
    await db.execute("CREATE TABLE bench (id INTEGER PRIMARY KEY, body TEXT)")
    checked, unchecked = [], []
    for _ in range(rounds):
        for samples, switched_off in ((checked, False), (unchecked, True)):
            if switched_off:
                db._moved = lambda: False  # type: ignore[method-assign]  # the check, switched off for comparison
            else:
                vars(db).pop("_moved", None)
            started = time.perf_counter()
            for _ in range(count):
                await db.execute("INSERT INTO bench (body) VALUES (?)", (LYRICS,))
            samples.append((time.perf_counter() - started) / count * 1e6)
    await db.close()
    return statistics.median(checked), statistics.median(unchecked)


def identity_us(path: Path, count: int = 20_000) -> float:
    started = time.perf_counter()
    for _ in range(count):
        FileIdentity.of(path)
    return (time.perf_counter() - started) / count * 1e6


async def start_check(folder: Path, songs: int) -> tuple[float, float]:
    """(MB, ms of the page check at start) for a database holding ``songs`` songs of three versions."""
    path = folder / "big.db"
    db = await open_migrated(path)
    async with db.transaction() as tx:
        for song in range(1, songs + 1):
            await tx.execute(
                "INSERT INTO songs (id, guild_id, channel_id, owner_id, title, theme, brief_json, last_version,"
                " created_at) VALUES (?, 1, 2, 3, 'Harbour', 'harbour', '{}', 3, 0)",
                (song,),
            )
            await tx.executemany(
                "INSERT INTO versions (song_id, number, kind, author_id, author_name, lyrics_json, created_at)"
                " VALUES (?, ?, 'human-revision', 3, 'Ana', ?, 0)",
                [(song, n, LYRICS) for n in (1, 2, 3)],
            )
    await db.close()
    size = path.stat().st_size / 1e6
    times = []
    for _ in range(3):
        reopened = await SqliteDatabase.connect(path)
        started = time.perf_counter()
        await reopened._check_pages()  # what connect() ran once already; timed alone here
        times.append((time.perf_counter() - started) * 1000)
        await reopened.close()
    return size, statistics.median(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--songs", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        checked, unchecked = await commits(folder, args.commits)
        print(f"one commit: {checked:.0f} µs with the identity check, {unchecked:.0f} µs without (median of 5 rounds)")
        print(f"the identity check alone (one stat): {identity_us(folder / 'checked.db'):.2f} µs")
        size, ms = await start_check(folder, args.songs)
        print(f"page check at start: {ms:.0f} ms for {args.songs} songs × 3 versions ({size:.1f} MB)")


if __name__ == "__main__":
    asyncio.run(main())
